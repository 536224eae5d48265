// The notifier's checks on its interval: an off-site copy older than the person's
// threshold is reported once until it is fresh again, a failed run of the NAS's timer
// once per failure. The readings are what the overview assembles from the tree listing
// captured on OpenZFS 2.3 (the copy's rows are the NAS's own, as a received copy keeps
// GUIDs and creation times); the timer's status is the contract's shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTreeListing } from '../../../src-main/core/zfs/list-tree'
import type { DatasetName } from '../../../src-main/core/zfs/names'
import { EventBus } from '../../../src-main/services/event-bus'
import { createNotifier } from '../../../src-main/services/notifier'
import { assembleOverview } from '../../../src-main/services/overview-assembly'
import { createOverviewService, type JobOverviewReading, type OverviewService } from '../../../src-main/services/overview-service'
import type { HostServices } from '../../../src-main/services/hosts-service'
import { AppFailure, appError } from '../../../src-main/shared/errors'
import type { EventPayload } from '../../../src-main/shared/contract'
import type { Job } from '../../../src-main/shared/model'
import type { ScheduleStatus } from '../../../src-main/shared/schedule'
import { fixture } from '../../support/fixtures'
import { listing } from '../../support/listing-builder'
import { makeTestContext, type TestContext } from './app-context-fixture'

const nas = parseTreeListing(fixture('zfs-2.3', 'zfs-list-tree').stdout)
const plain = nas.datasets.get('tank/plain' as DatasetName)!
const newest = plain.snapshots.newest()!.creation
const target = parseTreeListing(
  listing([{ name: 'backup/nas/plain', snaps: plain.snapshots.toArray().map((s) => ({ name: s.name, guid: s.guid, txg: s.createtxg, creation: s.creation })) }]),
)
const H = 3600

let t: TestContext
let job: Job

beforeAll(() => {
  t = makeTestContext()
  job = {
    id: 'photos',
    name: 'Photos',
    sourceHostId: 'nas-1',
    targetHostId: 'offsite-1',
    sources: [{ dataset: 'tank/plain', recursive: false }],
    exclusions: [],
    targetParent: 'backup/nas',
    intermediates: true,
    stallSeconds: 120,
    send: { raw: false, intermediates: true, largeBlocks: true, embedded: true, compressed: true },
    createdAt: '2026-11-01T00:00:00.000Z',
  }
  t.ctx.config.update((c) => {
    c.jobs.push(job)
    c.preferences.notifyWhenOlderThanHours = 48
  })
})
afterAll(async () => {
  await t?.cleanup()
})

function status(lastRun: ScheduleStatus['lastRun']): ScheduleStatus {
  return { jobId: 'photos', schedule: null, mechanism: 'systemd', words: null, timeZone: 'UTC', nextRunAt: null, lastRun }
}

/** The overview as assembled `hoursOld` after the newest snapshot, with the timer's last run. */
function reading(hoursOld: number, lastRun: ScheduleStatus['lastRun'] = null): JobOverviewReading {
  const schedule = status(lastRun)
  const overview = assembleOverview({
    job,
    now: newest + hoursOld * H,
    roots: [{ sourceRoot: 'tank/plain' as DatasetName, targetRoot: 'backup/nas/plain' as DatasetName, recursive: false, source: nas, target }],
    heldGuids: new Set(),
    schedule,
    appRuns: [],
    tunnel: null,
    availableBytes: null,
    spaceSamples: [],
    unreachable: [],
  })
  return { overview, schedule }
}

