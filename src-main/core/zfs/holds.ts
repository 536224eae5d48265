// User holds: a snapshot with a hold cannot be destroyed, which is how the app keeps
// the base of the next incremental safe from any pruning (its own, sanoid's or a person's).
import type { CommandSpec } from './command'
import type { SnapshotName } from './names'

export const APP_HOLD_TAG = 'zfs-offsite'

export interface Hold {
  readonly snapshot: SnapshotName
  readonly tag: string
  /** Seconds since the epoch. */
  readonly created: number
}

export function listHoldsCommand(snapshots: readonly SnapshotName[], recursive = false): CommandSpec {
  if (snapshots.length === 0) throw new Error('list holds of at least one snapshot')
  return { argv: ['zfs', 'holds', '-Hp', ...(recursive ? ['-r'] : []), ...snapshots], successCodes: [0] }
}

export function parseHolds(stdout: string): Hold[] {
  const holds: Hold[] = []
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const f = line.split('\t')
    if (f.length !== 3 || !/^\d+$/.test(f[2]!)) throw new Error(`zfs holds: unexpected line ${JSON.stringify(line)} (run with -Hp)`)
    holds.push({ snapshot: f[0] as SnapshotName, tag: f[1]!, created: Number(f[2]) })
  }
  return holds
}

export function holdCommand(tag: string, snapshots: readonly SnapshotName[]): CommandSpec {
  return { argv: ['zfs', 'hold', tag, ...snapshots], successCodes: [0] }
}

export function releaseCommand(tag: string, snapshots: readonly SnapshotName[]): CommandSpec {
  return { argv: ['zfs', 'release', tag, ...snapshots], successCodes: [0] }
}
