// The receive-only wrapper is real bash: each test installs it in a temporary folder and
// runs it the way sshd does (the request in SSH_ORIGINAL_COMMAND), with a stand-in `zfs`
// on the wrapper's own search path that prints the argv it was given — zfs is not the
// thing under test; what reaches it is. The hostile requests are the ones a compromised
// NAS could send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { receiveWrapperScript, installWrapperCommand, WRAPPER_MARKER } from '../../../../src-main/core/receive-user/receive-wrapper'
import { receiveCommand, ZFS_PATH } from '../../../../src-main/core/zfs/receive'
import { receiveAbortCommand } from '../../../../src-main/core/zfs/receive-abort'
import { sshArgv } from '../../../../src-main/core/replication/pipeline'
import { checkDatasetName, datasetName } from '../../../../src-main/core/zfs/names'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { forbiddenAttempts, refusedByWrapper } from '../../../../src-main/core/receive-user/verify-receive-key'

let dir: string
let wrapper: string
let decoyLog: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-wrapper-'))
  const bin = join(dir, 'bin')
  const decoy = join(dir, 'decoy')
  mkdirSync(bin)
  mkdirSync(decoy)
  // The stand-in: one line per argument, bracketed so spaces and empty words show.
  writeFileSync(join(bin, 'zfs'), '#!/bin/sh\nfor a in "$@"; do printf "[%s]\\n" "$a"; done\n')
  chmodSync(join(bin, 'zfs'), 0o755)
  // A zfs earlier on the login's own PATH must not be the one that runs.
  decoyLog = join(dir, 'decoy-ran')
  writeFileSync(join(decoy, 'zfs'), `#!/bin/sh\necho decoy > '${decoyLog}'\n`)
  chmodSync(join(decoy, 'zfs'), 0o755)
  writeFileSync(join(dir, 'bash-env'), 'echo "BASH_ENV was read" >&2\n')
  wrapper = join(dir, 'receive-only')
  writeFileSync(wrapper, receiveWrapperScript({ root: datasetName('backup/nas'), searchPath: bin }))
  chmodSync(wrapper, 0o755)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the wrapper as sshd would for a forced command, with a hostile environment around it. */
function request(command: string | undefined) {
  const env: Record<string, string> = {
    PATH: `${join(dir, 'decoy')}:/usr/bin:/bin`,
    BASH_ENV: join(dir, 'bash-env'),
    // sshd passes the client's LC_* (Debian's AcceptEnv); a UTF-8 locale would widen [A-Za-z] and [:print:].
    LC_ALL: 'C.UTF-8',
  }
  if (command !== undefined) env.SSH_ORIGINAL_COMMAND = command
  const r = spawnSync(wrapper, [], { encoding: 'utf8', env })
  return { code: r.status, argv: r.stdout.split('\n').filter(Boolean).map((l) => l.replace(/^\[(.*)\]$/s, '$1')), stdout: r.stdout, stderr: r.stderr }
}

/** What the NAS's run script sends over ssh for a receive into `target`: the remote string of sshArgv. */
const sentByApp = (spec: { argv: readonly string[] }) => sshArgv({ user: 'zfsreceive', host: '10.99.0.2' }, { argv: spec.argv, successCodes: [0] }).at(-1)!

describe('the receive-only wrapper admits what the app sends', () => {
  it('is valid bash and starts with the app’s marker', () => {
    const script = receiveWrapperScript({ root: datasetName('backup/nas') })
    expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0)
    expect(script.split('\n')[1]).toBe(WRAPPER_MARKER)
  })

  it.each([
    ['backup/nas/photos', ['receive', '-s', '-u', 'backup/nas/photos']],
    ['backup/nas/photos/2024', ['receive', '-s', '-u', 'backup/nas/photos/2024']],
    ['backup/nas/family photos', ['receive', '-s', '-u', 'backup/nas/family photos']],
    ['backup/nas/a-b_c.d:e', ['receive', '-s', '-u', 'backup/nas/a-b_c.d:e']],
  ])('runs the run script’s resumable, unmounted receive into %s with the name as one word', (target, argv) => {
    const sent = sentByApp(receiveCommand(datasetName(target), { zfsPath: ZFS_PATH }))
    const r = request(sent)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.argv).toEqual(argv)
  })

  it('admits the plain zfs form and the abort of a stale partial receive', () => {
    expect(request(shellJoin(receiveCommand(datasetName('backup/nas/photos')).argv)).argv).toEqual(['receive', '-s', '-u', 'backup/nas/photos'])
    const abort = request(sentByApp(receiveAbortCommand(datasetName('backup/nas/family photos'))))
    expect(abort.code).toBe(0)
    expect(abort.argv).toEqual(['receive', '-A', 'backup/nas/family photos'])
  })

  it('passes a quoted name that merely looks like it holds an option as one word, which zfs reads as a name', () => {
    // "x -F" is a valid OpenZFS dataset name; as one argv word it is never parsed as a flag.
    expect(request("zfs receive -s -u 'backup/nas/x -F'").argv).toEqual(['receive', '-s', '-u', 'backup/nas/x -F'])
  })

  it('runs zfs from its own search path, not the login’s, and ignores BASH_ENV', () => {
    const r = request('zfs receive -s -u backup/nas/photos')
    expect(r.code).toBe(0)
    expect(spawnSync('test', ['-e', decoyLog]).status).not.toBe(0)
    expect(r.stderr).not.toContain('BASH_ENV was read')
  })
})

