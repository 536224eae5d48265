// The off-site box's disks as the guided pool creation shows them, read from the listing
// captured on the lab's off-site VM (test/fixtures/zfs-<version>/pool/, written by
// test/lab/capture-pool.ts) with its spare disk in each state a person's spare disk can be
// in, on both OpenZFS versions (the same command; zpool status prints the same shape).
import { describe, expect, it } from 'vitest'
import { listDisksCommand, parseDiskSurvey, preferredDiskId } from '../../../../src-main/core/pool/list-disks'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { fixture, ZFS_VERSIONS } from '../../../support/fixtures'

describe.each(ZFS_VERSIONS)('the disk listing on %s', (version) => {
  const FOLDER = `${version}/pool`
  const survey = (name: string) => parseDiskSurvey(fixture(FOLDER, name).stdout)
  const disk = (name: string, id: string) => {
    const d = survey(name).disks.find((x) => x.id === id)
    if (!d) throw new Error(`${id} not in ${name}`)
    return d
  }

  describe('the disk listing command', () => {
    it('is the command the fixtures were captured with', () => {
      for (const name of ['list-disks', 'list-disks-spare-in-pool', 'list-disks-no-pools']) {
        const f = fixture(FOLDER, name)
        expect(f.command).toBe(shellJoin(listDisksCommand().argv))
        expect(f.exitCode).toBe(0)
      }
    })
  })

  describe('reading the disks of the off-site box', () => {
    it('offers the blank spare disk as empty, by its by-id name, with its size and serial', () => {
      expect(disk('list-disks', 'virtio-spare')).toEqual({ id: 'virtio-spare', path: '/dev/vdc', sizeBytes: 2 * 1024 ** 3, model: '', serial: 'spare', empty: true })
    })

    it('says the system disk holds the system and the pool disk is part of its pool', () => {
      const s = survey('list-disks')
      expect(s.disks.map((d) => d.id)).toEqual(['virtio-labroot', 'virtio-pool', 'virtio-spare'])
      expect(disk('list-disks', 'virtio-labroot')).toMatchObject({ empty: false, inUse: 'holds the system (mounted at /)' })
      expect(disk('list-disks', 'virtio-pool')).toMatchObject({ empty: false, inUse: 'is part of pool backup', sizeBytes: 4 * 1024 ** 3 })
      expect(s.pools).toEqual(['backup'])
    })

    it('never offers a ZFS volume (zd0, a “disk” to lsblk) as a disk', () => {
      const f = fixture(FOLDER, 'list-disks-with-volume')
      expect(f.stdout).toMatch(/"name": "zd0"/)
      expect(parseDiskSurvey(f.stdout).disks.map((d) => d.id)).toEqual(['virtio-labroot', 'virtio-pool', 'virtio-spare'])
    })

    it('never offers a partition as a disk of its own', () => {
      for (const d of survey('list-disks-spare-in-pool').disks) expect(d.id).not.toMatch(/-part\d+$/)
    })

    it('names the pool a disk is part of, found through its partition', () => {
      expect(disk('list-disks-spare-in-pool', 'virtio-spare')).toMatchObject({ empty: false, inUse: 'is part of pool offsite2' })
      expect(survey('list-disks-spare-in-pool').pools).toEqual(['backup', 'offsite2'])
    })

    it('refuses a disk that still carries the label of a destroyed or exported pool', () => {
      expect(disk('list-disks-destroyed-pool-label', 'virtio-spare')).toMatchObject({ empty: false, inUse: 'has the label of a ZFS pool named offsite2 that is not imported (zpool import shows it)' })
      expect(disk('list-disks-no-pools', 'virtio-pool')).toMatchObject({ empty: false, inUse: 'has the label of a ZFS pool named backup that is not imported (zpool import shows it)' })
    })

    it('refuses a disk with partitions even when none has a label', () => {
      expect(disk('list-disks-partitions', 'virtio-spare')).toMatchObject({ empty: false, inUse: 'has partitions' })
    })

    it('refuses a disk with a filesystem, and says where it is mounted when it is', () => {
      expect(disk('list-disks-filesystem', 'virtio-spare')).toMatchObject({ empty: false, inUse: 'has a filesystem (ext4)' })
      expect(disk('list-disks-mounted', 'virtio-spare')).toMatchObject({ empty: false, inUse: 'is mounted at /mnt/scratch' })
    })

    it('reads a host with no pool imported (zpool says so on stderr)', () => {
      const f = fixture(FOLDER, 'list-disks-no-pools')
      expect(f.stderr).toMatch(/no pools available/)
      expect(parseDiskSurvey(f.stdout).pools).toEqual([])
    })

    it('refuses output that is not the listing, or is cut short', () => {
      expect(() => parseDiskSurvey('')).toThrow(/not the output of the disk listing/)
      const full = fixture(FOLDER, 'list-disks').stdout
      expect(() => parseDiskSurvey(full.slice(0, full.indexOf('@@zfs-offsite:end')))).toThrow(/not the output of the disk listing/)
    })

    it('finds the disk blank again after the wizard’s undo', () => {
      expect(disk('list-disks-after-undo', 'virtio-spare')).toMatchObject({ empty: true })
    })
  })
})

describe('choosing the by-id name of a disk', () => {
  it('prefers the names that carry model and serial over wwn- and scsi-3 twins', () => {
    expect(preferredDiskId(['wwn-0x5000c500a1b2c3d4', 'ata-ST4000VN008-2DR166_ZDH1ABCD'])).toBe('ata-ST4000VN008-2DR166_ZDH1ABCD')
    expect(preferredDiskId(['scsi-35000c500a1b2c3d4', 'scsi-SATA_ST4000VN008-2DR1_ZDH1ABCD', 'wwn-0x5000c500a1b2c3d4'])).toBe('scsi-SATA_ST4000VN008-2DR1_ZDH1ABCD')
    expect(preferredDiskId(['nvme-eui.0025385b71b0abcd', 'nvme-Samsung_SSD_970_EVO_1TB_S467NX0M123456_1', 'nvme-Samsung_SSD_970_EVO_1TB_S467NX0M123456'])).toBe('nvme-Samsung_SSD_970_EVO_1TB_S467NX0M123456')
    expect(preferredDiskId(['wwn-0x5000c500a1b2c3d4', 'usb-WD_Elements_25A3_575834314131-0:0'])).toBe('usb-WD_Elements_25A3_575834314131-0:0')
  })

  it('falls back to wwn- when it is the only name, and to none for partitions only', () => {
    expect(preferredDiskId(['wwn-0x5000c500a1b2c3d4'])).toBe('wwn-0x5000c500a1b2c3d4')
    expect(preferredDiskId(['virtio-spare-part1'])).toBeNull()
    expect(preferredDiskId([])).toBeNull()
  })
})
