// The look's clone and its cleanup, as commands and on output captured from OpenZFS 2.3
// (test/fixtures/zfs-2.3/recovery/): made read-only and unmounted at its own folder,
// recorded in its own properties, and nothing but a look's clone is ever destroyed.
import { describe, expect, it } from 'vitest'
import { parseTreeListing } from '../../../../src-main/core/zfs/list-tree'
import { snapshotName, type DatasetName } from '../../../../src-main/core/zfs/names'
import {
  cloneForLookCommand,
  decodeLoadedKeys,
  destroyLookCloneCommand,
  encodeLoadedKeys,
  listLooksCommand,
  lookClone,
  lookIdFrom,
  lookIdOfClone,
  lookMountpoint,
  mountLookCommand,
  parseLookList,
  RefusedCloneError,
  removeLookFolderCommand,
  unmountLookCommand,
  type LookId,
  type LookRecord,
} from '../../../../src-main/core/recovery/look'
import { backupsFromTree } from '../../../../src-main/core/recovery/backups'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { fixture } from '../../../support/fixtures'

const D = 'zfs-2.3/recovery'
const ds = (s: string) => s as DatasetName
const id = 'aaaaaaaa' as LookId

describe('the look’s clone', () => {
  it('is made read-only, unmounted, at the look’s own folder, recording the keys it loaded', () => {
    const spec = cloneForLookCommand(snapshotName('backup/nas/secret@s1'), ds('backup/nas'), id, [ds('backup/nas/secret')])
    expect(spec.argv).toEqual([
      'zfs', 'clone',
      '-o', 'readonly=on',
      '-o', 'canmount=noauto',
      '-o', 'mountpoint=/var/lib/zfs-offsite/look/aaaaaaaa',
      '-o', 'zfs-offsite:look=aaaaaaaa',
      '-o', 'zfs-offsite:look-keys=keys:backup/nas/secret',
      'backup/nas/secret@s1',
      'backup/nas/.zfs-offsite-look-aaaaaaaa',
    ])
  })

  it('is mounted and unmounted by name, and only a look’s clone', () => {
    expect(mountLookCommand(ds('backup/nas/.zfs-offsite-look-aaaaaaaa')).argv).toEqual(['zfs', 'mount', 'backup/nas/.zfs-offsite-look-aaaaaaaa'])
    expect(unmountLookCommand(ds('backup/nas/.zfs-offsite-look-aaaaaaaa')).argv).toEqual(['zfs', 'unmount', 'backup/nas/.zfs-offsite-look-aaaaaaaa'])
    expect(() => unmountLookCommand(ds('backup/nas/secret'))).toThrow(RefusedCloneError)
  })

  it('has an id of eight letters or digits and a name that gives the id back', () => {
    const made = lookIdFrom(new Uint8Array([0, 1, 2, 25, 26, 35, 36, 255]))
    expect(made).toMatch(/^[a-z0-9]{8}$/)
    expect(lookIdOfClone(lookClone(ds('backup/nas'), made))).toBe(made)
    expect(lookIdOfClone('backup/nas/secret')).toBeNull()
    expect(lookIdOfClone('backup/nas/.zfs-offsite-look-aaaaaaaa/child')).toBeNull()
  })

  it('keeps the loaded keys in a property that tells none from unset', () => {
    expect(encodeLoadedKeys([])).toBe('keys:')
    expect(decodeLoadedKeys('keys:')).toEqual([])
    expect(decodeLoadedKeys(encodeLoadedKeys([ds('a/b'), ds('a/c d')]))).toEqual(['a/b', 'a/c d'])
    expect(decodeLoadedKeys('-')).toEqual([])
  })

  it('is found by its properties in the captured listing', () => {
    const looks = parseLookList(fixture(D, 'list-looks').stdout)
    expect(looks).toEqual([
      {
        name: 'backup/nas/.zfs-offsite-look-aaaaaaaa',
        origin: 'backup/nas/secret@s1',
        mountpoint: '/var/lib/zfs-offsite/look/aaaaaaaa',
        mounted: true,
        lookId: 'aaaaaaaa',
        keysLoaded: ['backup/nas/secret'],
      },
    ])
    expect(listLooksCommand(ds('backup/nas')).argv.join(' ')).toBe(fixture(D, 'list-looks').command)
  })

  it('is not listed among the backups', () => {
    const backups = backupsFromTree(parseTreeListing(fixture(D, 'list-tree-with-look').stdout), ds('backup/nas'))
    expect(backups.map((b) => b.name)).toEqual(['backup/nas/secret', 'backup/nas/secret/child'])
    expect(backups[0]).toMatchObject({ encrypted: true, encryptionRoot: 'backup/nas/secret', keyStatus: 'available', partiallyReceived: false })
    expect(backups[0]?.snapshots).toEqual([{ name: 's1', guid: '1631451863887772207', createdAt: new Date(1795862217 * 1000).toISOString(), usedBytes: 0, referencedBytes: 196608 }])
  })

  it('lists plain datasets with no key and raw ones locked', () => {
    const backups = backupsFromTree(parseTreeListing(fixture(D, 'list-tree-roots').stdout), ds('backup/nas'))
    expect(backups.find((b) => b.name === 'backup/nas/plain')).toMatchObject({ encrypted: false, encryptionRoot: null, keyStatus: 'none' })
    expect(backups.find((b) => b.name === 'backup/nas/plain')?.snapshots.map((s) => s.name)).toEqual(['s1', 's2'])
    expect(backups.find((b) => b.name === 'backup/nas/solo/child')).toMatchObject({ encryptionRoot: 'backup/nas/solo/child', keyStatus: 'unavailable' })
  })
})

describe('cleaning up a look', () => {
  const record: LookRecord = parseLookList(fixture(D, 'list-looks').stdout)[0]!

  it('destroys the clone by name, without -r or -R', () => {
    expect(destroyLookCloneCommand(record)).toEqual({ argv: ['zfs', 'destroy', 'backup/nas/.zfs-offsite-look-aaaaaaaa'], successCodes: [0] })
  })

  it.each([
    ['the received dataset', { ...record, name: ds('backup/nas/secret') }],
    ['a dataset that is not a clone', { ...record, origin: null }],
    ['a clone of another look', { ...record, lookId: 'bbbbbbbb' }],
    ['a clone mounted elsewhere', { ...record, mountpoint: '/backup/nas/secret' }],
  ])('refuses to destroy %s', (_what, other) => {
    expect(() => destroyLookCloneCommand(other)).toThrow(RefusedCloneError)
  })

  it('removes only the look’s own folder, and a folder gone already counts as removed', () => {
    const spec = removeLookFolderCommand(id)
    expect(shellJoin(spec.argv)).toBe(fixture(D, 'remove-look-folder').command.replace('bbbbbbbb', 'aaaaaaaa'))
    expect(fixture(D, 'remove-look-folder-gone').exitCode).toBe(0)
    expect(lookMountpoint(id)).toBe('/var/lib/zfs-offsite/look/aaaaaaaa')
  })

  it('matches the commands that were captured in the lab', () => {
    expect(shellJoin(unmountLookCommand(record.name).argv)).toBe(fixture(D, 'unmount-clone').command)
    expect(shellJoin(destroyLookCloneCommand(record).argv)).toBe(fixture(D, 'destroy-clone').command)
  })
})
