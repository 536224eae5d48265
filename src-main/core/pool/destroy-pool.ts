// Undo of the wizard's pool: `zpool destroy` only while the pool holds nothing but its root
// dataset, then the disk made blank again (so the wizard offers it again). The check and
// the destroy are one script on the host, nothing decided from an older look; undoing the
// wizard never destroys an off-site copy.
import type { CommandSpec } from '../zfs/command'
import type { PoolName } from '../zfs/names'
import { BY_ID, checkDiskId } from './create-pool'

/** Printed (on stderr, exit 3) when the pool holds more than its root: the service maps it to DATASET_HAS_CHILDREN. */
export const POOL_HAS_CHILDREN = 'pool has children'

const SCRIPT = [
  'set -e',
  // Already gone (an undo cut off after the destroy): nothing left to do.
  'if ! zpool list -H -o name "$1" >/dev/null 2>&1; then echo absent; exit 0; fi',
  // -t all: datasets, volumes, snapshots and bookmarks, the root itself included.
  'n=$(zfs list -H -r -t all -o name "$1" | wc -l)',
  `if [ "$n" -gt 1 ]; then echo "cannot destroy '$1': ${POOL_HAS_CHILDREN} ($((n - 1)) datasets or snapshots below its root); it was kept" >&2; exit 3; fi`,
  // The member devices (-L: real paths such as /dev/vdc1), read before they are let go.
  'devs=$(zpool status -LP "$1" | awk \'$1 ~ /^\\/dev\\// {print $1}\')',
  'disk=""',
  'if [ -n "$2" ]; then disk=$(readlink -f "$2"); fi',
  'zpool destroy "$1"',
  // zpool destroy leaves the labels (zpool import -D could bring the pool back); it held
  // nothing, so they go, and with them what zpool create wrote: its partition table.
  'for d in $devs; do zpool labelclear -f "$d" 2>/dev/null || true; done',
  'mine=yes',
  'for d in $devs; do case "$d" in "$disk"?*) ;; *) mine=no ;; esac; done',
  // Only the disk the pool was made on, and only when every member was one of its partitions.
  'if [ -n "$disk" ] && [ -n "$devs" ] && [ "$mine" = yes ]; then wipefs -a -q "$disk" >&2; udevadm settle 2>/dev/null || true; fi',
  'echo destroyed',
].join('\n')

/** `diskId`: the disk the wizard made the pool on (its by-id name), to leave blank again. */
export function destroyEmptyPoolCommand(pool: PoolName, diskId?: string): CommandSpec {
  return { argv: ['sh', '-c', SCRIPT, 'sh', pool, diskId === undefined ? '' : `${BY_ID}/${checkDiskId(diskId)}`], successCodes: [0] }
}

export function parseDestroyEmptyPool(stdout: string): { readonly destroyed: boolean } {
  const word = stdout.trim().split('\n').at(-1)?.trim()
  if (word !== 'destroyed' && word !== 'absent') throw new Error(`not the output of the pool undo: ${JSON.stringify(stdout.slice(0, 80))}`)
  return { destroyed: word === 'destroyed' }
}
