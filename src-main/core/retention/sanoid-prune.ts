// What sanoid 2.1.0 will prune, decided the way sanoid decides (prune_snapshots), so the
// app can preview a prune on either host and the overview can tell when a snapshot will
// go. Unlike the app's own calendar retention (prune.ts), sanoid works per type and by
// the clock: for a type with count N and period P, it walks that type's snapshots oldest
// first and removes each one older than now − N·P while more than N of the type remain.
// Only names sanoid recognises (autosnap…_<type>) are ever touched. Then the guards: the
// newest snapshot common with the source and held snapshots are kept whatever the
// policy says (a held one cannot be destroyed anyway; sanoid warns and goes on).
import type { SnapshotCounts } from '../sanoid/job-block'
import { periodSeconds, sanoidTypeOf, SNAPSHOT_TYPES, type SnapshotType } from '../sanoid/snapshot-name'
import type { Guid } from '../zfs/dataset-tree'
import { guardReasons, type GuardReason, type SnapshotGuards } from './prune'

export interface RetentionSnapshot {
  /** The short name after '@'. */
  readonly name: string
  readonly guid: Guid
  /** Seconds since the epoch (the ZFS creation property, which a received copy keeps). */
  readonly creation: number
}

export interface SanoidPrunePolicy {
  readonly counts: SnapshotCounts
  readonly frequentPeriodMinutes?: number
}

export interface SanoidPruneDecision<S extends RetentionSnapshot> {
  /** Oldest first: what will be destroyed. */
  readonly remove: readonly S[]
  /** What sanoid's policy alone would remove but a guard keeps, with why. */
  readonly guarded: ReadonlyArray<{ readonly snapshot: S; readonly reasons: readonly GuardReason[] }>
  /** Everything else, oldest first, sanoid-named or not. */
  readonly keep: readonly S[]
}

/** The snapshots sanoid's policy alone would remove at `now` (no guards), oldest first. */
export function sanoidWouldPrune<S extends RetentionSnapshot>(snapshots: readonly S[], policy: SanoidPrunePolicy, now: number): S[] {
  const byType = new Map<SnapshotType, S[]>()
  for (const s of snapshots) {
    const t = sanoidTypeOf(s.name)
    if (t === null) continue
    const list = byType.get(t)
    if (list) list.push(s)
    else byType.set(t, [s])
  }
  const out = new Set<S>()
  for (const type of SNAPSHOT_TYPES) {
    const list = byType.get(type)
    if (!list) continue
    const count = policy.counts[type]
    // sanoid sorts by creation only; ties keep the listing order (Perl's sort is stable).
    const sorted = [...list].sort((a, b) => a.creation - b.creation)
    const maxAge = now - count * periodSeconds(type, policy.frequentPeriodMinutes)
    let remaining = sorted.length
    for (const s of sorted) {
      if (s.creation < maxAge && remaining > count) {
        out.add(s)
        remaining--
      }
    }
  }
  return snapshots.filter((s) => out.has(s)).sort((a, b) => a.creation - b.creation)
}

/**
 * sanoid's decision with the guards applied. A guarded snapshot still counts for sanoid
 * (it does not know it will fail to destroy it), so guarding one never makes sanoid
 * remove another in its place.
 */
export function decideSanoidPrune<S extends RetentionSnapshot>(snapshots: readonly S[], policy: SanoidPrunePolicy, now: number, guards: SnapshotGuards): SanoidPruneDecision<S> {
  const wouldGo = new Set(sanoidWouldPrune(snapshots, policy, now))
  const sorted = [...snapshots].sort((a, b) => a.creation - b.creation)
  const remove: S[] = []
  const guarded: { snapshot: S; reasons: GuardReason[] }[] = []
  const keep: S[] = []
  for (const s of sorted) {
    if (!wouldGo.has(s)) {
      keep.push(s)
      continue
    }
    const reasons = guardReasons(s, guards)
    if (reasons.length > 0) guarded.push({ snapshot: s, reasons })
    else remove.push(s)
  }
  return { remove, guarded, keep }
}

/**
 * When sanoid will remove this snapshot, if it goes on taking snapshots on schedule
 * (autosnap), seconds since the epoch; null when it never will. With autosnap on, new
 * snapshots of the type keep arriving, so the count condition is met by the time the age
 * condition is: the snapshot goes once it is N periods old (at the next sanoid run after).
 * Without autosnap nothing new arrives and only a surplus ever goes: the snapshot goes
 * only if more than N of its type are at least as new as it is.
 */
export function sanoidPruneTime(snapshot: RetentionSnapshot, sameType: readonly RetentionSnapshot[], policy: SanoidPrunePolicy, autosnap: boolean): number | null {
  const type = sanoidTypeOf(snapshot.name)
  if (type === null) return null
  const count = policy.counts[type]
  const at = snapshot.creation + count * periodSeconds(type, policy.frequentPeriodMinutes)
  if (autosnap && count > 0) return at
  // Older ones of the type go first; what is left when sanoid reaches this one is it and the newer ones.
  const notOlder = sameType.filter((s) => sanoidTypeOf(s.name) === type && s.creation >= snapshot.creation).length
  return notOlder > count ? at : null
}
