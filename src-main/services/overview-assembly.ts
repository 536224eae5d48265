// The Overview's answer for one job, assembled from what was read on the hosts: both
// trees (one listing per root per host), the NAS's holds on the common snapshots, the
// schedule's status from the NAS, the app's own run history, the tunnel's latest
// handshake and the off-site pool's free space. Pure, so it is tested on captured
// listings; overview-service.ts does the reading.
import type { OverviewJob, ScheduleStatus } from '../shared/schedule'
import type { Job, RunRecord } from '../shared/model'
import type { FireDrill } from '../shared/recovery'
import type { DatasetTree, Guid } from '../core/zfs/dataset-tree'
import { relativeTo, type DatasetName } from '../core/zfs/names'
import { replicationSpecs } from '../core/replication/job-run'
import { offsiteLag, worstLag, type OffsiteLag } from '../core/overview/lag'
import { retentionHorizon, type RetentionHorizon } from '../core/overview/retention-horizon'
import { spaceForecast, type SpaceSample } from '../core/overview/space-forecast'
import { spanWords } from '../shared/span-words'
import type { RetentionSnapshot } from '../core/retention/sanoid-prune'

/** One source root of the job as read: null where its host could not be read. */
export interface RootReading {
  readonly sourceRoot: DatasetName
  readonly targetRoot: DatasetName
  readonly recursive: boolean
  readonly source: DatasetTree | null
  readonly target: DatasetTree | null
}

export type HandshakeReading =
  /** `wg show <iface> latest-handshakes` and `date +%s`, both on the NAS. */
  | { readonly kind: 'read'; readonly interface: string; readonly latest: number | null; readonly peerKnown: boolean; readonly hostNow: number }
  | { readonly kind: 'interface-missing'; readonly interface: string }
  | { readonly kind: 'unreadable'; readonly interface: string }

export interface JobReadings {
  readonly job: Job
  /** Seconds since the epoch (the app's clock; the NAS's clock is used for the handshake). */
  readonly now: number
  readonly roots: readonly RootReading[]
  /** GUIDs of NAS snapshots that carry a hold (the app holds each job's base). */
  readonly heldGuids: ReadonlySet<Guid>
  /** From the schedule service; null when it could not be read (the stored job's schedule is used). */
  readonly schedule: ScheduleStatus | null
  /** The app's runs of this job, any order. */
  readonly appRuns: readonly RunRecord[]
  /** The job's last fire drill (config.fireDrills); absent or null when it had none. */
  readonly fireDrill?: FireDrill | null
  /** Null when the job does not go through a tunnel the app made. */
  readonly tunnel: HandshakeReading | null
  /** `zfs get available` of the job's target parent; null when unread. */
  readonly availableBytes: number | null
  /** (time, used) samples of the job's off-site datasets, oldest first, the current one included. */
  readonly spaceSamples: readonly SpaceSample[]
  /** Labels of hosts that could not be reached. */
  readonly unreachable: readonly string[]
  /** Why, per label, in the transport's plain words ("The connection was refused…"). */
  readonly unreachableWhy?: Readonly<Record<string, string>>
  /** Reachable hosts that failed to answer something ("tank/photos on Home NAS: …"), in plain words. */
  readonly readProblems?: readonly string[]
}

/** Total `used` of the job's target roots (each root's used holds its children and snapshots). */
export function targetUsedBytes(roots: readonly RootReading[]): number | null {
  let total = 0
  for (const r of roots) {
    if (r.target === null) return null
    total += r.target.datasets.get(r.targetRoot)?.used ?? 0
  }
  return total
}

/** The job's spec per source, for the service to read. */
export function rootsOf(job: Job): { sourceRoot: DatasetName; targetRoot: DatasetName; recursive: boolean }[] {
  return replicationSpecs(job).map((s) => ({ sourceRoot: s.sourceRoot, targetRoot: s.targetRoot, recursive: s.recursive }))
}

function snapshotsOf(tree: DatasetTree, name: DatasetName): RetentionSnapshot[] {
  const d = tree.datasets.get(name)
  if (!d) return []
  return d.snapshots.toArray().map((s) => ({ name: s.name, guid: s.guid, creation: s.creation }))
}

