// The overview's numbers and words: how far behind, the retention horizon (checked
// against sanoid's own prune rule run forward in time), and how long the space lasts.
import { describe, expect, it } from 'vitest'
import { offsiteLag, worstLag } from '../../../../src-main/core/overview/lag'
import { retentionHorizon } from '../../../../src-main/core/overview/retention-horizon'
import { growthRate, spaceForecast } from '../../../../src-main/core/overview/space-forecast'
import { bytesWords } from '../../../../src-main/core/overview/words'
import { spanWords } from '../../../../src-main/shared/span-words'
import type { SnapshotCounts } from '../../../../src-main/core/sanoid/job-block'
import { sanoidWouldPrune, type RetentionSnapshot } from '../../../../src-main/core/retention/sanoid-prune'
import type { Guid } from '../../../../src-main/core/zfs/dataset-tree'

const H = 3600
const D = 86400
const NOW = Date.UTC(2026, 10, 28, 12, 0) / 1000
const none: SnapshotCounts = { frequently: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }

let serial = 0
function snap(type: string, creation: number): RetentionSnapshot {
  serial += 1
  return { name: `autosnap_${new Date(creation * 1000).toISOString().slice(0, 19).replace('T', '_')}_${type}`, guid: `${serial}` as Guid, creation }
}
const copy = (xs: readonly RetentionSnapshot[]): RetentionSnapshot[] => xs.map((s) => ({ ...s }))

describe('how far behind', () => {
  const source = Array.from({ length: 10 }, (_, i) => snap('daily', NOW - (9 - i) * D))

  it('says the copy is up to date when the NAS’s newest snapshot is there', () => {
    const lag = offsiteLag({ source, target: copy(source), now: NOW + 3 * H })
    expect(lag).toMatchObject({ state: 'up-to-date', snapshotsBehind: 0, timeBehindSeconds: 0, newestTargetAgeSeconds: 3 * H })
    expect(lag.words).toBe('The off-site copy is up to date; its newest snapshot is 3 hours old.')
  })

  it('counts the snapshots and the time between the newest common one and the NAS’s newest', () => {
    const lag = offsiteLag({ source, target: copy(source.slice(0, 7)), now: NOW })
    expect(lag).toMatchObject({ state: 'behind', snapshotsBehind: 3, timeBehindSeconds: 3 * D, newestTargetAgeSeconds: 3 * D })
    expect(lag.newestCommon?.guid).toBe(source[6]!.guid)
    expect(lag.words).toBe('The off-site copy is 3 days behind (3 snapshots); its newest snapshot is 3 days old.')
  })

  it('matches snapshots by GUID, not by name', () => {
    const renamed = copy(source.slice(0, 7)).map((s) => ({ ...s, name: `renamed-${s.name}` }))
    const sameNameOtherGuid = [{ ...source[9]!, guid: 'other' as Guid }]
    expect(offsiteLag({ source, target: [...renamed, ...sameNameOtherGuid], now: NOW }).snapshotsBehind).toBe(3)
  })

  it('says when nothing is shared any more, and when nothing was copied yet', () => {
    const stranger = [snap('daily', NOW - 20 * D)]
    expect(offsiteLag({ source, target: stranger, now: NOW })).toMatchObject({ state: 'no-common', timeBehindSeconds: null })
    expect(offsiteLag({ source, target: [], now: NOW })).toMatchObject({ state: 'nothing-yet', words: 'Nothing has been copied off-site yet.' })
  })

  it('takes a job’s worst dataset', () => {
    const a = offsiteLag({ source, target: copy(source), now: NOW })
    const b = offsiteLag({ source, target: copy(source.slice(0, 5)), now: NOW })
    const c = offsiteLag({ source, target: copy(source.slice(0, 8)), now: NOW })
    expect(worstLag([a, b, c])).toBe(b)
    expect(worstLag([])).toBeNull()
  })
})

