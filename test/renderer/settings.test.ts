// Settings: the theme preference (Dark chosen here wins over a light OS, kept in the
// settings file so it survives a reload and a browser with no stored state), the
// About facts and the recent log.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { bodyBackground, goTo, launchBrowser, openApp } from './support/browser'
import { readTextOrNull, startTestApp, type TestApp } from './support/test-app'

let testApp: TestApp
let browser: Browser

beforeAll(async () => {
  testApp = await startTestApp()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await testApp?.close()
})

const dataTheme = (app: { page: import('playwright-core').Page }) => app.page.evaluate(() => document.documentElement.dataset['theme'])

it('choosing Dark in Settings applies dark on a light OS and persists across reload', async () => {
  // What dark looks like when the OS asks for it.
  const reference = await openApp(browser, testApp.url, 'dark')
  const darkBackground = await bodyBackground(reference.page)
  await reference.close()

  const app = await openApp(browser, testApp.url, 'light')
  try {
    const lightBackground = await bodyBackground(app.page)
    expect(lightBackground).not.toBe(darkBackground)

    await goTo(app.page, 'Settings')
    const theme = app.page.getByRole('group', { name: 'Theme' })
    expect(await theme.getByRole('radio', { name: 'Same as the system' }).isChecked()).toBe(true)
    await theme.getByRole('radio', { name: 'Dark' }).check()

    await expect.poll(() => dataTheme(app)).toBe('dark')
    await expect.poll(() => bodyBackground(app.page)).toBe(darkBackground)
    await expect.poll(() => JSON.parse(readTextOrNull(testApp.configFile) ?? '{}').preferences?.theme).toBe('dark')

    await app.page.reload()
    await app.page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
    await expect.poll(() => dataTheme(app)).toBe('dark')
    expect(await bodyBackground(app.page)).toBe(darkBackground)
    await goTo(app.page, 'Settings')
    await expect.poll(() => app.page.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true)
    expect(app.problems).toEqual([])
  } finally {
    await app.close()
  }

  // A browser with no remembered state still gets dark: the settings file decides.
  const fresh = await openApp(browser, testApp.url, 'light')
  try {
    await expect.poll(() => dataTheme(fresh)).toBe('dark')
    await expect.poll(() => bodyBackground(fresh.page)).toBe(darkBackground)
  } finally {
    await fresh.close()
  }
})

it('Settings shows where the files are and the log, with new entries as they happen', async () => {
  const app = await openApp(browser, testApp.url, 'light')
  try {
    await goTo(app.page, 'Settings')
    await app.page.getByText(testApp.configFile, { exact: true }).waitFor()
    await app.page.getByText(testApp.logFile, { exact: true }).waitFor()
    await app.page.getByText('0.0.0-test', { exact: true }).waitFor()

    const log = app.page.getByRole('list', { name: 'Recent log, newest first' })
    // From the log file: written when the app started, before this page opened.
    await log.getByText('app started', { exact: true }).waitFor()
    // Live: the change below is logged by the services and arrives as an event.
    const changes = log.getByText('preferences changed', { exact: true })
    const before = await changes.count()
    await app.page.getByRole('checkbox', { name: 'Tell me when a copy fails' }).uncheck()
    await expect.poll(() => changes.count()).toBe(before + 1)
    await expect.poll(() => JSON.parse(readTextOrNull(testApp.configFile) ?? '{}').preferences?.notifyOnFailure).toBe(false)

    // Technical entries are hidden until asked for.
    expect(await log.getByText('api call', { exact: true }).count()).toBe(0)
    await app.page.getByRole('checkbox', { name: 'Show technical entries (debug)' }).check()
    await expect.poll(() => log.getByText('api call', { exact: true }).count()).toBeGreaterThan(0)
    expect(app.problems).toEqual([])
  } finally {
    await app.close()
  }
})
