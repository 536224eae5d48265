// Connecting from the Hosts screen in Chromium, against the real services and a real
// OpenSSH server on loopback (no VMs): the fingerprint dialog, Cancel pins nothing,
// trusting connects and shows the check, an edit of the port asks for trust again.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from './support/browser'
import { startTestApp, type TestApp } from './support/test-app'
import { startLocalSshd, type LocalSshd } from '../unit/adapters/ssh/local-sshd'
import { fingerprintOfPublicKeyLine } from '../../src-main/adapters/ssh/host-key'

let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page
let sshd: LocalSshd

beforeAll(async () => {
  sshd = await startLocalSshd()
  testApp = await startTestApp()
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

const pinOf = (): string | undefined =>
  (JSON.parse(readFileSync(testApp.configFile, 'utf8')) as { hosts: Array<{ pinnedHostKey?: string }> }).hosts[0]?.pinnedHostKey

describe('connecting to a host from the Hosts screen', () => {
  it('shows the host’s fingerprint first; Cancel pins nothing', async () => {
    await goTo(page, 'Hosts')
    const form = page.getByRole('form', { name: 'Add a host' })
    await form.getByLabel('Name', { exact: true }).fill('Loopback')
    await form.getByLabel('Address').fill('127.0.0.1')
    await form.getByLabel('Port').fill(String(sshd.port))
    await form.getByLabel('User').fill(sshd.user)
    await form.getByLabel('Sign in with').selectOption('key-file')
    await form.getByLabel('Key file').fill(join(sshd.dir, 'user'))
    await form.getByRole('button', { name: 'Add host' }).click()

    const card = page.getByRole('listitem', { name: 'Loopback' })
    await card.getByText('Its identity has not been confirmed yet.').waitFor()
    await card.getByRole('button', { name: 'Connect to Loopback' }).click()
    const dialog = page.getByRole('dialog', { name: 'Is this really “Loopback”?' })
    await dialog.waitFor()
    expect(await dialog.getByLabel('Fingerprint shown by the host').textContent()).toBe(fingerprintOfPublicKeyLine(sshd.hostKeyPub))
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(pinOf()).toBeUndefined()
    await card.getByText('Not connected yet').waitFor()
  })

  it('trusting the fingerprint connects and shows what the check found', async () => {
    const card = page.getByRole('listitem', { name: 'Loopback' })
    await card.getByRole('button', { name: 'Connect to Loopback' }).click()
    const dialog = page.getByRole('dialog', { name: 'Is this really “Loopback”?' })
    await dialog.getByRole('button', { name: 'The fingerprints match: trust this host' }).click()
    await card.getByText('Connected', { exact: true }).waitFor()
    await card.getByRole('region', { name: 'What the app found on Loopback' }).waitFor()
    expect(pinOf()).toBe(fingerprintOfPublicKeyLine(sshd.hostKeyPub))
    expect(await card.textContent()).toContain(`Trusted key ${fingerprintOfPublicKeyLine(sshd.hostKeyPub)}`)
    expect(await card.textContent()).toContain(`Signed in as${sshd.user}`)
    await page.screenshot({ path: screenshotPath('hosts-loopback-connected'), fullPage: true })
  })

  it('a new port keeps the confirmed identity; “another machine” clears it and trust is asked again', async () => {
    const pinned = fingerprintOfPublicKeyLine(sshd.hostKeyPub)
    const card = page.getByRole('listitem', { name: 'Loopback' })
    await card.getByRole('button', { name: 'Edit Loopback' }).click()
    let form = page.getByRole('form', { name: 'Edit “Loopback”' })
    await form.getByLabel('Port').fill('2')
    await form.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').getByText('Saved “Loopback”.').waitFor()
    expect(pinOf()).toBe(pinned)
    await card.getByRole('button', { name: 'Connect to Loopback' }).click()
    const alert = card.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('Nothing answers SSH')
    // Back at the real port as "another machine": the pin goes, and the fingerprint is asked for again.
    await card.getByRole('button', { name: 'Edit Loopback' }).click()
    form = page.getByRole('form', { name: 'Edit “Loopback”' })
    await form.getByLabel('Port').fill(String(sshd.port))
    await form.getByRole('checkbox', { name: 'This is another machine (or it was reinstalled): confirm its identity again' }).check()
    await form.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').getByText('Saved “Loopback”.').waitFor()
    expect(pinOf()).toBeUndefined()
    await card.getByText('Its identity has not been confirmed yet.').waitFor()
    await card.getByRole('button', { name: 'Connect to Loopback' }).click()
    await page.getByRole('dialog', { name: 'Is this really “Loopback”?' }).waitFor()
    expect(app.problems).toEqual([])
  })
})
