// The Overview's answer for a job, assembled from readings: the NAS side is the tree
// listing captured on OpenZFS 2.3 (test/fixtures/zfs-2.3/zfs-list-tree), the off-site
// side a copy of it (a received snapshot keeps its GUID and creation time, so the copy's
// rows are the NAS's own, written by test/support/listing-builder.ts under the target
// parent) — both read by the real parser. Handshakes and free space come from captures.
import { describe, expect, it } from 'vitest'
import { parseTreeListing } from '../../../src-main/core/zfs/list-tree'
import type { DatasetTree } from '../../../src-main/core/zfs/dataset-tree'
import type { DatasetName } from '../../../src-main/core/zfs/names'
import { parseLatestHandshakes } from '../../../src-main/core/wireguard/verify-tunnel'
import { assembleOverview, commonSnapshots, targetUsedBytes, tunnelHealth, type JobReadings, type RootReading } from '../../../src-main/services/overview-assembly'
import type { Job, RunRecord } from '../../../src-main/shared/model'
import type { ScheduleStatus } from '../../../src-main/shared/schedule'
import { OverviewJobSchema } from '../../../src-main/shared/schedule'
import { fixture } from '../../support/fixtures'
import { listing, type DatasetSpec } from '../../support/listing-builder'

const nasListing = fixture('zfs-2.3', 'zfs-list-tree').stdout
const nas = parseTreeListing(nasListing)
const D = 86400

/** The NAS's rows of a dataset, as a received copy of its first `keep` snapshots (by createtxg) shows them. */
function copyOf(source: string, target: string, keep = Infinity, token?: string): DatasetSpec {
  const d = nas.datasets.get(source as DatasetName)
  if (!d) throw new Error(`${source} is not in the captured listing`)
  const snaps = d.snapshots
    .toArray()
    .slice(0, keep)
    .map((s) => ({ name: s.name, guid: s.guid, txg: s.createtxg, creation: s.creation }))
  return { name: target, snaps, ...(token ? { token } : {}) }
}

function offsite(...datasets: DatasetSpec[]): DatasetTree {
  return parseTreeListing(listing([{ name: 'backup' }, { name: 'backup/nas' }, ...datasets]))
}

function job(change: Partial<Job> = {}): Job {
  return {
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
    ...change,
  }
}

const newestCreation = nas.datasets.get('tank/plain' as DatasetName)!.snapshots.newest()!.creation
/** Two days after tank/plain's newest snapshot. */
const NOW = newestCreation + 2 * D

function readings(j: Job, roots: RootReading[], change: Partial<JobReadings> = {}): JobReadings {
  return { job: j, now: NOW, roots, heldGuids: new Set(), schedule: null, appRuns: [], tunnel: null, availableBytes: null, spaceSamples: [], unreachable: [], ...change }
}

const root = (sourceRoot: string, recursive: boolean, target: DatasetTree | null, source: DatasetTree | null = nas): RootReading => ({
  sourceRoot: sourceRoot as DatasetName,
  targetRoot: `backup/nas/${sourceRoot.slice(sourceRoot.lastIndexOf('/') + 1)}` as DatasetName,
  recursive,
  source,
  target,
})

function assemble(r: JobReadings) {
  const o = assembleOverview(r)
  // Whatever is assembled must pass the contract the renderer relies on.
  expect(OverviewJobSchema.parse(o)).toEqual(o)
  return o
}