describe('the retention horizon', () => {
  it('warns “in 4 days the last common snapshot is pruned” when the copy stopped with a 7-day policy', () => {
    // Dailies every day; the copy stopped 3 days ago.
    const source = Array.from({ length: 8 }, (_, i) => snap('daily', NOW - (7 - i) * D))
    const target = copy(source.slice(0, 5))
    const h = retentionHorizon({ source, target, policy: { counts: { ...none, daily: 7 } }, autosnap: true, now: NOW, warnWithinSeconds: 5 * D })
    expect(h).toMatchObject({ level: 'warning', prunedAt: source[4]!.creation + 7 * D, inSeconds: 4 * D, protectedBy: null })
    expect(h.lastCommon?.guid).toBe(source[4]!.guid)
    expect(h.words).toBe('In 4 days the last common snapshot is pruned on the NAS; then a full re-send is needed. A backup before then avoids it.')
  })

  it('counts the common snapshot kept longest, not the newest: a daily outlives a newer hourly', () => {
    const daily = snap('daily', NOW - 2 * D)
    const hourly = snap('hourly', NOW - D)
    const later = Array.from({ length: 24 }, (_, i) => snap('hourly', NOW - (23 - i) * H))
    const source = [daily, hourly, ...later]
    const h = retentionHorizon({ source, target: copy([daily, hourly]), policy: { counts: { ...none, hourly: 24, daily: 30 } }, autosnap: true, now: NOW })
    expect(h.lastCommon?.guid).toBe(daily.guid)
    expect(h).toMatchObject({ level: 'ok', inSeconds: 28 * D })
    expect(h.words).toBe('The NAS keeps the last common snapshot for another 28 days.')
  })

  it('never breaks the chain while a common snapshot is held on the NAS, and is calm far from the policy’s horizon', () => {
    const source = Array.from({ length: 8 }, (_, i) => snap('daily', NOW - (7 - i) * D))
    const target = copy(source.slice(0, 7))
    const h = retentionHorizon({ source, target, policy: { counts: { ...none, daily: 30 } }, autosnap: true, now: NOW, heldGuids: new Set([source[6]!.guid]) })
    expect(h).toMatchObject({ level: 'ok', protectedBy: 'hold', prunedAt: source[6]!.creation + 30 * D, inSeconds: 29 * D })
    expect(h.lastCommon?.guid).toBe(source[6]!.guid)
    expect(h.words).toBe(`The common snapshot ${source[6]!.name} is held on the NAS, so pruning there cannot remove it.`)
    expect(retentionHorizon({ source, target, policy: null, autosnap: true, now: NOW, heldGuids: new Set([source[6]!.guid]) })).toMatchObject({ level: 'ok', prunedAt: null, protectedBy: 'hold' })
  })

  it('warns, without the alarm, when a held base nears or passes the policy’s horizon: the hold keeps it and its space', () => {
    // Dailies kept for 7 days; the copy stopped 3 days ago, so the policy would prune the base in 4.
    const source = Array.from({ length: 8 }, (_, i) => snap('daily', NOW - (7 - i) * D))
    const target = copy(source.slice(0, 5))
    const held = new Set([source[4]!.guid])
    const near = retentionHorizon({ source, target, policy: { counts: { ...none, daily: 7 } }, autosnap: true, now: NOW, warnWithinSeconds: 5 * D, heldGuids: held })
    expect(near).toMatchObject({ level: 'warning', prunedAt: source[4]!.creation + 7 * D, inSeconds: 4 * D, protectedBy: 'hold' })
    expect(near.words).toBe(
      `In 4 days the NAS’s snapshot policy would prune the last snapshot the off-site copy shares with it. The hold on ${source[4]!.name} keeps that one, so the next backup stays incremental, but it keeps space on the NAS that pruning would free until a backup moves the hold to a newer snapshot.`,
    )
    // Ten days on: the policy's time has passed; still a warning, never critical or lost.
    const past = retentionHorizon({ source, target, policy: { counts: { ...none, daily: 7 } }, autosnap: true, now: NOW + 10 * D, heldGuids: held })
    expect(past).toMatchObject({ level: 'warning', protectedBy: 'hold' })
    expect(past.words).toMatch(/^The NAS’s snapshot policy would already have pruned the last snapshot the off-site copy shares with it\. The hold on .*_daily keeps that one/)
    // The same copy without the hold: the alarm.
    expect(retentionHorizon({ source, target, policy: { counts: { ...none, daily: 7 } }, autosnap: true, now: NOW + 10 * D }).level).toBe('critical')
  })

  it('is lost once nothing is shared, and critical once the prune is due', () => {
    const s = snap('hourly', NOW - 5 * H)
    expect(retentionHorizon({ source: [s], target: [snap('hourly', NOW - 9 * D)], policy: { counts: { ...none, hourly: 24 } }, autosnap: true, now: NOW }).level).toBe('lost')
    const due = retentionHorizon({ source: [s], target: copy([s]), policy: { counts: { ...none, hourly: 2 } }, autosnap: true, now: NOW })
    expect(due.level).toBe('critical')
    expect(due.words).toMatch(/due to be pruned on the NAS at its next snapshot run/)
  })

  it('has no horizon when the NAS’s policy would not prune the common snapshot', () => {
    const source = [snap('daily', NOW - 40 * D)]
    expect(retentionHorizon({ source, target: copy(source), policy: { counts: { ...none, daily: 30 } }, autosnap: false, now: NOW }).protectedBy).toBe('policy')
    expect(retentionHorizon({ source, target: copy(source), policy: null, autosnap: true, now: NOW }).protectedBy).toBe('policy')
  })

  it('warns before sanoid’s own rule, run forward with replication stopped, prunes the base', () => {
    // sanoid on a 15-minute timer takes an hourly at each full hour and keeps 6. Each run
    // prunes by the list it read before taking (as sanoid 2.1.0 does), then takes.
    const policy = { counts: { ...none, hourly: 6 } }
    let source: RetentionSnapshot[] = Array.from({ length: 6 }, (_, i) => snap('hourly', NOW - (5 - i) * H))
    const target = copy(source)
    let warnedAt: number | null = null
    let criticalAt: number | null = null
    let predicted: number | null = null
    for (let t = NOW + 15 * 60; t < NOW + 12 * H; t += 15 * 60) {
      const h = retentionHorizon({ source, target, policy, autosnap: true, now: t, warnWithinSeconds: 3 * H, criticalWithinSeconds: H })
      if (h.level === 'lost') {
        expect(warnedAt).not.toBeNull()
        expect(criticalAt).not.toBeNull()
        expect(t - predicted!).toBeLessThanOrEqual(30 * 60) // gone within two sanoid runs of the prediction
        return
      }
      predicted = h.prunedAt
      if (h.level === 'warning' && warnedAt === null) warnedAt = t
      if (h.level === 'critical' && criticalAt === null) criticalAt = t
      const gone = new Set(sanoidWouldPrune(source, policy, t))
      source = source.filter((s) => !gone.has(s))
      if (t % H === 0) source.push(snap('hourly', t))
    }
    throw new Error('the base was never pruned in the simulation')
  })
})

