// The Set up screen against the real services and config file. Without the lab there is
// no ZFS or WireGuard here, so what is tested is what is real without them: choosing
// hosts (a wrong role refused by the services, a wrong password when installing the
// app's key against a real sshd on loopback), resuming a stored wizard at the right step
// with the right statuses, Undo's confirmation listing exactly what was recorded, Back
// undoing nothing, and the guided pool's typed confirmation. The tests share one app
// and run in order.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { parseDiskSurvey } from '../../src-main/core/pool/list-disks'
import type { Config } from '../../src-main/shared/model'
import type { WizardState } from '../../src-main/shared/wizard'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from './support/browser'
import { fixture } from '../support/fixtures'
import { hostRecord } from './support/seed'
import { startTestApp, type TestApp } from './support/test-app'
import { startLocalSshd, type LocalSshd } from '../unit/adapters/ssh/local-sshd'

let sshd: LocalSshd
let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page
/** What reached the services' undoWizardStep (the real one still runs). */
const undoCalls: unknown[] = []

const AT = '2026-11-20T10:00:00.000Z'

/** A tunnel made and verified, then the receive user's step cut off by the app quitting. */
const RESUMED: WizardState = {
  version: 1,
  nasHostId: 'nas-1',
  offsiteHostId: 'offsite-1',
  updatedAt: AT,
  steps: {
    tunnel: {
      status: 'succeeded',
      finishedAt: AT,
      created: [
        { kind: 'wg-key', host: 'nas', interface: 'wg-zfs' },
        { kind: 'wg-key', host: 'offsite', interface: 'wg-zfs' },
        { kind: 'wg-conf', host: 'nas', interface: 'wg-zfs' },
        { kind: 'wg-unit', host: 'nas', interface: 'wg-zfs' },
        { kind: 'wg-conf', host: 'offsite', interface: 'wg-zfs' },
        { kind: 'wg-unit', host: 'offsite', interface: 'wg-zfs' },
      ],
      result: {
        kind: 'tunnel',
        interface: 'wg-zfs',
        nasAddress: '10.99.0.1',
        offsiteAddress: '10.99.0.2',
        prefixLength: 30,
        nasPort: 51820,
        offsitePort: 51821,
        nasPublicKey: 'n'.repeat(43) + '=',
        offsitePublicKey: 'o'.repeat(43) + '=',
      },
    },
    'receive-user': {
      status: 'interrupted',
      during: 'run',
      startedAt: AT,
      created: [
        { kind: 'nas-key', host: 'nas', path: '/root/.ssh/zfs-offsite_ed25519' },
        { kind: 'receive-user', host: 'offsite', user: 'zfsreceive' },
      ],
    },
    destination: { status: 'pending' },
    preflight: { status: 'pending' },
    job: { status: 'pending' },
  },
}

beforeAll(async () => {
  sshd = await startLocalSshd()
  testApp = await startTestApp({
    config: {
      hosts: [
        // The NAS signs in with the app's key, which is not on the loopback sshd (and passwords are off there).
        hostRecord({ id: 'nas-1', label: 'Home NAS', role: 'nas', address: '127.0.0.1', port: sshd.port, user: sshd.user }),
        hostRecord({ id: 'offsite-1', label: 'Friend’s box', role: 'offsite', address: 'friend.example.net', user: 'root' }),
      ],
    },
  })
  const services = testApp.context.services
  const undo = services.undoWizardStep
  services.undoWizardStep = (input) => {
    undoCalls.push(input)
    return undo(input)
  }
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
})
afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
  await sshd?.dispose()
})

const configText = () => readFileSync(testApp.configFile, 'utf8')
const stored = () => JSON.parse(configText()) as Config
const stepList = () => page.getByRole('list', { name: 'Setup steps' })
const stepItem = (name: string) => stepList().getByRole('listitem', { name, exact: true })
const stepRegion = (name: string) => page.getByRole('region', { name, exact: true })

async function reloadSetup(): Promise<void> {
  await page.reload()
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
  await goTo(page, 'Set up')
}