describe('how far behind the off-site copy is', () => {
  it('says a copy holding the NAS’s newest snapshot is up to date, with its age in words', () => {
    const o = assemble(readings(job(), [root('tank/plain', false, offsite(copyOf('tank/plain', 'backup/nas/plain')))]))
    expect(o.lag).toMatchObject({ state: 'up-to-date', snapshotsBehind: 0, secondsBehind: 0, ageSeconds: 2 * D })
    expect(o.lag.newestOffsiteAt).toBe(new Date(newestCreationOf('tank/plain') * 1000).toISOString())
    expect(o.lag.words).toBe('The off-site copy is up to date; its newest snapshot is 2 days old.')
    expect(o.warnings).toEqual([])
  })

  it('counts the snapshots the copy lacks, matched by GUID', () => {
    const o = assemble(readings(job(), [root('tank/plain', false, offsite(copyOf('tank/plain', 'backup/nas/plain', 1)))]))
    // The copy holds @a only; @b and @c are behind.
    expect(o.lag).toMatchObject({ state: 'behind', snapshotsBehind: 2 })
    expect(o.lag.words).toMatch(/^The off-site copy is .+ behind \(2 snapshots\); its newest snapshot is 2 days old\.$/)
  })

  it('takes the job’s worst dataset and leaves excluded ones out', () => {
    const target = offsite(copyOf('tank/secret', 'backup/nas/secret'), copyOf('tank/secret/child', 'backup/nas/secret/child', 1))
    const whole = assemble(readings(job({ sources: [{ dataset: 'tank/secret', recursive: true }] }), [root('tank/secret', true, target)]))
    expect(whole.lag).toMatchObject({ state: 'behind', snapshotsBehind: 1 })
    const without = assemble(readings(job({ sources: [{ dataset: 'tank/secret', recursive: true }], exclusions: ['tank/secret/child'] }), [root('tank/secret', true, target)]))
    expect(without.lag.state).toBe('up-to-date')
  })

  it('says when nothing was copied yet', () => {
    const o = assemble(readings(job(), [root('tank/plain', false, offsite())]))
    expect(o.lag).toMatchObject({ state: 'nothing-yet', newestOffsiteAt: null, words: 'Nothing has been copied off-site yet.' })
  })

  it('shows a resume token on the target as a pending resume', () => {
    const token = nas.datasets.get('tank/partial' as DatasetName)!.receiveResumeToken!
    expect(token).toMatch(/^1-/)
    const o = assemble(readings(job(), [root('tank/plain', false, offsite(copyOf('tank/plain', 'backup/nas/plain', 2, token)))]))
    expect(o.pendingResume).toBe(true)
    expect(o.warnings).toContain('An interrupted copy is waiting on the off-site box; the next run resumes it.')
  })
})

function newestCreationOf(name: string): number {
  return nas.datasets.get(name as DatasetName)!.snapshots.newest()!.creation
}

describe('an unreachable host', () => {
  it('names the off-site box and says the lag cannot be told, keeping what the NAS gave', () => {
    const o = assemble(readings(job(), [root('tank/plain', false, null)], { unreachable: ['Friend’s box'], unreachableWhy: { 'Friend’s box': 'Nothing answers SSH at Friend’s box (127.0.0.1 port 22).' } }))
    expect(o.unreachable).toEqual(['Friend’s box'])
    expect(o.lag).toMatchObject({ newestOffsiteAt: null, words: 'How far behind the off-site copy is cannot be told: the off-site box could not be read.' })
    expect(o.warnings[0]).toBe('Friend’s box could not be reached: Nothing answers SSH at Friend’s box (127.0.0.1 port 22). What is shown is what could be read.')
  })

  it('with the NAS unreachable, still gives the age of the newest off-site snapshot', () => {
    const o = assemble(readings(job(), [root('tank/plain', false, offsite(copyOf('tank/plain', 'backup/nas/plain')), null)], { unreachable: ['Home NAS'] }))
    expect(o.lag).toMatchObject({ ageSeconds: 2 * D, secondsBehind: null })
    expect(o.lag.words).toBe('The off-site copy’s newest snapshot is 2 days old; how far behind the NAS it is cannot be told while the NAS cannot be read.')
    expect(o.horizon).toBeNull()
  })
})

