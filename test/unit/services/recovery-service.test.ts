// The recovery services over the real transport, without ZFS (that is the lab's part,
// test/lab/recovery-drill.lab.test.ts): an off-site box reached through a NAS that is gone
// gets a message that says how to reach it directly; inputs that could leave the look or
// the backups' parent are refused before any command runs on a host.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingerprintOfPublicKeyLine } from '../../../src-main/adapters/ssh/host-key'
import type { Host } from '../../../src-main/shared/model'
import { apiCalls } from '../../support/api-calls'
import { freePort, startLocalSshd, type LocalSshd } from '../adapters/ssh/local-sshd'
import { makeTestContext, type TestContext } from './app-context-fixture'

let sshd: LocalSshd
let t: TestContext
let viaGoneNas: Host
let direct: Host
const { call, callFails } = apiCalls(() => t.ctx)

beforeAll(async () => {
  sshd = await startLocalSshd()
  t = makeTestContext()
  const s = t.ctx.services
  const pin = fingerprintOfPublicKeyLine(sshd.hostKeyPub)
  const key = { auth: 'key-file' as const, keyFilePath: join(sshd.dir, 'user'), user: sshd.user }
  const nas = await s.addHost({ label: 'Home NAS', role: 'nas', address: '127.0.0.1', port: await freePort(), ...key, reachedThroughNas: false })
  viaGoneNas = await s.addHost({ label: 'Friend’s box', role: 'offsite', address: '10.99.0.2', port: 22, ...key, reachedThroughNas: true })
  direct = await s.addHost({ label: 'Rented box', role: 'offsite', address: '127.0.0.1', port: sshd.port, ...key, reachedThroughNas: false })
  // Pinned as if confirmed earlier: the NAS is known but gone now.
  t.ctx.config.update((c) => {
    for (const h of c.hosts) if (h.id === nas.id || h.id === viaGoneNas.id || h.id === direct.id) h.pinnedHostKey = pin
  })
}, 60_000)

afterAll(async () => {
  await t?.cleanup()
  await sshd?.dispose()
})

describe('recovery services', () => {
  it('says how to reach the off-site box directly when the NAS it was reached through is gone', async () => {
    const error = await callFails('listBackups', { hostId: viaGoneNas.id, parent: 'backup/nas' })
    expect(error.code).toBe('RECOVERY_OFFSITE_UNREACHABLE')
    expect(error.cause).toContain('Friend’s box')
    expect(error.fix).toMatch(/untick “reached through the NAS”/)
  })

  it('refuses a snapshot outside the chosen parent before running anything', async () => {
    const error = await callFails('startLook', { hostId: direct.id, parent: 'backup/nas', snapshot: 'backup/other/photos@s1' })
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.cause).toContain('backup/nas')
  })

  it.each(['../etc', 'docs/../../x', '/etc', './docs'])('refuses the browse path %j', async (path) => {
    expect((await callFails('browseLook', { hostId: direct.id, lookId: 'aaaaaaaa', path })).code).toBe('INVALID_INPUT')
  })

  it('refuses a look id that is not one the app makes', async () => {
    expect((await callFails('endLook', { hostId: direct.id, lookId: 'backup/nas/secret' })).code).toBe('INVALID_INPUT')
  })

  it('refuses a typed passphrase that is too short to be one, without saving it', async () => {
    const error = await callFails('checkRecoveryKeys', { hostId: direct.id, snapshot: 'backup/nas/secret@s1', passphrases: [{ encryptionRoot: 'backup/nas/secret', passphrase: 'short', save: true }] })
    expect(error.code).toBe('INVALID_INPUT')
    expect(await call('listPassphrases', {})).toEqual([])
  })

  it('names a host that is gone', async () => {
    expect((await callFails('listBackups', { hostId: 'no-such-host', parent: 'backup/nas' })).code).toBe('NOT_FOUND')
  })
})
