// The web bridge against a real socket on loopback, with the real built client absent:
// these tests speak the wire protocol directly with the ws client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { startBridge, type Bridge } from '../../../src-main/bridge/bridge-server'
import { makeTestContext, type TestContext } from '../services/app-context-fixture'

let t: TestContext
let bridge: Bridge
let staticDir: string

beforeAll(async () => {
  t = makeTestContext()
  staticDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-static-'))
  mkdirSync(join(staticDir, 'renderer'))
  writeFileSync(join(staticDir, 'renderer', 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>')
  writeFileSync(join(staticDir, 'client.js'), 'window.clientLoaded = true')
  writeFileSync(join(staticDir, 'secret.txt'), 'outside the renderer folder')
  bridge = await startBridge({ context: t.ctx, rendererDir: join(staticDir, 'renderer'), bridgeClientFile: join(staticDir, 'client.js') })
})
afterAll(async () => {
  await bridge.close()
  await t.cleanup()
  rmSync(staticDir, { recursive: true, force: true })
})

/** Opens a socket and resolves with the HTTP status it was refused with, or 101 when accepted. */
function tryConnect(query: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api${query}`, { headers })
    ws.on('open', () => {
      ws.close()
      resolve(101)
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', () => undefined)
  })
}

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api?token=${encodeURIComponent(bridge.token)}`)
    ws.on('open', () => resolve(ws))
    ws.on('error', reject)
  })
}

function nextMessage(ws: WebSocket, match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: unknown): void => {
      const m = JSON.parse(String(data)) as Record<string, unknown>
      if (match(m)) {
        ws.off('message', onMessage)
        resolve(m)
      }
    }
    ws.on('message', onMessage)
  })
}

describe('the web bridge', () => {
  it('listens on loopback only and puts a long random token in the address fragment', () => {
    expect(bridge.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${bridge.port}/#token=[A-Za-z0-9_-]{32}$`))
  })

  it('refuses a socket without the token, with a wrong token, or from another origin', async () => {
    expect(await tryConnect('')).toBe(401)
    expect(await tryConnect('?token=wrong')).toBe(401)
    expect(await tryConnect(`?token=${bridge.token.slice(0, -1)}x`)).toBe(401)
    expect(await tryConnect(`?token=${encodeURIComponent(bridge.token)}`, { Origin: 'http://evil.example' })).toBe(401)
    expect(await tryConnect(`?token=${encodeURIComponent(bridge.token)}`, { Origin: `http://127.0.0.1:${bridge.port}` })).toBe(101)
  })

  it('answers contract calls with Results and refuses other names', async () => {
    const ws = await open()
    const info = nextMessage(ws, (m) => m['id'] === 1)
    ws.send(JSON.stringify({ id: 1, method: 'getAppInfo', input: {} }))
    expect(((await info)['result'] as { value: { transport: string } }).value.transport).toBe('bridge')
    const bad = nextMessage(ws, (m) => m['id'] === 2)
    ws.send(JSON.stringify({ id: 2, method: 'constructor', input: {} }))
    expect(((await bad)['result'] as { error: { code: string } }).error.code).toBe('UNKNOWN_METHOD')
    ws.close()
  })

  it('pushes contract events to connected pages', async () => {
    const ws = await open()
    const event = nextMessage(ws, (m) => m['kind'] === 'event' && (m['payload'] as { msg: string }).msg === 'host added')
    ws.send(JSON.stringify({ id: 1, method: 'addHost', input: { label: 'N', role: 'nas', address: 'nas.lan', user: 'root' } }))
    expect((await event)['event']).toBe('log')
    ws.close()
  })

  it('serves the renderer with the web transport injected and the CSP header, and nothing outside it', async () => {
    const base = `http://127.0.0.1:${bridge.port}`
    const page = await fetch(`${base}/`)
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/)
    expect(await page.text()).toContain('<head><script src="/bridge-client.js"></script>')
    expect(await (await fetch(`${base}/bridge-client.js`)).text()).toBe('window.clientLoaded = true')
    const escape = await fetch(`${base}/..%2fsecret.txt`)
    expect([403, 404]).toContain(escape.status)
    expect(await escape.text()).not.toContain('outside the renderer folder')
  })
})
