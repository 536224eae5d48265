// Headless Debian Chromium through playwright-core, and helpers that wait the way the
// tests need: on the page's own state, never on a clock.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const screenshotDir = resolve(import.meta.dirname, '../../../test-results/screenshots')

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

export interface OpenedApp {
  readonly page: Page
  /** Uncaught errors and console errors (CSP violations among them) seen so far. */
  readonly problems: string[]
  close(): Promise<void>
}

/** Opens the app in a fresh browser context (no storage shared with other tests). */
export async function openApp(browser: Browser, url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<OpenedApp> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1180, height: 820 } })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`)
  })
  await page.goto(url)
  // The shell is up once the navigation is there.
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
  return { page, problems, close: () => context.close() }
}

/** Switches screens with the main navigation and waits for the screen's heading. */
export async function goTo(page: Page, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: screen, exact: true }).click()
  await page.getByRole('heading', { level: 1, name: screen, exact: true }).waitFor()
}

export function bodyBackground(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor)
}

export function screenshotPath(name: string): string {
  mkdirSync(screenshotDir, { recursive: true })
  return join(screenshotDir, `${name}.png`)
}
