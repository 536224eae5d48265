// The Recovery screen against the real keychain (gnome-keyring under
// scripts/with-keyring.sh): the passphrase reaches the keychain and nowhere else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from './support/browser'
import { keytar, readTextOrNull, startTestApp, type TestApp } from './support/test-app'

const PASSPHRASE = 'violet-harbour-71-quietly-ticking'
const DATASET = 'tank/photos'

let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page
let hostId: string

beforeAll(async () => {
  testApp = await startTestApp()
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
  const added = await page.evaluate(() =>
    window.api.addHost({ label: 'Home NAS', role: 'nas', address: '192.168.1.20', user: 'backup' }),
  )
  if (!added.ok) throw new Error(`could not add the host: ${added.error.cause}`)
  hostId = added.value.id
})
afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
})

const account = () => `passphrase/${hostId}/${DATASET}`

describe('recovery passphrases', () => {
  it('explains why to save a passphrase while none is saved', async () => {
    await goTo(page, 'Recovery')
    const empty = page.getByRole('region', { name: 'No passphrases saved yet' })
    await empty.waitFor()
    expect(await empty.textContent()).toContain('Without the passphrase')
  })

  it('a passphrase that does not match its confirmation is not saved', async () => {
    const form = page.getByRole('form', { name: 'Save an encryption passphrase' })
    await form.getByLabel('Encrypted dataset').fill(DATASET)
    await form.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
    await form.getByLabel('Confirm passphrase').fill(`${PASSPHRASE}x`)
    await form.getByRole('button', { name: 'Save to the keychain' }).click()
    await form.getByRole('alert').getByText('The two passphrases are not the same.').waitFor()
    expect(await keytar.getPassword(testApp.keychainService, account())).toBeNull()
  })

  it('a saved passphrase reaches the keychain, is listed without the secret, and is in neither the config nor the log file', async () => {
    await goTo(page, 'Recovery')
    const form = page.getByRole('form', { name: 'Save an encryption passphrase' })
    await form.getByLabel('Host').selectOption({ label: 'Home NAS' })
    await form.getByLabel('Encrypted dataset').fill(DATASET)
    const passphrase = form.getByLabel('Passphrase', { exact: true })
    const confirmation = form.getByLabel('Confirm passphrase')
    expect(await passphrase.getAttribute('type')).toBe('password')
    expect(await passphrase.getAttribute('autocomplete')).toBe('off')
    await passphrase.fill(PASSPHRASE)
    await confirmation.fill(PASSPHRASE)
    await form.getByRole('button', { name: 'Save to the keychain' }).click()

    await page.getByRole('status').getByText(`Saved the passphrase for ${DATASET} on Home NAS in the keychain.`).waitFor()
    expect(await keytar.getPassword(testApp.keychainService, account())).toBe(PASSPHRASE)

    // Listed by host and dataset; the secret is nowhere on the page, not even in the form.
    const list = page.getByRole('list', { name: 'Saved passphrases' })
    const item = list.getByRole('listitem').filter({ hasText: DATASET })
    await item.waitFor()
    expect(await item.textContent()).toContain('Home NAS')
    expect(await passphrase.inputValue()).toBe('')
    expect(await confirmation.inputValue()).toBe('')
    expect(await page.content()).not.toContain(PASSPHRASE)
    await page.screenshot({ path: screenshotPath('recovery-one-saved'), fullPage: true })

    const config = readTextOrNull(testApp.configFile)
    const log = readTextOrNull(testApp.logFile)
    expect(config).not.toBeNull()
    expect(log).toContain('encryption passphrase saved to the keychain')
    expect(config).not.toContain(PASSPHRASE)
    expect(log).not.toContain(PASSPHRASE)
  })

  it('Forget asks for confirmation, then removes the passphrase from the keychain', async () => {
    const forget = page.getByRole('button', { name: `Forget the passphrase for ${DATASET}` })
    const dialog = page.getByRole('dialog', { name: `Forget the passphrase for ${DATASET}?` })

    await forget.click()
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(await keytar.getPassword(testApp.keychainService, account())).toBe(PASSPHRASE)

    await forget.click()
    await dialog.getByRole('button', { name: 'Forget passphrase' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByRole('region', { name: 'No passphrases saved yet' }).waitFor()
    expect(await keytar.getPassword(testApp.keychainService, account())).toBeNull()
    expect(readTextOrNull(testApp.logFile)).not.toContain(PASSPHRASE)
    expect(app.problems).toEqual([])
  })
})
