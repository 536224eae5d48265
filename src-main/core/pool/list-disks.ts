// The off-site box's disks for the wizard's guided `zpool create` (issue 7): one command
// reads the block devices, their /dev/disk/by-id names and the pools' member devices in
// one go, and a pure parser says which disks are empty and, for the others, why not.
import type { CommandSpec } from '../zfs/command'
import type { PoolName } from '../zfs/names'
import type { WizardDisk } from '../../shared/contract'

/**
 * MOUNTPOINT (not MOUNTPOINTS, util-linux ≥ 2.37): older lsblk has only the singular one.
 * -b: sizes in bytes. FSTYPE/LABEL come from blkid's cache: a ZFS label shows as
 * zfs_member with the pool's name, also for a pool that is not imported.
 */
export const LSBLK_COLUMNS = 'NAME,PATH,SIZE,TYPE,MODEL,SERIAL,WWN,FSTYPE,LABEL,PTTYPE,MOUNTPOINT,PKNAME,RO'

const MARK = '@@zfs-offsite:'

const SCRIPT = [
  'set -e',
  'export LC_ALL=C',
  `echo '${MARK}lsblk'`,
  `lsblk -J -b -o ${LSBLK_COLUMNS}`,
  `echo '${MARK}by-id'`,
  // Every link with the device it resolves to; a missing folder lists nothing.
  'for l in /dev/disk/by-id/*; do if [ -L "$l" ]; then printf "%s\\t%s\\n" "${l##*/}" "$(readlink -f "$l")"; fi; done',
  `echo '${MARK}zpool'`,
  // -L resolves the by-id links to /dev/vdb1 and the like, -P prints whole paths: the
  // same names lsblk's PATH column gives, so a pool's members match lsblk's rows.
  'zpool status -LP',
  `echo '${MARK}end'`,
].join('\n')

export function listDisksCommand(): CommandSpec {
  return { argv: ['sh', '-c', SCRIPT], successCodes: [0] }
}

/** What the parser reads from the host: the disks, and the names of the imported pools. */
export interface DiskSurvey {
  readonly disks: readonly WizardDisk[]
  readonly pools: readonly PoolName[]
}

interface BlockDevice {
  readonly name: string
  readonly path: string
  readonly size: number
  readonly type: string
  readonly model: string
  readonly serial: string
  readonly fstype: string | null
  readonly label: string | null
  readonly pttype: string | null
  readonly mountpoint: string | null
  readonly ro: boolean
  readonly children: readonly BlockDevice[]
}

function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>()
  let current: string | null = null
  let lines: string[] = []
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARK)) {
      if (current !== null) out.set(current, lines.join('\n'))
      current = line.slice(MARK.length).trim()
      lines = []
    } else if (current !== null) {
      lines.push(line)
    }
  }
  if (!out.has('zpool') || current !== 'end') throw new Error(`not the output of the disk listing: ${JSON.stringify(stdout.slice(0, 80))}`)
  return out
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null)

function toDevice(raw: unknown): BlockDevice {
  if (typeof raw !== 'object' || raw === null) throw new Error('lsblk: a device is not an object')
  const r = raw as Record<string, unknown>
  const name = text(r.name)
  if (name === null) throw new Error('lsblk: a device without a name')
  // lsblk ≥ 2.33 prints numbers in JSON; older ones print strings.
  const size = typeof r.size === 'number' ? r.size : /^\d+$/.test(String(r.size)) ? Number(r.size) : 0
  const ro = r.ro === true || r.ro === '1' || r.ro === 1
  return {
    name,
    path: text(r.path) ?? `/dev/${name}`,
    size,
    type: text(r.type) ?? '',
    model: text(r.model) ?? '',
    serial: text(r.serial) ?? '',
    fstype: text(r.fstype),
    label: text(r.label),
    pttype: text(r.pttype),
    mountpoint: text(r.mountpoint),
    ro,
    children: Array.isArray(r.children) ? r.children.map(toDevice) : [],
  }
}

function parseLsblk(json: string): BlockDevice[] {
  const data = JSON.parse(json) as { blockdevices?: unknown }
  if (!Array.isArray(data.blockdevices)) throw new Error('lsblk: no blockdevices')
  return data.blockdevices.map(toDevice)
}

/** `name<TAB>/dev/target` lines → target → link names. */
function parseById(section: string): Map<string, string[]> {
  const byTarget = new Map<string, string[]>()
  for (const line of section.split('\n')) {
    const [name, target] = line.split('\t')
    if (!name || !target) continue
    byTarget.set(target, [...(byTarget.get(target) ?? []), name])
  }
  return byTarget
}

/** `zpool status -LP`: the imported pools and, for each, the device paths it uses. */
export function parseZpoolMembers(section: string): { readonly pools: PoolName[]; readonly members: Map<string, PoolName> } {
  const pools: PoolName[] = []
  const members = new Map<string, PoolName>()
  let pool: PoolName | null = null
  for (const line of section.split('\n')) {
    const p = /^\s*pool:\s*(\S+)\s*$/.exec(line)
    if (p) {
      pool = p[1] as PoolName
      pools.push(pool)
      continue
    }
    // Config rows: name, state, counters; members (data, log, cache, spare) are paths.
    const d = /^\s+(\/dev\/\S+)/.exec(line)
    if (d && pool !== null) members.set(d[1]!, pool)
  }
  return { pools, members }
}

