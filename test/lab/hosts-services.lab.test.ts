// The Hosts API on the lab's real VMs, through dispatch as the renderer calls it: first
// contact and trust, the off-site box through the NAS over WireGuard, probes checked
// against the VMs' own state, the app key installed with a password used once, and a
// changed key stopping everything while changing nothing.
// Needs the real keychain: run under scripts/with-keyring.sh (the app key lives there).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { createAppContext, type AppContext } from '../../src-main/services/app-context'
import { openConfBackend } from '../../src-main/adapters/config/conf-backend'
import { KeytarSecretStore } from '../../src-main/adapters/secrets/keytar-secret-store'
import { Redactor } from '../../src-main/core/logging/redactor'
import { APP_SSH_KEY_ACCOUNT } from '../../src-main/core/secrets/accounts'
import type { Host, HostProbe } from '../../src-main/shared/model'
import { apiCalls } from '../support/api-calls'

const PASSWORD_USER = 'hostspwtest'
const PASSWORD = `pw-${randomUUID()}`

let lab: Lab
let ctx: AppContext
let dataDir: string
let keychainService: string

const { call, callFails } = apiCalls(() => ctx)

async function addAndTrust(input: Record<string, unknown>, expectedFingerprint: string): Promise<Host> {
  const host = await call<Host>('addHost', input)
  const first = await call<{ state: string; fingerprint: string; consoleCommand: string }>('connectHost', { id: host.id })
  expect(first).toMatchObject({ state: 'unconfirmed', fingerprint: expectedFingerprint, consoleCommand: 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' })
  const trusted = await call<Host>('trustHostKey', { id: host.id, fingerprint: first.fingerprint })
  expect(trusted.pinnedHostKey).toBe(expectedFingerprint)
  expect(await call('connectHost', { id: host.id })).toMatchObject({ state: 'connected', fingerprint: expectedFingerprint })
  return trusted
}

beforeAll(async () => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('hosts-services.lab.test.ts needs the keychain: run it under scripts/with-keyring.sh')
  }
  lab = await labHosts()
  await prepareTunnelAndReceiveUser()
  dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-hosts-lab-'))
  keychainService = `zfs-offsite-test-${randomUUID()}`
  ctx = createAppContext({ dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService })
  await lab.nas.run(
    `set -e
     zfs destroy -r tank/hosts-svc 2>/dev/null || true
     zfs create tank/hosts-svc
     zfs snapshot tank/hosts-svc@first
     zfs snapshot tank/hosts-svc@second
     zfs create -o encryption=on -o keyformat=passphrase tank/hosts-svc/secret
     zfs snapshot tank/hosts-svc/secret@only`,
    { stdin: 'a passphrase for the lab\n' },
  )
})

