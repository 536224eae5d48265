// The same recovery questions asked of every OpenZFS version captured in the lab
// (test/fixtures/zfs-<ver>/recovery/): the answers the app relies on must not change.
import { describe, expect, it } from 'vitest'
import { parseTreeListing } from '../../../../src-main/core/zfs/list-tree'
import { snapshotName } from '../../../../src-main/core/zfs/names'
import { requiredKeys } from '../../../../src-main/core/recovery/required-keys'
import { parseKeyCheck } from '../../../../src-main/core/recovery/load-key'
import { parseLookList } from '../../../../src-main/core/recovery/look'
import { parseBrowseListing, BROWSE_EXIT } from '../../../../src-main/core/recovery/browse'
import { classifyError } from '../../../../src-main/core/errors/error-table'
import { fixture, fixtureNames, ZFS_VERSIONS } from '../../../support/fixtures'

const captured = ZFS_VERSIONS.filter((v) => fixtureNames(`${v}/recovery`).length > 0)

describe.each(captured)('recovery on %s', (version) => {
  const D = `${version}/recovery`

  it('checks a passphrase with load-key -n: right, wrong, and when the key is loaded', () => {
    expect(parseKeyCheck(fixture(D, 'load-key-n-raw-received').stdout)).toEqual({ verified: 1, total: 1 })
    const wrong = fixture(D, 'load-key-n-raw-received-wrong')
    expect(parseKeyCheck(wrong.stdout)).toEqual({ verified: 0, total: 1 })
    expect(classifyError(wrong.stderr, wrong.exitCode).code).toBe('ZFS_KEY_INCORRECT')
    const loaded = fixture(D, 'load-key-n-loaded')
    // 0: verified again; otherwise ZFS says the key is loaded, which the service counts as loaded.
    if (loaded.exitCode !== 0) expect(classifyError(loaded.stderr, loaded.exitCode).code).toBe('ZFS_KEY_ALREADY_LOADED')
  })

  it('clones without the key, mounts only once it is loaded, and keeps the key while mounted', () => {
    expect(fixture(D, 'keystatus-clone').stdout).toMatch(/encryptionroot\tbackup\/nas\/secret\n.*keystatus\tunavailable\n.*origin\tbackup\/nas\/secret@s1/)
    const notLoaded = fixture(D, 'mount-clone-key-not-loaded')
    expect(classifyError(notLoaded.stderr, notLoaded.exitCode).code).toBe('ZFS_KEY_NOT_LOADED')
    expect(fixture(D, 'mount-clone').exitCode).toBe(0)
    const busy = fixture(D, 'unload-key-clone-mounted')
    expect(classifyError(busy.stderr, busy.exitCode).code).toBe('ZFS_BUSY')
    for (const step of ['unmount-clone', 'destroy-clone', 'unload-key-raw-received', 'remove-look-folder']) expect(fixture(D, step).exitCode).toBe(0)
  })

  it('finds the look by its properties', () => {
    expect(parseLookList(fixture(D, 'list-looks').stdout)).toMatchObject([{ lookId: 'aaaaaaaa', origin: 'backup/nas/secret@s1', mounted: true, keysLoaded: ['backup/nas/secret'] }])
  })

  it('counts one root for a raw -R tree and one per child sent raw on its own', () => {
    const tree = parseTreeListing(fixture(D, 'list-tree-roots').stdout)
    expect(requiredKeys(tree, snapshotName('backup/nas/secret@s1'), true).roots).toHaveLength(1)
    expect(requiredKeys(tree, snapshotName('backup/nas/solo@s1'), true).roots).toHaveLength(2)
    expect(requiredKeys(tree, snapshotName('backup/nas/plain@s2'), true).unencrypted).toEqual(['backup/nas/plain'])
  })

  it('browses with find and refuses links out, missing folders and files', () => {
    expect(parseBrowseListing(fixture(D, 'browse-root').stdout, 100).entries.map((e) => e.name)).toEqual(['child', 'docs', 'etc-link', 'tab\tname'])
    expect(parseBrowseListing(fixture(D, 'browse-limit').stdout, 2).truncated).toBe(true)
    expect(fixture(D, 'browse-symlink-out').exitCode).toBe(BROWSE_EXIT.outside)
    expect(fixture(D, 'browse-missing').exitCode).toBe(BROWSE_EXIT.missing)
    expect(fixture(D, 'browse-not-folder').exitCode).toBe(BROWSE_EXIT.notFolder)
  })
})
