// The commands of a restore to a NAS (issue 9): `zfs send` of one snapshot on the off-site
// box (raw when the copy there is encrypted), `zfs receive -s -u` on the NAS, and the reads
// around them (what exists on the NAS, the restored GUIDs, keys and mountpoints). Each is
// argv as data; parsing is separate.
import type { CommandSpec } from '../zfs/command'
import type { DatasetName, SnapshotName } from '../zfs/names'
import { receiveCommand } from '../zfs/receive'
import { resumeEstimateCommand, sendEstimateCommand, type SendOptions } from '../zfs/send-estimate'

/**
 * A raw stream keeps the blocks encrypted as received (the off-site box never needs the
 * key); a plain one keeps large blocks, embedded data and compression as stored.
 * One snapshot, not -R: each dataset goes on its own, so a stop costs one dataset's resume.
 */
export function restoreSendOptions(raw: boolean): SendOptions {
  return raw ? { raw: true } : { raw: false, largeBlocks: true, embedded: true, compressed: true }
}

function flags(raw: boolean): string[] {
  return raw ? ['-w'] : ['-L', '-e', '-c']
}

/** The stream on the off-site box's stdout; no -v: the app counts the bytes it relays. */
export function restoreSendCommand(snapshot: SnapshotName, raw: boolean): CommandSpec {
  return { argv: ['zfs', 'send', ...flags(raw), snapshot], successCodes: [0] }
}

/** Goes on from what the NAS kept of a stopped restore; the token carries the flags. */
export function restoreResumeSendCommand(token: string): CommandSpec {
  if (!/^[0-9a-f-]+$/.test(token)) throw new Error('a resume token is hexadecimal digits and dashes')
  return { argv: ['zfs', 'send', '-t', token], successCodes: [0] }
}

export function restoreEstimateCommand(snapshot: SnapshotName, raw: boolean): CommandSpec {
  return sendEstimateCommand(snapshot, restoreSendOptions(raw))
}

/** `zfs send -nvP -t`: whether the off-site box can go on from the NAS's token, and what is left. */
export function restoreResumeEstimateCommand(token: string): CommandSpec {
  if (!/^[0-9a-f-]+$/.test(token)) throw new Error('a resume token is hexadecimal digits and dashes')
  return resumeEstimateCommand(token)
}

/** On the NAS: -s keeps a stopped restore resumable, -u mounts nothing before it is verified. Never -F. */
export function restoreReceiveCommand(target: DatasetName): CommandSpec {
  return receiveCommand(target)
}

/** Whether one dataset exists (exit 0) or not (exit 1, "dataset does not exist"). */
export function datasetExistsCommand(name: DatasetName): CommandSpec {
  return { argv: ['zfs', 'list', '-H', '-o', 'name', name], successCodes: [0, 1] }
}

/** The pools' top datasets on the NAS (where a restore with no job to go by lands). */
export function poolRootsCommand(): CommandSpec {
  return { argv: ['zfs', 'list', '-H', '-o', 'name', '-d', '0'], successCodes: [0] }
}

/** The restored snapshots' GUIDs on the NAS ("name<TAB>guid" per line). */
export function restoredGuidsCommand(snapshots: readonly SnapshotName[]): CommandSpec {
  if (snapshots.length === 0) throw new Error('read the GUID of at least one snapshot')
  return { argv: ['zfs', 'get', '-H', '-p', '-o', 'name,value', 'guid', ...snapshots], successCodes: [0] }
}

/** Encryption root, key status, mountpoint, canmount and mounted of the restored datasets. */
export const RESTORED_PROPERTIES = ['encryptionroot', 'keystatus', 'mountpoint', 'canmount', 'mounted'] as const
export type RestoredProperty = (typeof RESTORED_PROPERTIES)[number]

export function restoredStateCommand(datasets: readonly DatasetName[]): CommandSpec {
  if (datasets.length === 0) throw new Error('read the state of at least one dataset')
  return { argv: ['zfs', 'get', '-H', '-p', '-o', 'name,property,value', RESTORED_PROPERTIES.join(','), ...datasets], successCodes: [0] }
}

/** "name<TAB>property<TAB>value" lines → per dataset, per property. */
export function parseRestoredState(stdout: string): Map<string, Partial<Record<RestoredProperty, string>>> {
  const out = new Map<string, Partial<Record<RestoredProperty, string>>>()
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const [name, property, ...rest] = line.split('\t')
    if (!name || !property || rest.length === 0) throw new Error(`zfs get: unexpected line ${JSON.stringify(line)}`)
    if (!(RESTORED_PROPERTIES as readonly string[]).includes(property)) continue
    const entry = out.get(name) ?? {}
    entry[property as RestoredProperty] = rest.join('\t')
    out.set(name, entry)
  }
  return out
}

export function mountRestoredCommand(dataset: DatasetName): CommandSpec {
  return { argv: ['zfs', 'mount', dataset], successCodes: [0] }
}
