// The SSH transport against a real OpenSSH server on loopback: pinning, refusals,
// streaming exec, typed outcomes, abort killing the remote process group, reconnect.
import { spawnSync } from 'node:child_process'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import ssh2 from 'ssh2'
import { SshConnection, type SshTarget, type SshTimings, DEFAULT_TIMINGS } from '../../../../src-main/adapters/ssh/ssh-connection'
import { fingerprintOfPublicKeyLine } from '../../../../src-main/adapters/ssh/host-key'
import { startLocalSshd, waitFor, type LocalSshd } from './local-sshd'
import { failureOf as failure } from '../../../support/app-failure'

let sshd: LocalSshd
let pin: string
const open: SshConnection[] = []
const fast: SshTimings = { ...DEFAULT_TIMINGS, readyTimeoutMs: 10_000, backoffMs: [100, 200, 400], reconnectDeadlineMs: 20_000, killGraceMs: 3_000 }

beforeAll(async () => {
  sshd = await startLocalSshd()
  pin = fingerprintOfPublicKeyLine(sshd.hostKeyPub)
})
afterAll(async () => {
  await sshd?.dispose()
})
afterEach(() => {
  for (const c of open.splice(0)) c.close()
})

function connection(overrides: Partial<SshTarget> = {}): SshConnection {
  const c = new SshConnection(
    {
      label: 'test host',
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      auth: { kind: 'private-key', privateKey: sshd.clientKey },
      pinnedFingerprint: () => pin,
      ...overrides,
    },
    fast,
  )
  open.push(c)
  return c
}

const pgrep = (pattern: string): string => spawnSync('pgrep', ['-f', pattern]).stdout.toString().trim()

