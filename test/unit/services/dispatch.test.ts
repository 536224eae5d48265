import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { dispatch } from '../../../src-main/services/dispatch'
import { makeTestContext, type TestContext } from './app-context-fixture'

let t: TestContext
beforeAll(() => {
  t = makeTestContext()
})
afterAll(() => t.cleanup())

const call = (method: unknown, input?: unknown) => dispatch(t.ctx.services, t.ctx.logger, method, input)

describe('dispatch', () => {
  it('refuses names outside the contract, including inherited object keys', async () => {
    for (const name of ['toString', '__proto__', 'constructor', 'deleteEverything', 42]) {
      const r = await call(name, {})
      expect(r.ok === false && r.error.code, String(name)).toBe('UNKNOWN_METHOD')
    }
  })

  it('answers bad input with the problem and a fix, and changes nothing', async () => {
    const before = readFileSync(t.ctx.info.configFile, 'utf8')
    const r = await call('addHost', { label: 'NAS', role: 'nas', address: 'nas.local; rm -rf /', user: 'root' })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('INVALID_INPUT')
    expect(r.error.cause).toMatch(/address may hold only/)
    expect(r.error.details).toMatch(/^address:/)
    expect(r.error.fix).toMatch(/Nothing was changed/)
    expect(readFileSync(t.ctx.info.configFile, 'utf8')).toBe(before)
  })

  it('refuses unknown fields instead of storing them', async () => {
    const r = await call('updateSettings', { theme: 'dark', sneaky: true })
    expect(r.ok === false && r.error.code).toBe('INVALID_INPUT')
  })

  it('adds, lists and removes a host, refusing a duplicate', async () => {
    const input = { label: 'Friend', role: 'offsite', address: '10.99.0.2', user: 'zfsreceive', reachedThroughNas: true }
    const added = await call('addHost', input)
    expect(added.ok).toBe(true)
    const dup = await call('addHost', { ...input, label: 'Again' })
    expect(dup.ok === false && dup.error.code).toBe('ALREADY_EXISTS')
    const list = await call('listHosts')
    expect(list.ok && (list.value as Array<{ label: string; port: number }>).map((h) => [h.label, h.port])).toEqual([['Friend', 22]])
    const id = added.ok ? (added.value as { id: string }).id : ''
    expect(await call('removeHost', { id })).toEqual({ ok: true, value: { removed: id } })
    const missing = await call('removeHost', { id })
    expect(missing.ok === false && missing.error.code).toBe('NOT_FOUND')
  })

  it('updates preferences and answers with the whole set', async () => {
    expect(await call('updateSettings', { theme: 'dark' })).toEqual({ ok: true, value: { theme: 'dark', notifyOnFailure: true, notifyWhenOlderThanHours: 48, startAtLogin: false, checkEveryMinutes: 30, fireDrillEveryDays: null } })
    expect(await call('getSettings')).toEqual({ ok: true, value: { theme: 'dark', notifyOnFailure: true, notifyWhenOlderThanHours: 48, startAtLogin: false, checkEveryMinutes: 30, fireDrillEveryDays: null } })
  })

  it('reads recent log entries written by the calls above', async () => {
    const r = await call('recentLogs', { limit: 5 })
    expect(r.ok).toBe(true)
    const msgs = r.ok ? (r.value as Array<{ msg: string }>).map((e) => e.msg) : []
    expect(msgs).toContain('preferences changed')
  })
})
