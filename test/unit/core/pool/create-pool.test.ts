// The guided `zpool create`: what is checked before anything is written (on the disk
// listing captured on the lab's off-site VM), the exact command, the health read-back
// and the undo that keeps a pool holding copies.
import { describe, expect, it } from 'vitest'
import { checkPoolCreation, createPoolCommand, parsePoolHealth, poolHealthCommand, checkDiskId } from '../../../../src-main/core/pool/create-pool'
import { destroyEmptyPoolCommand, parseDestroyEmptyPool, POOL_HAS_CHILDREN } from '../../../../src-main/core/pool/destroy-pool'
import { parseDiskSurvey } from '../../../../src-main/core/pool/list-disks'
import { poolName } from '../../../../src-main/core/zfs/names'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { fixture } from '../../../support/fixtures'

const FOLDER = 'zfs-2.3/pool'
const bare = parseDiskSurvey(fixture(FOLDER, 'list-disks').stdout)
const spareInPool = parseDiskSurvey(fixture(FOLDER, 'list-disks-spare-in-pool').stdout)

describe('the zpool create command', () => {
  it('makes the pool on the whole disk by its by-id name with the options the copies need', () => {
    expect(createPoolCommand(poolName('offsite2'), 'virtio-spare').argv).toEqual([
      'zpool', 'create', '-o', 'ashift=12', '-O', 'compression=lz4', '-O', 'canmount=off', '-O', 'mountpoint=none', 'offsite2', '/dev/disk/by-id/virtio-spare',
    ])
  })

  it('is the command that made the captured pool, and never forces (-f)', () => {
    const f = fixture(FOLDER, 'create-pool')
    expect(f.command).toBe(shellJoin(createPoolCommand(poolName('offsite2'), 'virtio-spare').argv))
    expect(f.exitCode).toBe(0)
    expect(createPoolCommand(poolName('offsite2'), 'virtio-spare').argv).not.toContain('-f')
  })

  it('is refused by zpool itself on a disk in use (the guard behind the checks)', () => {
    const f = fixture(FOLDER, 'create-pool-disk-in-use')
    expect(f.exitCode).toBe(1)
    expect(f.stderr).toMatch(/virtio-pool is in use/)
  })

  it('takes no disk name that is a path or could reach another folder', () => {
    for (const bad of ['../sda', '/dev/sda', 'a b', '', '-f', 'x/y']) expect(() => checkDiskId(bad)).toThrow(/not a name under/)
    expect(checkDiskId('usb-WD_Elements_25A3_575834314131-0:0')).toBe('usb-WD_Elements_25A3_575834314131-0:0')
  })
})

