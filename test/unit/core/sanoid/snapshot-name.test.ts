// sanoid's snapshot names: the strict form it writes, and the looser rule by which it
// decides which snapshots it owns (sanoid 2.1.0's getsnaps).
import { describe, expect, it } from 'vitest'
import { parseSanoidSnapshotName, periodSeconds, sanoidTypeOf } from '../../../../src-main/core/sanoid/snapshot-name'

describe('sanoid snapshot names', () => {
  it('reads the type and the UTC stamp of a name sanoid wrote', () => {
    expect(parseSanoidSnapshotName('autosnap_2026-11-28_02:00:01_daily')).toEqual({ type: 'daily', stampUtc: Date.UTC(2026, 10, 28, 2, 0, 1) / 1000, stamp: '2026-11-28_02:00:01', dst: false })
    expect(parseSanoidSnapshotName('autosnap_2026-10-25_02:00:00dst_hourly')).toMatchObject({ type: 'hourly', dst: true })
    expect(parseSanoidSnapshotName('autosnap_2026-11-28_02:00:00_frequently')?.type).toBe('frequently')
  })

  it('reads nothing from other names, syncoid’s sync snapshots and impossible dates among them', () => {
    for (const n of ['syncoid_nas_2026-11-28:02:00:00-GMT00:00', 'zfs-offsite-2026-11-28', 'autosnap_2026-02-30_02:00:00_daily', 'autosnap_2026-11-28_02:00:00_minutely', 'autosnap_2026-11-28_02:00_daily']) {
      expect(parseSanoidSnapshotName(n), n).toBeNull()
    }
  })

  it('owns a snapshot the way sanoid does: it begins with autosnap and ends in a type after the last underscore', () => {
    expect(sanoidTypeOf('autosnap_2026-11-28_02:00:00_hourly')).toBe('hourly')
    expect(sanoidTypeOf('autosnap_by_hand_weekly')).toBe('weekly')
    expect(sanoidTypeOf('manual_daily')).toBeNull()
    expect(sanoidTypeOf('autosnap_2026-11-28_02:00:00_daily.bak')).toBeNull()
    expect(sanoidTypeOf('autosnap_x_weirdly')).toBeNull()
  })

  it('uses sanoid’s own period lengths: a month of 31 days, a year of 365.25', () => {
    expect(periodSeconds('monthly')).toBe(31 * 86400)
    expect(periodSeconds('yearly')).toBe(365.25 * 86400)
    expect(periodSeconds('frequently', 10)).toBe(600)
  })
})
