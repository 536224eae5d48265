// The destination step's guided `zpool create` on the off-site box (issue 7): the disks as
// the host has them now, and a pool made on one empty disk only after a fresh listing
// passes the checks, recorded as made, and read back ONLINE.
import { listDisksCommand, parseDiskSurvey, type DiskSurvey } from '../core/pool/list-disks'
import { checkPoolCreation, createPoolCommand, parsePoolHealth, poolHealthCommand, type PoolHealth } from '../core/pool/create-pool'
import type { PoolName } from '../core/zfs/names'
import { AppFailure, appError } from '../shared/errors'
import type { WizardDisk } from '../shared/contract'
import type { Created } from '../shared/wizard'
import type { WizardHostRunner } from './wizard-host'

export interface PoolRequest {
  /** The parent dataset's first part. */
  readonly poolName: string
  readonly diskId: string
  readonly confirm: string
}

export interface PoolOutcome extends PoolHealth {
  /** False when an earlier run already made this pool on this disk (nothing was done now). */
  readonly created: boolean
}

async function survey(offsite: WizardHostRunner): Promise<DiskSurvey> {
  return parseDiskSurvey(await offsite.run(listDisksCommand()))
}

export async function listDisks(offsite: WizardHostRunner): Promise<WizardDisk[]> {
  return [...(await survey(offsite)).disks]
}

// zpool-create.8 refuses a disk it finds in use unless forced (never here); if the
// listing missed a use, zpool's own refusal is still a "not empty", not a failure.
// Messages from libzfs's vdev checks; the first is captured (zfs-2.3/pool/create-pool-disk-in-use).
const ZPOOL_REFUSED_DISK = /is in use and contains|contains a filesystem of type|is part of (active|exported|potentially active) pool/

export async function createPoolOnDisk(offsite: WizardHostRunner, request: PoolRequest, made: (c: Created) => void): Promise<PoolOutcome> {
  // Read right now, never a list the person saw minutes ago: disks come and go.
  const now = await survey(offsite)
  const pool = request.poolName as PoolName
  const disk = now.disks.find((d) => d.id === request.diskId)
  // A re-run after a later part of the step failed: the pool is there on this very disk.
  const already = disk !== undefined && now.pools.includes(pool) && disk.inUse === `is part of pool ${pool}` && request.confirm === disk.id
  if (!already) {
    const refused = checkPoolCreation(now.disks, { diskId: request.diskId, confirm: request.confirm }, request.poolName, now.pools)
    if (refused) throw new AppFailure(refused)
    try {
      await offsite.run(createPoolCommand(pool, request.diskId))
    } catch (err) {
      const e = err instanceof AppFailure ? err.appError : null
      if (e && ZPOOL_REFUSED_DISK.test(e.details ?? '')) {
        throw new AppFailure(appError('DISK_NOT_EMPTY', `zpool found the disk ${request.diskId} in use on ${offsite.label}, so no pool was made on it.`, 'Choose an empty disk; this one is left as it is. Nothing was changed.', e.details))
      }
      throw err
    }
    made({ kind: 'pool', host: offsite.side, pool, disk: request.diskId })
  }
  const health = parsePoolHealth(await offsite.run(poolHealthCommand(pool)))
  if (health.health !== 'ONLINE') {
    throw new AppFailure(appError('VERIFY_MISMATCH', `The new pool ${pool} on ${offsite.label} is ${health.health}, not ONLINE.`, 'Check the disk and its cable (zpool status shows more), then undo this step and run it again with a healthy disk.', `zpool list: ${health.pool} ${health.health}`))
  }
  return { ...health, created: !already }
}