// Which by-id name to show and create the pool on. The names people recognise and that
// stay with the disk come first; wwn- (and scsi-3…, nvme-eui.…, the same number again)
// only where nothing better exists. zpool-create.8 recommends by-id names: /dev/sdX can
// change at the next boot, and an imported pool then finds its disk by these.
const RANK: readonly RegExp[] = [/^virtio-/, /^ata-/, /^nvme-(?!eui\.|nguid\.)/, /^usb-/, /^mmc-/, /^scsi-(?!3)/, /^(?!wwn-|scsi-3|nvme-eui\.|nvme-nguid\.)/, /^scsi-3/, /^wwn-/, /./]

function rankOf(id: string): number {
  const i = RANK.findIndex((r) => r.test(id))
  return i < 0 ? RANK.length : i
}

/** The best by-id name among those pointing at one disk; shorter wins a tie (nvme-…_1 is a namespace twin). */
export function preferredDiskId(ids: readonly string[]): string | null {
  const candidates = ids.filter((id) => !/-part\d+$/.test(id))
  if (candidates.length === 0) return null
  return [...candidates].sort((a, b) => rankOf(a) - rankOf(b) || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))[0]!
}

/** Mounts that mean the disk holds the running system. */
const SYSTEM_MOUNTS = new Set(['/', '/boot', '/boot/efi', '/efi', '/usr', '/var', '[SWAP]'])

function* selfAndBelow(d: BlockDevice): Generator<BlockDevice> {
  yield d
  for (const c of d.children) yield* selfAndBelow(c)
}

const FSTYPE_WORDS: Readonly<Record<string, string>> = {
  LVM2_member: 'is used by LVM',
  linux_raid_member: 'is part of a software RAID',
  crypto_LUKS: 'holds encrypted data (LUKS)',
  swap: 'holds swap space',
  bcache: 'is used by bcache',
}

/** Why the disk cannot be offered, in plain words; null when it is empty. */
function whyNotEmpty(disk: BlockDevice, members: ReadonlyMap<string, PoolName>, id: string | null): string | null {
  const all = [...selfAndBelow(disk)]
  const system = all.find((d) => d.mountpoint !== null && SYSTEM_MOUNTS.has(d.mountpoint))
  if (system) return system.mountpoint === '[SWAP]' ? 'holds the system’s swap space' : `holds the system (mounted at ${system.mountpoint})`
  const pool = all.map((d) => members.get(d.path)).find((p) => p !== undefined)
  if (pool !== undefined) return `is part of pool ${pool}`
  const mounted = all.find((d) => d.mountpoint !== null)
  if (mounted) return `is mounted at ${mounted.mountpoint}`
  if (disk.ro) return 'is read-only'
  const zfs = all.find((d) => d.fstype === 'zfs_member')
  if (zfs) return `has the label of a ZFS pool${zfs.label !== null ? ` named ${zfs.label}` : ''} that is not imported (zpool import shows it)`
  const fs = all.find((d) => d.fstype !== null)
  if (fs) return FSTYPE_WORDS[fs.fstype!] ?? `has a filesystem (${fs.fstype})`
  if (disk.children.some((c) => c.type === 'part')) return 'has partitions'
  if (disk.children.length > 0) return `is in use (${disk.children[0]!.type} ${disk.children[0]!.name})`
  if (disk.pttype !== null) return `has a partition table (${disk.pttype})`
  if (id === null) return 'has no stable name under /dev/disk/by-id (a pool could lose track of it after a restart)'
  if (disk.size === 0) return 'has no medium (size 0)'
  return null
}

/**
 * Only whole disks: no partitions, optical drives, loop or RAM devices, and no ZFS volumes
 * (zd0…, which lsblk also calls "disk": a received volume must never be offered).
 */
const isCandidate = (d: BlockDevice) => d.type === 'disk' && !/^(zram|ram|loop|nbd|zd)\d/.test(d.name)

export function parseDiskSurvey(stdout: string): DiskSurvey {
  const s = sections(stdout)
  const devices = parseLsblk(s.get('lsblk') ?? '')
  const byId = parseById(s.get('by-id') ?? '')
  const { pools, members } = parseZpoolMembers(s.get('zpool') ?? '')
  const disks: WizardDisk[] = devices.filter(isCandidate).map((d) => {
    const id = preferredDiskId(byId.get(d.path) ?? [])
    const reason = whyNotEmpty(d, members, id)
    return {
      id: id ?? d.name,
      path: d.path,
      sizeBytes: d.size,
      model: d.model,
      serial: d.serial,
      empty: reason === null,
      ...(reason !== null ? { inUse: reason } : {}),
    }
  })
  return { disks, pools }
}