describe('ssh connection', () => {
  it('connects to the pinned host and runs a command with its exit status and output', async () => {
    const c = connection()
    const out = await c.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'])
    expect(out).toEqual({ kind: 'exited', code: 3, stdout: 'out\n', stderr: 'err\n' })
    expect(c.state).toBe('ready')
    expect(c.seenFingerprint).toBe(pin)
  })

  it('quotes every argument once, so spaces and quotes arrive intact', async () => {
    const c = connection()
    const arg = `it's a "test" $HOME; rm -rf /`
    const out = await c.exec(['printf', '%s', arg])
    expect(out).toMatchObject({ kind: 'exited', code: 0, stdout: arg })
  })

  it('reuses one connection for many commands, also in parallel', async () => {
    const c = connection()
    const results = await Promise.all([1, 2, 3, 4].map((n) => c.exec(['sh', '-c', `echo $PPID ${n}`])))
    expect(results.map((r) => r.stdout.split(' ')[1]?.trim())).toEqual(['1', '2', '3', '4'])
    expect(results.every((r) => r.kind === 'exited' && r.code === 0)).toBe(true)
  })

  it('streams stdout as it comes and writes stdin to the command', async () => {
    const c = connection()
    const chunks: string[] = []
    const out = await c.exec(['sh', '-c', 'cat; echo done'], { stdin: 'from stdin\n', onStdout: (t) => chunks.push(t) })
    expect(out.stdout).toBe('from stdin\ndone\n')
    expect(chunks.join('')).toBe(out.stdout)
  })

  it('run() returns stdout on a success code and throws the classified error otherwise', async () => {
    const c = connection()
    expect(await c.run({ argv: ['echo', 'hello'], successCodes: [0] })).toBe('hello\n')
    const err = await failure(c.run({ argv: ['sh', '-c', 'echo "sh: 1: nosuchtool: not found" >&2; exit 127'], successCodes: [0] }))
    expect(err.appError.code).toBe('COMMAND_NOT_FOUND')
    expect(err.appError.details).toContain('nosuchtool')
  })

  it('treats a command killed by a signal (no exit status) as a failure', async () => {
    const c = connection()
    // The signal reaches the process group leader; sshd then reports a signal, not a status.
    const out = await c.exec(['sh', '-c', 'kill -KILL $$'])
    expect(out.kind === 'no-exit-status' || (out.kind === 'exited' && out.code !== 0)).toBe(true)
    const err = await failure(c.run({ argv: ['sh', '-c', 'kill -KILL $$'], successCodes: [0] }))
    expect(['SSH_EXIT_STATUS_MISSING', 'COMMAND_FAILED']).toContain(err.appError.code)
  })

  it('aborting a command kills its whole remote process group, children included', async () => {
    const c = connection()
    // A duration no other process on this machine uses, so ps finds only this command's children.
    const marker = `sleep ${4000 + Math.floor(Math.random() * 1000)}.25`
    const controller = new AbortController()
    let started = false
    const run = c.exec(['sh', '-c', `${marker} & ${marker} & echo started; wait`], {
      signal: controller.signal,
      onStdout: (t) => {
        if (t.includes('started')) started = true
      },
    })
    const exactly = `^${marker}$`
    await waitFor('the command to start', () => started && pgrep(exactly).split('\n').length === 2)
    controller.abort()
    const outcome = await run
    expect(outcome.kind).toBe('aborted')
    // Nothing of the command is left: neither the sleeps nor the shells around them.
    await waitFor('no process left', () => pgrep(marker) === '')
    expect(pgrep(marker)).toBe('')
  })

  it('refuses a host whose key is not pinned yet and reports the fingerprint it saw', async () => {
    const c = connection({ pinnedFingerprint: () => undefined })
    const err = await failure(c.connect())
    expect(err.appError.code).toBe('SSH_HOST_KEY_UNKNOWN')
    expect(c.seenFingerprint).toBe(pin)
    expect(c.state).toBe('idle')
  })

  it('refuses a changed host key and shows both fingerprints', async () => {
    const other = 'SHA256:' + 'A'.repeat(43)
    const c = connection({ pinnedFingerprint: () => other })
    const err = await failure(c.exec(['true']))
    expect(err.appError.code).toBe('SSH_HOST_KEY_CHANGED')
    expect(err.appError.cause).toContain(other)
    expect(err.appError.cause).toContain(pin)
    expect(err.appError.details).toBe(`pinned: ${other}\nseen: ${pin}`)
  })

  it('refuses to connect at all when the pin store cannot be read', async () => {
    const c = connection({
      pinnedFingerprint: () => {
        throw new Error('config.json: Unexpected token')
      },
    })
    const err = await failure(c.connect())
    expect(err.appError.code).toBe('SSH_PIN_STORE_UNREADABLE')
    expect(c.seenFingerprint).toBeUndefined()
  })

  it('a key the host does not know fails as a refused login, without trying anything else', async () => {
    const stranger = ssh2.utils.generateKeyPairSync('ed25519')
    const err = await failure(connection({ auth: { kind: 'private-key', privateKey: stranger.private } }).connect())
    expect(err.appError.code).toBe('SSH_AUTH_FAILED')
    expect(err.appError.cause).toContain(sshd.user)
  })

  it('a wrong user fails as a refused login naming the user', async () => {
    const err = await failure(connection({ username: 'nosuchuser' }).connect())
    expect(err.appError.code).toBe('SSH_AUTH_FAILED')
    expect(err.appError.cause).toContain('nosuchuser')
  })

  it('an unreadable key file is reported as such, not as a refused login', async () => {
    const err = await failure(connection({ auth: { kind: 'private-key', privateKey: 'not a key' } }).connect())
    expect(err.appError.code).toBe('SSH_KEY_UNREADABLE')
  })

  it('nothing listening is a refused connection', async () => {
    const { freePort } = await import('./local-sshd')
    const err = await failure(connection({ port: await freePort() }).connect())
    expect(err.appError.code).toBe('SSH_CONNECTION_REFUSED')
  })

  it('a first connection that is refused answers at once instead of retrying', async () => {
    const { freePort } = await import('./local-sshd')
    const c = connection({ port: await freePort() })
    const states: string[] = []
    c.onStateChange((s) => states.push(s))
    const err = await failure(c.exec(['true']))
    expect(err.appError.code).toBe('SSH_CONNECTION_REFUSED')
    expect(states).not.toContain('reconnecting')
  })

  it('reconnects with backoff after the server went away and came back', async () => {
    const c = connection()
    const first = await c.exec(['sh', '-c', 'ps -o ppid= -p $PPID'])
    const sessionPid = Number(first.stdout.trim())
    expect(sessionPid).toBeGreaterThan(1)
    const states: string[] = []
    c.onStateChange((s) => states.push(s))
    await sshd.stop()
    process.kill(sessionPid, 'SIGTERM')
    await waitFor('the connection to drop', () => c.state === 'idle')
    // Ask while the server is down: the transport keeps trying until it is back.
    const again = c.exec(['echo', 'back'])
    await waitFor('a reconnect attempt', () => states.includes('reconnecting'))
    await sshd.start()
    expect(await again).toMatchObject({ kind: 'exited', code: 0, stdout: 'back\n' })
    expect(c.state).toBe('ready')
  })

  it('keepalive notices a host that stopped answering and drops the connection', async () => {
    const c = new SshConnection(
      { label: 'test host', host: '127.0.0.1', port: sshd.port, username: sshd.user, auth: { kind: 'private-key', privateKey: sshd.clientKey }, pinnedFingerprint: () => pin },
      { ...fast, keepaliveIntervalMs: 200, keepaliveCountMax: 2 },
    )
    open.push(c)
    const first = await c.exec(['sh', '-c', 'ps -o ppid= -p $PPID'])
    const sessionPid = Number(first.stdout.trim())
    const dropped = new Promise<void>((resolve) => c.onStateChange((s) => s === 'idle' && resolve()))
    // Frozen, the session neither answers nor closes the socket: only keepalive can tell.
    process.kill(sessionPid, 'SIGSTOP')
    try {
      await dropped
      expect(c.state).toBe('idle')
    } finally {
      // Thawed, the session may already be ending on its own (the client hung up).
      for (const signal of ['SIGCONT', 'SIGTERM'] as const) {
        try {
          process.kill(sessionPid, signal)
        } catch {
          // gone already
        }
      }
    }
  })

  it('after the host key was regenerated, the old pin refuses the host', async () => {
    await sshd.stop()
    sshd.regenerateHostKey()
    await sshd.start()
    const err = await failure(connection().connect())
    expect(err.appError.code).toBe('SSH_HOST_KEY_CHANGED')
    expect(err.appError.details).toContain(`pinned: ${pin}`)
  })
})