describe('checking the choice before creating', () => {
  const ok = { diskId: 'virtio-spare', confirm: 'virtio-spare' }

  it('admits an empty disk confirmed by its exact id under a new, valid pool name', () => {
    expect(checkPoolCreation(bare.disks, ok, 'offsite2', bare.pools)).toBeNull()
  })

  it('refuses a typed id that is not exactly the disk’s', () => {
    for (const typed of ['virtio-Spare', ' virtio-spare', 'virtio-spare ', 'spare', '']) {
      const e = checkPoolCreation(bare.disks, { diskId: 'virtio-spare', confirm: typed }, 'offsite2', bare.pools)
      expect(e?.code).toBe('CONFIRMATION_MISMATCH')
      expect(e?.fix).toMatch(/Type virtio-spare exactly.*Nothing was changed\.$/)
    }
  })

  it('refuses a disk that is not empty, saying why, even when confirmed', () => {
    const sys = checkPoolCreation(bare.disks, { diskId: 'virtio-labroot', confirm: 'virtio-labroot' }, 'offsite2', bare.pools)
    expect(sys).toMatchObject({ code: 'DISK_NOT_EMPTY', cause: 'The disk virtio-labroot holds the system (mounted at /), so a pool will not be made on it.' })
    expect(sys?.fix).toMatch(/Nothing was changed\.$/)
    const pooled = checkPoolCreation(spareInPool.disks, ok, 'offsite3', spareInPool.pools)
    expect(pooled).toMatchObject({ code: 'DISK_NOT_EMPTY', cause: 'The disk virtio-spare is part of pool offsite2, so a pool will not be made on it.' })
  })

  it('refuses a disk the host does not have (any more)', () => {
    const e = checkPoolCreation(bare.disks, { diskId: 'ata-GONE_123', confirm: 'ata-GONE_123' }, 'offsite2', bare.pools)
    expect(e).toMatchObject({ code: 'NOT_FOUND' })
    expect(e?.fix).toMatch(/Nothing was changed\.$/)
  })

  it('refuses a pool name that exists or that OpenZFS does not allow', () => {
    expect(checkPoolCreation(bare.disks, ok, 'backup', bare.pools)).toMatchObject({ code: 'ALREADY_EXISTS', cause: 'The off-site box already has a pool named backup.' })
    for (const bad of ['mirror1', 'c0t0d0', '9lives', 'log', 'raidzz', 'a/b']) {
      const e = checkPoolCreation(bare.disks, ok, bad, bare.pools)
      expect(e?.code).toBe('INVALID_INPUT')
      expect(e?.cause).toMatch(new RegExp(`^“${bad}” cannot be a pool name: [a-z“]`))
      expect(e?.fix).toMatch(/Nothing was changed\.$/)
    }
  })

  it('every refusal has one sentence of cause and a fix ending “Nothing was changed.”', () => {
    const refusals = [
      checkPoolCreation(bare.disks, { diskId: 'virtio-spare', confirm: 'nope' }, 'offsite2', bare.pools),
      checkPoolCreation(bare.disks, { diskId: 'virtio-pool', confirm: 'virtio-pool' }, 'offsite2', bare.pools),
      checkPoolCreation(bare.disks, { diskId: 'nope', confirm: 'nope' }, 'offsite2', bare.pools),
      checkPoolCreation(bare.disks, ok, 'backup', bare.pools),
      checkPoolCreation(bare.disks, ok, '9lives', bare.pools),
    ]
    for (const e of refusals) {
      expect(e).not.toBeNull()
      expect(e!.cause.match(/[.!?](\s|$)/g)?.length).toBe(1)
      expect(e!.fix.endsWith('Nothing was changed.')).toBe(true)
    }
  })
})

describe('reading the new pool back', () => {
  it('reads health, size and free space from the captured zpool list', () => {
    const f = fixture(FOLDER, 'pool-health')
    expect(f.command).toBe(shellJoin(poolHealthCommand(poolName('offsite2')).argv))
    expect(parsePoolHealth(f.stdout)).toEqual({ pool: 'offsite2', health: 'ONLINE', sizeBytes: 2013265920, freeBytes: 2012827648 })
    expect(() => parsePoolHealth('')).toThrow(/unexpected output/)
  })
})

describe('undoing the pool', () => {
  it('is refused while the pool holds a dataset, and says so', () => {
    const f = fixture(FOLDER, 'destroy-empty-pool-has-children')
    expect(f.command).toBe(shellJoin(destroyEmptyPoolCommand(poolName('offsite2'), 'virtio-spare').argv))
    expect(f.exitCode).toBe(3)
    expect(f.stderr).toContain(POOL_HAS_CHILDREN)
  })

  it('destroys the empty pool and leaves its disk blank, so it is offered again', () => {
    expect(parseDestroyEmptyPool(fixture(FOLDER, 'destroy-empty-pool').stdout)).toEqual({ destroyed: true })
    const after = parseDiskSurvey(fixture(FOLDER, 'list-disks-after-undo').stdout)
    expect(after.disks.find((d) => d.id === 'virtio-spare')).toMatchObject({ empty: true })
    expect(after.pools).toEqual(['backup'])
  })

  it('only wipes the disk named in the record, by its by-id path', () => {
    expect(destroyEmptyPoolCommand(poolName('offsite2'), 'virtio-spare').argv.slice(3)).toEqual(['sh', 'offsite2', '/dev/disk/by-id/virtio-spare'])
    expect(destroyEmptyPoolCommand(poolName('offsite2')).argv.slice(3)).toEqual(['sh', 'offsite2', ''])
    expect(() => destroyEmptyPoolCommand(poolName('offsite2'), '../vda')).toThrow(/not a name under/)
  })

  it('finds nothing to do when the pool is already gone', () => {
    expect(parseDestroyEmptyPool(fixture(FOLDER, 'destroy-empty-pool-absent').stdout)).toEqual({ destroyed: false })
    expect(() => parseDestroyEmptyPool('')).toThrow(/not the output of the pool undo/)
  })
})
