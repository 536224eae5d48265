// Desktop notifications in the packaged window: a run that was going when the app last
// quit is followed again on start (a local OpenSSH server stands in for the NAS, the
// test writes the run's state file the way the run script does), it ends failed, and
// the main process shows a desktop Notification with the run's cause while the page
// lists it too. Also: the login item follows the `startAtLogin` preference where the
// system has login items (macOS, Windows). Runs only where the Electron binary exists.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { randomUUID } from 'node:crypto'
import { createAppContext } from '../../src-main/services/app-context'
import { openConfBackend } from '../../src-main/adapters/config/conf-backend'
import { fingerprintOfPublicKeyLine } from '../../src-main/adapters/ssh/host-key'
import type { RunRecord } from '../../src-main/shared/model'
import { startLocalSshd, type LocalSshd } from '../unit/adapters/ssh/local-sshd'

const electronPath = inject('electronPath')
const root = resolve(import.meta.dirname, '../..')

let clock = 1_795_000_000_000_000
const line = (...fields: (string | number)[]) => `${(clock += 1000)}\t${fields.join('\t')}\n`

describe.skipIf(electronPath === null)('desktop notifications (needs the Electron binary)', () => {
  let app: ElectronApplication
  let page: Page
  let sshd: LocalSshd
  let dataDir: string
  let stateFile: string
  const keychainService = `zfs-offsite-test-${randomUUID()}`

  beforeAll(async () => {
    sshd = await startLocalSshd()
    dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-electron-notify-'))
    // The config an earlier session left: the NAS (this machine's sshd), a job, and a run still going on the NAS.
    const seeding = createAppContext({ dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService })
    const s = seeding.services
    const nas = await s.addHost({ label: 'NAS', role: 'nas', address: '127.0.0.1', port: sshd.port, user: sshd.user, auth: 'key-file', keyFilePath: join(sshd.dir, 'user'), reachedThroughNas: false })
    await s.connectHost({ id: nas.id })
    await s.trustHostKey({ id: nas.id, fingerprint: fingerprintOfPublicKeyLine(sshd.hostKeyPub) })
    const off = await s.addHost({ label: 'Off-site', role: 'offsite', address: 'localhost', port: sshd.port, user: sshd.user, auth: 'key-file', keyFilePath: join(sshd.dir, 'user'), reachedThroughNas: false })
    const job = await s.addJob({ name: 'Plain', sourceHostId: nas.id, targetHostId: off.id, sources: [{ dataset: 'tank/plain', recursive: false }], exclusions: [], targetParent: 'backup/nas', raw: false, intermediates: true, stallSeconds: 600 })
    const stateDir = join(dataDir, 'nas-runs', 'run-electron')
    mkdirSync(stateDir, { recursive: true })
    stateFile = join(stateDir, 'state.tsv')
    // The test's own pid is alive: the run counts as going until its end is written.
    writeFileSync(stateFile, line('run-start', 'run-electron', process.pid, process.pid, 1) + line('step-start', 0, 'tank/plain', 'backup/nas/plain', 'full copy of tank/plain@c'))
    const run: RunRecord = {
      id: 'run-electron',
      jobId: job.id,
      startedAt: new Date().toISOString(),
      outcome: 'running',
      bytes: 0,
      datasets: 1,
      notes: [],
      transfers: [{ source: 'tank/plain', target: 'backup/nas/plain', label: 'full copy of tank/plain@c', status: 'waiting', bytesDone: 0, bytesTotal: null, resumedFromBytes: 0, expectNewestGuid: null }],
      nasHostId: nas.id,
      stateDir,
      systemd: false,
    }
    seeding.config.update((c) => {
      c.runs.push(run)
    })
    seeding.dispose()

    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
    app = await _electron.launch({
      executablePath: electronPath ?? '',
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), join(root, 'out/main/index.js')],
      env: { ...env, ZFS_OFFSITE_DATA_DIR: dataDir, ZFS_OFFSITE_KEYCHAIN_SERVICE: keychainService },
    })
    page = await app.firstWindow()
    await page.getByRole('navigation', { name: 'Main' }).waitFor()
    // Record what the main process shows, then let the real Notification show it.
    await app.evaluate(({ Notification }) => {
      const shown: { title: string; body: string }[] = []
      ;(globalThis as Record<string, unknown>)['__shownNotifications'] = shown
      const show = Notification.prototype.show
      Notification.prototype.show = function (this: InstanceType<typeof Notification>) {
        shown.push({ title: this.title, body: this.body })
        return show.call(this)
      }
    })
  }, 90_000)

  afterAll(async () => {
    await app?.close()
    await sshd?.dispose()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('shows a desktop notification with the cause when a followed run ends failed, and the page lists it', async () => {
    const supported = await app.evaluate(({ Notification }) => Notification.isSupported())
    appendFileSync(stateFile, line('stderr', 0, 'cannot receive new filesystem stream: out of space') + line('step-end', 0, '0 1') + line('run-end', 'failed'))

    await page.getByRole('log', { name: 'Notifications' }).getByText('Backup “Plain” failed', { exact: true }).waitFor({ timeout: 30_000 })
    if (!supported) {
      // Said plainly rather than passed silently: this system has no notification service.
      console.log('notifications test: Notification.isSupported() is false here; only the page’s list was checked.')
      return
    }
    const shown = async () => app.evaluate(() => (globalThis as Record<string, unknown>)['__shownNotifications'] as { title: string; body: string }[])
    await expect.poll(shown, { timeout: 30_000 }).toHaveLength(1)
    const [n] = await shown()
    expect(n!.title).toBe('Backup “Plain” failed')
    expect(n!.body).toMatch(/^The pool is full\./)
  }, 60_000)

  it('applies “start at login” to the system’s login items where there are any', async () => {
    const r = await page.evaluate(() => window.api.updateSettings({ startAtLogin: true }))
    expect(r.ok).toBe(true)
    const platform = await app.evaluate(() => process.platform)
    const openAtLogin = () => app.evaluate(({ app: a }) => a.getLoginItemSettings().openAtLogin)
    if (platform === 'darwin' || platform === 'win32') {
      await expect.poll(openAtLogin).toBe(true)
      await page.evaluate(() => window.api.updateSettings({ startAtLogin: false }))
      await expect.poll(openAtLogin).toBe(false)
    } else {
      // Electron has no login items on Linux: the preference is kept, the system is left alone.
      expect(await openAtLogin()).toBe(false)
    }
  })
})
