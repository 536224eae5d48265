// The Transfers screen: the history from the real config (newest first, a failed run's
// cause and fix before its raw stderr), and live runs from the services' own `progress`
// and `jobState` events: bar, datasets, stall warning, rate chart, cancel and its refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { RunProgress } from '../../src-main/shared/contract'
import { goTo, launchBrowser, openApp, screenshotPath } from './support/browser'
import { hostRecord, jobRecord, runRecord, seedJob, seedRuns } from './support/seed'
import { startTestApp, type TestApp } from './support/test-app'

let testApp: TestApp
let browser: Browser

const STDERR = 'cannot receive incremental stream: destination backup/nas/docs has been modified\nsince most recent snapshot'

beforeAll(async () => {
  testApp = await startTestApp()
  browser = await launchBrowser()
  seedJob(testApp, { id: 'photos', name: 'Photos' })
  seedJob(testApp, { id: 'docs', name: 'Documents', sources: [{ dataset: 'tank/docs', recursive: true }] })
  seedRuns(testApp, [
    { id: 'run-old', jobId: 'photos', outcome: 'succeeded', startedAt: '2025-04-28T08:00:00.000Z', endedAt: '2025-04-28T08:02:00.000Z', bytes: 2_500_000_000, datasets: 2 },
    {
      id: 'run-failed',
      jobId: 'docs',
      outcome: 'failed',
      startedAt: '2025-04-29T08:00:00.000Z',
      endedAt: '2025-04-29T08:00:40.000Z',
      bytes: 0,
      datasets: 1,
      errorCode: 'ZFS_TARGET_MODIFIED',
      error: {
        code: 'ZFS_TARGET_MODIFIED',
        cause: 'The off-site copy of tank/docs was changed after the last copy.',
        fix: 'Check the plan: it shows what differs before anything is rolled back.',
        details: STDERR,
      },
      notes: ['Discarded an interrupted copy into backup/nas/docs: its source snapshot is gone.'],
    },
    { id: 'run-paused', jobId: 'photos', outcome: 'cancelled', startedAt: '2025-04-30T08:00:00.000Z', endedAt: '2025-04-30T08:05:00.000Z', bytes: 700_000_000, datasets: 2 },
  ])
})
afterAll(async () => {
  await browser?.close()
  await testApp?.close()
})

type DatasetRow = RunProgress['datasets'][number]

function dataset(index: number, label: string, status: DatasetRow['status'], bytesDone: number, bytesTotal: number | null): DatasetRow {
  return { index, label, source: `tank/${label}`, target: `backup/nas/${label}`, status, bytesDone, bytesTotal, resumedFromBytes: 0, expectNewestGuid: null }
}

function progress(change: Partial<RunProgress> & Pick<RunProgress, 'bytesDone' | 'rateBytesPerSecond' | 'at'>): RunProgress {
  return { jobId: 'photos', runId: 'run-live', phase: 'sending', bytesTotal: 1_000_000_000, stalled: false, secondsSinceLastByte: 0, datasets: [], ...change }
}

/** How many points the polyline of a rate chart has. */
async function chartPointCount(page: Page, name: string): Promise<number> {
  const points = await page.getByRole('img', { name: new RegExp(`^Transfer rate of ${name}`) }).locator('polyline').getAttribute('points')
  return points?.trim() ? points.trim().split(/\s+/).length : 0
}

