// The wizard's guided `zpool create` on one empty disk of the off-site box (issue 7): the
// checks that must hold before anything is written (pure, on a fresh disk listing), the
// command, and the read-back that proves the pool is there and healthy.
import type { CommandSpec } from '../zfs/command'
import { checkPoolName, type PoolName } from '../zfs/names'
import { appError, type AppError } from '../../shared/errors'
import type { WizardDisk } from '../../shared/contract'

export const BY_ID = '/dev/disk/by-id'

/**
 * The pool's options, each for what the off-site copies need:
 * - ashift=12: 4 KiB blocks, fixed for the pool's life; right for today's disks (512e
 *   included), and a 512-byte guess on a 4K disk cannot be fixed later.
 * - compression=lz4: cheap; what is received without -w (plain copies) is stored
 *   compressed; raw (-w) streams keep the source's own compression and encryption.
 * - canmount=off: the pool's root dataset holds nothing; copies land in children.
 * - mountpoint=none: copies are received with -u and inherit it, so the off-site box never
 *   mounts them at import or boot (a plain copy would otherwise appear under /<pool>);
 *   recovery mounts one explicitly, read-only, where it chooses.
 * No encryption on the pool: encrypted sources arrive raw and keep their own keys, which
 *   never need to be on this box. No -f: zpool itself refuses a disk with a label or
 *   partitions, a second guard behind checkPoolCreation.
 */
export const POOL_OPTIONS = ['-o', 'ashift=12', '-O', 'compression=lz4', '-O', 'canmount=off', '-O', 'mountpoint=none'] as const

/** A by-id name: one path component, as udev writes them (no spaces, no slashes). */
export function checkDiskId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:+@~=,-]*$/.test(id) || id.length > 255) throw new Error(`not a name under ${BY_ID}: ${JSON.stringify(id)}`)
  return id
}

/** `zpool create` on the whole disk by its stable name (zpool partitions it itself). */
export function createPoolCommand(pool: PoolName, diskId: string): CommandSpec {
  return { argv: ['zpool', 'create', ...POOL_OPTIONS, pool, `${BY_ID}/${checkDiskId(diskId)}`], successCodes: [0] }
}

export interface PoolChoice {
  readonly diskId: string
  /** What the person typed to confirm: the disk's id, exactly. */
  readonly confirm: string
}

const UNCHANGED = 'Nothing was changed.'

/**
 * Whether `zpool create` may run: a valid, unused pool name, a disk the listing knows and
 * found empty, and the disk's id typed again exactly. Null when it may; otherwise the
 * refusal to show. Run on a listing read right before creating, never on an old one.
 */
export function checkPoolCreation(disks: readonly WizardDisk[], choice: PoolChoice, poolName: string, existingPools: readonly string[] = []): AppError | null {
  const name = checkPoolName(poolName)
  if (!name.ok) return appError('INVALID_INPUT', `“${poolName}” cannot be a pool name: ${name.reason.replace(/^[A-Z](?=[a-z ])/, (c) => c.toLowerCase())}`, `Choose a parent dataset whose first part is a valid pool name, for example backup/nas. ${UNCHANGED}`)
  if (existingPools.includes(poolName)) {
    return appError('ALREADY_EXISTS', `The off-site box already has a pool named ${poolName}.`, `Use that pool (leave the new-pool choice off), or choose a parent dataset with another first part. ${UNCHANGED}`)
  }
  const disk = disks.find((d) => d.id === choice.diskId)
  if (!disk) return appError('NOT_FOUND', `The off-site box has no disk named ${choice.diskId} now.`, `Look at the disk list again and choose one of the disks it shows. ${UNCHANGED}`)
  if (!disk.empty) {
    return appError('DISK_NOT_EMPTY', `The disk ${disk.id} ${disk.inUse ?? 'is not empty'}, so a pool will not be made on it.`, `Choose an empty disk; this one is left as it is. ${UNCHANGED}`, `${disk.path}: ${disk.inUse ?? 'not empty'}`)
  }
  if (choice.confirm !== disk.id) {
    return appError('CONFIRMATION_MISMATCH', `The name typed to confirm is not exactly the disk’s name ${disk.id}.`, `Type ${disk.id} exactly as shown to confirm that this disk may be used. ${UNCHANGED}`, `typed: ${JSON.stringify(choice.confirm)}`)
  }
  return null
}

/** `zpool list` of one pool: its health, size and free space in bytes. */
export function poolHealthCommand(pool: PoolName): CommandSpec {
  return { argv: ['zpool', 'list', '-H', '-p', '-o', 'name,health,size,free', pool], successCodes: [0] }
}

export interface PoolHealth {
  readonly pool: PoolName
  readonly health: string
  readonly sizeBytes: number
  readonly freeBytes: number
}

export function parsePoolHealth(stdout: string): PoolHealth {
  const line = stdout.split('\n').find((l) => l.trim() !== '')
  const f = line?.split('\t') ?? []
  if (f.length < 4 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) throw new Error(`zpool list: unexpected output ${JSON.stringify(stdout.slice(0, 80))}`)
  return { pool: f[0] as PoolName, health: f[1]!, sizeBytes: Number(f[2]), freeBytes: Number(f[3]) }
}
