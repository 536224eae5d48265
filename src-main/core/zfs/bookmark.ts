// A bookmark remembers a snapshot's place (GUID, txg) without keeping its data, so the
// source can prune the snapshot and still send incrementals from that point.
import type { CommandSpec } from './command'
import type { BookmarkName, SnapshotName } from './names'

export function bookmarkCommand(snapshot: SnapshotName, bookmark: BookmarkName): CommandSpec {
  return { argv: ['zfs', 'bookmark', snapshot, bookmark], successCodes: [0] }
}
