// The setup wizard through the UI (issue 7's done-when), in Chromium through the web
// bridge, against the real services and the lab's two bare VMs: an unreachable endpoint
// and a port in use are refused with the hosts left as they were; then tunnel, receive
// user, a new pool on the off-site box's empty disk (confirmed by typing its id),
// preflight and the job, whose first copy arrives off-site; re-running changes nothing;
// undo, ending with Remove tunnel, brings both hosts back to their bare state.
// Needs the built renderer (npm run build) and the keychain (scripts/with-keyring.sh).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { ensureUiPrerequisites } from './ui-prerequisites'
import { freshPools, labHosts, resetToBare, type Lab } from './hosts'
import { destroyHeldScript, footprint, WG } from './wizard-footprint'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from '../renderer/support/browser'
import { startTestApp, type TestApp } from '../renderer/support/test-app'
import type { Host } from '../../src-main/shared/model'

let lab: Lab
let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page
let nas: Host
let offsite: Host
/** Both VMs as they were before the wizard, with the test's source dataset in place. */
let bare: string

const STEP_MS = 300_000

const step = (title: string): Locator => page.getByRole('region', { name: title, exact: true })
const done = (region: Locator): Locator => region.getByRole('status').filter({ hasText: /^(Done|Skipped)\./ })
const alert = (region: Locator): Locator => region.getByRole('alert')

async function showStep(title: string): Promise<Locator> {
  await page.getByRole('list', { name: 'Setup steps' }).getByRole('button', { name: title, exact: true }).click()
  const region = step(title)
  await region.waitFor()
  return region
}

/** Runs a step that is already done once more and waits for its answer. */
async function runAgain(region: Locator, runLabel: string, fill?: () => Promise<void>): Promise<void> {
  await region.getByRole('button', { name: 'Run this step again' }).click()
  await fill?.()
  await region.getByRole('button', { name: runLabel, exact: true }).click()
  await region.getByRole('button', { name: 'Run this step again' }).waitFor({ timeout: STEP_MS })
  expect(await alert(region).count()).toBe(0)
}

async function undo(region: Locator, dialogName: string, confirm: string): Promise<void> {
  const button = dialogName === 'Remove the tunnel?' ? 'Remove tunnel' : 'Undo this step'
  await region.getByRole('button', { name: button, exact: true }).click()
  const dialog = page.getByRole('dialog', { name: dialogName })
  await dialog.getByRole('button', { name: confirm, exact: true }).click()
  await dialog.waitFor({ state: 'detached', timeout: STEP_MS })
}

beforeAll(async () => {
  ensureUiPrerequisites('wizard-ui.lab.test.ts')
  lab = await labHosts()
  await resetToBare()
  await freshPools()
  await lab.nas.run('zfs create tank/uiwiz && head -c 2M /dev/urandom > /tank/uiwiz/a.bin && zfs snapshot tank/uiwiz@first')
  bare = await footprint(lab, { restarts: false })
  // A short wait for the handshake keeps the unreachable-endpoint case brief.
  testApp = await startTestApp({ tunnelDeadlineMs: 30_000 })
  // The hosts are added and confirmed through the services (the Hosts screen and the
  // wizard's own host form have their own tests).
  const { services } = testApp.context
  const trusted = async (input: Parameters<typeof services.addHost>[0], fingerprint: string): Promise<Host> => {
    const host = await services.addHost(input)
    await services.connectHost({ id: host.id })
    return services.trustHostKey({ id: host.id, fingerprint })
  }
  nas = await trusted(
    { label: 'Lab NAS', role: 'nas', address: '127.0.0.1', port: lab.nas.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.nas.privateKeyPath, reachedThroughNas: false },
    lab.nas.hostKeyFingerprint,
  )
  offsite = await trusted(
    { label: 'Lab off-site', role: 'offsite', address: '127.0.0.1', port: lab.offsite.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.offsite.privateKeyPath, reachedThroughNas: false },
    lab.offsite.hostKeyFingerprint,
  )
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
}, 600_000)

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
  if (lab) {
    await lab.offsite.run(destroyHeldScript('copies/nas'), { allowFail: true })
    await lab.offsite.run('zpool destroy copies', { allowFail: true })
    await lab.nas.run(destroyHeldScript('tank/uiwiz'), { allowFail: true })
    await resetToBare()
  }
}, 600_000)

