// Which encryption roots a restore of one snapshot needs. A raw send keeps each encrypted
// dataset's own key, and a raw-received child whose parent was not received with it
// becomes its own encryption root (zrepl#950): a restore of a tree can need one passphrase
// per child. Counted from the tree listing alone.
import { isEncrypted, type DatasetTree } from '../zfs/dataset-tree'
import type { DatasetName, SnapshotRef } from '../zfs/names'

export interface RequiredRoot {
  readonly root: DatasetName
  readonly keyLoaded: boolean
  /** The restore's datasets that this root unlocks, parents first. */
  readonly datasets: readonly DatasetName[]
}

export interface RequiredKeys {
  readonly roots: readonly RequiredRoot[]
  readonly unencrypted: readonly DatasetName[]
}

export class SnapshotNotFoundError extends Error {
  constructor(readonly snapshot: string) {
    super(`${snapshot} is not on the off-site box`)
    this.name = 'SnapshotNotFoundError'
  }
}

/**
 * The datasets a restore of `snapshot` takes: the snapshot's dataset, and with `recursive`
 * each descendant that has a snapshot of the same name (what `zfs send -R` would carry).
 */
export function requiredKeys(tree: DatasetTree, snapshot: SnapshotRef, recursive: boolean): RequiredKeys {
  const top = tree.datasets.get(snapshot.dataset)
  if (!top || !top.snapshots.toArray().some((s) => s.name === snapshot.snapshot)) throw new SnapshotNotFoundError(snapshot.full)
  const prefix = `${snapshot.dataset}/`
  const roots = new Map<DatasetName, { keyLoaded: boolean; datasets: DatasetName[] }>()
  const unencrypted: DatasetName[] = []
  for (const d of tree.datasets.values()) {
    const inside = d.name === snapshot.dataset || (recursive && d.name.startsWith(prefix) && d.snapshots.toArray().some((s) => s.name === snapshot.snapshot))
    if (!inside) continue
    if (!isEncrypted(d) || d.encryptionRoot === null) {
      unencrypted.push(d.name)
      continue
    }
    const entry = roots.get(d.encryptionRoot) ?? { keyLoaded: false, datasets: [] }
    entry.datasets.push(d.name)
    // The root's own line says whether its key is loaded; a child shares it.
    if (d.name === d.encryptionRoot || !roots.has(d.encryptionRoot)) entry.keyLoaded = (tree.datasets.get(d.encryptionRoot) ?? d).keyStatus === 'available'
    roots.set(d.encryptionRoot, entry)
  }
  return {
    roots: [...roots.entries()].map(([root, e]) => ({ root, keyLoaded: e.keyLoaded, datasets: e.datasets })),
    unencrypted,
  }
}
