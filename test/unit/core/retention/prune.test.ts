import { describe, expect, it } from 'vitest'
import { decideRetention, type RetentionPolicy } from '../../../../src-main/core/retention/prune'
import type { Guid, SnapshotInfo } from '../../../../src-main/core/zfs/dataset-tree'

const HOUR = 3600
const DAY = 86400
const T0 = Date.UTC(2026, 10, 28, 12) / 1000 // a Saturday, noon UTC

function snap(name: string, creation: number, txg: number): SnapshotInfo {
  return { kind: 'snapshot', name, guid: `g${txg}` as Guid, createtxg: txg, creation, used: 0, referenced: 0, written: 0 }
}

/** One snapshot per hour for `hours` hours ending at T0. */
function hourly(hours: number, prefix = 'auto_'): SnapshotInfo[] {
  return Array.from({ length: hours }, (_, i) => snap(`${prefix}${i}`, T0 - (hours - 1 - i) * HOUR, i + 1))
}

const none: RetentionPolicy = { hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }
const names = (xs: readonly SnapshotInfo[]) => xs.map((s) => s.name)

describe('GFS retention', () => {
  it('keeps the newest snapshot of each of the last N hours and days', () => {
    const snaps = hourly(72)
    const d = decideRetention(snaps, { ...none, hourly: 6, daily: 3 }, { managedPrefix: 'auto_' })
    // Hours: auto_66..auto_71. Days (UTC): Nov 28 (auto_71, noon), Nov 27 and Nov 26 (their
    // 23:00 snapshots, auto_58 and auto_34).
    expect(names(d.keep.map((k) => k.snapshot))).toEqual(['auto_34', 'auto_58', 'auto_66', 'auto_67', 'auto_68', 'auto_69', 'auto_70', 'auto_71'])
    expect(d.keep.find((k) => k.snapshot.name === 'auto_71')?.reasons).toEqual(['newest', 'hourly', 'daily'])
    expect(d.keep.length + d.prune.length).toBe(72)
    for (const p of d.prune) expect(p.creation).toBeLessThan(T0 - 5 * HOUR)
  })

  it('counts periods back from the newest snapshot, so a wrong clock cannot prune everything', () => {
    // All snapshots are three years old; a clock-relative policy would keep none of them by age.
    const old = hourly(48).map((s) => ({ ...s, creation: s.creation - 3 * 365 * DAY }))
    const d = decideRetention(old, { ...none, hourly: 24 }, { managedPrefix: 'auto_' })
    expect(d.keep).toHaveLength(24)
    expect(names(d.prune)).toEqual(names(old.slice(0, 24)))
  })

  it('keeps one per ISO week, month and year', () => {
    const daily = Array.from({ length: 800 }, (_, i) => snap(`auto_d${i}`, T0 - (799 - i) * DAY, i + 1))
    const d = decideRetention(daily, { ...none, weekly: 4, monthly: 3, yearly: 3 }, { managedPrefix: 'auto_' })
    const reasons = d.keep.flatMap((k) => k.reasons)
    expect(reasons.filter((r) => r === 'weekly')).toHaveLength(4)
    expect(reasons.filter((r) => r === 'monthly')).toHaveLength(3)
    expect(reasons.filter((r) => r === 'yearly')).toHaveLength(3)
    // Weekly picks are the last snapshot of their ISO week: Sundays, except the current week.
    const weekly = d.keep.filter((k) => k.reasons.includes('weekly')).map((k) => new Date(k.snapshot.creation * 1000).getUTCDay())
    expect(weekly.slice(0, 3)).toEqual([0, 0, 0])
  })

  it('never prunes the newest common snapshot, a held one, or a pending resume’s base', () => {
    const snaps = hourly(10)
    const d = decideRetention(snaps, { ...none, hourly: 1 }, {
      managedPrefix: 'auto_',
      newestCommonGuid: 'g2' as Guid,
      heldGuids: new Set(['g4' as Guid]),
      resumeBaseGuid: 'g6' as Guid,
    })
    const byName = new Map(d.keep.map((k) => [k.snapshot.name, k.reasons]))
    expect(byName.get('auto_1')).toEqual(['newest-common'])
    expect(byName.get('auto_3')).toEqual(['held'])
    expect(byName.get('auto_5')).toEqual(['resume-base'])
    expect(byName.get('auto_9')).toEqual(['newest', 'hourly'])
    expect(names(d.prune)).toEqual(['auto_0', 'auto_2', 'auto_4', 'auto_6', 'auto_7', 'auto_8'])
  })

  it('never prunes snapshots it does not manage, and always keeps the newest', () => {
    const snaps = [...hourly(3), snap('before-upgrade', T0 + 10, 99)]
    const d = decideRetention(snaps, none, { managedPrefix: 'auto_' })
    expect(d.keep.map((k) => [k.snapshot.name, k.reasons])).toEqual([['before-upgrade', ['not-managed', 'newest']]])
    expect(names(d.prune)).toEqual(['auto_0', 'auto_1', 'auto_2'])
  })

  it('uses the person’s calendar day for daily buckets', () => {
    // 23:30 and 00:30 UTC fall on the same local day at UTC-2.
    const a = snap('auto_a', Date.UTC(2026, 10, 27, 23, 30) / 1000, 1)
    const b = snap('auto_b', Date.UTC(2026, 10, 28, 0, 30) / 1000, 2)
    expect(names(decideRetention([a, b], { ...none, daily: 2 }, { managedPrefix: 'auto_' }).prune)).toEqual([])
    expect(names(decideRetention([a, b], { ...none, daily: 2 }, { managedPrefix: 'auto_', utcOffsetMinutes: -120 }).prune)).toEqual(['auto_a'])
  })
})
