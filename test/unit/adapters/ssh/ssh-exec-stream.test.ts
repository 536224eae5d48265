// execStream against a real OpenSSH server on loopback: binary stdout relayed intact, one
// command's stdout piped into another's stdin (the restore's relay), the remote command
// held back while nobody reads, exit status and stderr kept, abort killing the group.
import { createHash, randomBytes } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TIMINGS, SshConnection } from '../../../../src-main/adapters/ssh/ssh-connection'
import { fingerprintOfPublicKeyLine } from '../../../../src-main/adapters/ssh/host-key'
import { startLocalSshd, waitFor, type LocalSshd } from './local-sshd'

let sshd: LocalSshd
let pin: string
let dir: string
const open: SshConnection[] = []

beforeAll(async () => {
  sshd = await startLocalSshd()
  pin = fingerprintOfPublicKeyLine(sshd.hostKeyPub)
  dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-stream-'))
})
afterAll(async () => {
  await sshd?.dispose()
  if (dir) rmSync(dir, { recursive: true, force: true })
})
afterEach(() => {
  for (const c of open.splice(0)) c.close()
})

function connection(): SshConnection {
  const c = new SshConnection(
    {
      label: 'test host',
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      auth: { kind: 'private-key', privateKey: sshd.clientKey },
      pinnedFingerprint: () => pin,
    },
    { ...DEFAULT_TIMINGS, killGraceMs: 3_000 },
  )
  open.push(c)
  return c
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function collect(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of r) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

describe('ssh streaming exec', () => {
  it('relays a binary stdout byte for byte, the first byte a newline included', async () => {
    const data = Buffer.concat([Buffer.from('\n\0'), randomBytes(3 * 1024 * 1024)])
    const file = join(dir, 'source.bin')
    writeFileSync(file, data)
    const { stdout, done } = await connection().execStream(['cat', file])
    const got = await collect(stdout)
    expect(await done).toEqual({ kind: 'exited', code: 0, stdout: '', stderr: '' })
    expect(got.length).toBe(data.length)
    expect(sha256(got)).toBe(sha256(data))
  })

  it('pipes one command’s stdout into another command’s stdin, and the second sees the end of input', async () => {
    const data = randomBytes(5 * 1024 * 1024)
    const from = join(dir, 'from.bin')
    const to = join(dir, 'to.bin')
    writeFileSync(from, data)
    const c = connection()
    const send = await c.execStream(['cat', from])
    const receive = await c.execStream(['sh', '-c', 'cat > "$1"; echo received >&2', 'sh', to], { stdin: send.stdout })
    receive.stdout.resume()
    const [sent, received] = await Promise.all([send.done, receive.done])
    expect(sent).toMatchObject({ kind: 'exited', code: 0 })
    expect(received).toEqual({ kind: 'exited', code: 0, stdout: '', stderr: 'received\n' })
    expect(sha256(readFileSync(to))).toBe(sha256(data))
  })

  it('holds the remote command back while nobody reads, and a reader that gives up ends it', async () => {
    const marker = join(dir, 'all-written')
    // 64 MiB, far beyond what the SSH window and the pipes can hold unread.
    const { stdout, done } = await connection().execStream(['sh', '-c', 'head -c 67108864 /dev/zero && touch "$1"', 'sh', marker])
    let read = 0
    for await (const chunk of stdout) {
      read += (chunk as Buffer).length
      if (read >= 1024 * 1024) break
    }
    expect(existsSync(marker)).toBe(false)
    const outcome = await done
    expect(outcome.kind === 'exited' ? outcome.code !== 0 : outcome.kind === 'no-exit-status').toBe(true)
    expect(existsSync(marker)).toBe(false)
  })

  it('reads the rest once the reader catches up, and the command then finishes', async () => {
    const marker = join(dir, 'finished')
    const { stdout, done } = await connection().execStream(['sh', '-c', 'head -c 33554432 /dev/zero; touch "$1"', 'sh', marker])
    let read = 0
    const reader = stdout as Readable
    await new Promise<void>((resolve) => reader.once('readable', () => resolve()))
    const first = reader.read() as Buffer | null
    read += first?.length ?? 0
    expect(existsSync(marker)).toBe(false)
    for await (const chunk of reader) read += (chunk as Buffer).length
    expect(read).toBe(33554432)
    expect(await done).toMatchObject({ kind: 'exited', code: 0 })
    expect(existsSync(marker)).toBe(true)
  })

  it('keeps a failing command’s exit status and stderr', async () => {
    const { stdout, done } = await connection().execStream(['sh', '-c', 'printf partial; echo "cannot open: dataset does not exist" >&2; exit 1'])
    expect((await collect(stdout)).toString()).toBe('partial')
    expect(await done).toEqual({ kind: 'exited', code: 1, stdout: '', stderr: 'cannot open: dataset does not exist\n' })
  })

  it('aborting kills the remote command and ends its output', async () => {
    const marker = `sleep ${5000 + Math.floor(Math.random() * 1000)}.25`
    const controller = new AbortController()
    const { stdout, done } = await connection().execStream(['sh', '-c', `echo started; ${marker}`], { signal: controller.signal })
    const first = await new Promise<Buffer>((resolve) => stdout.once('data', (c: Buffer) => resolve(c)))
    expect(first.toString()).toBe('started\n')
    const pgrep = () => spawnSync('pgrep', ['-f', `^${marker}$`]).stdout.toString().trim()
    await waitFor('the command to run', () => pgrep() !== '')
    controller.abort()
    expect((await done).kind).toBe('aborted')
    await collect(stdout)
    await waitFor('no process left', () => pgrep() === '')
  })
})