interface DatasetPair {
  readonly source: DatasetName
  readonly target: DatasetName
}

/** The source datasets the job copies (recursive or not, minus exclusions) and where each lands. */
function pairsOf(root: RootReading, exclusions: readonly string[], tree: DatasetTree): DatasetPair[] {
  const out: DatasetPair[] = []
  for (const name of tree.datasets.keys()) {
    const rel = relativeTo(root.sourceRoot, name)
    if (rel === null || (!root.recursive && rel !== '')) continue
    if (exclusions.some((e) => relativeTo(e as DatasetName, name) !== null)) continue
    out.push({ source: name, target: (rel === '' ? root.targetRoot : `${root.targetRoot}/${rel}`) as DatasetName })
  }
  return out
}

/** The NAS's newest common snapshot per dataset: the ones whose holds decide the horizon. */
export function commonSnapshots(job: Job, roots: readonly RootReading[]): string[] {
  const out: string[] = []
  for (const root of roots) {
    if (!root.source || !root.target) continue
    for (const p of pairsOf(root, job.exclusions, root.source)) {
      const lag = offsiteLag({ source: snapshotsOf(root.source, p.source), target: snapshotsOf(root.target, p.target), now: 0 })
      if (lag.newestCommon) out.push(`${p.source}@${lag.newestCommon.name}`)
    }
  }
  return out
}

const HORIZON_RANK = { ok: 0, warning: 1, critical: 2, lost: 3 } as const

