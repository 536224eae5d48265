// The Recovery screen's guided flow against the real services, without ZFS: the first
// step fills in where a job copies to, an off-site box reached through a NAS that is gone
// answers with the cause and the fix first and a way to Hosts, a parent that is no dataset
// name is refused before any host is asked, every control is labelled and reachable by
// keyboard, and a fire drill that cannot reach the off-site box fails clearly on the
// Overview card and on the Recovery screen. The hosts are known and pinned; their ports
// are closed (as when the NAS burned down).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { freePort, startLocalSshd, type LocalSshd } from '../unit/adapters/ssh/local-sshd'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from './support/browser'
import { hostRecord, jobRecord } from './support/seed'
import { startTestApp, type TestApp } from './support/test-app'

const PIN = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'

let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page
/** Only for its client key: the hosts themselves are switched off (closed ports). */
let keys: LocalSshd

beforeAll(async () => {
  const ports = { nas: await freePort(), offsite: await freePort(), rented: await freePort() }
  keys = await startLocalSshd()
  const auth = { auth: 'key-file' as const, keyFilePath: join(keys.dir, 'user'), pinnedHostKey: PIN }
  testApp = await startTestApp({
    config: {
      hosts: [
        hostRecord({ id: 'nas-1', label: 'Home NAS', role: 'nas', address: '127.0.0.1', port: ports.nas, ...auth }),
        hostRecord({ id: 'offsite-1', label: 'Friend’s box', role: 'offsite', address: '10.99.0.2', port: ports.offsite, reachedThroughNas: true, ...auth }),
        hostRecord({ id: 'offsite-2', label: 'Rented server', role: 'offsite', address: '127.0.0.1', port: ports.rented, ...auth }),
      ],
      jobs: [jobRecord({ id: 'photos', name: 'Photos', targetParent: 'backup/nas' })],
    },
  })
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
})
afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
  await keys?.dispose()
})

const flow = () => page.getByRole('region', { name: 'Disaster recovery' })

/** The label of the focused control (its <label>, else its aria-label, else its text). */
const focusedName = () =>
  page.evaluate(() => {
    const el = document.activeElement
    if (!(el instanceof HTMLElement)) return ''
    const label = 'labels' in el ? (el as HTMLInputElement).labels?.[0]?.textContent : null
    return (label ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim()
  })

describe('the recovery flow without the NAS', () => {
  it('starts with the off-site box and the parent a job copies to, and refuses to read without a parent', async () => {
    await goTo(page, 'Recovery')
    await flow().getByRole('heading', { name: '1. Choose the backup' }).waitFor()
    expect(await flow().getByText('Your NAS is gone? Start here.').isVisible()).toBe(true)
    const box = flow().getByLabel('Off-site box', { exact: true })
    const parent = flow().getByLabel('Where the backups are on the off-site box')
    const show = flow().getByRole('button', { name: 'Show the backups' })
    expect(await box.inputValue()).toBe('offsite-1')
    expect(await parent.inputValue()).toBe('backup/nas')
    expect(await show.isEnabled()).toBe(true)

    // No job copies to the rented server: nothing to fill in, and nothing to read until a parent is named.
    await box.selectOption({ label: 'Rented server' })
    expect(await parent.inputValue()).toBe('')
    expect(await show.isEnabled()).toBe(false)
    await box.selectOption({ label: 'Friend’s box' })
    expect(await parent.inputValue()).toBe('backup/nas')
  })

  it('every control of the first step is labelled and reached with Tab; Enter opens “What this runs” with the command for the parent', async () => {
    await flow().getByLabel('Off-site box', { exact: true }).focus()
    expect(await focusedName()).toBe('Off-site box')
    await page.keyboard.press('Tab')
    expect(await focusedName()).toBe('Where the backups are on the off-site box')
    await page.keyboard.press('Tab')
    expect(await focusedName()).toBe('Show the backups')
    await page.keyboard.press('Tab')
    expect(await focusedName()).toBe('What this runs')
    await page.keyboard.press('Enter')
    const panel = flow().getByRole('region', { name: 'What this runs' })
    await panel.waitFor()
    const text = await panel.textContent()
    expect(text).toContain('on Friend’s box')
    expect(text).toContain('reads only')
    expect(text).toMatch(/zfs list .* -r backup\/nas/)
    await page.keyboard.press('Enter')
    await panel.waitFor({ state: 'detached' })
  })

  it('a parent that is not a dataset name is refused with the reason before any host is asked', async () => {
    await flow().getByLabel('Where the backups are on the off-site box').fill('backup//nas')
    await flow().getByRole('button', { name: 'Show the backups' }).click()
    const alert = flow().getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('“backup//nas” is not a dataset name')
    // Not a reach problem: no way to Hosts offered.
    expect(await flow().getByRole('button', { name: 'Go to Hosts' }).count()).toBe(0)
  })

  it('an off-site box reached through a NAS that is gone says so with the fix first, and offers Hosts', async () => {
    await flow().getByLabel('Where the backups are on the off-site box').fill('backup/nas')
    await flow().getByRole('button', { name: 'Show the backups' }).click()
    const alert = flow().getByRole('alert')
    await alert.getByText('Friend’s box is reached through the NAS, and that way did not work', { exact: false }).waitFor({ timeout: 30_000 })
    const text = await alert.textContent()
    expect(text).toContain('untick “reached through the NAS”')
    // Nothing was listed: there is no step 2 to go to.
    expect(await flow().getByRole('button', { name: 'Next: check the passphrases' }).count()).toBe(0)
    await page.screenshot({ path: screenshotPath('recovery-offsite-unreachable'), fullPage: true })
    await flow().getByRole('button', { name: 'Go to Hosts' }).click()
    await page.getByRole('heading', { level: 1, name: 'Hosts', exact: true }).waitFor()
  })

  it('a fire drill that cannot reach the off-site box fails clearly on the Overview card, and the Recovery screen shows the same result', async () => {
    await goTo(page, 'Overview')
    const card = page.getByRole('list', { name: 'Backups, one per job' }).getByRole('listitem', { name: 'Photos', exact: true })
    await card.waitFor({ timeout: 30_000 })
    const line = card.getByRole('status', { name: 'Fire drill of Photos' })
    expect(await line.textContent()).toContain('No fire drill yet')
    await card.getByRole('button', { name: 'Run fire drill for Photos' }).click()
    await line.getByText('Failed', { exact: true }).waitFor({ timeout: 30_000 })
    const alert = card.getByRole('alert')
    expect(await alert.textContent()).toContain('The fire drill could not finish')
    expect(await alert.textContent()).toContain('Friend’s box is reached through the NAS')
    await page.screenshot({ path: screenshotPath('recovery-fire-drill-failed'), fullPage: true })

    await goTo(page, 'Recovery')
    const item = page.getByRole('list', { name: 'Fire drill per job' }).getByRole('listitem', { name: 'Photos' })
    await item.getByRole('status', { name: 'Fire drill of Photos' }).getByText('Failed', { exact: true }).waitFor()
    expect(await item.textContent()).toContain('The fire drill could not finish')
    expect(app.problems).toEqual([])
  })
})