describe('checks on the interval', () => {
  it('reports an old copy once, again only after it was fresh in between; and each failed timer run once', async () => {
    let current: JobOverviewReading[] = []
    const overview: OverviewService = { readAll: async () => current, getOverview: async () => current.map((r) => r.overview), onPageReading: () => () => undefined }
    const events = new EventBus()
    const seen: EventPayload<'notification'>[] = []
    events.subscribe((e) => {
      if (e.name === 'notification') seen.push(e.payload)
    })
    const notifier = createNotifier({ config: t.ctx.config, logger: t.ctx.logger, events, overview })
    try {
      current = [reading(10)]
      await notifier.checkNow()
      expect(seen).toEqual([])

      current = [reading(50)]
      await notifier.checkNow()
      await notifier.checkNow()
      expect(seen).toEqual([{ kind: 'copy-old', jobId: 'photos', title: 'Backup “Photos” is falling behind', body: 'The off-site copy is up to date; its newest snapshot is 2 days old.' }])

      current = [reading(1)]
      await notifier.checkNow()
      current = [reading(49)]
      await notifier.checkNow()
      expect(seen.map((n) => n.kind)).toEqual(['copy-old', 'copy-old'])

      seen.length = 0
      const failure = { at: '2026-11-28T02:00:05.000Z', outcome: 'failed' as const, message: 'cannot receive incremental stream: destination has been modified' }
      current = [reading(1, failure)]
      await notifier.checkNow()
      await notifier.checkNow()
      current = [reading(1, { ...failure, at: '2026-11-29T02:00:05.000Z' })]
      await notifier.checkNow()
      expect(seen).toEqual([
        { kind: 'run-failed', jobId: 'photos', title: 'Scheduled backup “Photos” failed', body: `The NAS’s timer ran it and it failed: ${failure.message}` },
        { kind: 'run-failed', jobId: 'photos', title: 'Scheduled backup “Photos” failed', body: `The NAS’s timer ran it and it failed: ${failure.message}` },
      ])
    } finally {
      notifier.dispose()
    }
  })

  it('never reports an old copy when the threshold is off', async () => {
    t.ctx.config.update((c) => {
      c.preferences.notifyWhenOlderThanHours = null
    })
    const events = new EventBus()
    const seen: unknown[] = []
    events.subscribe((e) => {
      if (e.name === 'notification') seen.push(e.payload)
    })
    const current = [reading(24 * 30)]
    const notifier = createNotifier({ config: t.ctx.config, logger: t.ctx.logger, events, overview: { readAll: async () => current, getOverview: async () => current.map((r) => r.overview), onPageReading: () => () => undefined } })
    await notifier.checkNow()
    notifier.dispose()
    expect(seen).toEqual([])
  })
})

describe('on the page’s own reading', () => {
  it('a failed run of the NAS’s timer that the Overview reads is notified then, once, without waiting for the interval', async () => {
    t.ctx.config.update((c) => {
      c.preferences.notifyWhenOlderThanHours = 48
    })
    const failure = { at: '2026-11-30T02:00:05.000Z', outcome: 'failed' as const, message: 'Permission denied (publickey).' }
    let lastRun: ScheduleStatus['lastRun'] = failure
    // Both hosts refuse the connection (the timer's status still comes from getJobSchedule, as the services pass it in).
    const refused = () => Promise.reject(new AppFailure(appError('SSH_CONNECTION_REFUSED', 'The connection was refused.', 'Check that the host is on.')))
    const hosts = { connection: refused } as unknown as HostServices
    const overview = createOverviewService({ config: t.ctx.config, logger: t.ctx.logger, hosts, clock: () => new Date(), getJobSchedule: async () => status(lastRun) })
    const events = new EventBus()
    const seen: EventPayload<'notification'>[] = []
    events.subscribe((e) => {
      if (e.name === 'notification') seen.push(e.payload)
    })
    const notifier = createNotifier({ config: t.ctx.config, logger: t.ctx.logger, events, overview })
    try {
      // Not started: no check on an interval runs; only the page reads.
      const [shown] = await overview.getOverview()
      expect(shown!.lastRun).toMatchObject({ source: 'timer', outcome: 'failed' })
      expect(seen).toEqual([{ kind: 'run-failed', jobId: 'photos', title: 'Scheduled backup “Photos” failed', body: `The NAS’s timer ran it and it failed: ${failure.message}` }])
      await overview.getOverview()
      await notifier.checkNow()
      expect(seen).toHaveLength(1)
    } finally {
      notifier.dispose()
    }
    // Disposed: a newer failure the page reads is notified no more.
    lastRun = { ...failure, at: '2026-11-30T04:00:05.000Z' }
    await overview.getOverview()
    expect(seen).toHaveLength(1)
  })
})
