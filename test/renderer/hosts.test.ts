// The Hosts screen against the real services and config file. The tests in this file
// share one fresh app and run in order: the first starts from an empty app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from './support/browser'
import { readTextOrNull, startTestApp, type TestApp } from './support/test-app'

let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page

beforeAll(async () => {
  testApp = await startTestApp()
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
})
afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
})

interface StoredConfig {
  hosts: Array<{ id: string; label: string; role: string; address: string; port: number; user: string; reachedThroughNas: boolean }>
}

function storedConfig(): StoredConfig {
  const text = readTextOrNull(testApp.configFile)
  return text === null ? { hosts: [] } : (JSON.parse(text) as StoredConfig)
}

async function fillHostForm(values: { name: string; role: 'nas' | 'offsite'; address: string; port?: string; user: string }) {
  const form = page.getByRole('form', { name: 'Add a host' })
  await form.getByLabel('Name', { exact: true }).fill(values.name)
  await form.getByLabel('Role').selectOption(values.role)
  await form.getByLabel('Address').fill(values.address)
  await form.getByLabel('Port').fill(values.port ?? '22')
  await form.getByLabel('User').fill(values.user)
  return form
}

describe('hosts', () => {
  it('adding a host from the empty app lists it and saves it in the config file', async () => {
    await goTo(page, 'Hosts')
    await page.getByRole('heading', { level: 2, name: 'No hosts yet' }).waitFor()
    expect(storedConfig().hosts).toEqual([])

    const form = await fillHostForm({ name: 'Home NAS', role: 'nas', address: 'nas.local', port: '2222', user: 'backup' })
    await form.getByRole('button', { name: 'Add host' }).click()

    const hosts = page.getByRole('list', { name: 'Hosts' })
    await hosts.getByRole('listitem').filter({ hasText: 'Home NAS' }).waitFor()
    await expect.poll(() => hosts.getByRole('listitem').count()).toBe(1)
    expect(await hosts.textContent()).toContain('backup@nas.local:2222')
    // Honest about what is not there yet: nothing pretends the host was reached.
    expect(await hosts.textContent()).toContain('Not connected yet')
    await page.screenshot({ path: screenshotPath('hosts-one-host'), fullPage: true })

    const saved = storedConfig().hosts
    expect(saved).toHaveLength(1)
    expect(saved[0]).toMatchObject({ label: 'Home NAS', role: 'nas', address: 'nas.local', port: 2222, user: 'backup', reachedThroughNas: false })
    // The form is empty again, ready for the off-site box.
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('')
    expect(await form.getByLabel('Role').inputValue()).toBe('offsite')
  })

  it('with only the NAS added, Jobs and Overview say the off-site box comes next', async () => {
    await goTo(page, 'Jobs')
    await page.getByRole('region', { name: 'No jobs yet' }).getByText('First add the off-site box on the Hosts screen.').waitFor()
    await goTo(page, 'Overview')
    await page.getByText('Next step: add the off-site box the copy will go to.').waitFor()
    await page.getByRole('button', { name: 'Go to Hosts' }).click()
    await page.getByRole('heading', { level: 1, name: 'Hosts' }).waitFor()
  })

  it('removing a host asks for confirmation naming it; Escape and Cancel keep it', async () => {
    const remove = page.getByRole('button', { name: 'Remove Home NAS' })
    const dialog = page.getByRole('dialog', { name: 'Remove “Home NAS”?' })

    await remove.click()
    await dialog.waitFor()
    expect(await dialog.getAttribute('aria-modal')).toBe('true')
    await page.screenshot({ path: screenshotPath('hosts-remove-dialog') })
    // Focus starts on the safe choice.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    await remove.click()
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })

    await page.getByRole('list', { name: 'Hosts' }).getByRole('listitem').filter({ hasText: 'Home NAS' }).waitFor()
    expect(storedConfig().hosts.map((h) => h.label)).toEqual(['Home NAS'])
  })

  it('bad input shows the cause next to the form and saves nothing', async () => {
    const before = readTextOrNull(testApp.configFile)
    for (const address of ['nas.local; rm -rf /', 'my nas']) {
      const form = await fillHostForm({ name: 'Broken', role: 'offsite', address, user: 'backup' })
      // Editing clears the last answer, so the alert below is the answer to this address.
      await form.getByRole('alert').waitFor({ state: 'detached' })
      await form.getByRole('button', { name: 'Add host' }).click()
      const alert = form.getByRole('alert')
      await alert.getByText('An address may hold only letters, digits, dots, dashes and colons (IPv6).', { exact: true }).waitFor()
      await alert.getByText('Correct the highlighted value and try again. Nothing was changed.', { exact: true }).waitFor()
      expect(await form.getByLabel('Address').getAttribute('aria-invalid')).toBe('true')
      // What was typed stays, so it can be corrected.
      expect(await form.getByLabel('Address').inputValue()).toBe(address)
      await page.screenshot({ path: screenshotPath('hosts-invalid-address'), fullPage: true })
    }
    await expect.poll(() => page.getByRole('list', { name: 'Hosts' }).getByRole('listitem').count()).toBe(1)
    expect(readTextOrNull(testApp.configFile)).toBe(before)
  })

  it('confirming removal takes the host out of the list and the config file', async () => {
    await page.getByRole('button', { name: 'Remove Home NAS' }).click()
    const dialog = page.getByRole('dialog', { name: 'Remove “Home NAS”?' })
    await dialog.getByRole('button', { name: 'Remove host' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByRole('heading', { level: 2, name: 'No hosts yet' }).waitFor()
    await page.getByRole('status').getByText('Removed “Home NAS” from the app.', { exact: false }).waitFor()
    expect(storedConfig().hosts).toEqual([])
    expect(app.problems).toEqual([])
  })
})