afterAll(async () => {
  ctx?.dispose()
  await lab?.nas.run('zfs destroy -r tank/hosts-svc', { allowFail: true })
  await lab?.nas.run(
    `if [ -f /etc/ssh/sshd_config.hosts-test-backup ]; then mv /etc/ssh/sshd_config.hosts-test-backup /etc/ssh/sshd_config; systemctl restart ssh; fi
     pkill -KILL -u ${PASSWORD_USER} 2>/dev/null || true
     if id ${PASSWORD_USER} >/dev/null 2>&1; then userdel -r ${PASSWORD_USER} 2>/dev/null || userdel ${PASSWORD_USER}; fi`,
    { allowFail: true },
  )
  if (keychainService) {
    const keychain = new KeytarSecretStore(new Redactor(), keychainService)
    for (const account of await keychain.list()) await keychain.delete(account)
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('hosts through the API on the lab VMs', () => {
  let nas: Host
  let offsite: Host

  it('adds the NAS, shows its fingerprint on first contact, pins it on confirmation and connects', async () => {
    nas = await addAndTrust(
      { label: 'Lab NAS', role: 'nas', address: '127.0.0.1', port: lab.nas.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.nas.privateKeyPath },
      lab.nas.hostKeyFingerprint,
    )
    const config = JSON.parse(readFileSync(ctx.info.configFile, 'utf8')) as { hosts: Host[] }
    expect(config.hosts.find((h) => h.id === nas.id)?.pinnedHostKey).toBe(lab.nas.hostKeyFingerprint)
  })

  it('refuses to pin a fingerprint the host did not show', async () => {
    const other = await call<Host>('addHost', { label: 'Other', role: 'offsite', address: '127.0.0.1', port: lab.offsite.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.offsite.privateKeyPath })
    const err = await callFails('trustHostKey', { id: other.id, fingerprint: lab.nas.hostKeyFingerprint })
    expect(err.code).toBe('INVALID_INPUT')
    await call('removeHost', { id: other.id })
  })

  it('probes the NAS and finds exactly what the VM reports', async () => {
    const before = (await lab.nas.run('zfs list -H -o name -t filesystem,volume')).stdout.trim().split('\n').sort()
    const probe = await call<HostProbe>('probeHost', { id: nas.id })
    const after = (await lab.nas.run('zfs list -H -o name -t filesystem,volume')).stdout.trim().split('\n').sort()
    const pools = (await lab.nas.run('zpool list -Hp -o name,health,size,free')).stdout.trim().split('\n').map((l) => l.split('\t'))
    const osRelease = (await lab.nas.run('. /etc/os-release; echo "$PRETTY_NAME"')).stdout.trim()

    expect(probe.os.name).toBe(osRelease)
    expect(`zfs-${probe.zfs?.userland}`).toBe(lab.nas.zfsVersion)
    expect(probe.pools.map((p) => [p.name, p.health, String(p.sizeBytes)])).toEqual(pools.map(([n, h, s]) => [n, h, s]))
    // Other lab users may change datasets meanwhile; the listing is compared when it held still.
    if (before.join() === after.join()) expect(probe.datasets.map((d) => d.name).sort()).toEqual(before)
    const ds = (n: string) => probe.datasets.find((d) => d.name === n)
    expect(ds('tank/hosts-svc')).toMatchObject({ snapshotCount: 2, newestSnapshot: { name: 'second' }, encryption: 'off' })
    expect(ds('tank/hosts-svc/secret')).toMatchObject({ encryptionRoot: 'tank/hosts-svc/secret', keyStatus: 'available', snapshotCount: 1 })
    const created = Number((await lab.nas.run('zfs get -Hp -o value creation tank/hosts-svc@second')).stdout.trim())
    expect(ds('tank/hosts-svc')!.newestSnapshot!.creation).toBe(created)
    expect(probe.login).toMatchObject({ user: 'root', isRoot: true, sudo: 'root' })
    for (const tool of ['wg', 'pv', 'mbuffer', 'sanoid', 'syncoid', 'systemctl', 'sudo']) expect(probe.tools[tool], tool).toMatch(/^\//)
    expect(probe.systemd).toBe(true)
    expect(probe.problems).toEqual([])
  })

  it('reaches the off-site box through the NAS over the tunnel and probes it', async () => {
    offsite = await addAndTrust(
      {
        label: 'Lab off-site',
        role: 'offsite',
        address: lab.offsite.tunnelIp,
        port: 22,
        user: 'root',
        auth: 'key-file',
        keyFilePath: lab.offsite.privateKeyPath,
        reachedThroughNas: true,
      },
      lab.offsite.hostKeyFingerprint,
    )
    const probe = await call<HostProbe>('probeHost', { id: offsite.id })
    const pools = (await lab.offsite.run('zpool list -Hp -o name,health,size')).stdout.trim().split('\n').map((l) => l.split('\t'))
    expect(probe.pools.map((p) => [p.name, p.health, String(p.sizeBytes)])).toEqual(pools.map(([n, h, s]) => [n, h, s]))
    expect(probe.login.delegations).toContainEqual({ dataset: lab.offsite.pool, who: 'user zfsreceive', permissions: ['create', 'mount', 'receive'] })
    // The session on the off-site box comes from the NAS's tunnel address.
    const sessions = (await lab.offsite.run(`ss -Htn state established '( sport = :22 )' | grep -F '${lab.nas.tunnelIp}:' || true`)).stdout
    expect(sessions).toContain(lab.nas.tunnelIp)
    const states = await call<Array<{ id: string; state: string }>>('listHostStates', {})
    expect(states.find((s) => s.id === offsite.id)?.state).toBe('ready')
  })

  it('a changed host key is a hard stop: both fingerprints shown, the pin left as it was', async () => {
    // The off-site box's key presented where the NAS was pinned: what a swapped host looks like.
    const impostor = await call<Host>('addHost', { label: 'Impostor', role: 'offsite', address: '127.0.0.1', port: lab.offsite.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.offsite.privateKeyPath })
    const first = await call<{ fingerprint: string }>('connectHost', { id: impostor.id })
    expect(first.fingerprint).toBe(lab.offsite.hostKeyFingerprint)
    await call('trustHostKey', { id: impostor.id, fingerprint: first.fingerprint })
    // Point it at the NAS: a new port keeps the confirmed identity, so the NAS's key is a stranger's.
    await call('updateHost', { id: impostor.id, port: lab.nas.sshPort })
    const err = await callFails('connectHost', { id: impostor.id })
    expect(err.code).toBe('SSH_HOST_KEY_CHANGED')
    expect(err.cause).toContain(lab.offsite.hostKeyFingerprint)
    expect(err.cause).toContain(lab.nas.hostKeyFingerprint)
    expect(ctx.config.read().hosts.find((h) => h.id === impostor.id)?.pinnedHostKey).toBe(lab.offsite.hostKeyFingerprint)
    expect(await callFails('probeHost', { id: impostor.id })).toMatchObject({ code: 'SSH_HOST_KEY_CHANGED' })
    await call('removeHost', { id: impostor.id })
  })

  it('a wrong user fails with a clear error', async () => {
    const host = await call<Host>('addHost', { label: 'Wrong user', role: 'offsite', address: '127.0.0.1', port: lab.nas.sshPort, user: 'nosuchperson', auth: 'key-file', keyFilePath: lab.nas.privateKeyPath })
    const first = await call<{ fingerprint: string }>('connectHost', { id: host.id })
    await call('trustHostKey', { id: host.id, fingerprint: first.fingerprint })
    const err = await callFails('connectHost', { id: host.id })
    expect(err.code).toBe('SSH_AUTH_FAILED')
    expect(err.cause).toContain('nosuchperson')
    await call('removeHost', { id: host.id })
  })

  it('installs the app’s key with a password used once, then signs in with the key alone', async () => {
    // A password login for one user only, undone in afterAll.
    await lab.nas.run(
      `set -e
       id ${PASSWORD_USER} >/dev/null 2>&1 || useradd -m -s /bin/bash ${PASSWORD_USER}
       chpasswd
       cp -p /etc/ssh/sshd_config /etc/ssh/sshd_config.hosts-test-backup
       printf '\\nMatch User ${PASSWORD_USER}\\n    PasswordAuthentication yes\\n' >> /etc/ssh/sshd_config
       sshd -t
       systemctl restart ssh`,
      { stdin: `${PASSWORD_USER}:${PASSWORD}\n` },
    )
    const host = await addAndTrustForAppKey()
    const noKey = await callFails('connectHost', { id: host.id })
    expect(noKey.code).toBe('SSH_AUTH_FAILED')

    const wrong = await callFails('installAppKey', { id: host.id, password: 'not-the-password' })
    expect(wrong.code).toBe('SSH_AUTH_FAILED')

    expect(await call('installAppKey', { id: host.id, password: PASSWORD })).toMatchObject({ state: 'connected' })
    const keychain = new KeytarSecretStore(new Redactor(), keychainService)
    const privateKey = await keychain.get(APP_SSH_KEY_ACCOUNT)
    expect(privateKey).toContain('PRIVATE KEY')
    const { publicKey } = await call<{ publicKey: string }>('getAppPublicKey', {})
    const authorized = (await lab.nas.run(`cat /home/${PASSWORD_USER}/.ssh/authorized_keys`)).stdout
    expect(authorized.trim().split('\n')).toEqual([publicKey])

    // Password logins off again: the key alone must do.
    await lab.nas.run('cp -p /etc/ssh/sshd_config.hosts-test-backup /etc/ssh/sshd_config && systemctl restart ssh')
    await call('disconnectHost', { id: host.id })
    expect(await call('connectHost', { id: host.id })).toMatchObject({ state: 'connected' })
    const probe = await call<HostProbe>('probeHost', { id: host.id })
    expect(probe.login).toMatchObject({ user: PASSWORD_USER, isRoot: false, sudo: 'no' })

    // The password is nowhere: not in the config, not in the log, not in the keychain.
    ctx.logger.info('after install', { note: `checking ${PASSWORD}` })
    expect(readFileSync(ctx.info.configFile, 'utf8')).not.toContain(PASSWORD)
    expect(readFileSync(ctx.info.logFile, 'utf8')).not.toContain(PASSWORD)
    for (const account of await keychain.list()) expect(await keychain.get(account)).not.toBe(PASSWORD)
  })

  async function addAndTrustForAppKey(): Promise<Host> {
    const host = await call<Host>('addHost', { label: 'Password user', role: 'offsite', address: '127.0.0.1', port: lab.nas.sshPort, user: PASSWORD_USER, auth: 'app-key' })
    const first = await call<{ fingerprint: string }>('connectHost', { id: host.id })
    return call<Host>('trustHostKey', { id: host.id, fingerprint: first.fingerprint })
  }
})
