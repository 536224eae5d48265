// The Transfers screen follows the services' `progress` and `jobState` events live.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { goTo, launchBrowser, openApp, screenshotPath } from './support/browser'
import { startTestApp, type TestApp } from './support/test-app'

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

it('shows bytes, rate and time left from progress events, then the end state', async () => {
  const app = await openApp(browser, testApp.url)
  const { page } = app
  try {
    // Overview has answered, so the page's connection to the services is open.
    await page.getByRole('heading', { level: 2, name: 'No off-site copy yet — start by adding your NAS' }).waitFor()
    await goTo(page, 'Transfers')
    await page.getByRole('heading', { level: 2, name: 'Nothing is transferring' }).waitFor()

    const events = testApp.context.events
    events.emit('jobState', { jobId: 'photos', runId: 'run-1', state: 'running' })
    events.emit('progress', {
      jobId: 'photos',
      runId: 'run-1',
      phase: 'sending',
      bytesDone: 250_000_000,
      bytesTotal: 1_000_000_000,
      rateBytesPerSecond: 50_000_000,
      etaSeconds: 15,
    })

    const bar = page.getByRole('progressbar', { name: 'Transfer of Job photos' })
    await bar.waitFor()
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('25')
    const item = page.getByRole('list', { name: 'Transfers' }).getByRole('listitem')
    await expect.poll(() => item.textContent()).toContain('250 MB of 1.0 GB')
    expect(await item.textContent()).toContain('50 MB/s')
    expect(await item.textContent()).toContain('about 15 s left')
    expect(await item.textContent()).toContain('Running')
    await page.screenshot({ path: screenshotPath('transfers-sending'), fullPage: true })

    events.emit('progress', {
      jobId: 'photos',
      runId: 'run-1',
      phase: 'verifying',
      bytesDone: 1_000_000_000,
      bytesTotal: 1_000_000_000,
      rateBytesPerSecond: 48_000_000,
    })
    events.emit('jobState', { jobId: 'photos', runId: 'run-1', state: 'succeeded' })
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('100')
    await expect.poll(() => item.textContent()).toContain('Finished')
    expect(app.problems).toEqual([])
  } finally {
    await app.close()
  }
})
