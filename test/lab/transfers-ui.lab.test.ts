// A first send from the UI, in Chromium through the web bridge, against the real services
// and the lab's NAS and off-site box: make the job in the Jobs form, start it, and watch
// the Transfers screen's progress bar move to done while the data crosses the tunnel.
// Needs the built renderer (npm run build) and the keychain (scripts/with-keyring.sh).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ensureUiPrerequisites } from './ui-prerequisites'
import { labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from '../renderer/support/browser'
import { startTestApp, type TestApp } from '../renderer/support/test-app'
import type { Host } from '../../src-main/shared/model'

let lab: Lab
let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page

beforeAll(async () => {
  ensureUiPrerequisites('transfers-ui.lab.test.ts')
  lab = await labHosts()
  await prepareTunnelAndReceiveUser()
  await lab.nas.run(
    `set -e
     zfs destroy -r tank/ui-photos 2>/dev/null || true
     zfs create tank/ui-photos
     head -c 5M /dev/urandom > /tank/ui-photos/a.bin
     zfs snapshot tank/ui-photos@first`,
  )
  await lab.offsite.run(
    `set -e
     zfs destroy -r backup/ui 2>/dev/null || true
     zfs create -o canmount=off backup/ui
     zfs allow -u zfsreceive create,mount,receive backup/ui`,
  )
  testApp = await startTestApp()
  // The hosts are added and confirmed through the services (the Hosts screen has its own test).
  const { services } = testApp.context
  const trusted = async (input: Parameters<typeof services.addHost>[0], fingerprint: string): Promise<Host> => {
    const host = await services.addHost(input)
    await services.connectHost({ id: host.id })
    return services.trustHostKey({ id: host.id, fingerprint })
  }
  await trusted(
    { label: 'Lab NAS', role: 'nas', address: '127.0.0.1', port: lab.nas.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.nas.privateKeyPath, reachedThroughNas: false },
    lab.nas.hostKeyFingerprint,
  )
  await trusted(
    { label: 'Lab off-site', role: 'offsite', address: '127.0.0.1', port: lab.offsite.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.offsite.privateKeyPath, reachedThroughNas: false },
    lab.offsite.hostKeyFingerprint,
  )
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
})

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
  await lab?.nas.run('zfs destroy -r tank/ui-photos', { allowFail: true })
  await lab?.offsite.run('zfs destroy -r backup/ui', { allowFail: true })
})

describe('a first send from the UI', () => {
  it('makes the job, starts it, and the progress bar moves to done while the copy arrives off-site', async () => {
    await goTo(page, 'Jobs')
    const form = page.getByRole('form', { name: 'New job' })
    await form.getByLabel('Name', { exact: true }).fill('Lab photos')
    await form.getByLabel('Dataset to copy').fill('tank/ui-photos')
    await form.getByLabel('Parent dataset on the off-site box').fill('backup/ui')
    // Slow enough to watch: about five seconds for the 5 MiB.
    await form.getByLabel('Rate limit (MiB/s)').fill('1')
    await form.getByLabel('Address the NAS uses').fill(lab.offsite.tunnelIp)
    await form.getByLabel('Receive user').fill('zfsreceive')
    await form.getByRole('button', { name: 'Add job' }).click()
    const card = page.getByRole('list', { name: 'Jobs' }).getByRole('listitem', { name: 'Lab photos', exact: true })
    await card.waitFor()

    await card.getByRole('button', { name: 'Check plan for Lab photos' }).click()
    const plan = card.getByRole('region', { name: 'Plan for Lab photos' })
    await plan.getByText('First copy', { exact: false }).waitFor({ timeout: 120_000 })
    await page.screenshot({ path: screenshotPath('lab-job-plan'), fullPage: true })

    await card.getByRole('button', { name: 'Start Lab photos' }).click()
    const bar = page.getByRole('progressbar', { name: 'Transfer of Lab photos' })
    await bar.waitFor({ timeout: 120_000 })
    // The bar's value as it moves: it must go up while sending and reach 100.
    const seen: number[] = []
    await expect
      .poll(
        async () => {
          const v = Number(await bar.getAttribute('aria-valuenow'))
          if (Number.isFinite(v) && seen.at(-1) !== v) seen.push(v)
          return v
        },
        { timeout: 300_000, interval: 250 },
      )
      .toBe(100)
    await page.screenshot({ path: screenshotPath('lab-transfer-done'), fullPage: true })
    expect(seen.some((v) => v > 0 && v < 100)).toBe(true)
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!)

    // The history shows the run as copied, and the copy is really there.
    await page.getByRole('list', { name: 'Past transfers, newest first' }).getByText('Copied', { exact: true }).first().waitFor({ timeout: 120_000 })
    const guid = async (host: 'nas' | 'offsite', snap: string) => (await lab[host].run(`zfs get -Hp -o value guid ${snap}`)).stdout.trim()
    expect(await guid('offsite', 'backup/ui/ui-photos@first')).toBe(await guid('nas', 'tank/ui-photos@first'))
  })
})
