// Writes `zfs list -Hp -o name,guid,createtxg,creation,used,referenced,written,
// encryption,encryptionroot,keystatus,receive_resume_token,type` lines in the exact
// shape OpenZFS prints them (see test/fixtures/zfs-2.3/), so pure-logic tests can
// describe a tree briefly and still go through the real parser.

export interface SnapSpec {
  name: string
  guid: string
  txg: number
  /** Seconds since the epoch; defaults to txg * 60 from 2026-01-01. */
  creation?: number
  bookmark?: boolean
}

export interface DatasetSpec {
  name: string
  guid?: string
  encryption?: string
  encryptionRoot?: string
  keyStatus?: 'available' | 'unavailable'
  token?: string
  written?: number
  referenced?: number
  snaps?: SnapSpec[]
}

const BASE = Date.UTC(2026, 0, 1) / 1000

export function listing(datasets: DatasetSpec[]): string {
  const lines: string[] = []
  let n = 1000
  for (const d of datasets) {
    const enc = d.encryption ?? 'off'
    lines.push(
      [
        d.name,
        d.guid ?? String(9000000000000000000n + BigInt(n++)),
        '10',
        String(BASE),
        '98304',
        String(d.referenced ?? 24576),
        String(d.written ?? 0),
        enc,
        enc === 'off' ? '-' : (d.encryptionRoot ?? d.name),
        enc === 'off' ? '-' : (d.keyStatus ?? 'available'),
        d.token ?? '-',
        'filesystem',
      ].join('\t'),
    )
    for (const s of d.snaps ?? []) {
      const creation = String(s.creation ?? BASE + s.txg * 60)
      // As OpenZFS prints them: a bookmark shows only its referenced size and no
      // encryption fields; a snapshot repeats its dataset's encryption fields.
      const root = enc === 'off' ? '-' : (d.encryptionRoot ?? d.name)
      const keys = enc === 'off' ? '-' : (d.keyStatus ?? 'available')
      lines.push(
        s.bookmark
          ? [`${d.name}#${s.name}`, s.guid, String(s.txg), creation, '-', '24576', '-', '-', '-', '-', '-', 'bookmark'].join('\t')
          : [`${d.name}@${s.name}`, s.guid, String(s.txg), creation, '0', '24576', '24576', enc, root, keys, '-', 'snapshot'].join('\t'),
      )
    }
  }
  return lines.join('\n') + '\n'
}
