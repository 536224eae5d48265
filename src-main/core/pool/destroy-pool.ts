// Undo of the wizard's pool: `zpool destroy` only while the pool holds nothing but its root
// dataset. Checked and destroyed in one script on the host, so nothing can be received in
// between the look and the destroy being decided elsewhere; undoing the wizard never
// destroys an off-site copy.
import type { CommandSpec } from '../zfs/command'
import type { PoolName } from '../zfs/names'

/** Printed (on stderr, exit 3) when the pool holds more than its root: the service maps it to DATASET_HAS_CHILDREN. */
export const POOL_HAS_CHILDREN = 'pool has children'

const SCRIPT = [
  'set -e',
  // Already gone (an undo cut off after the destroy): nothing left to do.
  'if ! zpool list -H -o name "$1" >/dev/null 2>&1; then echo absent; exit 0; fi',
  // -t all: datasets, volumes, snapshots and bookmarks, the root itself included.
  'n=$(zfs list -H -r -t all -o name "$1" | wc -l)',
  `if [ "$n" -gt 1 ]; then echo "cannot destroy '$1': ${POOL_HAS_CHILDREN} ($((n - 1)) datasets or snapshots below its root); it was kept" >&2; exit 3; fi`,
  'zpool destroy "$1"',
  'echo destroyed',
].join('\n')

export function destroyEmptyPoolCommand(pool: PoolName): CommandSpec {
  return { argv: ['sh', '-c', SCRIPT, 'sh', pool], successCodes: [0] }
}

export function parseDestroyEmptyPool(stdout: string): { readonly destroyed: boolean } {
  const word = stdout.trim().split('\n').at(-1)?.trim()
  if (word !== 'destroyed' && word !== 'absent') throw new Error(`not the output of the pool undo: ${JSON.stringify(stdout.slice(0, 80))}`)
  return { destroyed: word === 'destroyed' }
}
