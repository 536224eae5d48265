// Signing in through a real ssh-agent (OpenSSH's), holding the key the local sshd
// accepts: the transport never sees the private key.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { SshConnection, DEFAULT_TIMINGS } from '../../../../src-main/adapters/ssh/ssh-connection'
import { fingerprintOfPublicKeyLine } from '../../../../src-main/adapters/ssh/host-key'
import { AppFailure } from '../../../../src-main/shared/errors'
import { startLocalSshd, type LocalSshd } from './local-sshd'

let sshd: LocalSshd
let agentPid = 0
let socket = ''

function check(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr}`)
  return r.stdout
}

beforeAll(async () => {
  sshd = await startLocalSshd()
  socket = join(sshd.dir, 'agent.sock')
  const out = check(spawnSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8' }), 'ssh-agent')
  agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)?.[1])
})
afterAll(async () => {
  if (agentPid > 0) process.kill(agentPid)
  await sshd?.dispose()
})

function connect(): SshConnection {
  return new SshConnection(
    {
      label: 'agent host',
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      auth: { kind: 'agent', socket },
      pinnedFingerprint: () => fingerprintOfPublicKeyLine(sshd.hostKeyPub),
    },
    { ...DEFAULT_TIMINGS, readyTimeoutMs: 10_000 },
  )
}

describe('ssh-agent sign-in', () => {
  it('fails as a refused login while the agent holds no accepted key', async () => {
    const c = connect()
    try {
      await c.exec(['true'])
      throw new Error('expected the login to be refused')
    } catch (err) {
      expect(err).toBeInstanceOf(AppFailure)
      expect((err as AppFailure).appError.code).toBe('SSH_AUTH_FAILED')
    } finally {
      c.close()
    }
  })

  it('signs in with the key the agent holds', async () => {
    check(spawnSync('ssh-add', [join(sshd.dir, 'user')], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: socket } }), 'ssh-add')
    const c = connect()
    try {
      expect(await c.exec(['sh', '-c', 'echo signed in'])).toMatchObject({ kind: 'exited', code: 0, stdout: 'signed in\n' })
    } finally {
      c.close()
    }
  })
})
