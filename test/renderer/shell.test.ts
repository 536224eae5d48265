// The app shell in a real browser: every screen reachable from the navigation, its
// empty state in plain words, light and dark following the OS, and keyboard use.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { bodyBackground, goTo, launchBrowser, openApp, screenshotPath } from './support/browser'

// What each screen says on an app with no data yet: shown once the screen has loaded.
const screens = [
  { id: 'overview', name: 'Overview', ready: 'No off-site copy yet — start by adding your NAS' },
  { id: 'setup', name: 'Set up', ready: 'Choose hosts' },
  { id: 'hosts', name: 'Hosts', ready: 'No hosts yet' },
  { id: 'jobs', name: 'Jobs', ready: 'No jobs yet' },
  { id: 'transfers', name: 'Transfers', ready: 'Nothing is transferring' },
  { id: 'recovery', name: 'Recovery', ready: 'No passphrases saved yet' },
  { id: 'settings', name: 'Settings', ready: 'About' },
] as const

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

describe('app shell', () => {
  it('shows every screen from the navigation, in light and in dark following the OS', async () => {
    const app = await openApp(browser, inject('bridgeUrl'), 'light')
    const { page } = app
    const nav = page.getByRole('navigation', { name: 'Main' })
    try {
      for (const screen of screens) {
        await goTo(page, screen.name)
        await page.getByRole('heading', { level: 2, name: screen.ready, exact: true }).waitFor()
        const item = nav.getByRole('button', { name: screen.name, exact: true })
        expect(await item.getAttribute('aria-current')).toBe('page')
        const others = nav.locator('[aria-current="page"]')
        expect(await others.count()).toBe(1)

        await page.emulateMedia({ colorScheme: 'light' })
        const light = await bodyBackground(page)
        await page.screenshot({ path: screenshotPath(screen.id), fullPage: true })

        await page.emulateMedia({ colorScheme: 'dark' })
        await expect.poll(() => bodyBackground(page)).not.toBe(light)
        await page.screenshot({ path: screenshotPath(`${screen.id}-dark`), fullPage: true })

        await page.emulateMedia({ colorScheme: 'light' })
        await expect.poll(() => bodyBackground(page)).toBe(light)
      }
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  })

  it('the overview’s first step leads to the setup, which starts by adding the NAS', async () => {
    const app = await openApp(browser, inject('bridgeUrl'))
    try {
      await app.page.getByRole('button', { name: 'Set up an off-site copy' }).click()
      await app.page.getByRole('heading', { level: 1, name: 'Set up' }).waitFor()
      await app.page.getByRole('form', { name: 'Add a host' }).waitFor()
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  })

  it('reaches the navigation with Tab and switches screens with Enter', async () => {
    const app = await openApp(browser, inject('bridgeUrl'))
    const { page } = app
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement
        return { text: el?.textContent ?? '', inMainNav: el?.closest('nav[aria-label="Main"]') !== null }
      })
    try {
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
      await page.keyboard.press('Tab')
      await expect.poll(focused).toEqual({ text: 'Overview', inMainNav: true })
      await page.keyboard.press('Tab')
      await expect.poll(focused).toEqual({ text: 'Set up', inMainNav: true })
      await page.keyboard.press('Tab')
      await expect.poll(focused).toEqual({ text: 'Hosts', inMainNav: true })
      await page.keyboard.press('Enter')
      await page.getByRole('heading', { level: 1, name: 'Hosts' }).waitFor()
      const nav = page.getByRole('navigation', { name: 'Main' })
      expect(await nav.getByRole('button', { name: 'Hosts' }).getAttribute('aria-current')).toBe('page')
      // Focus moved to the new screen's heading; one step back is the navigation again.
      await expect.poll(focused).toEqual({ text: 'Hosts', inMainNav: false })
      await page.keyboard.press('Shift+Tab')
      await expect.poll(focused).toEqual({ text: 'Settings', inMainNav: true })
      await page.keyboard.press('Enter')
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
      expect(await nav.getByRole('button', { name: 'Settings' }).getAttribute('aria-current')).toBe('page')
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  })
})
