// The Overview against the real services: a job whose NAS and off-site box are both
// switched off (known and pinned, their ports closed) shows what getOverview really
// answers — the hosts it could not reach, the lag it cannot tell, the last run from the
// app's history with its cause and fix — and a failed run's end (the runs' jobState
// event) reaches the page as a notification through the bridge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { OverviewJob } from '../../src-main/shared/schedule'
import { apiCalls } from '../support/api-calls'
import { join } from 'node:path'
import { freePort, startLocalSshd, type LocalSshd } from '../unit/adapters/ssh/local-sshd'
import { goTo, launchBrowser, openApp, screenshotPath } from './support/browser'
import { hostRecord, jobRecord, runRecord } from './support/seed'
import { readTextOrNull, startTestApp, type TestApp } from './support/test-app'

let testApp: TestApp
let browser: Browser
/** Only for its client key: the hosts themselves are switched off (closed ports). */
let keys: LocalSshd
let ports: { nas: number; offsite: number }
const { call } = apiCalls(() => testApp.context)
const PIN = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'

const failed = (id: string, endedAt: string, cause: string, fix: string) =>
  runRecord({ id, jobId: 'photos', outcome: 'failed', startedAt: endedAt, endedAt, datasets: 1, errorCode: 'ZFS_OUT_OF_SPACE', error: { code: 'ZFS_OUT_OF_SPACE', cause, fix } })

beforeAll(async () => {
  ports = { nas: await freePort(), offsite: await freePort() }
  keys = await startLocalSshd()
  const auth = { auth: 'key-file' as const, keyFilePath: join(keys.dir, 'user'), pinnedHostKey: PIN }
  testApp = await startTestApp({
    config: {
      hosts: [
        hostRecord({ id: 'nas-1', label: 'Home NAS', role: 'nas', address: '127.0.0.1', port: ports.nas, ...auth }),
        hostRecord({ id: 'offsite-1', label: 'Friend’s box', role: 'offsite', address: '127.0.0.1', port: ports.offsite, ...auth }),
      ],
      jobs: [jobRecord({ id: 'photos', name: 'Photos' })],
      runs: [failed('run-1', '2026-11-27T02:01:00.000Z', 'The pool is full.', 'Free space on the off-site box, or give it a bigger disk.')],
    },
  })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await testApp?.close()
  await keys?.dispose()
})

const card = (page: import('playwright-core').Page) => page.getByRole('list', { name: 'Backups, one per job' }).getByRole('listitem', { name: 'Photos', exact: true })

