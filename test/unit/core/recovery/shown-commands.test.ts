// What the recovery steps show they run: the very argv the services run (joined and
// quoted), a look's id as <id> until it exists, and never a passphrase.
import { describe, expect, it } from 'vitest'
import { checkKeysShown, endLookShown, listBackupsShown, startLookShown } from '../../../../src-main/core/recovery/shown-commands'
import { cloneForLookCommand, lookClone, lookMountpoint, type LookId } from '../../../../src-main/core/recovery/look'
import { checkDatasetName, checkSnapshotName, type DatasetName, type SnapshotRef } from '../../../../src-main/core/zfs/names'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { listTreeCommand } from '../../../../src-main/core/zfs/list-tree'

const ds = (name: string): DatasetName => {
  const c = checkDatasetName(name)
  if (!c.ok) throw new Error(c.reason)
  return c.value
}
const snap = (name: string): SnapshotRef => {
  const c = checkSnapshotName(name)
  if (!c.ok) throw new Error(c.reason)
  return c.value
}

describe('what the recovery steps show', () => {
  it('lists the backups with the tree listing the service runs, changing nothing', () => {
    const [only, ...rest] = listBackupsShown(ds('backup/nas'))
    expect(rest).toEqual([])
    expect(only).toMatchObject({ host: 'offsite', kind: 'check', command: shellJoin(listTreeCommand(ds('backup/nas')).argv) })
  })

  it('checks each encryption root with a dry run, the passphrase named in words only', () => {
    const shown = checkKeysShown([ds('backup/nas/secret'), ds('backup/nas/secret/child')])
    expect(shown.map((c) => c.command)).toEqual(['zfs load-key -n backup/nas/secret', 'zfs load-key -n backup/nas/secret/child'])
    expect(shown.every((c) => c.kind === 'check' && c.input?.includes('never shown'))).toBe(true)
    expect(JSON.stringify(shown)).not.toContain('not-shown')
  })

  it('starts a look: key checked and loaded only when asked, then the clone the service makes, with <id> for the id to come', () => {
    const parent = ds('backup/nas')
    const s = snap('backup/nas/my photos@daily-1')
    const shown = startLookShown(parent, s, ds('backup/nas/my photos'))
    expect(shown.map((c) => [c.kind, c.command])).toEqual([
      ['check', "zfs load-key -n 'backup/nas/my photos'"],
      ['change', "zfs load-key 'backup/nas/my photos'"],
      ['change', shellJoin(cloneForLookCommand(s, parent, 'abcd1234' as LookId, [ds('backup/nas/my photos')]).argv).replaceAll('abcd1234', '<id>')],
      ['change', `zfs mount ${lookClone(parent, 'abcd1234' as LookId).replace('abcd1234', '<id>')}`],
    ])
    expect(shown[2]!.command).toContain(`mountpoint=${lookMountpoint('abcd1234' as LookId).replace('abcd1234', '<id>')}`)
    expect(shown[2]!.command).toContain('readonly=on')
    // A key already loaded is not loaded again.
    expect(startLookShown(parent, s, null).map((c) => c.command.split(' ').slice(0, 2).join(' '))).toEqual(['zfs clone', 'zfs mount'])
  })

  it('ends a look by unmounting and destroying only its clone, and unloading only the keys it loaded', () => {
    const id = 'k3y9m2x7' as LookId
    const look = { name: lookClone(ds('backup/nas'), id), origin: 'backup/nas/secret@s1', mountpoint: lookMountpoint(id), mounted: true, lookId: id, keysLoaded: [ds('backup/nas/secret')] }
    expect(endLookShown(look).map((c) => c.command)).toEqual([
      'zfs unmount backup/nas/.zfs-offsite-look-k3y9m2x7',
      'zfs destroy backup/nas/.zfs-offsite-look-k3y9m2x7',
      `sh -c 'rmdir -- "$1" 2>/dev/null || [ ! -e "$1" ]' sh /var/lib/zfs-offsite/look/k3y9m2x7`,
      'zfs unload-key backup/nas/secret',
    ])
    // Not a look's clone: refused, as the service would refuse to destroy it.
    expect(() => endLookShown({ ...look, name: ds('backup/nas/secret') })).toThrow(/not a look/)
  })
})
