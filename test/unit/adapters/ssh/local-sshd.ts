// A real OpenSSH server on 127.0.0.1 for transport tests (toolchain.md's recipe): its own
// host key and client key in a temp folder, a free port, started and stopped by the test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { until } from '../../../support/until'

export interface LocalSshd {
  readonly port: number
  readonly dir: string
  readonly hostKeyPub: string
  readonly clientKey: string
  readonly user: string
  /** Starts (again) on the same port; resolves once it listens. */
  start(): Promise<void>
  /** Stops the listener (sessions it forked live on until killed). */
  stop(): Promise<void>
  /** Replaces the host key with a new one (takes effect on the next start). */
  regenerateHostKey(): void
  dispose(): Promise<void>
}

function keygen(path: string): void {
  rmSync(path, { force: true })
  rmSync(`${path}.pub`, { force: true })
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', path])
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr.toString()}`)
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export async function startLocalSshd(): Promise<LocalSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-sshd-'))
  keygen(join(dir, 'host'))
  keygen(join(dir, 'user'))
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user.pub')))
  mkdirSync('/run/sshd', { recursive: true })
  const port = await freePort()
  const user = (spawnSync('id', ['-un']).stdout.toString().trim() || 'root')
  let child: ChildProcess | null = null

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(
        '/usr/sbin/sshd',
        [
          '-D', '-e', '-f', '/dev/null', '-p', String(port),
          '-o', 'ListenAddress=127.0.0.1',
          '-h', join(dir, 'host'),
          '-o', `AuthorizedKeysFile=${join(dir, 'authorized_keys')}`,
          '-o', 'StrictModes=no',
          '-o', 'PasswordAuthentication=no',
          '-o', 'KbdInteractiveAuthentication=no',
          '-o', 'PermitRootLogin=prohibit-password',
          '-o', 'UsePAM=no',
          '-o', 'Subsystem=sftp internal-sftp',
          '-o', `PidFile=${join(dir, 'sshd.pid')}`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      )
      child = proc
      let log = ''
      proc.stderr!.on('data', (d: Buffer) => {
        log += d.toString()
        if (/Server listening/.test(log)) resolve()
      })
      proc.once('exit', (code) => reject(new Error(`sshd exited (${code}): ${log}`)))
    })

  const stop = () =>
    new Promise<void>((resolve) => {
      const proc = child
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve()
      proc.once('exit', () => resolve())
      proc.kill('SIGTERM')
    })

  await start()
  return {
    port,
    dir,
    user,
    hostKeyPub: readFileSync(join(dir, 'host.pub'), 'utf8'),
    get clientKey() {
      return readFileSync(join(dir, 'user'), 'utf8')
    },
    start,
    stop,
    regenerateHostKey: () => keygen(join(dir, 'host')),
    async dispose() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Waits for a condition, checking every 50 ms, until the deadline. */
/** Polls a condition with a deadline (see test/support/until.ts); 10 s by default here. */
export const waitFor = (what: string, check: () => boolean | Promise<boolean>, deadlineMs = 10_000): Promise<void> => until(what, check, deadlineMs, 50)
