// The Hosts screen in Chromium against the real services and the lab's real NAS: from an
// empty app, add the NAS, confirm its fingerprint in the dialog, and see its pools and
// datasets (with encryption and snapshots) as the VM has them.
// Needs the built renderer (npm run build) and the keychain (scripts/with-keyring.sh).
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ensureUiPrerequisites } from './ui-prerequisites'
import { labHosts, type Lab } from './hosts'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from '../renderer/support/browser'
import { startTestApp, type TestApp } from '../renderer/support/test-app'

let lab: Lab
let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page

beforeAll(async () => {
  ensureUiPrerequisites('hosts-ui.lab.test.ts')
  lab = await labHosts()
  await lab.nas.run(
    `set -e
     zfs destroy -r tank/hosts-ui 2>/dev/null || true
     zfs create tank/hosts-ui
     zfs snapshot tank/hosts-ui@monday
     zfs create -o encryption=on -o keyformat=passphrase tank/hosts-ui/private
     zfs snapshot tank/hosts-ui/private@tuesday`,
    { stdin: 'a passphrase for the lab\n' },
  )
  testApp = await startTestApp()
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
})

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
  await lab?.nas.run('zfs destroy -r tank/hosts-ui', { allowFail: true })
})

describe('the Hosts screen with the lab NAS', () => {
  it('adds the NAS from an empty app, confirms its fingerprint and shows its pools and datasets', async () => {
    await goTo(page, 'Hosts')
    await page.getByRole('heading', { level: 2, name: 'No hosts yet' }).waitFor()

    const form = page.getByRole('form', { name: 'Add a host' })
    await form.getByLabel('Name', { exact: true }).fill('Lab NAS')
    await form.getByLabel('Role').selectOption('nas')
    await form.getByLabel('Address').fill('127.0.0.1')
    await form.getByLabel('Port').fill(String(lab.nas.sshPort))
    await form.getByLabel('User').fill('root')
    await form.getByLabel('Sign in with').selectOption('key-file')
    await form.getByLabel('Key file').fill(lab.nas.privateKeyPath)
    await form.getByRole('button', { name: 'Add host' }).click()

    const card = page.getByRole('listitem', { name: 'Lab NAS' })
    await card.getByText('Not connected yet').waitFor()
    await card.getByRole('button', { name: 'Connect to Lab NAS' }).click()

    const dialog = page.getByRole('dialog', { name: 'Is this really “Lab NAS”?' })
    await dialog.waitFor({ timeout: 60_000 })
    expect(await dialog.getByLabel('Fingerprint shown by the host').textContent()).toBe(lab.nas.hostKeyFingerprint)
    await dialog.getByText('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub').waitFor()
    await page.screenshot({ path: screenshotPath('hosts-lab-fingerprint'), fullPage: true })
    // The safe choice has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel')
    await dialog.getByRole('button', { name: 'The fingerprints match: trust this host' }).click()

    await card.getByText('Connected', { exact: true }).waitFor({ timeout: 60_000 })
    const pools = page.getByRole('table', { name: 'Pools on Lab NAS' })
    await pools.waitFor({ timeout: 120_000 })
    const tankRow = pools.getByRole('row').filter({ hasText: 'tank' })
    expect(await tankRow.textContent()).toContain('ONLINE')

    const datasets = page.getByRole('table', { name: 'Datasets on Lab NAS' })
    const row = (name: string) => datasets.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) })
    expect(await row('tank/hosts-ui').textContent()).toContain('Not encrypted')
    expect(await row('tank/hosts-ui').textContent()).toContain('@monday')
    const secret = await row('tank/hosts-ui/private').textContent()
    expect(secret).toContain('Encrypted (aes-256-gcm), own key, unlocked')
    expect(secret).toContain('@tuesday')
    expect(await card.textContent()).toContain(lab.nas.zfsVersion.replace(/^zfs-/, ''))
    expect(await card.textContent()).toContain('root (root: may do everything)')
    await page.screenshot({ path: screenshotPath('hosts-lab-probed'), fullPage: true })

    // The pin is in the config file, for this address and port.
    const config = JSON.parse(readFileSync(testApp.configFile, 'utf8')) as { hosts: Array<{ label: string; port: number; pinnedHostKey?: string }> }
    expect(config.hosts).toEqual([expect.objectContaining({ label: 'Lab NAS', port: lab.nas.sshPort, pinnedHostKey: lab.nas.hostKeyFingerprint })])
    expect(app.problems).toEqual([])
  })

  it('a wrong user shows the cause and the fix, and no probe', async () => {
    const form = page.getByRole('form', { name: 'Add a host' })
    await form.getByLabel('Name', { exact: true }).fill('Wrong user')
    await form.getByLabel('Role').selectOption('offsite')
    await form.getByLabel('Address').fill('127.0.0.1')
    await form.getByLabel('Port').fill(String(lab.nas.sshPort))
    await form.getByLabel('User').fill('nobodyhere')
    await form.getByLabel('Sign in with').selectOption('key-file')
    await form.getByLabel('Key file').fill(lab.nas.privateKeyPath)
    await form.getByRole('button', { name: 'Add host' }).click()
    const card = page.getByRole('listitem', { name: 'Wrong user' })
    await card.getByRole('button', { name: 'Connect to Wrong user' }).click()
    const dialog = page.getByRole('dialog', { name: 'Is this really “Wrong user”?' })
    await dialog.getByRole('button', { name: 'The fingerprints match: trust this host' }).click()
    const alert = card.getByRole('alert')
    await alert.waitFor({ timeout: 60_000 })
    expect(await alert.textContent()).toContain('refused the login as “nobodyhere”')
    expect(await alert.textContent()).toContain('Check the user name')
    expect(await card.getByRole('table').count()).toBe(0)
  })
})
