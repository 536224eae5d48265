// Recovery keys on output captured from OpenZFS 2.3 (test/fixtures/zfs-2.3/recovery/):
// how many passphrases a restore needs, the load-key commands (passphrase on stdin only),
// and what `zfs load-key -n` says.
import { describe, expect, it } from 'vitest'
import { parseTreeListing } from '../../../../src-main/core/zfs/list-tree'
import { snapshotName } from '../../../../src-main/core/zfs/names'
import type { DatasetName } from '../../../../src-main/core/zfs/names'
import { requiredKeys, SnapshotNotFoundError } from '../../../../src-main/core/recovery/required-keys'
import { checkKeyCommand, loadKeyCommand, parseKeyCheck, unloadKeyCommand } from '../../../../src-main/core/recovery/load-key'
import { classifyError } from '../../../../src-main/core/errors/error-table'
import { passphraseCandidates } from '../../../../src-main/core/recovery/passphrase-sources'
import type { Job } from '../../../../src-main/shared/model'
import { fixture } from '../../../support/fixtures'

const D = 'zfs-2.3/recovery'
const tree = parseTreeListing(fixture(D, 'list-tree-roots').stdout)
const ds = (s: string) => s as DatasetName

describe('the passphrases a restore needs', () => {
  it('counts one root for a tree sent raw with -R', () => {
    const keys = requiredKeys(tree, snapshotName('backup/nas/secret@s1'), true)
    expect(keys.roots).toEqual([{ root: 'backup/nas/secret', keyLoaded: false, datasets: ['backup/nas/secret', 'backup/nas/secret/child'] }])
    expect(keys.unencrypted).toEqual([])
  })

  it('counts each raw-received child that became its own encryption root (zrepl#950)', () => {
    const keys = requiredKeys(tree, snapshotName('backup/nas/solo@s1'), true)
    expect(keys.roots.map((r) => r.root)).toEqual(['backup/nas/solo', 'backup/nas/solo/child'])
  })

  it('needs only the snapshot’s own root when the children are not restored', () => {
    expect(requiredKeys(tree, snapshotName('backup/nas/solo@s1'), false).roots.map((r) => r.root)).toEqual(['backup/nas/solo'])
  })

  it('needs no passphrase for a plain dataset and names it as readable', () => {
    const keys = requiredKeys(tree, snapshotName('backup/nas/plain@s2'), true)
    expect(keys.roots).toEqual([])
    expect(keys.unencrypted).toEqual(['backup/nas/plain'])
  })

  it('says when the key is loaded already', () => {
    const loaded = parseTreeListing(fixture(D, 'list-tree-with-look').stdout)
    expect(requiredKeys(loaded, snapshotName('backup/nas/secret@s1'), false).roots[0]?.keyLoaded).toBe(true)
  })

  it('refuses a snapshot that is not on the off-site box', () => {
    expect(() => requiredKeys(tree, snapshotName('backup/nas/secret@gone'), false)).toThrow(SnapshotNotFoundError)
    expect(() => requiredKeys(tree, snapshotName('backup/nas/missing@s1'), false)).toThrow(SnapshotNotFoundError)
  })
})

describe('load-key commands', () => {
  it('puts the passphrase on stdin and never into argv', () => {
    for (const spec of [checkKeyCommand(ds('backup/nas/secret'), 'a secret passphrase'), loadKeyCommand(ds('backup/nas/secret'), 'a secret passphrase')]) {
      expect(spec.argv.join(' ')).not.toContain('secret passphrase')
      expect(spec.stdin).toBe('a secret passphrase\n')
    }
    expect(checkKeyCommand(ds('backup/nas/secret'), 'a secret passphrase').argv).toEqual(['zfs', 'load-key', '-n', 'backup/nas/secret'])
    expect(loadKeyCommand(ds('backup/nas/secret'), 'a secret passphrase').argv).toEqual(['zfs', 'load-key', 'backup/nas/secret'])
    expect(unloadKeyCommand(ds('backup/nas/secret'))).toEqual({ argv: ['zfs', 'unload-key', 'backup/nas/secret'], successCodes: [0] })
  })

  it('refuses a passphrase of more than one line (zfs would read only the first)', () => {
    expect(() => checkKeyCommand(ds('backup/nas/secret'), 'one\ntwo')).toThrow(/one line/)
  })

  it('reads the dry run’s verdict', () => {
    expect(parseKeyCheck(fixture(D, 'load-key-n-raw-received').stdout)).toEqual({ verified: 1, total: 1 })
    expect(parseKeyCheck(fixture(D, 'load-key-n-raw-received-wrong').stdout)).toEqual({ verified: 0, total: 1 })
    // On 2.3 a loaded key still checks: the dry run is the same question.
    expect(parseKeyCheck(fixture(D, 'load-key-n-loaded').stdout)).toEqual({ verified: 1, total: 1 })
    expect(() => parseKeyCheck('')).toThrow(/unexpected output/)
  })

  it.each([
    ['load-key-n-raw-received-wrong', 'ZFS_KEY_INCORRECT'],
    ['load-key-n-child-own-root-wrong', 'ZFS_KEY_INCORRECT'],
    ['mount-clone-key-not-loaded', 'ZFS_KEY_NOT_LOADED'],
    ['unload-key-clone-mounted', 'ZFS_BUSY'],
  ])('the error table names %s as %s', (name, code) => {
    const f = fixture(D, name)
    expect(f.exitCode).not.toBe(0)
    expect(classifyError(f.stderr, f.exitCode).code).toBe(code)
  })
})

describe('where the keychain may hold a root’s passphrase', () => {
  const job = (over: Partial<Job> = {}): Job =>
    ({
      id: 'j1',
      name: 'Photos',
      sourceHostId: 'nas-1',
      targetHostId: 'off-1',
      sources: [{ dataset: 'tank/secret', recursive: true }],
      exclusions: [],
      targetParent: 'backup/nas',
      ...over,
    }) as Job

  it('looks under the off-site box first, then under the NAS’s source dataset a job copied there', () => {
    expect(passphraseCandidates('off-1', ds('backup/nas/secret'), [job()])).toEqual([
      { hostId: 'off-1', dataset: 'backup/nas/secret' },
      { hostId: 'nas-1', dataset: 'tank/secret' },
    ])
  })

  it('maps a child that is its own root to the source’s child', () => {
    expect(passphraseCandidates('off-1', ds('backup/nas/secret/child'), [job()])[1]).toEqual({ hostId: 'nas-1', dataset: 'tank/secret/child' })
  })

  it('ignores jobs to other boxes, other sources and children of a source copied without them', () => {
    expect(passphraseCandidates('off-1', ds('backup/nas/secret'), [job({ targetHostId: 'off-2' })])).toHaveLength(1)
    expect(passphraseCandidates('off-1', ds('backup/nas/secretive'), [job()])).toHaveLength(1)
    expect(passphraseCandidates('off-1', ds('backup/nas/secret/child'), [job({ sources: [{ dataset: 'tank/secret', recursive: false }] })])).toHaveLength(1)
  })
})
