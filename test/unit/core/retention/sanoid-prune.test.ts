// sanoid 2.1.0's prune rule (per type, by the clock, never below the count), and the
// guards that keep the incremental base and held snapshots whatever the policy says.
import { describe, expect, it } from 'vitest'
import type { SnapshotCounts } from '../../../../src-main/core/sanoid/job-block'
import { decideSanoidPrune, sanoidPruneTime, sanoidWouldPrune, type RetentionSnapshot } from '../../../../src-main/core/retention/sanoid-prune'
import type { Guid } from '../../../../src-main/core/zfs/dataset-tree'

const H = 3600
const D = 86400
const NOW = Date.UTC(2026, 10, 28, 12, 15) / 1000
const none: SnapshotCounts = { frequently: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }

function stamp(t: number): string {
  return new Date(t * 1000).toISOString().slice(0, 19).replace('T', '_')
}
let serial = 0
function snap(type: string, creation: number, name = `autosnap_${stamp(creation)}_${type}`): RetentionSnapshot {
  serial += 1
  return { name, guid: `${serial}` as Guid, creation }
}
/** `n` snapshots of a type, one per `every` seconds, the newest at `newest`. */
function series(type: string, n: number, every: number, newest = NOW - 15 * 60): RetentionSnapshot[] {
  return Array.from({ length: n }, (_, i) => snap(type, newest - (n - 1 - i) * every))
}
const names = (xs: readonly RetentionSnapshot[]): string[] => xs.map((s) => s.name)

describe('sanoid’s prune rule', () => {
  it('removes snapshots of a type older than count × period, oldest first', () => {
    const hourly = series('hourly', 48, H)
    const gone = sanoidWouldPrune(hourly, { counts: { ...none, hourly: 24 } }, NOW)
    // The newest is 15 min old: the 24 older than 24 h go, the 24 within the last day stay.
    expect(names(gone)).toEqual(names(hourly.slice(0, 24)))
  })

  it('never goes below the count, so an outage cannot prune everything', () => {
    const old = series('daily', 10, D, NOW - 100 * D)
    expect(sanoidWouldPrune(old, { counts: { ...none, daily: 30 } }, NOW)).toEqual([])
    // A surplus of old ones goes down to exactly the count, however old the rest are.
    const many = series('daily', 40, D, NOW - 100 * D)
    expect(sanoidWouldPrune(many, { counts: { ...none, daily: 30 } }, NOW)).toHaveLength(10)
  })

  it('treats each type on its own, even for snapshots taken at the same moment', () => {
    const t = NOW - 3 * D
    const both = [snap('hourly', t), snap('daily', t), ...series('hourly', 5, H), ...series('daily', 2, D)]
    const gone = sanoidWouldPrune(both, { counts: { ...none, hourly: 5, daily: 7 } }, NOW)
    expect(names(gone)).toEqual([both[0]!.name])
  })

  it('removes every snapshot of a type whose count is 0', () => {
    const hourly = series('hourly', 3, H)
    expect(sanoidWouldPrune(hourly, { counts: { ...none, daily: 30 } }, NOW)).toHaveLength(3)
  })

  it('never touches names sanoid does not own', () => {
    const others = [snap('x', NOW - 400 * D, 'syncoid_nas_2025-01-01:00:00:00'), snap('x', NOW - 400 * D, 'zfs-offsite-base'), snap('x', NOW - 400 * D, 'manual_daily')]
    expect(sanoidWouldPrune(others, { counts: none }, NOW)).toEqual([])
  })
})

describe('guards', () => {
  it('keeps the newest common snapshot even when the policy would prune it', () => {
    const hourly = series('hourly', 10, H)
    const base = hourly[2]!
    const d = decideSanoidPrune(hourly, { counts: { ...none, hourly: 3 } }, NOW, { newestCommonGuid: base.guid })
    expect(d.guarded).toEqual([{ snapshot: base, reasons: ['newest-common'] }])
    expect(names(d.remove)).toEqual(names([...hourly.slice(0, 2), ...hourly.slice(3, 7)]))
    expect(d.remove).not.toContain(base)
  })

  it('keeps a held snapshot, and guarding one never makes another go in its place', () => {
    const daily = series('daily', 8, D)
    const policy = { counts: { ...none, daily: 5 } }
    const plain = sanoidWouldPrune(daily, policy, NOW)
    const d = decideSanoidPrune(daily, policy, NOW, { heldGuids: new Set([daily[0]!.guid]) })
    expect(d.guarded.map((g) => g.reasons)).toEqual([['held']])
    expect(names(d.remove)).toEqual(names(plain.slice(1)))
    expect(d.keep).toEqual(daily.slice(3))
  })
})

describe('when a snapshot goes', () => {
  it('goes once it is count × period old while sanoid keeps taking snapshots', () => {
    const s = snap('daily', NOW - 3 * D)
    expect(sanoidPruneTime(s, [s], { counts: { ...none, daily: 7 } }, true)).toBe(s.creation + 7 * D)
  })

  it('without new snapshots, goes only if more than the count of its type are as new as it', () => {
    const daily = series('daily', 4, D)
    const policy = { counts: { ...none, daily: 3 } }
    expect(sanoidPruneTime(daily[0]!, daily, policy, false)).toBe(daily[0]!.creation + 3 * D)
    expect(sanoidPruneTime(daily[1]!, daily, policy, false)).toBeNull()
    expect(sanoidPruneTime(snap('x', NOW, 'manual'), daily, policy, true)).toBeNull()
  })
})
