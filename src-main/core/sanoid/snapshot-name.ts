// sanoid's snapshot names and periods (sanoid 2.1.0, as Debian 12 ships it). sanoid names
// a snapshot autosnap_<YYYY-MM-DD_HH:MM:SS>_<type> from its own clock (Debian's units and
// cron line run it with TZ=UTC, so the stamp is UTC there) and decides by the ZFS
// `creation` property, not by the name; the name says only the type.

export const SNAPSHOT_TYPES = ['frequently', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const
export type SnapshotType = (typeof SNAPSHOT_TYPES)[number]

/** sanoid's own period lengths in seconds (prune_snapshots); a month is 31 days, a year 365.25. */
export function periodSeconds(type: SnapshotType, frequentPeriodMinutes = 15): number {
  switch (type) {
    case 'frequently':
      return 60 * frequentPeriodMinutes
    case 'hourly':
      return 3600
    case 'daily':
      return 86400
    case 'weekly':
      return 7 * 86400
    case 'monthly':
      return 31 * 86400
    case 'yearly':
      return 365.25 * 86400
  }
}

/**
 * The type sanoid itself reads from a short snapshot name, or null when sanoid ignores
 * the snapshot: it considers only names that begin with "autosnap" and end in "…ly", and
 * takes the type from after the last "_" (getsnaps: `.*_(\w*ly)`). Types it has no
 * setting for are never pruned.
 */
export function sanoidTypeOf(shortName: string): SnapshotType | null {
  if (!shortName.startsWith('autosnap')) return null
  const m = /^.*_(\w*ly)$/.exec(shortName)
  const type = m?.[1]
  return type !== undefined && (SNAPSHOT_TYPES as readonly string[]).includes(type) ? (type as SnapshotType) : null
}

export interface SanoidSnapshotName {
  readonly type: SnapshotType
  /** The stamp in the name, read as UTC (sanoid's clock under Debian's TZ=UTC): seconds since the epoch. */
  readonly stampUtc: number
  /** The stamp as written, e.g. 2026-11-28_02:00:00. */
  readonly stamp: string
  /** sanoid renames a snapshot taken twice in the hour daylight saving time ends ("…:00dst_hourly"). */
  readonly dst: boolean
}

/** Parses a short name sanoid wrote; null for any other name (including syncoid's sync snapshots). */
export function parseSanoidSnapshotName(shortName: string): SanoidSnapshotName | null {
  const m = /^autosnap_(\d{4})-(\d{2})-(\d{2})_(\d{2}):(\d{2}):(\d{2})(dst)?_(frequently|hourly|daily|weekly|monthly|yearly)$/.exec(shortName)
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  const back = new Date(ms)
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return null
  return { type: m[8] as SnapshotType, stampUtc: ms / 1000, stamp: `${m[1]}-${m[2]}-${m[3]}_${m[4]}:${m[5]}:${m[6]}`, dst: m[7] === 'dst' }
}
