// The Electron window as shipped: security flags, no Node in the page, blocked
// navigation and new windows, denied permissions, CSP, and window.api = the contract.
// Runs only where the Electron binary exists (see global-setup.ts).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { randomUUID } from 'node:crypto'
import { apiKeys } from '../../src-main/shared/contract'

const electronPath = inject('electronPath')
const root = resolve(import.meta.dirname, '../..')

describe.skipIf(electronPath === null)('the Electron window (needs the Electron binary)', () => {
  let app: ElectronApplication
  let page: Page
  let dataDir: string

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-electron-'))
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
    app = await _electron.launch({
      executablePath: electronPath ?? '',
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), join(root, 'out/main/index.js')],
      env: { ...env, ZFS_OFFSITE_DATA_DIR: dataDir, ZFS_OFFSITE_KEYCHAIN_SERVICE: `zfs-offsite-test-${randomUUID()}` },
    })
    page = await app.firstWindow()
    await page.getByRole('navigation', { name: 'Main' }).waitFor()
  })

  afterAll(async () => {
    await app?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('gives the page the contract only through the isolated bridge, not as a page-writable global', async () => {
    const descriptor = await page.evaluate(() => {
      const d = Object.getOwnPropertyDescriptor(window, 'api')
      return d ? { writable: d.writable ?? null, configurable: d.configurable } : null
    })
    expect(descriptor).toEqual({ writable: false, configurable: false })
    expect(await page.evaluate(() => typeof (globalThis as Record<string, unknown>)['ipcRenderer'])).toBe('undefined')
  })

  it('serves the page from app:// and gives it no require, process or module', async () => {
    expect(page.url()).toMatch(/^app:\/\/zfs-offsite\//)
    expect(await page.evaluate(() => [typeof (globalThis as Record<string, unknown>)['require'], typeof (globalThis as Record<string, unknown>)['process'], typeof (globalThis as Record<string, unknown>)['module']])).toEqual([
      'undefined',
      'undefined',
      'undefined',
    ])
  })

  it('exposes exactly the contract as window.api, and it works', async () => {
    expect(await page.evaluate(() => Object.keys(window.api).sort())).toEqual([...apiKeys])
    const info = await page.evaluate(() => window.api.getAppInfo())
    expect(info).toMatchObject({ ok: true, value: { transport: 'electron' } })
  })

  it('blocks navigation away from the app and new windows', async () => {
    const before = page.url()
    await page.evaluate(() => {
      window.location.href = 'https://example.invalid/'
    })
    await page.evaluate(() => {
      window.open('https://example.invalid/', '_blank')
    })
    // The handlers run synchronously in the main process before any load starts.
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
    expect(page.url()).toBe(before)
  })

  it('denies permission requests and refuses eval under the CSP', async () => {
    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied')
    expect(
      await page.evaluate(() => {
        try {
          return String(eval('1 + 1'))
        } catch {
          return 'blocked'
        }
      }),
    ).toBe('blocked')
  })
})
