// The schedule panel on a job card against the real services: entries that cannot be
// sent are marked before anything is asked; the contract's and the schedule service's
// refusals are shown cause first, then the fix, on the field they name; with the NAS
// switched off (known and pinned, its port closed) saving and removing show the
// service's own answer and change nothing stored; Remove asks first and Cancel removes
// nothing. Installing and firing timers on real hosts is in test/lab/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import type { AppError } from '../../src-main/shared/errors'
import type { Job } from '../../src-main/shared/model'
import type { JobSchedule } from '../../src-main/shared/schedule'
import { apiCalls } from '../support/api-calls'
import { freePort, startLocalSshd, type LocalSshd } from '../unit/adapters/ssh/local-sshd'
import { fingerprintOfPublicKeyLine } from '../../src-main/adapters/ssh/host-key'
import { join } from 'node:path'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from './support/browser'
import { hostRecord, jobRecord } from './support/seed'
import { readTextOrNull, startTestApp, type TestApp } from './support/test-app'

let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page
/** This machine's own sshd: a reachable host with no sanoid, for the consent and the preview. */
let sshd: LocalSshd
const { callFails } = apiCalls(() => testApp.context)
const PIN = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'

const counts = (daily: number) => ({ frequently: 0, hourly: 24, daily, weekly: 4, monthly: 6, yearly: 0 })
const DOCS_SCHEDULE: JobSchedule = { schedule: { kind: 'nightly', hour: 3, minute: 15 }, nasSnapshots: counts(14), offsiteRetention: counts(60), enabled: true }

beforeAll(async () => {
  const [nasPort, offsitePort] = [await freePort(), await freePort()]
  sshd = await startLocalSshd()
  const local = { address: '127.0.0.1', port: sshd.port, user: sshd.user, auth: 'key-file' as const, keyFilePath: join(sshd.dir, 'user'), pinnedHostKey: fingerprintOfPublicKeyLine(sshd.hostKeyPub) }
  testApp = await startTestApp({
    config: {
      hosts: [
        hostRecord({ id: 'nas-1', label: 'Home NAS', role: 'nas', address: '127.0.0.1', port: nasPort, auth: 'key-file', keyFilePath: join(sshd.dir, 'user'), pinnedHostKey: PIN }),
        hostRecord({ id: 'offsite-1', label: 'Friend’s box', role: 'offsite', address: '127.0.0.1', port: offsitePort, auth: 'key-file', keyFilePath: join(sshd.dir, 'user'), pinnedHostKey: PIN }),
        hostRecord({ id: 'nas-2', label: 'This machine as NAS', role: 'nas', ...local }),
        hostRecord({ id: 'offsite-2', label: 'This machine as off-site box', role: 'offsite', ...local }),
      ],
      jobs: [
        jobRecord({ id: 'photos', name: 'Photos' }),
        jobRecord({ id: 'docs', name: 'Docs', sources: [{ dataset: 'tank/docs', recursive: true }], schedule: DOCS_SCHEDULE }),
        jobRecord({ id: 'local', name: 'Local', sourceHostId: 'nas-2', targetHostId: 'offsite-2', receiver: { user: 'zfsreceive', address: '10.99.0.2', port: 22 } }),
      ],
    },
  })
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
  await goTo(page, 'Jobs')
})
afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
  await sshd?.dispose()
})

function storedJob(id: string): Job {
  const jobs = (JSON.parse(readTextOrNull(testApp.configFile) ?? '{"jobs":[]}') as { jobs: Job[] }).jobs
  const job = jobs.find((j) => j.id === id)
  if (!job) throw new Error(`job ${id} is not stored`)
  return job
}

async function openPanel(name: string): Promise<Locator> {
  const item = page.getByRole('list', { name: 'Jobs' }).getByRole('listitem', { name, exact: true })
  const toggle = item.getByRole('button', { name: `Schedule for ${name}` })
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
  const panel = item.getByRole('region', { name: `Schedule of ${name}` })
  await panel.waitFor()
  return panel
}

/** The notice's paragraphs: the cause first, the fix last. */
async function notice(panel: Locator): Promise<{ cause: string; fix: string }> {
  const alert = panel.locator('.notice-error').last()
  await alert.waitFor()
  const ps = await alert.locator(':scope > p').allTextContents()
  return { cause: ps[0] ?? '', fix: ps[ps.length - 1] ?? '' }
}

const plain = (e: AppError) => ({ cause: e.cause, fix: e.fix })