describe('space on the off-site box', () => {
  const samples = Array.from({ length: 8 }, (_, i) => ({ at: NOW - (7 - i) * D, used: 100e9 + i * 2e9 }))

  it('says how long the free space lasts at the current growth', () => {
    const f = spaceForecast({ available: 60e9, samples })
    expect(f.growthBytesPerDay).toBeCloseTo(2e9, -3)
    expect(f.lastsSeconds).toBeCloseTo(30 * D, -2)
    expect(f.level).toBe('warning')
    expect(f.words).toBe('60 GB free on the off-site box; at the current growth (2.0 GB a day) it lasts about 30 days.')
    expect(spaceForecast({ available: 10e9, samples }).level).toBe('critical')
    expect(spaceForecast({ available: 2e12, samples }).words).toMatch(/lasts about 3 years\.$/)
  })

  it('is not misled by one jump: a least-squares line through the samples', () => {
    const jumpy = samples.map((s, i) => (i === 3 ? { ...s, used: s.used + 20e9 } : s))
    const rate = growthRate(jumpy)! * D
    expect(rate).toBeGreaterThan(1e9)
    expect(rate).toBeLessThan(3e9)
  })

  it('says nothing about growth until the samples span an hour, and “not growing” when flat or shrinking', () => {
    expect(spaceForecast({ available: 1e12, samples: [samples[0]!] }).level).toBe('unknown')
    expect(spaceForecast({ available: 1e12, samples: [{ at: NOW, used: 1 }, { at: NOW + 60, used: 1e9 }] }).growthBytesPerDay).toBeNull()
    const flat = spaceForecast({ available: 1e12, samples: samples.map((s) => ({ ...s, used: 5e9 })) })
    expect(flat).toMatchObject({ level: 'ok', lastsSeconds: null })
    expect(flat.words).toBe('1.0 TB free on the off-site box; the backup is not growing.')
  })
})

describe('words', () => {
  it('rounds spans the way a person says them', () => {
    expect([30, 60, 45 * 60, 2 * H, 35 * H, 4 * D, 60 * D, 3 * 365 * D].map(spanWords)).toEqual([
      'under a minute',
      '1 minute',
      '45 minutes',
      '2 hours',
      '35 hours',
      '4 days',
      '2 months',
      '3 years',
    ])
    expect(bytesWords(999)).toBe('999 bytes')
    expect(bytesWords(1.234e12)).toBe('1.2 TB')
  })
})
