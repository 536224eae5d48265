// The SSH transport against the lab's real VMs: pinned connections, refusals with clear
// errors, abort leaving nothing behind (checked with ps on the host), reconnect after
// sshd restarts, a regenerated host key refused with both fingerprints, and the off-site
// box reached through the NAS over the real WireGuard tunnel. Whatever a test changes on
// a VM (sshd restarted, host key regenerated) is put back before it ends.
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import ssh2 from 'ssh2'
import { labHosts, prepareTunnelAndReceiveUser, type Lab, type LabHost } from './hosts'
import { DEFAULT_TIMINGS, SshConnection, type SshTarget, type SshTimings } from '../../src-main/adapters/ssh/ssh-connection'
import { until } from '../support/until'
import { failureOf as failure } from '../support/app-failure'

let lab: Lab
const opened: SshConnection[] = []
// Emulated VMs are slow to handshake; reconnects get a generous deadline.
const timings: SshTimings = { ...DEFAULT_TIMINGS, readyTimeoutMs: 60_000, backoffMs: [250, 500, 1_000, 2_000], reconnectDeadlineMs: 120_000 }

beforeAll(async () => {
  lab = await labHosts()
  await prepareTunnelAndReceiveUser()
})
afterEach(() => {
  for (const c of opened.splice(0)) c.close()
})

function connect(host: LabHost, overrides: Partial<SshTarget> = {}): SshConnection {
  const c = new SshConnection(
    {
      label: host.name,
      host: host.sshHost,
      port: host.sshPort,
      username: 'root',
      auth: { kind: 'private-key', privateKey: readFileSync(host.privateKeyPath) },
      pinnedFingerprint: () => host.hostKeyFingerprint,
      ...overrides,
    },
    timings,
  )
  opened.push(c)
  return c
}

/** Resolves when the connection reaches the state (at once if it is there), or fails at the deadline. */
function untilState(c: SshConnection, state: string, deadlineMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (c.state === state) return resolve()
    const timer = setTimeout(() => reject(new Error(`connection never became ${state}`)), deadlineMs)
    const stop = c.onStateChange((s) => {
      if (s !== state) return
      clearTimeout(timer)
      stop()
      resolve()
    })
  })
}

