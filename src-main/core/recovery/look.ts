// A read-only look at one off-site snapshot without touching the received dataset: a clone
// of the snapshot with readonly=on, mounted at a folder of its own. The clone carries its
// own record in user properties (which look, which snapshot, which keys the look loaded),
// so ZFS itself says what to clean up, also after the app restarted.
import type { CommandSpec } from '../zfs/command'
import { checkDatasetName, type DatasetName, type SnapshotRef } from '../zfs/names'

/** Every look's mountpoint is a folder of its own under here, on the off-site box. */
export const LOOK_ROOT = '/var/lib/zfs-offsite/look'
const CLONE_PREFIX = '.zfs-offsite-look-'

export const LOOK_PROPERTY = 'zfs-offsite:look'
export const LOOK_KEYS_PROPERTY = 'zfs-offsite:look-keys'

export type LookId = string & { readonly __lookId: 'LookId' }

export function isLookId(s: string): s is LookId {
  return /^[a-z0-9]{8}$/.test(s)
}

/** Eight lower-case letters or digits from the given random bytes (at least 8). */
export function lookIdFrom(bytes: Uint8Array): LookId {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  if (bytes.length < 8) throw new Error('a look id needs 8 random bytes')
  let id = ''
  for (let i = 0; i < 8; i++) id += alphabet[bytes[i]! % alphabet.length]
  return id as LookId
}

export function lookClone(parent: DatasetName, id: LookId): DatasetName {
  const check = checkDatasetName(`${parent}/${CLONE_PREFIX}${id}`)
  if (!check.ok) throw new Error(check.reason)
  return check.value
}

export function lookMountpoint(id: LookId): string {
  return `${LOOK_ROOT}/${id}`
}

/** The look id when `name` is a look's clone (`…/.zfs-offsite-look-<id>`), else null. */
export function lookIdOfClone(name: string): LookId | null {
  const m = /\/\.zfs-offsite-look-([a-z0-9]{8})$/.exec(name)
  return m ? (m[1] as LookId) : null
}

// Keys are kept as "keys:" followed by the roots, comma-separated (ZFS names have no
// comma); an empty user property value could not be told from an unset one.
export function encodeLoadedKeys(roots: readonly DatasetName[]): string {
  return `keys:${roots.join(',')}`
}

export function decodeLoadedKeys(value: string): DatasetName[] {
  if (!value.startsWith('keys:')) return []
  return value
    .slice('keys:'.length)
    .split(',')
    .filter((r) => r !== '' && checkDatasetName(r).ok) as DatasetName[]
}

/**
 * The clone, made unmounted (canmount=noauto: not at creation, not at the host's boot),
 * read-only, at the look's own mountpoint. It shares the snapshot's encryption root and
 * key (a clone cannot have a key of its own), so the key must be loaded first.
 */
export function cloneForLookCommand(snapshot: SnapshotRef, parent: DatasetName, id: LookId, keysLoaded: readonly DatasetName[]): CommandSpec {
  return {
    argv: [
      'zfs',
      'clone',
      '-o',
      'readonly=on',
      '-o',
      'canmount=noauto',
      '-o',
      `mountpoint=${lookMountpoint(id)}`,
      '-o',
      `${LOOK_PROPERTY}=${id}`,
      '-o',
      `${LOOK_KEYS_PROPERTY}=${encodeLoadedKeys(keysLoaded)}`,
      snapshot.full,
      lookClone(parent, id),
    ],
    successCodes: [0],
  }
}

export function mountLookCommand(clone: DatasetName): CommandSpec {
  if (lookIdOfClone(clone) === null) throw new RefusedCloneError(clone)
  return { argv: ['zfs', 'mount', clone], successCodes: [0] }
}

export function unmountLookCommand(clone: DatasetName): CommandSpec {
  if (lookIdOfClone(clone) === null) throw new RefusedCloneError(clone)
  return { argv: ['zfs', 'unmount', clone], successCodes: [0] }
}

export class RefusedCloneError extends Error {
  constructor(readonly dataset: string) {
    super(`${dataset} is not a look's clone; the app destroys nothing else`)
    this.name = 'RefusedCloneError'
  }
}

export interface LookRecord {
  readonly name: DatasetName
  /** The snapshot it was cloned from ('-' in ZFS when it is not a clone). */
  readonly origin: string | null
  readonly mountpoint: string
  readonly mounted: boolean
  readonly lookId: string | null
  readonly keysLoaded: readonly DatasetName[]
}

/**
 * Destroys a look's clone and nothing else: the name must be a look clone's, and the
 * record read back from ZFS must agree (a clone, of this look, at its own mountpoint).
 * No -r, no -R: a clone has no snapshots or children of its own, and if something made
 * some, destroying must fail rather than take them.
 */
export function destroyLookCloneCommand(record: LookRecord): CommandSpec {
  const id = lookIdOfClone(record.name)
  if (id === null || record.lookId !== id || record.origin === null || record.mountpoint !== lookMountpoint(id)) throw new RefusedCloneError(record.name)
  return { argv: ['zfs', 'destroy', record.name], successCodes: [0] }
}

/** Removes the look's empty mountpoint folder; gone already counts as done. */
export function removeLookFolderCommand(id: LookId): CommandSpec {
  return { argv: ['sh', '-c', 'rmdir -- "$1" 2>/dev/null || [ ! -e "$1" ]', 'sh', lookMountpoint(id)], successCodes: [0] }
}

const LOOK_COLUMNS = ['name', 'origin', 'mountpoint', 'mounted', LOOK_PROPERTY, LOOK_KEYS_PROPERTY] as const

/** The looks' clones under `parent` (or on the whole host): one listing, filtered by the look property. */
export function listLooksCommand(parent: DatasetName | null): CommandSpec {
  return {
    argv: ['zfs', 'list', '-H', '-p', '-t', 'filesystem', '-o', LOOK_COLUMNS.join(','), ...(parent ? ['-r', '-d', '1', parent] : [])],
    successCodes: [0],
  }
}

export function parseLookList(stdout: string): LookRecord[] {
  const looks: LookRecord[] = []
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const f = line.split('\t')
    if (f.length !== LOOK_COLUMNS.length) throw new Error(`zfs list: unexpected line ${JSON.stringify(line)}`)
    const [name, origin, mountpoint, mounted, look, keys] = f as [string, string, string, string, string, string]
    if (look === '-') continue
    looks.push({
      name: name as DatasetName,
      origin: origin === '-' ? null : origin,
      mountpoint,
      mounted: mounted === 'yes',
      lookId: isLookId(look) ? look : null,
      keysLoaded: decodeLoadedKeys(keys),
    })
  }
  return looks
}
