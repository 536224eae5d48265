// ZFS rights for the receive user: which ones by OpenZFS version (from the captured probe
// of the lab's off-site box), the allow/unallow commands, and reading back what
// `zfs allow` shows (captured on both OpenZFS versions).
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  allowCommand,
  unallowCommand,
  showAllowCommand,
  checkDelegation,
  receivePermissionsFor,
  supportsReceiveAppend,
  RECEIVE_PERMISSIONS,
  APPEND_ONLY_PERMISSIONS,
} from '../../../../src-main/core/receive-user/delegation'
import { createParentCommand, parseCreateParent, removeEmptyParentCommand } from '../../../../src-main/core/receive-user/parent-dataset'
import { createReceiveUserCommand, parseCreateReceiveUser, removeReceiveUserCommand, checkUser } from '../../../../src-main/core/receive-user/receive-user'
import { parseAllow, parseProbe } from '../../../../src-main/core/hosts/probe'
import { datasetName } from '../../../../src-main/core/zfs/names'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { fixture, ZFS_VERSIONS } from '../../../support/fixtures'
import { shellWords } from '../../../support/shell-words'
import { spawnSync } from 'node:child_process'

const probeDir = resolve(import.meta.dirname, '../../../fixtures/probe')
const probe = (name: string) => parseProbe(readFileSync(join(probeDir, `${name}.stdout`), 'utf8'), '2026-11-28T00:00:00.000Z')
const backup = datasetName('backup')

describe('which rights the receive user gets', () => {
  it('is create, mount, receive on the lab’s OpenZFS 2.3 box, which has no receive:append', () => {
    const offsite = probe('offsite-root')
    expect(offsite.zfs).toMatchObject({ major: 2, minor: 3 })
    expect(supportsReceiveAppend(offsite.zfs)).toBe(false)
    expect(receivePermissionsFor(offsite.zfs)).toEqual(RECEIVE_PERMISSIONS)
  })

  it('is create, mount, receive:append from OpenZFS 2.4, in the tools and the loaded module alike', () => {
    const zfs = { ...probe('offsite-root').zfs!, userland: '2.4.0-1', kernel: '2.4.0-1', major: 2, minor: 4, patch: 0 }
    expect(receivePermissionsFor(zfs)).toEqual(APPEND_ONLY_PERMISSIONS)
    // Tools upgraded, module not yet reloaded: the kernel would not enforce append-only.
    expect(supportsReceiveAppend({ ...zfs, kernel: '2.3.2-2~bpo12+2' })).toBe(false)
    expect(supportsReceiveAppend(null)).toBe(false)
  })

  it('grants on exactly one dataset and takes back exactly the same', () => {
    expect(shellJoin(allowCommand('zfsreceive', RECEIVE_PERMISSIONS, datasetName('backup/nas')).argv)).toBe('zfs allow -u zfsreceive create,mount,receive backup/nas')
    expect(shellJoin(unallowCommand('zfsreceive', APPEND_ONLY_PERMISSIONS, datasetName('backup/nas')).argv)).toBe('zfs unallow -u zfsreceive create,mount,receive:append backup/nas')
  })

  it('never grants destroy, rollback or release, nor to root', () => {
    for (const p of ['destroy', 'rollback', 'release']) expect(() => allowCommand('zfsreceive', ['create', p], backup)).toThrow(new RegExp(`never given ${p}`))
    expect(() => allowCommand('zfsreceive', ['create;destroy'], backup)).toThrow(/not a permission name/)
    expect(() => allowCommand('root', RECEIVE_PERMISSIONS, backup)).toThrow(/never root/)
  })
})

describe.each(ZFS_VERSIONS)('reading back the rights on OpenZFS %s', (version) => {
  const f = fixture(version, 'zfs-allow')
  const delegations = parseAllow(f.stdout)

  it('asks zfs allow exactly as captured', () => {
    expect([...showAllowCommand(backup).argv]).toEqual(shellWords(f.command))
  })

  it('finds nothing missing for a user with create, mount, receive, and names what a user lacks', () => {
    expect(checkDelegation(delegations, 'receiver', datasetName('backup/nas'), RECEIVE_PERMISSIONS)).toEqual({ missing: [], dangerous: [] })
    expect(checkDelegation(delegations, 'nocreate', backup, RECEIVE_PERMISSIONS)).toEqual({ missing: ['create'], dangerous: [] })
    expect(checkDelegation(delegations, 'zfsreceive', backup, APPEND_ONLY_PERMISSIONS).missing).toEqual(['create', 'mount', 'receive:append'])
  })
})

describe('rights seen by the receive user itself', () => {
  it('are the ones the lab gave it, nothing dangerous', () => {
    const self = probe('offsite-receive-user')
    expect(checkDelegation(self.login.delegations, 'zfsreceive', datasetName('backup/nas/photos'), RECEIVE_PERMISSIONS)).toEqual({ missing: [], dangerous: [] })
  })

  it('flags rights that could erase history, wherever above the dataset they were given', () => {
    const wide = [{ dataset: 'backup', who: 'user zfsreceive', permissions: ['create', 'mount', 'receive', 'destroy'] }, { dataset: 'backup/nas', who: 'everyone', permissions: ['rollback'] }]
    expect(checkDelegation(wide, 'zfsreceive', datasetName('backup/nas'), RECEIVE_PERMISSIONS)).toEqual({ missing: [], dangerous: ['destroy', 'rollback'] })
    // Rights on a sibling do not reach.
    expect(checkDelegation([{ dataset: 'backup/other', who: 'user zfsreceive', permissions: ['destroy'] }], 'zfsreceive', datasetName('backup/nas'), []).dangerous).toEqual([])
  })
})

describe('the parent dataset', () => {
  it('is made with canmount=off and readonly=on only when missing, and says which', () => {
    const spec = createParentCommand(datasetName('backup/nas'))
    expect(spec.argv[2]).toContain('zfs create -o canmount=off -o readonly=on "$1"')
    expect(spec.argv.at(-1)).toBe('backup/nas')
    expect(spawnSync('sh', ['-n', '-c', spec.argv[2]!]).status).toBe(0)
    expect(parseCreateParent('created\n')).toEqual({ created: true })
    expect(parseCreateParent('existing\n')).toEqual({ created: false })
    expect(() => parseCreateParent('')).toThrow(/not the output/)
  })

  it('is removed on undo without -r, so anything received below it stops the removal', () => {
    expect(shellJoin(removeEmptyParentCommand(datasetName('backup/nas')).argv)).toBe('zfs destroy backup/nas')
  })
})

describe('the receive user', () => {
  it('is created once, with a shell sshd can run the forced command through', () => {
    const spec = createReceiveUserCommand('zfsreceive')
    expect(spec.argv[2]).toMatch(/useradd --system --create-home --shell \/bin\/sh/)
    expect(spawnSync('sh', ['-n', '-c', spec.argv[2]!]).status).toBe(0)
    expect(parseCreateReceiveUser('created\n')).toEqual({ created: true })
    expect(parseCreateReceiveUser('existing\n')).toEqual({ created: false })
    expect(shellJoin(removeReceiveUserCommand('zfsreceive').argv)).toBe('userdel --remove zfsreceive')
  })

  it('refuses root and names that are not logins', () => {
    expect(() => checkUser('root')).toThrow(/never root/)
    expect(() => checkUser('-o')).toThrow(/not a login name/)
    expect(() => checkUser('zfs receive')).toThrow(/not a login name/)
  })
})
