// Captures the guided pool creation's commands (src-main/core/pool/) on the lab's off-site
// VM into test/fixtures/zfs-<series>/pool/, in test/fixtures/README.md's layout: the disk
// listing with the spare disk empty (also beside a ZFS volume), in a pool, carrying a
// stale pool label, partitions, a filesystem, mounted, and with no pool imported at all;
// the create, the health read-back and the undo (refused while the pool holds a dataset,
// then done, the disk blank again).
// Run: LAB_RUNTIME_DIR=... npx tsx test/lab/capture-pool.ts (the lab must be up). It
// starts and ends with freshPools(): the spare disk empty, `backup` recreated.
//
// `npm run lab:capture` replaces the whole zfs-<series>/ folder: run this one after it
// (or call capturePool from it) to keep pool/.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { freshPools, labDir, labHosts, SPARE_DISK, type LabHost } from './hosts'
import { shellJoin } from '../../src-main/core/shell/quote'
import { listDisksCommand } from '../../src-main/core/pool/list-disks'
import { createPoolCommand, poolHealthCommand } from '../../src-main/core/pool/create-pool'
import { destroyEmptyPoolCommand } from '../../src-main/core/pool/destroy-pool'
import type { PoolName } from '../../src-main/core/zfs/names'

const POOL = 'offsite2' as PoolName
const SPARE_ID = path.basename(SPARE_DISK)

export async function capturePool(): Promise<string> {
  const lab = await labHosts()
  const h: LabHost = lab.offsite
  const finalDir = path.resolve(labDir, '..', 'fixtures', `zfs-${lab.zfsSeries}`, 'pool')
  const dir = `${finalDir}.new`
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const zfsVersion = (await h.run('zfs version')).stdout.trim()
  const kernel = (await h.run('uname -r')).stdout.trim()
  const surprises: string[] = []

  const cap = async (name: string, description: string, command: string, expected: 'success' | 'failure'): Promise<void> => {
    const r = await h.run(command, { allowFail: true })
    const meta = { name, description, host: h.name, command, exitCode: r.code, expected, zfsVersion, tool: kernel, capturedOn: new Date().toISOString().slice(0, 10) }
    writeFileSync(path.join(dir, `${name}.stdout`), r.stdout)
    writeFileSync(path.join(dir, `${name}.stderr`), r.stderr)
    writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(meta, null, 2)}\n`)
    if ((expected === 'success') !== (r.code === 0)) surprises.push(`${name}: expected ${expected}, exit ${r.code}: ${r.stderr.trim()}`)
  }
  const list = shellJoin(listDisksCommand().argv)

  await freshPools()
  await cap('list-disks', 'the disks with the spare disk blank: system disk, pool disk in backup, spare empty', list, 'success')
  // A ZFS volume shows in lsblk as a "disk" (zd0): it must never be offered.
  await h.run('zfs create -V 16M backup/vol && udevadm settle')
  await cap('list-disks-with-volume', 'the disks while backup holds a 16 MiB volume', list, 'success')
  await h.run('zfs destroy backup/vol && udevadm settle')
  await cap('create-pool', 'zpool create on the empty spare disk by its by-id name', shellJoin(createPoolCommand(POOL, SPARE_ID).argv), 'success')
  await cap('pool-health', 'the new pool read back', shellJoin(poolHealthCommand(POOL).argv), 'success')
  await cap('list-disks-spare-in-pool', 'the spare disk in the new pool', list, 'success')
  await cap('create-pool-disk-in-use', 'zpool create on the disk that backup uses', shellJoin(createPoolCommand('other' as PoolName, 'virtio-pool').argv), 'failure')
  await h.run(`zfs create ${POOL}/copy`)
  await cap('destroy-empty-pool-has-children', 'the undo while the pool holds a dataset', shellJoin(destroyEmptyPoolCommand(POOL, SPARE_ID).argv), 'failure')
  await h.run(`zfs destroy ${POOL}/copy`)
  await cap('destroy-empty-pool', 'the undo of the empty pool, which leaves its disk blank', shellJoin(destroyEmptyPoolCommand(POOL, SPARE_ID).argv), 'success')
  await cap('list-disks-after-undo', 'the spare disk after the undo: empty again', list, 'success')
  await cap('destroy-empty-pool-absent', 'the undo again, the pool already gone', shellJoin(destroyEmptyPoolCommand(POOL, SPARE_ID).argv), 'success')
  // A plain zpool destroy (not the app's undo) leaves the labels and partitions behind.
  await h.run(`${shellJoin(createPoolCommand(POOL, SPARE_ID).argv)} && zpool destroy ${POOL} && udevadm settle`)
  await cap('list-disks-destroyed-pool-label', 'the spare disk after a plain zpool destroy: partitions with the old pool label', list, 'success')
  await h.run(`zpool labelclear -f ${SPARE_DISK}-part1 && udevadm settle`)
  await cap('list-disks-partitions', 'the spare disk with partitions and no label', list, 'success')
  await h.run(`wipefs -a -q ${SPARE_DISK}-part1 ${SPARE_DISK}-part9; wipefs -a -q ${SPARE_DISK} && udevadm settle && mkfs.ext4 -q -L scratch ${SPARE_DISK} && udevadm settle`)
  await cap('list-disks-filesystem', 'the spare disk holding an ext4 filesystem', list, 'success')
  await h.run(`mkdir -p /mnt/scratch && mount ${SPARE_DISK} /mnt/scratch`)
  await cap('list-disks-mounted', 'the spare disk mounted at /mnt/scratch', list, 'success')
  await h.run('umount /mnt/scratch')
  await h.run('zpool export backup')
  try {
    await cap('list-disks-no-pools', 'no pool imported: backup exported, its disk keeps the label', list, 'success')
  } finally {
    await h.run('zpool import -d /dev/disk/by-id backup')
  }
  await freshPools()

  rmSync(finalDir, { recursive: true, force: true })
  renameSync(dir, finalDir)
  for (const s of surprises) console.error(`capture-pool: ${s}`)
  return finalDir
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.error(`capture-pool: ${await capturePool()}`)
}
