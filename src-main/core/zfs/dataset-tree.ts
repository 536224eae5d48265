// The state of replication as ZFS itself records it: one host's datasets with their
// snapshots and bookmarks (by GUID), encryption and resume tokens. Built from a single
// `zfs list` per host (list-tree.ts); the planner and retention read only this.
import type { DatasetName } from './names'
import type { SnapshotList } from './snapshot-list'

declare const guidBrand: unique symbol
/** A 64-bit GUID kept as its decimal string (beyond JavaScript's exact integers). */
export type Guid = string & { readonly [guidBrand]: 'Guid' }

export type DatasetType = 'filesystem' | 'volume'

export interface SnapshotInfo {
  readonly kind: 'snapshot' | 'bookmark'
  /** The short name after '@' or '#'. */
  readonly name: string
  readonly guid: Guid
  readonly createtxg: number
  /** Seconds since the epoch. */
  readonly creation: number
  /** Bytes; null for bookmarks. */
  readonly used: number | null
  readonly referenced: number | null
  readonly written: number | null
}

export interface DatasetInfo {
  readonly name: DatasetName
  readonly type: DatasetType
  readonly guid: Guid
  readonly createtxg: number
  readonly creation: number
  readonly used: number
  readonly referenced: number
  /** Bytes written since the newest snapshot (0 when unchanged). */
  readonly written: number
  /** 'off' or the cipher, e.g. 'aes-256-gcm'. */
  readonly encryption: string
  readonly encryptionRoot: DatasetName | null
  readonly keyStatus: 'available' | 'unavailable' | null
  readonly receiveResumeToken: string | null
  /** Oldest first (by createtxg). */
  readonly snapshots: SnapshotList
  /** Oldest first (by createtxg). */
  readonly bookmarks: SnapshotList
}

export interface DatasetTree {
  /** Parents before children. */
  readonly datasets: ReadonlyMap<DatasetName, DatasetInfo>
}

export function isEncrypted(d: DatasetInfo): boolean {
  return d.encryption !== 'off' && d.encryption !== ''
}

export function newestSnapshot(d: DatasetInfo): SnapshotInfo | null {
  return d.snapshots.newest()
}
