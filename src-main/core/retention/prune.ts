// Grandfather-father-son retention, like sanoid's templates: keep the newest snapshot
// of each of the last N hours, days, weeks, months and years. Periods are counted back
// from the newest snapshot, not from the clock, so a clock set wrong cannot make every
// snapshot look old. Some snapshots are never pruned whatever the policy says.
import type { Guid, SnapshotInfo } from '../zfs/dataset-tree'

export interface RetentionPolicy {
  readonly hourly: number
  readonly daily: number
  readonly weekly: number
  readonly monthly: number
  readonly yearly: number
}

export interface RetentionGuards {
  /** Only snapshots whose short name starts with this are ever pruned (the app's or sanoid's own). */
  readonly managedPrefix: string
  /** The newest snapshot present on both sides: the base of the next incremental. */
  readonly newestCommonGuid?: Guid | null
  /** Snapshots with a user hold (`zfs holds`). */
  readonly heldGuids?: ReadonlySet<Guid>
  /** The base of a pending resumable receive (the token's fromguid). */
  readonly resumeBaseGuid?: Guid | null
  /** Minutes east of UTC for the person's calendar (days start at local midnight). */
  readonly utcOffsetMinutes?: number
}

export type KeepReason = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly' | 'newest' | 'newest-common' | 'held' | 'resume-base' | 'not-managed'

export interface RetentionDecision {
  readonly keep: ReadonlyArray<{ readonly snapshot: SnapshotInfo; readonly reasons: readonly KeepReason[] }>
  /** Oldest first. */
  readonly prune: readonly SnapshotInfo[]
}

type Period = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly'
const PERIODS: readonly Period[] = ['hourly', 'daily', 'weekly', 'monthly', 'yearly']

/** A number that identifies the period a moment falls in; consecutive periods differ by one. */
function periodIndex(period: Period, epochSeconds: number, offsetMinutes: number): number {
  const local = epochSeconds + offsetMinutes * 60
  switch (period) {
    case 'hourly':
      return Math.floor(local / 3600)
    case 'daily':
      return Math.floor(local / 86400)
    case 'weekly':
      // 1970-01-01 was a Thursday; shift so weeks start on Monday (ISO).
      return Math.floor((Math.floor(local / 86400) + 3) / 7)
    case 'monthly': {
      const d = new Date(local * 1000)
      return d.getUTCFullYear() * 12 + d.getUTCMonth()
    }
    case 'yearly':
      return new Date(local * 1000).getUTCFullYear()
  }
}

/** The snapshots no policy may prune: the incremental base, held ones, a pending resume's base. */
export type GuardReason = 'newest-common' | 'held' | 'resume-base'

export type SnapshotGuards = Pick<RetentionGuards, 'newestCommonGuid' | 'heldGuids' | 'resumeBaseGuid'>

export function guardReasons(s: { readonly guid: Guid }, guards: SnapshotGuards): GuardReason[] {
  const out: GuardReason[] = []
  if (guards.newestCommonGuid && s.guid === guards.newestCommonGuid) out.push('newest-common')
  if (guards.heldGuids?.has(s.guid)) out.push('held')
  if (guards.resumeBaseGuid && s.guid === guards.resumeBaseGuid) out.push('resume-base')
  return out
}

export function decideRetention(snapshots: readonly SnapshotInfo[], policy: RetentionPolicy, guards: RetentionGuards): RetentionDecision {
  const offset = guards.utcOffsetMinutes ?? 0
  const sorted = [...snapshots].sort((a, b) => a.createtxg - b.createtxg)
  const reasons = new Map<SnapshotInfo, KeepReason[]>()
  const keepFor = (s: SnapshotInfo, r: KeepReason): void => {
    const list = reasons.get(s)
    if (list) list.push(r)
    else reasons.set(s, [r])
  }
  const managed = sorted.filter((s) => s.name.startsWith(guards.managedPrefix))
  for (const s of sorted) if (!s.name.startsWith(guards.managedPrefix)) keepFor(s, 'not-managed')

  const newest = sorted[sorted.length - 1]
  if (newest) keepFor(newest, 'newest')
  if (managed.length > 0) {
    const reference = Math.max(...managed.map((s) => s.creation))
    for (const period of PERIODS) {
      const count = policy[period]
      if (count <= 0) continue
      const newestPeriod = periodIndex(period, reference, offset)
      // Newest snapshot in each of the `count` most recent periods (counting back from
      // the newest snapshot's period, including empty periods, as sanoid does).
      const seen = new Set<number>()
      for (let i = managed.length - 1; i >= 0; i--) {
        const s = managed[i]!
        const p = periodIndex(period, s.creation, offset)
        if (newestPeriod - p >= count || p > newestPeriod) continue
        if (seen.has(p)) continue
        seen.add(p)
        keepFor(s, period)
      }
    }
  }
  for (const s of sorted) for (const r of guardReasons(s, guards)) keepFor(s, r)
  return {
    keep: sorted.filter((s) => reasons.has(s)).map((s) => ({ snapshot: s, reasons: reasons.get(s)! })),
    prune: sorted.filter((s) => !reasons.has(s)),
  }
}
