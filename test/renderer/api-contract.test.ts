// The page gets exactly the contract's API: no method missing, nothing extra.
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { apiKeys } from '../../src-main/shared/contract'
import { launchBrowser, openApp } from './support/browser'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

it('window.api exposes exactly the methods of the contract and `on`', async () => {
  const app = await openApp(browser, inject('bridgeUrl'))
  try {
    const keys = await app.page.evaluate(() => Object.keys(window.api).sort())
    expect(keys).toEqual([...apiKeys])
    const kinds = await app.page.evaluate(() => Object.values(window.api).map((v) => typeof v))
    expect(new Set(kinds)).toEqual(new Set(['function']))
    const frozen = await app.page.evaluate(() => Object.isFrozen(window.api))
    expect(frozen).toBe(true)
  } finally {
    await app.close()
  }
})