describe('overview', () => {
  it('shows a job whose hosts cannot be reached as the services answer it: the hosts named, the lag unknown, the last run with cause and fix', async () => {
    const [expected] = await call<OverviewJob[]>('getOverview', {})
    expect(expected!.unreachable).toEqual(['Home NAS', 'Friend’s box'])
    const app = await openApp(browser, testApp.url)
    const { page } = app
    try {
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
      const item = card(page)
      await item.waitFor()
      await item.getByText('How far behind the off-site copy is cannot be told right now', { exact: true }).waitFor()
      expect(await item.getByRole('list', { name: 'Warnings for Photos' }).getByRole('listitem').allTextContents()).toEqual(expected!.warnings)
      expect(expected!.warnings).toEqual([
        `Home NAS could not be reached: Nothing answers SSH at Home NAS (127.0.0.1 port ${ports.nas}). What is shown is what could be read.`,
        `Friend’s box could not be reached: Nothing answers SSH at Friend’s box (127.0.0.1 port ${ports.offsite}). What is shown is what could be read.`,
        'The last backup (started from this app) failed: The pool is full. Free space on the off-site box, or give it a bigger disk.',
      ])
      const row = (term: string) => item.locator('.definition-row').filter({ has: page.getByRole('term').getByText(term, { exact: true }) }).getByRole('definition')
      expect(await row('Could not reach').textContent()).toBe('Home NAS, Friend’s box')
      expect(await row('Newest off-site copy').textContent()).toBe('None known')
      expect(await row('Next run').textContent()).toBe('Not scheduled: runs only when started from this app')
      const lastRun = await row('Last run').textContent()
      expect(lastRun).toContain('Failed')
      expect(lastRun).toContain('started from this app')
      expect(lastRun).toContain('The pool is full. Free space on the off-site box, or give it a bigger disk.')

      // The ZFS terms wait under details.
      const details = item.getByText('ZFS details', { exact: true })
      const lagWords = item.getByText(expected!.lag.words, { exact: true })
      expect(await lagWords.isVisible()).toBe(false)
      await details.click()
      await lagWords.waitFor({ state: 'visible' })
      await page.screenshot({ path: screenshotPath('overview-unreachable'), fullPage: true })
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  }, 60_000)

  it('a run that ends failed reaches the page as a notification with the run’s cause and fix', async () => {
    const app = await openApp(browser, testApp.url)
    const { page } = app
    try {
      await card(page).waitFor()
      const log = page.getByRole('log', { name: 'Notifications' })
      expect(await log.getByRole('listitem').count()).toBe(0)
      // The run ends as the runs service reports it: its record saved, then its jobState event.
      testApp.context.config.update((c) => {
        c.runs.push(failed('run-2', '2026-11-28T02:01:00.000Z', 'The off-site box ran out of space during the copy.', 'Free space there, then start the copy again: it resumes.'))
      })
      testApp.context.events.emit('jobState', { jobId: 'photos', runId: 'run-2', state: 'failed', message: 'The off-site box ran out of space during the copy.' })
      const note = log.getByRole('listitem')
      await expect.poll(() => note.count()).toBe(1)
      expect(await note.locator('p').allTextContents()).toEqual(['Backup “Photos” failed', 'The off-site box ran out of space during the copy. Free space there, then start the copy again: it resumes.'])
      // The overview is read again after the run's end: the newer failure is the last run now.
      await card(page).getByText('The off-site box ran out of space during the copy. Free space there, then start the copy again: it resumes.', { exact: true }).first().waitFor()
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  }, 60_000)

  it('Check again reads the hosts again and shows the new answer, the button waiting for it', async () => {
    const app = await openApp(browser, testApp.url)
    const { page } = app
    try {
      await card(page).waitFor()
      // A run recorded since the page read the hosts (no event about it): only a new reading shows it.
      testApp.context.config.update((c) => {
        c.runs.push(failed('run-4', '2026-11-28T02:30:00.000Z', 'The off-site box refused the receive.', 'Check the receive user on the off-site box.'))
      })
      // Every state the toolbar's button goes through, recorded in the page as it happens.
      await page.evaluate(() => {
        const seen: string[] = []
        ;(window as unknown as { buttonStates: string[] }).buttonStates = seen
        const toolbar = document.querySelector('.overview-toolbar')!
        const note = () => {
          const b = toolbar.querySelector('button')!
          const state = `${b.textContent ?? ''}|${b.disabled ? 'disabled' : 'enabled'}`
          if (seen.at(-1) !== state) seen.push(state)
        }
        note()
        new MutationObserver(note).observe(toolbar, { subtree: true, childList: true, characterData: true, attributes: true })
      })
      await page.getByRole('button', { name: 'Check again' }).click()
      await card(page).getByText('The last backup (started from this app) failed: The off-site box refused the receive. Check the receive user on the off-site box.', { exact: true }).waitFor()
      await page.getByRole('button', { name: 'Check again' }).waitFor()
      expect(await page.getByRole('button', { name: 'Check again' }).isEnabled()).toBe(true)
      expect(await page.getByRole('region', { name: 'Backups' }).getAttribute('aria-busy')).toBe('false')
      // While the hosts were read again, the button waited (and the old answer stayed on screen).
      expect(await page.evaluate(() => (window as unknown as { buttonStates: string[] }).buttonStates)).toEqual([
        'Check again|enabled',
        'Reading the hosts…|disabled',
        'Check again|enabled',
      ])
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  }, 60_000)

  it('with notifications of failures turned off, a failed run raises none', async () => {
    await call('updateSettings', { notifyOnFailure: false })
    const app = await openApp(browser, testApp.url)
    const { page } = app
    try {
      await card(page).waitFor()
      testApp.context.config.update((c) => {
        c.runs.push(failed('run-3', '2026-11-28T03:01:00.000Z', 'The pool is full.', 'Free space on the off-site box.'))
      })
      testApp.context.events.emit('jobState', { jobId: 'photos', runId: 'run-3', state: 'failed' })
      // The overview's own re-read after the event shows the page heard it; still no notification.
      await card(page).getByText('The last backup (started from this app) failed: The pool is full. Free space on the off-site box.', { exact: true }).waitFor()
      expect(await page.getByRole('log', { name: 'Notifications' }).getByRole('listitem').count()).toBe(0)
    } finally {
      await call('updateSettings', { notifyOnFailure: true })
      await app.close()
    }
  }, 60_000)

  it('Settings keeps the notification threshold, the check interval and start at login; a value out of range shows the service’s refusal', async () => {
    const app = await openApp(browser, testApp.url)
    const { page } = app
    const stored = () => (JSON.parse(readTextOrNull(testApp.configFile) ?? '{}') as { preferences?: Record<string, unknown> }).preferences ?? {}
    try {
      await goTo(page, 'Settings')
      const hours = page.getByLabel('Too old after (hours)')
      expect(await hours.inputValue()).toBe('48')
      await hours.fill('72')
      await hours.blur()
      await expect.poll(() => stored()['notifyWhenOlderThanHours']).toBe(72)

      const minutes = page.getByLabel('Check every job every (minutes)')
      await minutes.fill('2')
      await minutes.blur()
      const refusal = page.locator('.notice-error')
      await refusal.waitFor()
      const ps = await refusal.locator(':scope > p').allTextContents()
      expect(ps[ps.length - 1]).toBe('Correct the highlighted value and try again. Nothing was changed.')
      expect(stored()['checkEveryMinutes']).toBe(30)
      await minutes.fill('15')
      await minutes.blur()
      await expect.poll(() => stored()['checkEveryMinutes']).toBe(15)

      await page.getByRole('checkbox', { name: 'Tell me when the newest off-site copy is too old' }).uncheck()
      await expect.poll(() => stored()['notifyWhenOlderThanHours']).toBe(null)
      await hours.waitFor({ state: 'detached' })
      await page.getByRole('checkbox', { name: 'Start with my session and keep checking from the tray' }).check()
      await expect.poll(() => stored()['startAtLogin']).toBe(true)
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  })
})