describe('the setup wizard in the UI, from two bare lab VMs', () => {
  it('refuses an unreachable endpoint and a port in use, leaving the hosts as they were', async () => {
    await goTo(page, 'Set up')
    const hosts = step('Choose hosts')
    await hosts.getByLabel('NAS (copy from)').selectOption(nas.id)
    await hosts.getByLabel('Off-site box (copy to)').selectOption(offsite.id)
    await hosts.getByRole('button', { name: 'Continue with these hosts' }).click()

    const tunnel = step('Tunnel')
    await tunnel.waitFor()
    // An address on the lab's link that no host has.
    await tunnel.getByLabel('Off-site box’s public address').fill('192.168.99.77')
    await tunnel.getByRole('button', { name: 'Set up the tunnel', exact: true }).click()
    await alert(tunnel).waitFor({ timeout: STEP_MS })
    await expect.poll(() => alert(tunnel).innerText()).toMatch(/have not reached each other/)
    expect(await alert(tunnel).innerText()).toMatch(/What this step had changed on the hosts was put back\./)
    await page.screenshot({ path: screenshotPath('lab-wizard-unreachable'), fullPage: true })
    expect(await footprint(lab, { restarts: false })).toBe(bare)

    // Someone's own WireGuard interface holds UDP 51999 on the off-site box.
    await lab.offsite.run('ip link add zfsoport type wireguard && wg set zfsoport listen-port 51999 && ip link set zfsoport up')
    const withPort = await footprint(lab, { restarts: false })
    try {
      await tunnel.getByLabel('Off-site box’s public address').fill(lab.offsite.linkIp)
      await tunnel.getByLabel('UDP port on the off-site box (optional)').fill('51999')
      await tunnel.getByRole('button', { name: 'Set up the tunnel', exact: true }).click()
      await expect.poll(() => alert(tunnel).innerText(), { timeout: STEP_MS }).toMatch(/UDP port 51999 is already in use on the off-site box/)
      expect(await alert(tunnel).innerText()).toMatch(/Nothing was changed\./)
      expect(await footprint(lab, { restarts: false })).toBe(withPort)
    } finally {
      await lab.offsite.run('ip link del zfsoport')
    }
  }, 900_000)

  it('sets up tunnel, receive user, a new pool on the empty disk, preflight and job, and the first copy arrives', async () => {
    const tunnel = step('Tunnel')
    await tunnel.getByLabel('UDP port on the off-site box (optional)').fill('')
    await tunnel.getByRole('button', { name: 'Set up the tunnel', exact: true }).click()
    await done(tunnel).waitFor({ timeout: STEP_MS })
    await tunnel.getByRole('region', { name: 'Firewall advice' }).waitFor()
    // Checked on the VMs themselves: a handshake, and the tunnel carries pings.
    const hs = (await lab.nas.run(`wg show ${WG} latest-handshakes`)).stdout.trim().split(/\s+/)
    expect(Number(hs[1])).toBeGreaterThan(0)
    const tunnelAddress = (await lab.offsite.run(`ip -4 -o addr show ${WG} | awk '{ print $4 }' | cut -d/ -f1`)).stdout.trim()
    await lab.nas.run(`ping -c1 -W5 ${tunnelAddress}`)
    await tunnel.getByRole('button', { name: 'Next' }).click()

    const receive = step('Receive user')
    await expect.poll(() => receive.getByLabel('Receive user on the off-site box').inputValue()).toBe('zfsreceive')
    await receive.getByRole('button', { name: 'Create the receive user', exact: true }).click()
    await done(receive).waitFor({ timeout: STEP_MS })
    expect((await lab.offsite.run('cat /home/zfsreceive/.ssh/authorized_keys')).stdout).toMatch(/^restrict,from="[0-9.]+",command="[^"]+" ssh-ed25519 /m)
    await receive.getByRole('button', { name: 'Next' }).click()

    const destination = step('Destination')
    await destination.getByLabel('Parent dataset on the off-site box').fill('copies/nas')
    await destination.getByRole('radio', { name: 'Make a new pool on an empty disk' }).check()
    const disks = destination.getByRole('group', { name: 'Empty disk for the new pool' })
    await disks.getByRole('radio', { name: /^virtio-spare/ }).check()
    // Only the empty disk can be chosen: the system disk and the pool's disk are shown disabled.
    expect(await disks.getByRole('radio', { name: /^virtio-labroot/ }).isDisabled()).toBe(true)
    expect(await disks.getByRole('radio', { name: /^virtio-pool/ }).isDisabled()).toBe(true)
    const erase = destination.getByRole('button', { name: 'Erase the disk and prepare the destination', exact: true })
    await destination.getByLabel('Type the disk’s id to confirm').fill('virtio-spar')
    expect(await erase.isDisabled()).toBe(true)
    await destination.getByLabel('Type the disk’s id to confirm').fill('virtio-spare')
    await erase.click()
    await done(destination).waitFor({ timeout: STEP_MS })
    expect((await lab.offsite.run('zpool list -H -o name,health copies')).stdout.trim()).toBe('copies\tONLINE')
    expect((await lab.offsite.run('zpool status -P copies')).stdout).toContain('/dev/disk/by-id/virtio-spare')
    expect((await lab.offsite.run('zfs get -H -o value canmount,readonly copies/nas')).stdout.trim().split('\n')).toEqual(['off', 'on'])
    await destination.getByRole('button', { name: 'Next' }).click()

    const preflight = step('Preflight')
    const readDatasets = preflight.getByRole('button', { name: 'Read the NAS’s datasets' })
    if (await readDatasets.isVisible()) await readDatasets.click()
    await preflight.getByRole('group', { name: 'Datasets to copy' }).getByRole('checkbox', { name: 'tank/uiwiz', exact: true }).check()
    await preflight.getByRole('button', { name: 'Run the checks', exact: true }).click()
    await done(preflight).waitFor({ timeout: STEP_MS })
    const found = preflight.getByRole('region', { name: 'What the checks found' })
    // The source is not encrypted: said plainly.
    await expect.poll(() => found.innerText()).toMatch(/plain|not encrypted/i)
    await preflight.getByRole('button', { name: 'Next' }).click()

    const job = step('Job')
    await job.getByLabel('Job name').fill('UI wizard copy')
    await job.getByRole('button', { name: 'Create the job', exact: true }).click()
    await done(job).waitFor({ timeout: STEP_MS })
    await page.screenshot({ path: screenshotPath('lab-wizard-done'), fullPage: true })
    await job.getByRole('button', { name: 'Start first copy' }).click()
    await page.getByRole('heading', { level: 1, name: 'Transfers', exact: true }).waitFor()
    await page.getByRole('list', { name: 'Past transfers, newest first' }).getByText('Copied', { exact: true }).first().waitFor({ timeout: STEP_MS })
    const guid = async (h: 'nas' | 'offsite', snap: string) => (await lab[h].run(`zfs get -Hp -o value guid ${snap}`)).stdout.trim()
    expect(await guid('offsite', 'copies/nas/uiwiz@first')).toBe(await guid('nas', 'tank/uiwiz@first'))
  }, 1_800_000)

  it('re-running the wizard’s steps changes nothing on the hosts', async () => {
    const before = await footprint(lab)
    await goTo(page, 'Set up')
    await runAgain(await showStep('Tunnel'), 'Set up the tunnel', async () => {
      await step('Tunnel').getByLabel('Off-site box’s public address').fill(lab.offsite.linkIp)
    })
    await runAgain(await showStep('Receive user'), 'Create the receive user')
    await runAgain(await showStep('Destination'), 'Prepare the destination', async () => {
      await step('Destination').getByLabel('Parent dataset on the off-site box').fill('copies/nas')
    })
    expect(await footprint(lab)).toBe(before)
  }, 1_200_000)

  it('undo keeps a destination that holds a copy, then removes everything, and Remove tunnel brings back the bare hosts', async () => {
    await undo(await showStep('Job'), 'Undo “Job”?', 'Undo step')
    expect(await testApp.context.services.listJobs({})).toEqual([])
    await undo(await showStep('Preflight'), 'Undo “Preflight”?', 'Undo step')

    const destination = await showStep('Destination')
    await undo(destination, 'Undo “Destination”?', 'Undo step')
    await expect.poll(() => alert(destination).innerText(), { timeout: STEP_MS }).toMatch(/already holds copies/)
    expect((await lab.offsite.run('zfs list -H -o name copies/nas/uiwiz@first')).stdout.trim()).toBe('copies/nas/uiwiz@first')
    // The person removes the copy themselves; then undo goes on, the new pool included.
    await lab.offsite.run(destroyHeldScript('copies/nas/uiwiz'))
    await undo(destination, 'Undo “Destination”?', 'Undo step')
    await expect.poll(async () => (await lab.offsite.run('zpool list -H -o name copies', { allowFail: true })).code, { timeout: STEP_MS }).not.toBe(0)

    await undo(await showStep('Receive user'), 'Undo “Receive user”?', 'Undo step')
    await undo(await showStep('Tunnel'), 'Remove the tunnel?', 'Remove tunnel')
    await expect.poll(async () => (await lab.nas.run(`ip link show ${WG}`, { allowFail: true })).code, { timeout: STEP_MS }).not.toBe(0)
    await page.screenshot({ path: screenshotPath('lab-wizard-removed'), fullPage: true })
    expect(await footprint(lab, { restarts: false })).toBe(bare)
  }, 1_200_000)
})