describe('the receive-only wrapper refuses everything else', () => {
  const hostile: [string, string | undefined][] = [
    ['no command (an interactive login)', undefined],
    ['an empty command', ''],
    ['a shell', '/bin/sh'],
    ['sftp', 'internal-sftp'],
    ['scp into the home', 'scp -t .ssh/authorized_keys'],
    ['a second command after ;', 'zfs receive -s -u backup/nas/x; rm -rf /'],
    ['a second command after &&', 'zfs receive -s -u backup/nas/x && id'],
    ['a pipe', 'zfs receive -s -u backup/nas/x | sh'],
    ['command substitution', 'zfs receive -s -u backup/nas/$(id)'],
    ['backticks', 'zfs receive -s -u backup/nas/`id`'],
    ['a variable', 'zfs receive -s -u backup/nas/$HOME'],
    ['a redirection', 'zfs receive -s -u backup/nas/x>/tmp/y'],
    ['a line break and a second command', 'zfs receive -s -u backup/nas/x\nzfs destroy -r backup/nas'],
    ['a carriage return', 'zfs receive -s -u backup/nas/x\rzfs destroy backup/nas/x'],
    ['a tab instead of a space', 'zfs\treceive -s -u backup/nas/x'],
    ['a forced receive (-F) first', 'zfs receive -F -s -u backup/nas/x'],
    ['a forced receive (-F) after -u', 'zfs receive -s -u -F backup/nas/x'],
    ['-F glued to the flags', 'zfs receive -sFu backup/nas/x'],
    ['a property override', 'zfs receive -s -u -o mountpoint=/etc backup/nas/x'],
    ['an excluded property', 'zfs receive -s -u -x readonly backup/nas/x'],
    ['-d (names taken from the stream)', 'zfs receive -s -u -d backup/nas'],
    ['a quoted option', "zfs receive -s -u '-F backup/nas/x'"],
    ['a receive without -s -u', 'zfs receive backup/nas/x'],
    ['flags in another order', 'zfs receive -u -s backup/nas/x'],
    ['the recv alias', 'zfs recv -s -u backup/nas/x'],
    ['destroy', 'zfs destroy -r backup/nas'],
    ['rollback', 'zfs rollback -r backup/nas/x@a'],
    ['a listing', 'zfs list -t all'],
    ['zfs from elsewhere', '/tmp/zfs receive -s -u backup/nas/x'],
    ['a path outside the root', 'zfs receive -s -u backup/other/x'],
    ['the pool', 'zfs receive -s -u backup'],
    ['the root itself', 'zfs receive -s -u backup/nas'],
    ['a sibling sharing the root’s prefix', 'zfs receive -s -u backup/nasty/x'],
    ['.. out of the root', 'zfs receive -s -u backup/nas/../x'],
    ['.. quoted', "zfs receive -s -u 'backup/nas/../other x'"],
    ['. as a part', 'zfs receive -s -u backup/nas/./x'],
    ['an empty part', 'zfs receive -s -u backup/nas//x'],
    ['a trailing slash', 'zfs receive -s -u backup/nas/x/'],
    ['a snapshot name', 'zfs receive -s -u backup/nas/x@snap'],
    ['a bookmark name', 'zfs receive -s -u backup/nas/x#mark'],
    ['% (ZFS’s own temporary names)', 'zfs receive -s -u backup/nas/x%recv'],
    ['a doubled space', 'zfs receive -s -u  backup/nas/x'],
    ['a doubled space between words', 'zfs  receive -s -u backup/nas/x'],
    ['a leading space', ' zfs receive -s -u backup/nas/x'],
    ['a trailing space', 'zfs receive -s -u backup/nas/x '],
    ['two names', 'zfs receive -s -u backup/nas/x backup/nas/y'],
    ['an unbalanced quote', "zfs receive -s -u 'backup/nas/x"],
    ['a quote breaking out', "zfs receive -s -u 'backup/nas/x'; id'"],
    ['double quotes', 'zfs receive -s -u "backup/nas/x"'],
    ['shell syntax inside quotes', "zfs receive -s -u 'backup/nas/$(id)'"],
    ['a glob', 'zfs receive -s -u backup/nas/*'],
    ['a non-ASCII look-alike', 'zfs receive -s -u backup/nas/ｘ'],
    ['a name of 256 characters', `zfs receive -s -u backup/nas/${'x'.repeat(256 - 'backup/nas/'.length)}`],
    ['a name nested 50 deep', `zfs receive -s -u backup/nas${'/x'.repeat(49)}`],
  ]

  it.each(hostile)('refuses %s, with a message and exit status 1, without running zfs', (_what, command) => {
    const r = request(command)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^zfs-offsite receive-only: refused: .+\n$/)
  })

  it('draws the length and depth limits where OpenZFS’s own name rules do', () => {
    const long = `backup/nas/${'x'.repeat(255 - 'backup/nas/'.length)}`
    const deep = `backup/nas${'/x'.repeat(48)}`
    for (const name of [long, deep]) {
      expect(checkDatasetName(name).ok).toBe(true)
      expect(request(`zfs receive -s -u ${name}`).argv).toEqual(['receive', '-s', '-u', name])
    }
    for (const name of [`${long}x`, `${deep}/x`]) {
      expect(checkDatasetName(name).ok).toBe(false)
      expect(request(`zfs receive -s -u ${name}`).code).toBe(1)
    }
  })

  it('says what is allowed when it refuses', () => {
    expect(request('zfs destroy -r backup/nas').stderr).toMatch(/only 'zfs receive -s -u <dataset>' and 'zfs receive -A <dataset>' below backup\/nas are allowed/)
    expect(request(undefined).stderr).toMatch(/cannot open a shell/)
  })
})

