// The backups on the off-site box as the recovery screens show them, read from the one
// tree listing under the parent (core/zfs/list-tree.ts): datasets with sizes, encryption
// root and key status, snapshots with dates and sizes. Looks' clones are left out.
import type { BackupDataset } from '../../shared/recovery'
import { isEncrypted, type DatasetTree } from '../zfs/dataset-tree'
import type { DatasetName } from '../zfs/names'
import { lookIdOfClone } from './look'

export function backupsFromTree(tree: DatasetTree, parent: DatasetName): BackupDataset[] {
  const out: BackupDataset[] = []
  for (const d of tree.datasets.values()) {
    // The parent only holds the copies; a look's clone is not a backup.
    if (d.name === parent || lookIdOfClone(d.name) !== null || d.name.includes('/.zfs-offsite-look-')) continue
    const encrypted = isEncrypted(d)
    out.push({
      name: d.name,
      type: d.type,
      usedBytes: d.used,
      referencedBytes: d.referenced,
      encrypted,
      encryptionRoot: encrypted ? d.encryptionRoot : null,
      keyStatus: encrypted ? (d.keyStatus ?? 'unavailable') : 'none',
      partiallyReceived: d.receiveResumeToken !== null,
      snapshots: d.snapshots.toArray().map((s) => ({
        name: s.name,
        guid: s.guid,
        createdAt: new Date(s.creation * 1000).toISOString(),
        usedBytes: s.used ?? 0,
        referencedBytes: s.referenced ?? 0,
      })),
    })
  }
  return out
}