function worstHorizon(list: readonly RetentionHorizon[]): RetentionHorizon | null {
  let worst: RetentionHorizon | null = null
  for (const h of list) {
    if (worst === null) worst = h
    else {
      const byLevel = HORIZON_RANK[h.level] - HORIZON_RANK[worst.level]
      const sooner = (h.prunedAt ?? Infinity) < (worst.prunedAt ?? Infinity)
      if (byLevel > 0 || (byLevel === 0 && sooner)) worst = h
    }
  }
  return worst
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()

/** A handshake this recent means traffic flows now (WireGuard re-handshakes every two minutes while it does). */
const FRESH_HANDSHAKE = 180
/**
 * Without a keepalive an idle tunnel does not shake hands at all, so an older handshake
 * only means nothing was sent; past a day (longer than a nightly schedule's gap) it is
 * reported as a likely fault.
 */
const IDLE_HANDSHAKE = 26 * 3600

export function tunnelHealth(reading: HandshakeReading): NonNullable<OverviewJob['tunnel']> {
  switch (reading.kind) {
    case 'interface-missing':
      return { latestHandshakeAt: null, healthy: false, words: `The tunnel (${reading.interface}) is not up on the NAS.` }
    case 'unreadable':
      return { latestHandshakeAt: null, healthy: false, words: `The tunnel’s state (${reading.interface}) could not be read on the NAS.` }
    case 'read': {
      if (!reading.peerKnown) return { latestHandshakeAt: null, healthy: false, words: `The tunnel (${reading.interface}) on the NAS no longer knows the off-site box’s key.` }
      if (reading.latest === null) return { latestHandshakeAt: null, healthy: false, words: 'The tunnel has never connected: the NAS and the off-site box have not reached each other.' }
      const age = Math.max(0, reading.hostNow - reading.latest)
      const at = iso(reading.latest)
      if (age <= FRESH_HANDSHAKE) return { latestHandshakeAt: at, healthy: true, words: `The tunnel is up (last handshake ${spanWords(age)} ago).` }
      if (age <= IDLE_HANDSHAKE) return { latestHandshakeAt: at, healthy: true, words: `The tunnel is idle (last handshake ${spanWords(age)} ago); it connects when a backup runs.` }
      return { latestHandshakeAt: at, healthy: false, words: `No handshake through the tunnel for ${spanWords(age)}: it may be down.` }
    }
  }
}

const runTime = (r: RunRecord): string => r.endedAt ?? r.startedAt

function lastRunOf(appRuns: readonly RunRecord[], schedule: ScheduleStatus | null): OverviewJob['lastRun'] {
  const app = [...appRuns].sort((a, b) => runTime(b).localeCompare(runTime(a)))[0]
  const fromApp: OverviewJob['lastRun'] = app
    ? { at: runTime(app), outcome: app.outcome, source: 'app', ...(app.error ? { message: `${app.error.cause} ${app.error.fix}` } : {}) }
    : null
  const timer = schedule?.lastRun ?? null
  const fromTimer: OverviewJob['lastRun'] = timer ? { at: timer.at, outcome: timer.outcome, source: 'timer', ...(timer.message ? { message: timer.message } : {}) } : null
  if (fromApp === null) return fromTimer
  if (fromTimer === null) return fromApp
  return Date.parse(fromTimer.at) > Date.parse(fromApp.at) ? fromTimer : fromApp
}

function lagOf(job: Job, readings: JobReadings): { lag: OverviewJob['lag']; lags: OffsiteLag[]; horizons: RetentionHorizon[]; pendingResume: boolean } {
  const lags: OffsiteLag[] = []
  const horizons: RetentionHorizon[] = []
  let pendingResume = false
  let sourceMissing = false
  let targetMissing = false
  const counts = job.schedule?.nasSnapshots ?? null
  for (const root of readings.roots) {
    if (root.target) {
      for (const d of root.target.datasets.values()) if (relativeTo(root.targetRoot, d.name) !== null && d.receiveResumeToken !== null) pendingResume = true
    }
    if (!root.source) sourceMissing = true
    if (!root.target) targetMissing = true
    if (!root.source || !root.target) continue
    for (const p of pairsOf(root, job.exclusions, root.source)) {
      const source = snapshotsOf(root.source, p.source)
      const target = snapshotsOf(root.target, p.target)
      lags.push(offsiteLag({ source, target, now: readings.now }))
      horizons.push(
        retentionHorizon({ source, target, policy: counts ? { counts } : null, autosnap: counts !== null, heldGuids: readings.heldGuids, now: readings.now }),
      )
    }
  }
  const worst = worstLag(lags)
  if (worst === null && !sourceMissing && !targetMissing) {
    const words = 'The NAS has none of this job’s datasets yet, so there is nothing to copy.'
    return { lags, horizons, pendingResume, lag: { state: 'nothing-yet', newestOffsiteAt: null, ageSeconds: null, snapshotsBehind: 0, secondsBehind: null, words } }
  }
  if (worst && !sourceMissing && !targetMissing) {
    return {
      lags,
      horizons,
      pendingResume,
      lag: {
        state: worst.state,
        newestOffsiteAt: worst.newestTarget ? iso(worst.newestTarget.creation) : null,
        ageSeconds: worst.newestTargetAgeSeconds,
        snapshotsBehind: worst.snapshotsBehind,
        secondsBehind: worst.timeBehindSeconds,
        words: worst.words,
      },
    }
  }
  // A host could not be read: say what is known from the other side, and nothing more.
  let newest: number | null = null
  for (const root of readings.roots) {
    if (!root.target) continue
    for (const d of root.target.datasets.values()) {
      if (relativeTo(root.targetRoot, d.name) === null) continue
      const n = d.snapshots.newest()
      if (n && (newest === null || n.creation > newest)) newest = n.creation
    }
  }
  const age = newest === null ? null : Math.max(0, readings.now - newest)
  const words =
    targetMissing && newest === null
      ? 'How far behind the off-site copy is cannot be told: the off-site box could not be read.'
      : newest === null
        ? 'Nothing has been copied off-site yet.'
        : `The off-site copy’s newest snapshot is ${spanWords(age ?? 0)} old; how far behind the NAS it is cannot be told while the NAS cannot be read.`
  return {
    lags,
    horizons,
    pendingResume,
    lag: { state: newest === null ? 'nothing-yet' : 'behind', newestOffsiteAt: newest === null ? null : iso(newest), ageSeconds: age, snapshotsBehind: 0, secondsBehind: null, words },
  }
}

function horizonOf(horizons: readonly RetentionHorizon[]): OverviewJob['horizon'] {
  const h = worstHorizon(horizons)
  if (h === null) return null
  return { level: h.level, at: h.prunedAt === null ? null : iso(h.prunedAt), words: h.words, held: h.protectedBy === 'hold' }
}

function spaceOf(readings: JobReadings): OverviewJob['space'] {
  if (readings.availableBytes === null) return null
  const f = spaceForecast({ available: readings.availableBytes, samples: readings.spaceSamples })
  return { freeBytes: f.availableBytes, daysLeft: f.lastsSeconds === null ? null : f.lastsSeconds / 86400, level: f.level, words: f.words }
}

const WHO = { app: 'started from this app', timer: 'the NAS’s timer' } as const

export function assembleOverview(readings: JobReadings): OverviewJob {
  const { job } = readings
  const { lag, horizons, pendingResume } = lagOf(job, readings)
  const lastRun = lastRunOf(readings.appRuns, readings.schedule)
  const scheduleEnabled = readings.schedule?.schedule?.enabled ?? job.schedule?.enabled ?? false
  const nextRunAt = scheduleEnabled ? (readings.schedule?.nextRunAt ?? null) : null
  const tunnel = readings.tunnel ? tunnelHealth(readings.tunnel) : null
  const space = spaceOf(readings)
  const horizon = horizonOf(horizons)

  // Most urgent first: what loses the incremental chain, then what stops backups, then what will.
  const warnings: { rank: number; text: string }[] = []
  if (horizon && (horizon.level === 'lost' || horizon.level === 'critical')) warnings.push({ rank: 0, text: horizon.words })
  if (lag.state === 'no-common' && horizon?.level !== 'lost') warnings.push({ rank: 1, text: lag.words })
  for (const host of readings.unreachable) {
    const why = readings.unreachableWhy?.[host]
    warnings.push({ rank: 2, text: `${host} could not be reached${why ? `: ${why.replace(/\.?$/, '.')}` : '.'} What is shown is what could be read.` })
  }
  for (const problem of readings.readProblems ?? []) warnings.push({ rank: 2, text: problem })
  const drill = readings.fireDrill ?? null
  if (drill && drill.outcome === 'failed') warnings.push({ rank: 3, text: `The last fire drill failed: ${drill.words}` })
  if (lastRun && lastRun.outcome === 'failed') warnings.push({ rank: 3, text: `The last backup (${WHO[lastRun.source]}) failed${lastRun.message ? `: ${lastRun.message}` : '.'}` })
  if (lastRun && lastRun.outcome === 'succeeded' && lastRun.source === 'timer' && lastRun.message) {
    warnings.push({
      rank: 4,
      text: `The last scheduled backup arrived, but its base could not be held on the NAS (${lastRun.message}), so the NAS’s pruning could remove it. A backup started from this app holds it again.`,
    })
  }
  if (tunnel && !tunnel.healthy) warnings.push({ rank: 4, text: tunnel.words })
  if (space && space.level === 'critical') warnings.push({ rank: 5, text: `The off-site box is running out of space: ${space.words}` })
  if (horizon && horizon.level === 'warning') warnings.push({ rank: 6, text: horizon.words })
  if (space && space.level === 'warning') warnings.push({ rank: 7, text: `Space on the off-site box: ${space.words}` })
  if (pendingResume) warnings.push({ rank: 8, text: 'An interrupted copy is waiting on the off-site box; the next run resumes it.' })
  if ((readings.schedule?.schedule ?? job.schedule) && !scheduleEnabled) warnings.push({ rank: 9, text: 'The schedule is turned off: backups run only when started from this app.' })
  warnings.sort((a, b) => a.rank - b.rank)

  return {
    jobId: job.id,
    name: job.name,
    lag,
    lastRun,
    nextRunAt,
    pendingResume,
    tunnel,
    space,
    horizon,
    fireDrill: drill ? { at: drill.at, outcome: drill.outcome, words: drill.words } : null,
    warnings: warnings.map((w) => w.text),
    unreachable: [...readings.unreachable],
  }
}