describe('the Set up screen', () => {
  it('offers the hosts by role; the hosts in the wrong roles get the services’ cause and fix, and no wizard starts', async () => {
    await goTo(page, 'Set up')
    const hosts = stepRegion('Choose hosts')
    await hosts.waitFor()
    const nas = hosts.getByLabel('NAS (copy from)')
    const offsite = hosts.getByLabel('Off-site box (copy to)')
    expect(await nas.inputValue()).toBe('nas-1')
    expect(await offsite.inputValue()).toBe('offsite-1')
    // The steps cannot be opened before the wizard starts.
    expect(await stepItem('Tunnel').getByRole('button', { name: 'Tunnel' }).isDisabled()).toBe(true)

    await nas.selectOption('offsite-1')
    await offsite.selectOption('nas-1')
    await hosts.getByRole('button', { name: 'Continue with these hosts' }).click()
    const alert = hosts.getByRole('alert')
    await alert.waitFor()
    const paragraphs = await alert.locator('p').allTextContents()
    expect(paragraphs[0]).toBe('“Friend’s box” was added as an off-site box, not as the NAS.')
    expect(paragraphs[1]).toBe('Choose the NAS as the source and the off-site box as the target, or edit the hosts’ roles. Nothing was changed.')
    await page.screenshot({ path: screenshotPath('wizard-role-mismatch'), fullPage: true })
    expect(stored().wizard).toBeNull()
    await stepRegion('Choose hosts').waitFor()
    expect(await stepItem('Tunnel').getByRole('button', { name: 'Tunnel' }).isDisabled()).toBe(true)
  })

  it('a wrong password when installing the app’s key shows the cause, then the fix, and leaves the host as it was', async () => {
    const hosts = stepRegion('Choose hosts')
    await hosts.getByLabel('NAS (copy from)').selectOption('nas-1')
    await hosts.getByLabel('Off-site box (copy to)').selectOption('offsite-1')
    const nas = hosts.getByRole('group', { name: 'Connection to Home NAS' })
    await nas.getByRole('button', { name: 'Connect to Home NAS' }).click()
    const dialog = page.getByRole('dialog', { name: 'Is this really “Home NAS”?' })
    await dialog.getByRole('button', { name: 'The fingerprints match: trust this host' }).click()
    // Trusted, but the app's key is not on the host: its password is asked once.
    const install = nas.getByRole('form', { name: 'Install the app’s key on Home NAS' })
    await install.waitFor()
    await nas.getByText('Identity confirmed', { exact: true }).waitFor()
    const before = configText()
    expect(stored().hosts.find((h) => h.id === 'nas-1')?.pinnedHostKey).toMatch(/^SHA256:/)

    await install.getByLabel(`Password of ${sshd.user}`).fill('not-the-password')
    await install.getByRole('button', { name: 'Install the app’s key' }).click()
    const alert = nas.getByRole('alert')
    await alert.getByText('Check the user name and password.', { exact: true }).waitFor()
    const paragraphs = await alert.locator('p').allTextContents()
    expect(paragraphs[0]).toContain(`refused the login as “${sshd.user}”.`)
    expect(paragraphs[1]).toBe('Check the user name and password.')
    // The password is gone from the form, which stays for another try; nothing was stored.
    expect(await install.getByLabel(`Password of ${sshd.user}`).inputValue()).toBe('')
    await page.screenshot({ path: screenshotPath('wizard-wrong-password'), fullPage: true })
    expect(configText()).toBe(before)
    expect(stored().wizard).toBeNull()
  })

  it('resumes a stored wizard at the first step not done, with each step’s status; the interrupted step is offered again', async () => {
    testApp.context.config.update((c) => {
      c.wizard = RESUMED
    })
    await reloadSetup()
    const step = stepRegion('Receive user')
    await step.waitFor()
    expect(await stepItem('Choose hosts').textContent()).toContain('Done')
    expect(await stepItem('Tunnel').textContent()).toContain('Done')
    expect(await stepItem('Receive user').textContent()).toContain('Interrupted: run it again')
    expect(await stepItem('Destination').textContent()).toContain('Not started')
    expect(await stepItem('Receive user').getByRole('button', { name: 'Receive user' }).getAttribute('aria-current')).toBe('step')
    expect(await stepItem('Destination').getByRole('button', { name: 'Destination' }).isDisabled()).toBe(true)
    await step.getByText('The app stopped while this step was running.', { exact: false }).waitFor()
    expect(await step.getByLabel('Receive user on the off-site box').inputValue()).toBe('zfsreceive')
    expect(await step.getByRole('button', { name: 'Create the receive user' }).isEnabled()).toBe(true)
    await page.screenshot({ path: screenshotPath('wizard-resumed'), fullPage: true })
    expect(stored().wizard).toEqual(RESUMED)
  })

  it('Undo asks first, listing exactly what the step recorded, newest first; Cancel changes nothing', async () => {
    const before = configText()
    const step = stepRegion('Receive user')
    await step.getByRole('button', { name: 'Undo this step' }).click()
    const dialog = page.getByRole('dialog', { name: 'Undo “Receive user”?' })
    await dialog.waitFor()
    expect(await dialog.getByRole('list', { name: 'What will be removed' }).getByRole('listitem').allTextContents()).toEqual([
      'The user zfsreceive on Friend’s box',
      'The key the NAS sends copies with, /root/.ssh/zfs-offsite_ed25519, on Home NAS',
    ])
    await page.screenshot({ path: screenshotPath('wizard-undo-dialog') })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(undoCalls).toEqual([])
    expect(configText()).toBe(before)
    expect(await stepItem('Receive user').textContent()).toContain('Interrupted: run it again')
  })

  it('Back shows the step before and undoes nothing; the tunnel cannot be removed while the receive user’s changes remain', async () => {
    const before = configText()
    await stepRegion('Receive user').getByRole('button', { name: 'Back' }).click()
    const tunnel = stepRegion('Tunnel')
    await tunnel.waitFor()
    await tunnel.getByText('Verified: a fresh WireGuard handshake and pings both ways', { exact: false }).waitFor()
    expect(await tunnel.textContent()).toContain('10.99.0.2')
    const remove = tunnel.getByRole('button', { name: 'Remove tunnel' })
    expect(await remove.isDisabled()).toBe(true)
    await tunnel.getByText('To undo this step, first undo “Receive user”', { exact: false }).waitFor()
    expect(undoCalls).toEqual([])
    expect(configText()).toBe(before)
    expect(await stepItem('Tunnel').textContent()).toContain('Done')
    expect(await stepItem('Receive user').textContent()).toContain('Interrupted: run it again')

    await tunnel.getByRole('button', { name: 'Next' }).click()
    await stepRegion('Receive user').waitFor()
    expect(undoCalls).toEqual([])
  })

  it('the tunnel’s Remove tunnel confirmation lists its six recorded changes on both hosts', async () => {
    // The receive user's changes are gone (as after its undo): the tunnel may be removed.
    testApp.context.config.update((c) => {
      c.wizard = { ...RESUMED, steps: { ...RESUMED.steps, 'receive-user': { status: 'pending' } } }
    })
    await reloadSetup()
    await stepRegion('Receive user').getByRole('button', { name: 'Back' }).click()
    const tunnel = stepRegion('Tunnel')
    await tunnel.getByRole('button', { name: 'Remove tunnel' }).click()
    const dialog = page.getByRole('dialog', { name: 'Remove the tunnel?' })
    expect(await dialog.getByRole('list', { name: 'What will be removed' }).getByRole('listitem').allTextContents()).toEqual([
      'The tunnel service wg-quick@wg-zfs on Friend’s box (stopped and disabled)',
      'The WireGuard configuration wg-zfs on Friend’s box',
      'The tunnel service wg-quick@wg-zfs on Home NAS (stopped and disabled)',
      'The WireGuard configuration wg-zfs on Home NAS',
      'The WireGuard key of tunnel wg-zfs on Friend’s box',
      'The WireGuard key of tunnel wg-zfs on Home NAS',
    ])
    const before = configText()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(undoCalls).toEqual([])
    expect(configText()).toBe(before)
  })

  it('a reload shows the same stored state and changes nothing in it', async () => {
    testApp.context.config.update((c) => {
      c.wizard = RESUMED
    })
    const before = configText()
    await reloadSetup()
    await stepRegion('Receive user').waitFor()
    expect(await stepItem('Receive user').textContent()).toContain('Interrupted: run it again')
    await reloadSetup()
    await stepRegion('Receive user').waitFor()
    expect(configText()).toBe(before)
    expect(stored().wizard).toEqual(RESUMED)
  })

  it('a new pool: only empty disks can be chosen, and Run stays disabled until the disk’s id is typed exactly', async () => {
    // No off-site box here to list disks on: the answer is the lab's real disk survey
    // (lsblk, /dev/disk/by-id, zpool status captured on the off-site VM) read by the
    // app's own parser. What is under test is the screen's choice and confirmation.
    const disks = parseDiskSurvey(fixture('zfs-2.3/pool', 'list-disks').stdout).disks
    expect(disks.map((d) => [d.id, d.empty])).toEqual([
      ['virtio-labroot', false],
      ['virtio-pool', false],
      ['virtio-spare', true],
    ])
    testApp.context.services.listWizardDisks = () => Promise.resolve([...disks])
    testApp.context.config.update((c) => {
      c.wizard = {
        ...RESUMED,
        steps: {
          ...RESUMED.steps,
          'receive-user': {
            status: 'succeeded',
            finishedAt: AT,
            created: RESUMED.steps['receive-user'].status === 'interrupted' ? RESUMED.steps['receive-user'].created : [],
            result: { user: 'zfsreceive', address: '10.99.0.2', port: 22, identityFile: '/root/.ssh/zfs-offsite_ed25519', knownHostsFile: '/var/lib/zfs-offsite/known_hosts', permissions: ['create', 'mount', 'receive'] },
          },
        },
      }
    })
    const before = configText()
    await reloadSetup()
    const step = stepRegion('Destination')
    await step.waitFor()
    // Without a check of the off-site box's pools, the suggestion is backup/<the NAS's name>.
    expect(await step.getByLabel('Parent dataset on the off-site box').inputValue()).toBe('backup/home-nas')
    expect(await step.getByRole('button', { name: 'Prepare the destination' }).isEnabled()).toBe(true)

    await step.getByRole('radio', { name: 'Make a new pool on an empty disk' }).check()
    const system = step.getByRole('radio', { name: /virtio-labroot/ })
    await system.waitFor()
    expect(await system.isDisabled()).toBe(true)
    expect(await step.getByRole('radio', { name: /virtio-pool/ }).isDisabled()).toBe(true)
    expect(await step.getByText('not offered: holds the system (mounted at /)', { exact: false }).count()).toBe(1)
    expect(await step.getByText('not offered: is part of pool backup', { exact: false }).count()).toBe(1)
    const run = step.getByRole('button', { name: 'Erase the disk and prepare the destination' })
    expect(await run.isDisabled()).toBe(true)

    await step.getByRole('radio', { name: /virtio-spare/ }).check()
    await step.getByText('Everything on virtio-spare is erased.', { exact: true }).waitFor()
    const confirm = step.getByLabel('Type the disk’s id to confirm')
    for (const typed of ['', 'virtio-spar', 'VIRTIO-SPARE', 'virtio-spare ', '/dev/vdc']) {
      await confirm.fill(typed)
      expect(await run.isDisabled()).toBe(true)
    }
    await confirm.fill('virtio-spare')
    expect(await run.isEnabled()).toBe(true)
    await page.screenshot({ path: screenshotPath('wizard-new-pool'), fullPage: true })
    // Leaving the new pool and coming back asks for the disk and its id again.
    await step.getByRole('radio', { name: 'Use a pool the off-site box already has' }).check()
    await step.getByRole('radio', { name: 'Make a new pool on an empty disk' }).check()
    await step.getByRole('radio', { name: /virtio-spare/ }).waitFor()
    expect(await step.getByRole('radio', { name: /virtio-spare/ }).isChecked()).toBe(false)
    expect(await step.getByText('The new pool is named by the first part of the parent dataset: backup.', { exact: true }).count()).toBe(1)
    expect(await run.isDisabled()).toBe(true)
    expect(undoCalls).toEqual([])
    expect(configText()).toBe(before)
    expect(app.problems).toEqual([])
  })
})