describe('installing the wrapper', () => {
  it('installs only the app’s own script, from stdin, root-owned and not writable by others', () => {
    const script = receiveWrapperScript({ root: datasetName('backup/nas') })
    const spec = installWrapperCommand(script)
    expect(spec.stdin).toBe(script)
    expect(spec.argv[2]).toMatch(/chown root:root/)
    expect(spec.argv[2]).toMatch(/chmod 755/)
    expect(spawnSync('sh', ['-n', '-c', spec.argv[2]!]).status).toBe(0)
    expect(() => installWrapperCommand('#!/bin/sh\nexec "$SSH_ORIGINAL_COMMAND"\n')).toThrow(/only the app’s wrapper/)
  })

  it('refuses a root that is not a dataset name', () => {
    expect(() => receiveWrapperScript({ root: 'backup/nas; id' as never })).toThrow(/not a dataset name/)
  })
})

describe('the attempts that prove the key harmless', () => {
  it('are each refused by the wrapper when they arrive as sshd hands them over', () => {
    const to = { user: 'zfsreceive', host: '10.99.0.2', sshOptions: ['-o', 'StrictHostKeyChecking=yes'] }
    const attempts = forbiddenAttempts(to, datasetName('backup/nas'), 'backup/nas/photos@s1')
    expect(attempts.map((a) => a.label)).toEqual([
      'destroy an off-site snapshot',
      'roll the off-site copy back',
      'receive with -F (which may roll back and destroy)',
      'open a shell',
    ])
    for (const a of attempts) {
      expect(a.command.argv[0]).toBe('ssh')
      // ssh sends its last argument as the command; sshd puts it in SSH_ORIGINAL_COMMAND.
      const r = request(a.command.argv.at(-1))
      expect(refusedByWrapper({ exitCode: r.code, stderr: r.stderr }), a.label).toBe(true)
    }
  })

  it('do not count a connection failure as a refusal', () => {
    expect(refusedByWrapper({ exitCode: 255, stderr: 'ssh: connect to host 10.99.0.2 port 22: Connection timed out\n' })).toBe(false)
    expect(refusedByWrapper({ exitCode: 1, stderr: "cannot destroy 'backup/nas/photos@s1': permission denied\n" })).toBe(false)
  })
})