describe('the retention horizon', () => {
  const counts = { frequently: 0, hourly: 0, daily: 7, weekly: 0, monthly: 0, yearly: 0 }
  const scheduled = job({ schedule: { schedule: { kind: 'nightly', hour: 2, minute: 0 }, nasSnapshots: counts, offsiteRetention: counts, enabled: true } })

  it('reports a held common snapshot as protected', () => {
    const target = offsite(copyOf('tank/plain', 'backup/nas/plain', 1))
    const held = new Set([nas.datasets.get('tank/plain' as DatasetName)!.snapshots.get(0).guid])
    const o = assemble(readings(scheduled, [root('tank/plain', false, target)], { heldGuids: held }))
    expect(o.horizon).toMatchObject({ level: 'ok', at: null, words: 'The common snapshot a is held on the NAS, so pruning there cannot remove it.' })
  })

  it('says the policy leaves snapshots sanoid did not name alone', () => {
    // The captured snapshots are @a @b @c, not sanoid's autosnap_… names.
    const o = assemble(readings(scheduled, [root('tank/plain', false, offsite(copyOf('tank/plain', 'backup/nas/plain', 1)))]))
    expect(o.horizon).toMatchObject({ level: 'ok', words: 'The NAS’s snapshot policy does not remove the common snapshot a.' })
  })

  it('puts a lost chain first: no common snapshot means a full re-send', () => {
    const stranger = offsite({ name: 'backup/nas/plain', snaps: [{ name: 'old', guid: '123456789', txg: 5, creation: newestCreation - 30 * D }] })
    const o = assemble(readings(scheduled, [root('tank/plain', false, stranger)], { unreachable: [] }))
    expect(o.lag.state).toBe('no-common')
    expect(o.horizon?.level).toBe('lost')
    expect(o.warnings[0]).toBe('The NAS no longer has any snapshot the off-site copy holds: the next backup must send everything again.')
  })

  it('lists the newest common snapshot of each dataset for the holds query', () => {
    const target = offsite(copyOf('tank/secret', 'backup/nas/secret', 1), copyOf('tank/secret/child', 'backup/nas/secret/child'))
    const j = job({ sources: [{ dataset: 'tank/secret', recursive: true }] })
    expect(commonSnapshots(j, [root('tank/secret', true, target)])).toEqual(['tank/secret@s1', 'tank/secret/child@s2'])
  })
})

describe('last and next run', () => {
  const failedRun: RunRecord = {
    id: 'run-1',
    jobId: 'photos',
    startedAt: '2026-11-27T02:00:00.000Z',
    endedAt: '2026-11-27T02:01:00.000Z',
    outcome: 'failed',
    bytes: 0,
    datasets: 1,
    notes: [],
    transfers: [],
    error: { code: 'ZFS_OUT_OF_SPACE', cause: 'The pool is full.', fix: 'Free space on the off-site box.' },
  }
  const status = (at: string, outcome: 'succeeded' | 'failed', enabled = true): ScheduleStatus => ({
    jobId: 'photos',
    schedule: { schedule: { kind: 'nightly', hour: 2, minute: 0 }, nasSnapshots: null, offsiteRetention: { frequently: 0, hourly: 0, daily: 7, weekly: 0, monthly: 0, yearly: 0 }, enabled },
    mechanism: 'systemd',
    words: { summary: 'Every night at 02:00', detail: 'NAS time (UTC)' },
    timeZone: 'UTC',
    nextRunAt: '2026-11-29T02:00:00.000Z',
    lastRun: { at, outcome, ...(outcome === 'failed' ? { message: 'cannot receive: out of space' } : {}) },
  })
  const target = offsite(copyOf('tank/plain', 'backup/nas/plain'))

  it('takes the newer of the app’s history and the timer’s run from the journal, and says where it came from', () => {
    const timerNewer = assemble(readings(job(), [root('tank/plain', false, target)], { appRuns: [failedRun], schedule: status('2026-11-28T02:00:05.000Z', 'succeeded') }))
    expect(timerNewer.lastRun).toEqual({ at: '2026-11-28T02:00:05.000Z', outcome: 'succeeded', source: 'timer' })
    expect(timerNewer.nextRunAt).toBe('2026-11-29T02:00:00.000Z')
    expect(timerNewer.warnings).toEqual([])

    const appNewer = assemble(readings(job(), [root('tank/plain', false, target)], { appRuns: [failedRun], schedule: status('2026-11-26T02:00:05.000Z', 'succeeded') }))
    expect(appNewer.lastRun).toEqual({ at: '2026-11-27T02:01:00.000Z', outcome: 'failed', source: 'app', message: 'The pool is full. Free space on the off-site box.' })
    expect(appNewer.warnings).toEqual(['The last backup (started from this app) failed: The pool is full. Free space on the off-site box.'])
  })

  it('warns when the timer’s run arrived but could not hold its base on the NAS', () => {
    const held = { ...status('2026-11-28T02:00:05.000Z', 'succeeded'), lastRun: { at: '2026-11-28T02:00:05.000Z', outcome: 'succeeded' as const, message: 'tank/plain@s2: zfs hold refused' } }
    const o = assemble(readings(job(), [root('tank/plain', false, target)], { schedule: held }))
    expect(o.lastRun).toEqual({ at: '2026-11-28T02:00:05.000Z', outcome: 'succeeded', source: 'timer', message: 'tank/plain@s2: zfs hold refused' })
    expect(o.warnings).toEqual([
      'The last scheduled backup arrived, but its base could not be held on the NAS (tank/plain@s2: zfs hold refused), so the NAS’s pruning could remove it. A backup started from this app holds it again.',
    ])
  })

  it('shows no next run for a schedule that is turned off, and says it is off', () => {
    const o = assemble(readings(job(), [root('tank/plain', false, target)], { schedule: status('2026-11-28T02:00:05.000Z', 'failed', false) }))
    expect(o.nextRunAt).toBeNull()
    expect(o.lastRun).toMatchObject({ source: 'timer', outcome: 'failed', message: 'cannot receive: out of space' })
    expect(o.warnings).toEqual(['The last backup (the NAS’s timer) failed: cannot receive: out of space', 'The schedule is turned off: backups run only when started from this app.'])
  })
})

