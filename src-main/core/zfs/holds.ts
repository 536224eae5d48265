// User holds: a snapshot with a hold cannot be destroyed, which is how the app keeps
// the base of the next incremental safe from any pruning (its own, sanoid's or a person's).
import type { CommandSpec } from './command'
import type { SnapshotName } from './names'

export const APP_HOLD_TAG = 'zfs-offsite'

export interface Hold {
  readonly snapshot: SnapshotName
  readonly tag: string
  /** Seconds since the epoch; null where zfs only prints a local date (OpenZFS before 2.2). */
  readonly created: number | null
}

export interface ListHoldsOptions {
  readonly recursive?: boolean
  /** `zfs holds -p` (exact times) exists from OpenZFS 2.2; 2.1 refuses it with a usage error. */
  readonly parsable: boolean
}

export function listHoldsCommand(snapshots: readonly SnapshotName[], options: ListHoldsOptions): CommandSpec {
  if (snapshots.length === 0) throw new Error('list holds of at least one snapshot')
  return { argv: ['zfs', 'holds', options.parsable ? '-Hp' : '-H', ...(options.recursive ? ['-r'] : []), ...snapshots], successCodes: [0] }
}

export function parseHolds(stdout: string): Hold[] {
  const holds: Hold[] = []
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const f = line.split('\t')
    if (f.length !== 3 || f[0] === '' || f[1] === '') throw new Error(`zfs holds: unexpected line ${JSON.stringify(line)}`)
    holds.push({ snapshot: f[0] as SnapshotName, tag: f[1]!, created: /^\d+$/.test(f[2]!) ? Number(f[2]) : null })
  }
  return holds
}

export function holdCommand(tag: string, snapshots: readonly SnapshotName[]): CommandSpec {
  return { argv: ['zfs', 'hold', tag, ...snapshots], successCodes: [0] }
}

export function releaseCommand(tag: string, snapshots: readonly SnapshotName[]): CommandSpec {
  return { argv: ['zfs', 'release', tag, ...snapshots], successCodes: [0] }
}

/** Releases `tag` from every snapshot of the roots and all below them (a schedule or job removed; the snapshots stay). */
export function releaseTagBelowCommand(tag: string, roots: readonly { readonly dataset: string }[]): CommandSpec {
  const script = [
    'tag=$1; shift',
    'for root in "$@"; do',
    '  zfs get -H -p -o name,value -r userrefs -t snapshot "$root" 2>/dev/null | while IFS="$(printf \'\\t\')" read -r snap refs; do',
    '    [ "$refs" != 0 ] || continue',
    '    zfs holds -H "$snap" | cut -f2 | grep -qxF "$tag" && zfs release "$tag" "$snap"',
    '  done',
    'done',
    'true',
  ].join('\n')
  return { argv: ['sh', '-c', script, 'sh', tag, ...roots.map((r) => r.dataset)], successCodes: [0] }
}