describe('ssh transport on the lab VMs', () => {
  it('connects to the NAS with its pinned key and runs commands on one connection', async () => {
    const c = connect(lab.nas)
    const a = await c.exec(['zfs', 'version'])
    const b = await c.exec(['hostname'])
    expect(a).toMatchObject({ kind: 'exited', code: 0 })
    expect(a.stdout.split('\n')[0]).toBe(lab.nas.zfsVersion)
    expect(b.stdout.trim()).not.toBe('')
    expect(c.seenFingerprint).toBe(lab.nas.hostKeyFingerprint)
  })

  it('on first contact reports the same fingerprint the VM printed on its console', async () => {
    const c = connect(lab.offsite, { pinnedFingerprint: () => undefined })
    const err = await failure(c.connect())
    expect(err.appError.code).toBe('SSH_HOST_KEY_UNKNOWN')
    expect(c.seenFingerprint).toBe(lab.offsite.hostKeyFingerprint)
  })

  it('a key the VM does not know fails as a refused login', async () => {
    const stranger = ssh2.utils.generateKeyPairSync('ed25519')
    const err = await failure(connect(lab.nas, { auth: { kind: 'private-key', privateKey: stranger.private } }).connect())
    expect(err.appError.code).toBe('SSH_AUTH_FAILED')
    expect(err.appError.cause).toContain('refused the login as “root”')
  })

  it('a user the VM does not have fails as a refused login naming the user', async () => {
    const err = await failure(connect(lab.nas, { username: 'nobodyhere' }).connect())
    expect(err.appError.code).toBe('SSH_AUTH_FAILED')
    expect(err.appError.cause).toContain('nobodyhere')
  })

  it('aborting a long command leaves no process of it on the host (ps)', async () => {
    const c = connect(lab.nas)
    const marker = `sleep ${7000 + Math.floor(Math.random() * 1000)}.5`
    const ps = async () => (await lab.nas.run(`ps -eo pid,pgid,args | grep -F '${marker}' | grep -v grep || true`)).stdout.trim()
    const controller = new AbortController()
    let started = false
    const running = c.exec(['sh', '-c', `${marker} & ${marker} & echo started; wait`], {
      signal: controller.signal,
      onStdout: (t) => {
        if (t.includes('started')) started = true
      },
    })
    await until('the command to start', async () => started && (await ps()).split('\n').length >= 3)
    const before = await ps()
    // The command's processes share one group of their own: the one the abort kills.
    const rows = before.split('\n').map((l) => l.trim().split(/\s+/))
    const commandRows = rows.filter((r) => r[2] === 'sleep' || (r[2] === 'sh' && r[4]?.startsWith('sleep')))
    expect(commandRows.length).toBe(3)
    expect(new Set(commandRows.map((r) => r[1])).size).toBe(1)
    expect(commandRows.some((r) => r[0] === r[1])).toBe(true)
    controller.abort()
    expect((await running).kind).toBe('aborted')
    await until('no process left', async () => (await ps()) === '')
    expect(await ps()).toBe('')
  })

  it('reconnects by itself after the VM’s sshd restarted and dropped the connection', async () => {
    const c = connect(lab.nas)
    const first = await c.exec(['sh', '-c', 'ps -o ppid= -p $PPID'])
    const sessionPid = Number(first.stdout.trim())
    expect(sessionPid).toBeGreaterThan(1)
    const states: string[] = []
    c.onStateChange((s) => states.push(s))
    // Restart the server and end this connection's own session process (a restart alone keeps sessions).
    await lab.nas.run(`systemctl restart ssh && kill ${sessionPid}`)
    await untilState(c, 'idle')
    const again = await c.exec(['echo', 'back'])
    expect(again).toMatchObject({ kind: 'exited', code: 0, stdout: 'back\n' })
    expect(states).toContain('idle')
    expect(c.state).toBe('ready')
  })

  it('refuses the off-site VM after its host key was regenerated, showing both fingerprints', async () => {
    const keeper = connect(lab.offsite)
    await keeper.connect()
    const marker = `/tmp/hosts-test-done-${process.pid}`
    // One remote script swaps the key, waits for our check (or 90 s), and always restores.
    const swap = lab.offsite.run(
      `set -e
       backup=$(mktemp -d)
       cp -p /etc/ssh/ssh_host_* "$backup"/
       restore() { cp -p "$backup"/ssh_host_* /etc/ssh/; systemctl restart ssh; rm -rf "$backup" ${marker} ${marker}.regenerated; }
       trap restore EXIT
       rm -f /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub
       ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
       systemctl restart ssh
       touch ${marker}.regenerated
       for i in $(seq 1 900); do [ -e ${marker} ] && exit 0; sleep 0.1; done
       exit 0`,
      { timeoutMs: 180_000 },
    )
    try {
      // Wait (over the connection made before the swap) until the new key is served.
      await until('the regenerated key to be served', async () => {
        const r = await keeper.exec(['test', '-e', `${marker}.regenerated`])
        return r.kind === 'exited' && r.code === 0
      })
      const probe = connect(lab.offsite)
      const changed = await failure(probe.connect())
      expect(changed.appError.code).toBe('SSH_HOST_KEY_CHANGED')
      expect(changed.appError.cause).toContain(lab.offsite.hostKeyFingerprint)
      expect(changed.appError.details).toMatch(new RegExp(`^pinned: ${escape(lab.offsite.hostKeyFingerprint)}\\nseen: SHA256:`))
      expect(probe.seenFingerprint).not.toBe(lab.offsite.hostKeyFingerprint)
      expect(probe.state).toBe('idle')
    } finally {
      await keeper.exec(['touch', marker])
      await swap
    }
    // Restored: the original pin connects again.
    const after = connect(lab.offsite)
    expect((await after.exec(['true'])).kind).toBe('exited')
    expect(after.seenFingerprint).toBe(lab.offsite.hostKeyFingerprint)
  })

  it('reaches the off-site VM through the NAS over the WireGuard tunnel, its key pinned separately', async () => {
    const nas = connect(lab.nas)
    const offsite = connect(lab.offsite, { host: lab.offsite.tunnelIp, port: 22, via: nas })
    const r = await offsite.exec(['sh', '-c', 'echo "$SSH_CONNECTION"; zpool list -H -o name'])
    const [connection, pools] = r.stdout.trim().split('\n')
    // From the NAS's tunnel address to the off-site box's: the jump went over wg-backup.
    expect(connection?.split(' ')[0]).toBe(lab.nas.tunnelIp)
    expect(connection?.split(' ')[2]).toBe(lab.offsite.tunnelIp)
    expect(pools).toBe(lab.offsite.pool)
    expect(offsite.seenFingerprint).toBe(lab.offsite.hostKeyFingerprint)

    // The NAS's pin does not vouch for the off-site box.
    const wrong = connect(lab.offsite, { host: lab.offsite.tunnelIp, port: 22, via: nas, pinnedFingerprint: () => lab.nas.hostKeyFingerprint })
    expect((await failure(wrong.connect())).appError.code).toBe('SSH_HOST_KEY_CHANGED')
  })
})

afterAll(async () => {
  // The VMs must serve the keys the lab pinned; a failed restore would break every other test.
  const { nas, offsite } = await labHosts()
  for (const h of [nas, offsite]) {
    const served = (await h.run('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).stdout
    expect(served).toContain(h.hostKeyFingerprint)
  }
})

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