describe('tunnel and space', () => {
  const shakes = parseLatestHandshakes(fixture('wg', 'wg-show-latest-handshakes').stdout)
  const [peer, latest] = [...shakes.entries()][0]!

  it('reads the handshake captured on the NAS: up, idle, or likely down', () => {
    expect(tunnelHealth({ kind: 'read', interface: 'wg-backup', peerKnown: true, latest, hostNow: latest! + 40 })).toEqual({
      latestHandshakeAt: new Date(latest! * 1000).toISOString(),
      healthy: true,
      words: 'The tunnel is up (last handshake under a minute ago).',
    })
    expect(tunnelHealth({ kind: 'read', interface: 'wg-backup', peerKnown: true, latest, hostNow: latest! + 5 * 3600 })).toMatchObject({ healthy: true, words: 'The tunnel is idle (last handshake 5 hours ago); it connects when a backup runs.' })
    expect(tunnelHealth({ kind: 'read', interface: 'wg-backup', peerKnown: true, latest, hostNow: latest! + 3 * D })).toMatchObject({ healthy: false, words: 'No handshake through the tunnel for 3 days: it may be down.' })
    expect(tunnelHealth({ kind: 'read', interface: 'wg-backup', peerKnown: shakes.has('not-the-peer'), latest: null, hostNow: latest! })).toMatchObject({ healthy: false })
    expect(peer).toMatch(/=$/)
  })

  it('puts an unhealthy tunnel among the warnings', () => {
    const o = assemble(readings(job(), [root('tank/plain', false, offsite(copyOf('tank/plain', 'backup/nas/plain')))], { tunnel: { kind: 'interface-missing', interface: 'wg-backup' } }))
    expect(o.tunnel).toEqual({ latestHandshakeAt: null, healthy: false, words: 'The tunnel (wg-backup) is not up on the NAS.' })
    expect(o.warnings).toEqual(['The tunnel (wg-backup) is not up on the NAS.'])
  })

  it('forecasts how long the free space lasts from the samples, and warns when it is short', () => {
    // The pool's `avail` as `zfs list -Hp -o name,used,avail,…` printed it in the lab.
    const row = fixture('zfs-2.3', 'zfs-list-filesystems-space').stdout.split('\n').find((l) => l.startsWith('tank\t'))!
    const available = Number(row.split('\t')[2])
    expect(available).toBeGreaterThan(0)
    const target = offsite(copyOf('tank/plain', 'backup/nas/plain'))
    const used = targetUsedBytes([root('tank/plain', false, target)])!
    const perDay = available / 10
    const samples = [0, 1, 2].map((i) => ({ at: NOW - (2 - i) * D, used: used + i * perDay }))
    const o = assemble(readings(job(), [root('tank/plain', false, target)], { availableBytes: available, spaceSamples: samples }))
    expect(o.space).toMatchObject({ freeBytes: available, level: 'warning' })
    expect(o.space!.daysLeft).toBeCloseTo(10, 5)
    expect(o.warnings[0]).toMatch(/^Space on the off-site box: 3\.9 GB free on the off-site box; at the current growth \(386 MB a day\) it lasts about 10 days\.$/)
    const fresh = assemble(readings(job(), [root('tank/plain', false, target)], { availableBytes: available, spaceSamples: samples.slice(2) }))
    expect(fresh.space).toMatchObject({ level: 'unknown', daysLeft: null })
  })
})