describe('schedule panel', () => {
  it('starts a job without a schedule at nightly 02:00, and marks entries that cannot be sent before asking anything', async () => {
    const panel = await openPanel('Photos')
    await panel.getByText('No schedule yet: backups run only when started from this app.').waitFor()
    expect(await panel.getByRole('radio', { name: 'Every night at a time' }).isChecked()).toBe(true)
    const time = panel.getByLabel('Time of day (NAS time)')
    expect(await time.inputValue()).toBe('02:00')

    await time.fill('2.30')
    await panel.getByLabel('Daily on the NAS').fill('many')
    await panel.getByRole('button', { name: 'Save schedule' }).click()
    await panel.getByText('Enter the time as hours and minutes, for example 02:30.', { exact: true }).waitFor()
    expect(await time.getAttribute('aria-invalid')).toBe('true')
    await panel.getByText('Enter how many to keep, 0 or more.', { exact: true }).waitFor()
    expect(await panel.getByLabel('Daily on the NAS').getAttribute('aria-invalid')).toBe('true')
    await panel.getByRole('alert').filter({ hasText: 'Some entries cannot be used yet; they are marked above.' }).waitFor()
    // Nothing was sent, so nothing is stored.
    expect(storedJob('photos').schedule).toBeUndefined()
  })

  it('shows the contract’s refusal of an hour out of range on the time field, cause first, then the fix', async () => {
    const panel = await openPanel('Photos')
    await panel.getByLabel('Daily on the NAS').fill('30')
    await panel.getByLabel('Time of day (NAS time)').fill('25:00')
    await panel.getByRole('button', { name: 'Save schedule' }).click()
    const expected = await callFails('setJobSchedule', {
      jobId: 'photos',
      schedule: { schedule: { kind: 'nightly', hour: 25, minute: 0 }, nasSnapshots: { frequently: 0, hourly: 48, daily: 30, weekly: 8, monthly: 12, yearly: 0 }, offsiteRetention: { frequently: 0, hourly: 24, daily: 30, weekly: 8, monthly: 24, yearly: 2 }, enabled: true },
      installMissing: false,
    })
    expect(plain(expected)).toEqual({ cause: 'An hour is 0 to 23.', fix: 'Correct the highlighted value and try again. Nothing was changed.' })
    expect(await notice(panel)).toEqual(plain(expected))
    const field = panel.getByLabel('Time of day (NAS time)')
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    expect(await panel.locator('.field-error').allTextContents()).toContain('An hour is 0 to 23.')
    expect(storedJob('photos').schedule).toBeUndefined()
  })

  it('a custom calendar the app cannot check is refused by the service, in What this runs and on Save alike', async () => {
    const panel = await openPanel('Photos')
    await panel.getByRole('radio', { name: 'Custom calendar' }).check()
    await panel.getByLabel('Calendar (systemd OnCalendar)').fill('every other tuesday')
    await panel.getByLabel('Time of day (NAS time)').waitFor({ state: 'detached' })
    const schedule: JobSchedule = {
      schedule: { kind: 'custom', onCalendar: 'every other tuesday' },
      nasSnapshots: { frequently: 0, hourly: 48, daily: 30, weekly: 8, monthly: 12, yearly: 0 },
      offsiteRetention: { frequently: 0, hourly: 24, daily: 30, weekly: 8, monthly: 24, yearly: 2 },
      enabled: true,
    }
    const expected = await callFails('previewJobSchedule', { jobId: 'photos', schedule })
    expect(expected.code).toBe('SCHEDULE_INVALID')

    await panel.getByRole('button', { name: 'What this runs' }).click()
    const preview = panel.getByRole('region', { name: 'What this runs' })
    await preview.locator('.notice-error').waitFor()
    const ps = await preview.locator('.notice-error > p').allTextContents()
    expect([ps[0], ps[ps.length - 1]]).toEqual([expected.cause, expected.fix])

    await panel.getByRole('button', { name: 'Save schedule' }).click()
    await expect.poll(async () => (await panel.locator(':scope > .notice-error').count()) > 0).toBe(true)
    const saved = await panel.locator(':scope > .notice-error > p').allTextContents()
    expect([saved[0], saved[saved.length - 1]]).toEqual([expected.cause, expected.fix])
    await page.screenshot({ path: screenshotPath('schedule-refused'), fullPage: true })
    expect(storedJob('photos').schedule).toBeUndefined()
  })

  it('with the NAS switched off, a valid schedule is not saved and the service says why; “my own tool” drops the NAS counts', async () => {
    const panel = await openPanel('Photos')
    await panel.getByRole('radio', { name: 'Every few hours' }).check()
    await panel.getByLabel('Every how many hours').fill('6')
    await panel.getByLabel('Minutes past the hour').fill('15')
    await panel.getByRole('checkbox', { name: /^My own tool takes snapshots on the NAS/ }).check()
    await panel.getByLabel('Daily on the NAS').waitFor({ state: 'detached' })
    await panel.getByRole('button', { name: 'Save schedule' }).click()
    const expected = await callFails('setJobSchedule', {
      jobId: 'photos',
      schedule: { schedule: { kind: 'every-hours', hours: 6, minute: 15 }, nasSnapshots: null, offsiteRetention: { frequently: 0, hourly: 24, daily: 30, weekly: 8, monthly: 24, yearly: 2 }, enabled: true },
      installMissing: false,
    })
    expect(expected.code).toBe('SSH_CONNECTION_REFUSED')
    await expect.poll(async () => (await notice(panel)).cause).toBe(expected.cause)
    expect(await notice(panel)).toEqual(plain(expected))
    expect(storedJob('photos').schedule).toBeUndefined()
  })

  it('a stored schedule whose NAS cannot be read shows the service’s reason and the stored entries', async () => {
    const panel = await openPanel('Docs')
    const expected = await callFails('getJobSchedule', { jobId: 'docs' })
    expect(expected.code).toBe('SSH_CONNECTION_REFUSED')
    const n = await notice(panel)
    expect(n).toEqual(plain(expected))
    await panel.getByText('The schedule stored in this app is shown below; saving needs the NAS.').waitFor()
    expect(await panel.getByLabel('Time of day (NAS time)').inputValue()).toBe('03:15')
    expect(await panel.getByLabel('Daily on the NAS').inputValue()).toBe('14')
    expect(await panel.getByLabel('Daily off-site').inputValue()).toBe('60')
  })

  it('Remove asks first: Cancel removes nothing; confirmed, the service’s answer is shown and the stored schedule stays until the NAS agrees', async () => {
    const panel = await openPanel('Docs')
    const remove = panel.getByRole('button', { name: 'Remove schedule' })
    await remove.click()
    const dialog = page.getByRole('dialog', { name: 'Remove the schedule of “Docs”?' })
    await dialog.waitFor()
    expect(await dialog.getByRole('listitem').allTextContents()).toEqual([
      'the timer (or cron lines) on the NAS that runs the backup;',
      'this job’s sanoid settings on the NAS and its pruning settings on the off-site box.',
    ])
    await dialog.getByText('Snapshots stay where they are, on both hosts.', { exact: false }).waitFor()
    await page.screenshot({ path: screenshotPath('schedule-remove-confirm'), fullPage: true })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(await remove.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(storedJob('docs').schedule).toEqual(DOCS_SCHEDULE)

    await remove.click()
    await dialog.getByRole('button', { name: 'Remove schedule' }).click()
    await dialog.waitFor({ state: 'detached' })
    const expected = await callFails('removeJobSchedule', { jobId: 'docs' })
    await expect.poll(async () => (await notice(panel)).cause).toBe(expected.cause)
    expect(await notice(panel)).toEqual(plain(expected))
    expect(storedJob('docs').schedule).toEqual(DOCS_SCHEDULE)
    expect(app.problems).toEqual([])
  })

  it('on a reachable NAS without sanoid: What this runs lists the service’s commands per host, and Save asks for consent to install sanoid first', async () => {
    const panel = await openPanel('Local')
    await panel.getByText('No schedule yet: backups run only when started from this app.').waitFor()
    await panel.getByRole('button', { name: 'What this runs' }).click()
    const preview = panel.getByRole('region', { name: 'What this runs' })
    const commands = preview.getByRole('list', { name: 'Commands' }).getByRole('listitem')
    await commands.first().waitFor({ timeout: 30_000 })
    const heads = await commands.locator('.command-head').allTextContents()
    expect(heads.length).toBeGreaterThan(3)
    expect(heads.every((h) => /^on (the NAS|the off-site box) · /.test(h))).toBe(true)
    expect(heads.some((h) => h.includes('only if you agree'))).toBe(true)
    expect(await preview.locator('strong').first().textContent()).toMatch(/02:00/)

    await panel.getByRole('button', { name: 'Save schedule' }).click()
    const consent = panel.getByRole('checkbox', { name: 'Install sanoid (it brings syncoid) from the distribution’s packages' })
    await consent.waitFor({ timeout: 30_000 })
    const save = panel.getByRole('button', { name: 'Save schedule' })
    expect(await save.isDisabled()).toBe(true)
    // Ticked, Save may go ahead (not pressed here: it would install sanoid on this machine).
    await consent.check()
    expect(await save.isEnabled()).toBe(true)
    await consent.uncheck()
    expect(await save.isDisabled()).toBe(true)
    await page.screenshot({ path: screenshotPath('schedule-sanoid-consent'), fullPage: true })
    expect(storedJob('local').schedule).toBeUndefined()
  }, 60_000)
})
