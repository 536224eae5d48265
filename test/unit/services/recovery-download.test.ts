// Downloading from a look over SFTP, against a real OpenSSH server on loopback (its
// internal-sftp): a folder on this machine stands in for the look's mountpoint. Files
// arrive byte for byte with their modes and times; links and special files are skipped,
// never followed; a path through a link out is refused; a cancelled copy removes the
// file it was writing and keeps the whole ones; a new folder never replaces one.
import { createHash, randomBytes } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SFTPWrapper } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TIMINGS, SshConnection } from '../../../src-main/adapters/ssh/ssh-connection'
import { fingerprintOfPublicKeyLine } from '../../../src-main/adapters/ssh/host-key'
import { copyFromLook, CopyStopped, newDownloadFolder, walkLook } from '../../../src-main/services/recovery-download'
import { startLocalSshd, type LocalSshd } from '../adapters/ssh/local-sshd'
import { failureOf as failure } from '../../support/app-failure'

let sshd: LocalSshd
let connection: SshConnection
let sftp: SFTPWrapper
let work: string
let look: string

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
const MTIME = 1_600_000_000

beforeAll(async () => {
  sshd = await startLocalSshd()
  const pin = fingerprintOfPublicKeyLine(sshd.hostKeyPub)
  connection = new SshConnection(
    { label: 'test host', host: '127.0.0.1', port: sshd.port, username: sshd.user, auth: { kind: 'private-key', privateKey: sshd.clientKey }, pinnedFingerprint: () => pin },
    { ...DEFAULT_TIMINGS, readyTimeoutMs: 10_000 },
  )
  sftp = await connection.sftp()
  work = realpathSync(mkdtempSync(join(tmpdir(), 'zfs-offsite-download-')))
  look = join(work, 'look')
  mkdirSync(join(look, 'docs', 'deep'), { recursive: true })
  writeFileSync(join(look, 'docs', 'minutes.txt'), 'minutes of the meeting\n')
  writeFileSync(join(look, 'docs', 'deep', 'notes.bin'), randomBytes(300_000))
  chmodSync(join(look, 'docs', 'deep', 'notes.bin'), 0o640)
  utimesSync(join(look, 'docs', 'minutes.txt'), MTIME, MTIME)
  symlinkSync('/etc', join(look, 'docs', 'etc-link'))
  symlinkSync('/etc', join(look, 'etc-link'))
  expect(spawnSync('mkfifo', [join(look, 'docs', 'a-pipe')]).status).toBe(0)
  mkdirSync(join(look, 'big'))
  writeFileSync(join(look, 'big', 'a-small.txt'), 'small a\n')
  writeFileSync(join(look, 'big', 'b-small.txt'), 'small b\n')
  writeFileSync(join(look, 'big', 'z-large.bin'), randomBytes(24 * 1024 * 1024))
})

afterAll(async () => {
  sftp?.end()
  connection?.close()
  await sshd?.dispose()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('download from a look over SFTP', () => {
  it('copies a file and a folder byte for byte with their modes and times, skipping links and special files', async () => {
    const walk = await walkLook(sftp, look, ['docs', 'docs/minutes.txt', 'etc-link'], 'linux')
    expect(walk.files.map((f) => f.rel)).toEqual(['docs/deep/notes.bin', 'docs/minutes.txt'])
    expect(walk.bytes).toBe(300_000 + 'minutes of the meeting\n'.length)
    expect(walk.skipped).toEqual([
      { path: 'docs/a-pipe', reason: expect.stringMatching(/special file/) },
      { path: 'docs/etc-link', reason: 'A symbolic link (to /etc); links are not followed.' },
      { path: 'etc-link', reason: 'A symbolic link (to /etc); links are not followed.' },
    ])
    const folder = newDownloadFolder(join(work, 'downloads'), 'photos@s1')
    const seen: number[] = []
    const tally = await copyFromLook(sftp, look, walk, folder, { onBytes: (b) => seen.push(b) })
    expect(tally).toEqual({ files: 2, bytes: walk.bytes })
    expect(seen.at(-1)).toBe(walk.bytes)
    for (const f of ['docs/minutes.txt', 'docs/deep/notes.bin']) expect(sha(join(folder, f))).toBe(sha(join(look, f)))
    expect(statSync(join(folder, 'docs/minutes.txt')).mtimeMs).toBe(MTIME * 1000)
    expect(statSync(join(folder, 'docs/deep/notes.bin')).mode & 0o777).toBe(0o640)
    expect(readdirSync(join(folder, 'docs')).sort()).toEqual(['deep', 'minutes.txt'])
    expect(existsSync(join(folder, 'etc-link'))).toBe(false)
  })

  it('refuses a path that goes through a link out of the look, and says when a path is not there', async () => {
    const out = await failure(walkLook(sftp, look, ['etc-link/passwd'], 'linux'))
    expect(out.appError.code).toBe('RECOVERY_PATH_REFUSED')
    expect((await failure(walkLook(sftp, look, ['nothing-here'], 'linux'))).appError.code).toBe('NOT_FOUND')
    expect((await failure(walkLook(sftp, look, ['docs/../..'], 'linux'))).appError.code).toBe('RECOVERY_PATH_REFUSED')
  })

  it('makes a new folder each time and never reuses one', () => {
    const dir = join(work, 'again')
    const first = newDownloadFolder(dir, 'photos@s1')
    writeFileSync(join(first, 'kept.txt'), 'mine')
    expect(newDownloadFolder(dir, 'photos@s1')).toBe(join(dir, 'photos@s1 (2)'))
    expect(readFileSync(join(first, 'kept.txt'), 'utf8')).toBe('mine')
  })

  it('stops when cancelled: the file being written is removed, the whole ones stay', async () => {
    const walk = await walkLook(sftp, look, ['big'], 'linux')
    const folder = newDownloadFolder(join(work, 'cancelled'), 'big@s1')
    const controller = new AbortController()
    let stopped: unknown
    try {
      await copyFromLook(sftp, look, walk, folder, {
        signal: controller.signal,
        onBytes: (_bytes, current) => {
          if (current === 'big/z-large.bin' && !controller.signal.aborted && existsSync(join(folder, 'big', 'z-large.bin')) && statSync(join(folder, 'big', 'z-large.bin')).size > 0) controller.abort()
        },
      })
    } catch (err) {
      stopped = err
    }
    expect(stopped).toBeInstanceOf(CopyStopped)
    expect((stopped as CopyStopped).tally).toEqual({ files: 2, bytes: 16 })
    expect((stopped as CopyStopped).file).toBe('big/z-large.bin')
    expect(readdirSync(join(folder, 'big')).sort()).toEqual(['a-small.txt', 'b-small.txt'])
  })
})
