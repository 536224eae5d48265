// The Hosts API through dispatch against a real OpenSSH server on loopback and the real
// config file and keychain: first contact, trust, edits that clear a pin, refusals, probe.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/services/dispatch'
import { fingerprintOfPublicKeyLine } from '../../../src-main/adapters/ssh/host-key'
import type { Result } from '../../../src-main/shared/result'
import type { Host, HostProbe } from '../../../src-main/shared/model'
import { makeTestContext, type TestContext } from './app-context-fixture'
import { startLocalSshd, type LocalSshd } from '../adapters/ssh/local-sshd'
import { apiCalls } from '../../support/api-calls'

let t: TestContext
let sshd: LocalSshd
let fingerprint: string

const { call, callFails } = apiCalls(() => t.ctx)
const addLocal = (label: string, extra: Record<string, unknown> = {}) =>
  call<Host>('addHost', {
    label,
    role: 'nas',
    address: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    auth: 'key-file',
    keyFilePath: join(sshd.dir, 'user'),
    ...extra,
  })
const stored = (id: string) => (JSON.parse(readFileSync(t.ctx.info.configFile, 'utf8')) as { hosts: Host[] }).hosts.find((h) => h.id === id)

beforeAll(async () => {
  sshd = await startLocalSshd()
  fingerprint = fingerprintOfPublicKeyLine(sshd.hostKeyPub)
  t = makeTestContext()
})
afterAll(async () => {
  await t?.cleanup()
  await sshd?.dispose()
})

describe('hosts service', () => {
  let host: Host

  it('first contact answers with the fingerprint and the console command, and pins nothing yet', async () => {
    host = await addLocal('Local')
    const answer = await call('connectHost', { id: host.id })
    expect(answer).toEqual({
      state: 'unconfirmed',
      fingerprint,
      consoleCommand: 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
      address: '127.0.0.1',
      port: sshd.port,
    })
    expect(stored(host.id)?.pinnedHostKey).toBeUndefined()
  })

  it('trusts only the fingerprint the host showed, then connects', async () => {
    const other = 'SHA256:' + 'B'.repeat(43)
    expect((await callFails('trustHostKey', { id: host.id, fingerprint: other })).code).toBe('INVALID_INPUT')
    expect(stored(host.id)?.pinnedHostKey).toBeUndefined()
    await call('trustHostKey', { id: host.id, fingerprint })
    expect(stored(host.id)?.pinnedHostKey).toBe(fingerprint)
    expect(await call('connectHost', { id: host.id })).toEqual({ state: 'connected', fingerprint })
    const states = await call<Array<{ id: string; state: string }>>('listHostStates', {})
    expect(states).toContainEqual(expect.objectContaining({ id: host.id, state: 'ready' }))
  })

  it('probing a host without OpenZFS reports what is missing instead of failing', async () => {
    const probe = await call<HostProbe>('probeHost', { id: host.id })
    expect(probe.login.user).toBe(sshd.user)
    if (probe.tools['zfs'] === null) {
      expect(probe.zfs).toBeNull()
      expect(probe.problems.map((p) => p.section)).toContain('zfs-version')
    }
    expect(probe.os.name).not.toBe('')
  })

  it('a changed host key stops the connection and leaves the pin as it was', async () => {
    t.ctx.config.update((c) => {
      c.hosts.find((h) => h.id === host.id)!.pinnedHostKey = 'SHA256:' + 'C'.repeat(43)
    })
    await call('disconnectHost', { id: host.id })
    const err = await callFails('connectHost', { id: host.id })
    expect(err.code).toBe('SSH_HOST_KEY_CHANGED')
    expect(err.cause).toContain(fingerprint)
    expect(err.cause).toContain('SHA256:' + 'C'.repeat(43))
    expect(stored(host.id)?.pinnedHostKey).toBe('SHA256:' + 'C'.repeat(43))
    // Trusting the new key through the first-contact path is refused too.
    expect((await callFails('trustHostKey', { id: host.id, fingerprint })).code).toBe('INVALID_INPUT')
  })

  it('a new address keeps the confirmed identity; only “another machine” clears it', async () => {
    t.ctx.config.update((c) => {
      c.hosts.find((h) => h.id === host.id)!.pinnedHostKey = fingerprint
    })
    const renamed = await call<Host>('updateHost', { id: host.id, label: 'Renamed' })
    expect(renamed).toMatchObject({ label: 'Renamed', pinnedHostKey: fingerprint, port: sshd.port, auth: 'key-file' })
    const moved = await call<Host>('updateHost', { id: host.id, port: 2 })
    expect(moved.pinnedHostKey).toBe(fingerprint)
    // Back at the real port the same key is expected, and found: no new confirmation.
    await call('updateHost', { id: host.id, port: sshd.port })
    expect(await call('connectHost', { id: host.id })).toMatchObject({ state: 'connected', fingerprint })
    const another = await call<Host>('updateHost', { id: host.id, confirmIdentityAgain: true })
    expect(another.pinnedHostKey).toBeUndefined()
    expect(stored(host.id)?.pinnedHostKey).toBeUndefined()
    expect(await call('connectHost', { id: host.id })).toMatchObject({ state: 'unconfirmed', fingerprint })
    await call('trustHostKey', { id: host.id, fingerprint })
  })

  it('with the app key not installed yet, the login fails and says how to install it', async () => {
    const appKeyHost = await addLocal('App key', { auth: 'app-key', keyFilePath: undefined, user: 'nobody' })
    const first = await call<{ fingerprint: string }>('connectHost', { id: appKeyHost.id })
    await call('trustHostKey', { id: appKeyHost.id, fingerprint: first.fingerprint })
    const err = await callFails('connectHost', { id: appKeyHost.id })
    expect(err.code).toBe('SSH_AUTH_FAILED')
    expect(err.fix).toContain('password')
  })

  it('sends no password to a host whose identity is not confirmed, and keeps it out of the log', async () => {
    const password = 'once-only-password-7d1e'
    const fresh = await addLocal('Unconfirmed', { user: 'daemon' })
    const err = await callFails('installAppKey', { id: fresh.id, password })
    expect(err.code).toBe('SSH_HOST_KEY_UNKNOWN')
    t.ctx.logger.warn('an accidental mention', { text: `the password was ${password}` })
    expect(readFileSync(t.ctx.info.logFile, 'utf8')).not.toContain(password)
    expect(readFileSync(t.ctx.info.configFile, 'utf8')).not.toContain(password)
  })

  it('an off-site box reached through the NAS needs the NAS in the app', async () => {
    const lone = makeTestContext()
    try {
      const r = (await dispatch(lone.ctx.services, lone.ctx.logger, 'addHost', {
        label: 'Alone',
        role: 'offsite',
        address: '10.99.0.2',
        user: 'root',
        auth: 'key-file',
        keyFilePath: '/nonexistent',
        reachedThroughNas: true,
      })) as Result<Host>
      if (!r.ok) throw new Error(r.error.cause)
      const err = (await dispatch(lone.ctx.services, lone.ctx.logger, 'connectHost', { id: r.value.id })) as Result<unknown>
      expect(err.ok ? null : err.error.code).toBe('SSH_NAS_MISSING')
    } finally {
      await lone.cleanup()
    }
  })
})