describe('transfers', () => {
  it('lists past runs newest first: a failed run shows cause and fix, its raw stderr under Details; a cancelled one reads “Paused — will resume”', async () => {
    const app = await openApp(browser, testApp.url)
    const { page } = app
    try {
      await goTo(page, 'Transfers')
      await page.getByRole('heading', { level: 2, name: 'Nothing is transferring' }).waitFor()
      const history = page.getByRole('list', { name: 'Past transfers, newest first' })
      await history.waitFor()
      const items = history.getByRole('listitem').filter({ has: page.locator('.item-title') })
      await expect.poll(() => items.count()).toBe(3)
      const titles = await items.locator('.item-title').allTextContents()
      expect(titles).toEqual(['Photos Paused — will resume', 'Documents Failed', 'Photos Copied'])

      const paused = items.nth(0)
      expect(await paused.textContent()).toContain('took 5 min')
      expect(await paused.textContent()).toContain('The next run continues from where this one stopped.')

      const failed = items.nth(1)
      await failed.getByText('The off-site copy of tank/docs was changed after the last copy.', { exact: true }).waitFor()
      await failed.getByText('Check the plan: it shows what differs before anything is rolled back.', { exact: true }).waitFor()
      // The raw output waits behind "Details" until asked for.
      const stderr = failed.getByLabel('What the tools printed')
      expect(await stderr.isVisible()).toBe(false)
      await failed.getByText('Details', { exact: true }).click()
      await stderr.waitFor({ state: 'visible' })
      expect(await stderr.textContent()).toBe(STDERR)
      await failed.getByText('Discarded an interrupted copy into backup/nas/docs: its source snapshot is gone.').waitFor({ state: 'visible' })
      expect(await failed.textContent()).toContain('ZFS_TARGET_MODIFIED')
      expect(await failed.textContent()).toContain('took 40 s')

      const copied = items.nth(2)
      expect(await copied.textContent()).toContain('2.5 GB · 2 datasets')
      await page.screenshot({ path: screenshotPath('transfers-history'), fullPage: true })
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  })

  it('follows a run from progress events: bar, bytes, rate, time left, datasets, a growing rate chart, the stall warning, then the end and its history', async () => {
    const app = await openApp(browser, testApp.url)
    const { page } = app
    try {
      await goTo(page, 'Transfers')
      await page.getByRole('heading', { level: 2, name: 'Nothing is transferring' }).waitFor()
      await page.getByRole('list', { name: 'Past transfers, newest first' }).waitFor()

      const events = testApp.context.events
      events.emit('jobState', { jobId: 'photos', runId: 'run-live', state: 'running' })
      events.emit(
        'progress',
        progress({
          bytesDone: 250_000_000,
          rateBytesPerSecond: 50_000_000,
          etaSeconds: 15,
          at: '2025-05-01T08:00:00.000Z',
          datasets: [dataset(0, 'photos', 'running', 250_000_000, 800_000_000), dataset(1, 'photos-raw', 'waiting', 0, 200_000_000)],
        }),
      )

      const item = page.getByRole('list', { name: 'Transfers', exact: true }).getByRole('listitem', { name: 'Photos', exact: true })
      const bar = item.getByRole('progressbar', { name: 'Transfer of Photos' })
      await bar.waitFor()
      await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('25')
      await expect.poll(() => item.textContent()).toContain('250 MB of 1.0 GB · 50 MB/s · about 15 s left')
      expect(await item.textContent()).toContain('Running')

      const rows = item.getByRole('table', { name: 'Datasets in the transfer of Photos' }).getByRole('row')
      await expect.poll(() => rows.count()).toBe(3)
      const first = rows.filter({ hasText: 'tank/photos →' })
      expect(await first.getByRole('cell').allTextContents()).toEqual(['photos tank/photos → backup/nas/photos', 'Sending', '250 MB of 800 MB'])
      expect(await rows.filter({ hasText: 'tank/photos-raw' }).getByRole('cell').nth(1).textContent()).toBe('Waiting')
      await expect.poll(() => chartPointCount(page, 'Photos')).toBe(1)
      expect(await item.getByRole('alert').count()).toBe(0)

      events.emit(
        'progress',
        progress({
          bytesDone: 500_000_000,
          rateBytesPerSecond: 60_000_000,
          etaSeconds: 9,
          at: '2025-05-01T08:00:01.000Z',
          datasets: [dataset(0, 'photos', 'succeeded', 800_000_000, 800_000_000), dataset(1, 'photos-raw', 'running', 0, 200_000_000)],
        }),
      )
      await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('50')
      await expect.poll(() => chartPointCount(page, 'Photos')).toBe(2)
      await page.getByRole('img', { name: /^Transfer rate of Photos, over the last 1 s: now 60 MB\/s, highest 60 MB\/s$/ }).waitFor()
      expect(await rows.filter({ hasText: 'tank/photos →' }).getByRole('cell').nth(1).textContent()).toBe('Copied')

      // Nothing moves for three minutes: the services say the run stalled.
      events.emit('progress', progress({ bytesDone: 500_000_000, rateBytesPerSecond: 0, stalled: true, secondsSinceLastByte: 180, at: '2025-05-01T08:03:01.000Z' }))
      await item.getByRole('alert').getByText('No data has moved for 3 min.', { exact: true }).waitFor()
      await expect.poll(() => chartPointCount(page, 'Photos')).toBe(3)
      await page.screenshot({ path: screenshotPath('transfers-stalled'), fullPage: true })

      // It moves again, finishes, and the finished run joins the history.
      events.emit('progress', progress({ phase: 'verifying', bytesDone: 1_000_000_000, rateBytesPerSecond: 48_000_000, at: '2025-05-01T08:03:02.000Z' }))
      await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('100')
      expect(await item.getByRole('alert').count()).toBe(0)
      seedRuns(testApp, [
        { id: 'run-live', jobId: 'photos', outcome: 'succeeded', startedAt: '2025-05-01T08:00:00.000Z', endedAt: '2025-05-01T08:03:05.000Z', bytes: 1_000_000_000, datasets: 2 },
      ])
      events.emit('jobState', { jobId: 'photos', runId: 'run-live', state: 'succeeded' })
      await expect.poll(() => item.textContent()).toContain('Finished')
      expect(await item.getByRole('button', { name: /^Cancel/ }).count()).toBe(0)
      const newest = page.getByRole('list', { name: 'Past transfers, newest first' }).getByRole('listitem').first()
      await expect.poll(() => newest.locator('.item-title').textContent()).toBe('Photos Copied')
      expect(await newest.textContent()).toContain('took 3 min · 1.0 GB · 2 datasets')
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  })

  it('Cancel asks the services to stop that run and shows their answer; a cancelled run reads “Paused — will resume”', async () => {
    const app = await openApp(browser, testApp.url)
    const { page } = app
    try {
      await goTo(page, 'Transfers')
      await page.getByRole('list', { name: 'Past transfers, newest first' }).waitFor()
      const events = testApp.context.events
      // A run the services do not know: cancelRun must refuse it, and the screen must say so.
      events.emit('jobState', { jobId: 'docs', runId: 'run-unknown', state: 'running' })
      events.emit('progress', progress({ jobId: 'docs', runId: 'run-unknown', bytesDone: 100_000_000, rateBytesPerSecond: 10_000_000, at: '2025-05-01T09:00:00.000Z' }))
      const item = page.getByRole('list', { name: 'Transfers', exact: true }).getByRole('listitem', { name: 'Documents', exact: true })
      await item.getByRole('progressbar', { name: 'Transfer of Documents' }).waitFor()
      await item.getByRole('button', { name: 'Cancel the transfer of Documents' }).click()
      const refusal = item.getByRole('alert')
      await refusal.getByText('That run is not in the history.', { exact: true }).waitFor()
      await refusal.getByText('Pick a run from the Transfers screen.', { exact: true }).waitFor()

      // The services report the cancelled run the way they do after a real cancel.
      events.emit('jobState', { jobId: 'docs', runId: 'run-unknown', state: 'cancelled', message: 'Paused — will resume: the next run continues where this one stopped.' })
      await item.locator('.item-title').getByText('Paused — will resume', { exact: true }).waitFor()
      expect(await item.textContent()).toContain('the next run continues where this one stopped.')
      expect(await item.getByRole('button', { name: /^Cancel/ }).count()).toBe(0)
      await page.screenshot({ path: screenshotPath('transfers-paused'), fullPage: true })
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  })

  it('shows a run that was going on the NAS before the window opened (reattached), and Cancel reports why it cannot reach the NAS', async () => {
    // The file an earlier session left: a run still going on the NAS. The services follow
    // it again on start; progress events are an hour apart here, so only listActiveRuns
    // can put it on the screen.
    const earlier = await startTestApp({
      progressTickMs: 3_600_000,
      config: {
        hosts: [hostRecord({ id: 'nas-1', label: 'Home NAS', role: 'nas' }), hostRecord({ id: 'offsite-1', label: 'Friend’s box', role: 'offsite' })],
        jobs: [jobRecord({ id: 'photos', name: 'Photos' })],
        runs: [
          runRecord({
            id: 'run-reattached',
            jobId: 'photos',
            outcome: 'running',
            datasets: 1,
            nasHostId: 'nas-1',
            stateDir: '/var/lib/zfs-offsite/runs/run-reattached',
            transfers: [
              { source: 'tank/photos', target: 'backup/nas/photos', label: 'photos', status: 'running', bytesDone: 0, bytesTotal: 4_000_000_000, resumedFromBytes: 0, expectNewestGuid: null },
            ],
          }),
        ],
      },
    })
    const app = await openApp(browser, earlier.url)
    const { page } = app
    try {
      await goTo(page, 'Transfers')
      const item = page.getByRole('list', { name: 'Transfers', exact: true }).getByRole('listitem', { name: 'Photos', exact: true })
      await item.getByRole('progressbar', { name: 'Transfer of Photos' }).waitFor()
      expect(await item.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0')
      expect(await item.textContent()).toContain('0 bytes of 4.0 GB')
      expect(await item.locator('.item-title').textContent()).toBe('Photos Running')
      const row = item.getByRole('table', { name: 'Datasets in the transfer of Photos' }).getByRole('row').filter({ hasText: 'tank/photos →' })
      expect(await row.getByRole('cell').allTextContents()).toEqual(['photos tank/photos → backup/nas/photos', 'Sending', '0 bytes of 4.0 GB'])
      // Still running, so it is not repeated in the history below.
      await page.getByText('No copy has run yet.', { exact: true }).waitFor()

      await item.getByRole('button', { name: 'Cancel the transfer of Photos' }).click()
      const alert = item.getByRole('alert')
      await alert.getByText('The identity of Home NAS has not been confirmed yet.', { exact: true }).waitFor()
      await alert.getByText('Open Hosts, connect to it and confirm its fingerprint.', { exact: true }).waitFor()
      expect(await item.locator('.item-title').textContent()).toBe('Photos Running')
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
      await earlier.close()
    }
  })
})
