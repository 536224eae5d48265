// The receive-only wrapper is real bash: each test installs it in a temporary folder and
// runs it the way sshd does (the request in SSH_ORIGINAL_COMMAND), with a stand-in `zfs`
// on the wrapper's own search path that prints the argv it was given — zfs is not the
// thing under test; what reaches it is. The hostile requests are the ones a compromised
// NAS could send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
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
  // With syncoid's flag order (receive -u -s) it also writes a line to stderr, to show where the wrapper sends stderr.
  writeFileSync(join(bin, 'zfs'), '#!/bin/sh\nfor a in "$@"; do printf "[%s]\\n" "$a"; done\n[ "$2" = -u ] && echo "stand-in stderr" >&2\nexit 0\n')
  chmodSync(join(bin, 'zfs'), 0o755)
  // zpool likewise, marked so a test tells the two apart; ps is the real one (the wrapper filters its output).
  writeFileSync(join(bin, 'zpool'), '#!/bin/sh\nprintf "[zpool]\\n"; for a in "$@"; do printf "[%s]\\n" "$a"; done\n')
  chmodSync(join(bin, 'zpool'), 0o755)
  symlinkSync(spawnSync('sh', ['-c', 'command -v ps'], { encoding: 'utf8' }).stdout.trim(), join(bin, 'ps'))
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
    expect(request('zfs destroy -r backup/nas').stderr).toMatch(/only the app's and syncoid's receive commands and syncoid's read-only queries below backup\/nas are allowed/)
    expect(request(undefined).stderr).toMatch(/cannot open a shell/)
  })
})

const fixtures = join(__dirname, '../../../fixtures/syncoid')

/** The requests syncoid 2.1.0 sent the receive key in the lab, one per line, exactly. */
function capturedRequests(): { file: string; sent: string }[] {
  return readdirSync(fixtures)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((file) => readFileSync(join(fixtures, file), 'utf8').split('\n').filter((l) => l !== '').map((sent) => ({ file, sent })))
}

describe('the receive-only wrapper admits what syncoid sends, run with the app’s flags', () => {
  it('admits every request syncoid sent in the lab, in every captured case', () => {
    const all = capturedRequests()
    expect(new Set(all.map((c) => c.file)).size).toBeGreaterThanOrEqual(6)
    for (const { file, sent } of all) {
      const r = request(sent)
      expect(r.stderr, `${file}: ${JSON.stringify(sent)}`).not.toMatch(/refused/)
      expect(r.code, `${file}: ${JSON.stringify(sent)}`).toBe(sent === 'command -v mbuffer' ? 1 : 0)
    }
  })

  it('lets the connection checks through without running anything', () => {
    for (const c of ['exit', 'echo -n']) expect(request(c)).toMatchObject({ code: 0, stdout: '', stderr: '' })
  })

  it('answers that mbuffer is absent, so syncoid sends the receive without a buffer stage', () => {
    expect(request('command -v mbuffer')).toMatchObject({ code: 1, stdout: '', stderr: '' })
  })

  it.each([
    ["zfs get -H name 'backup/nas/photos'", ['get', '-H', 'name', 'backup/nas/photos']],
    ["zfs get -H receive_resume_token 'backup/nas/photos'", ['get', '-H', 'receive_resume_token', 'backup/nas/photos']],
    ["zfs get -Hpd 1 -t snapshot guid,creation 'backup/nas/photos/2024'", ['get', '-Hpd', '1', '-t', 'snapshot', 'guid,creation', 'backup/nas/photos/2024']],
    ["zfs get -H -p used 'backup/nas/family photos'", ['get', '-H', '-p', 'used', 'backup/nas/family photos']],
  ])('runs syncoid’s read-only query %s with its own argv', (sent, argv) => {
    const r = request(sent)
    expect(r.code).toBe(0)
    expect(r.argv).toEqual(argv)
  })

  it('asks the root’s pool, and only it, whether it can resume', () => {
    const r = request("zpool get -o value -H feature@extensible_dataset 'backup'")
    expect(r.code).toBe(0)
    expect(r.argv).toEqual(['zpool', 'get', '-o', 'value', '-H', 'feature@extensible_dataset', 'backup'])
  })

  it('runs syncoid’s receive (-u -s, no -F) with the name as one word, stderr merged only when syncoid asked for 2>&1', () => {
    const full = request("  zfs receive -u  -s  'backup/nas/photos'")
    expect(full.code).toBe(0)
    expect(full.argv).toEqual(['receive', '-u', '-s', 'backup/nas/photos'])
    expect(full.stderr).toBe('stand-in stderr\n')
    const incremental = request("  zfs receive -u  -s  'backup/nas/family photos' 2>&1")
    expect(incremental.code).toBe(0)
    expect(incremental.argv).toEqual(['receive', '-u', '-s', 'backup/nas/family photos', 'stand-in stderr'])
    expect(incremental.stderr).toBe('')
  })

  it('admits syncoid’s abort of a stale partial receive in its quoting', () => {
    expect(request("zfs receive -A 'backup/nas/photos'").argv).toEqual(['receive', '-A', 'backup/nas/photos'])
  })

  describe('answers ps with running receives below the root and nothing else', () => {
    const titles = {
      shown: ['zfs receive -s -u backup/nas/x', '/usr/sbin/zfs receive -s -u backup/nas/family photos', 'zfs receive -u -s backup/nas/y/z'],
      hidden: [
        'zfs receive -s -u backup/other/x',
        'zfs receive -s -u backup/nasty/x',
        'zfs receive -s -u backup/nas/../other',
        'zfs receive -s -u backup/nas',
        'zfs send -w backup/nas/x@s',
        'sshd: alice [priv]',
        'mysqld --password=hunter2 backup/nas/x',
        'sh -c zfs receive -s -u backup/nas/x; id',
      ],
    }
    const decoys: ChildProcess[] = []
    beforeAll(() => {
      // Processes whose command line (as ps shows it) is exactly the title: perl's $0.
      for (const t of [...titles.shown, ...titles.hidden]) decoys.push(spawn('perl', ['-e', '$0 = shift; sleep 60', t], { stdio: 'ignore' }))
      const deadline = Date.now() + 10_000
      const all = [...titles.shown, ...titles.hidden]
      for (;;) {
        const lines = new Set(spawnSync('ps', ['-ww', '-Ao', 'args='], { encoding: 'utf8' }).stdout.split('\n'))
        if (all.every((t) => lines.has(t))) break
        if (Date.now() > deadline) throw new Error('the decoy processes did not show in ps within 10 s')
      }
    })
    afterAll(() => decoys.forEach((d) => d.kill('SIGKILL')))

    it('shows the receives into datasets below the root, as ps prints them, and hides every other process', () => {
      const r = request('ps -Ao args=')
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
      const lines = r.stdout.split('\n').filter(Boolean)
      expect([...lines].sort()).toEqual([...titles.shown].sort())
      // The host does run other processes (the decoys among them): the wrapper chose not to show them.
      expect(spawnSync('ps', ['-ww', '-Ao', 'args='], { encoding: 'utf8' }).stdout).toContain('sshd: alice [priv]')
    })

    it('gives syncoid’s busy check its true answer', () => {
      // syncoid's iszfsbusy: /zfs *(receive|recv).*\Q$fs\E\Z/ over each line.
      const busy = (fs: string) => request('ps -Ao args=').stdout.split('\n').some((p) => new RegExp(`zfs *(receive|recv).*${fs.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`).test(p))
      expect(busy('backup/nas/x')).toBe(true)
      expect(busy('backup/nas/family photos')).toBe(true)
      expect(busy('backup/nas/quiet')).toBe(false)
    })
  })
})

describe('the receive-only wrapper refuses everything else syncoid’s shapes could be bent into', () => {
  const hostile: [string, string][] = [
    // connection checks and tool probes
    ['exit with a status', 'exit 1'],
    ['exit and a second command', 'exit; id'],
    ['echo with text', 'echo -n hello'],
    ['echo and a second command', 'echo -n; id'],
    ['echo with a leading space', ' echo -n'],
    ['command -v of another program', 'command -v sh'],
    ['command -v lzop (not sent with --compress=none)', 'command -v lzop'],
    ['command -V', 'command -V mbuffer'],
    ['command -v and a second command', 'command -v mbuffer; id'],
    ['command -v run instead of asked', 'command mbuffer'],
    // ps
    ['ps piped into a shell', 'ps -Ao args= | sh'],
    ['ps with another format', 'ps -Ao args=,user'],
    ['ps aux', 'ps aux'],
    ['ps -ef', 'ps -ef'],
    ['ps and a second command', 'ps -Ao args=; id'],
    ['ps with a leading space', ' ps -Ao args='],
    // zpool get
    ['zpool get of another pool', "zpool get -o value -H feature@extensible_dataset 'tank'"],
    ['zpool get of a dataset', "zpool get -o value -H feature@extensible_dataset 'backup/nas'"],
    ['zpool get unquoted', 'zpool get -o value -H feature@extensible_dataset backup'],
    ['zpool get of another property', "zpool get -o value -H feature@encryption 'backup'"],
    ['zpool get all', "zpool get all 'backup'"],
    ['zpool get and a second command', "zpool get -o value -H feature@extensible_dataset 'backup'; zpool destroy backup"],
    ['zpool get piped on', "zpool get -o value -H feature@extensible_dataset 'backup' | sh"],
    ['zpool destroy', "zpool destroy 'backup'"],
    ['zpool status', 'zpool status'],
    // zfs get
    ['zfs get outside the root', "zfs get -H name 'backup/other/x'"],
    ['zfs get of the root itself', "zfs get -H name 'backup/nas'"],
    ['zfs get of the pool', "zfs get -Hpd 1 -t snapshot guid,creation 'backup'"],
    ['zfs get of a sibling sharing the prefix', "zfs get -H name 'backup/nasty/x'"],
    ['zfs get .. out of the root', "zfs get -H name 'backup/nas/../other'"],
    ['zfs get of a snapshot', "zfs get -H name 'backup/nas/x@a'"],
    ['zfs get unquoted', 'zfs get -H name backup/nas/x'],
    ['zfs get double-quoted', 'zfs get -H name "backup/nas/x"'],
    ['zfs get breaking out of the quotes', "zfs get -H name 'backup/nas/x'; id'"],
    ['zfs get with command substitution', "zfs get -H name 'backup/nas/$(id)'"],
    ['zfs get and a second command', "zfs get -H name 'backup/nas/x'; zfs destroy -r backup/nas"],
    ['zfs get and && a second command', "zfs get -H name 'backup/nas/x' && id"],
    ['zfs get piped to another command', "zfs get -H name 'backup/nas/x' | sh"],
    ['zfs get with a redirection', "zfs get -H name 'backup/nas/x' >/tmp/x"],
    ['zfs get with 2>&1', "zfs get -H -p used 'backup/nas/x' 2>&1"],
    ['zfs get of every property', "zfs get -H all 'backup/nas/x'"],
    ['zfs get of two properties', "zfs get -H name,keylocation 'backup/nas/x'"],
    ['zfs get recursive', "zfs get -r -H name 'backup/nas/x'"],
    ['zfs get deeper', "zfs get -Hpd 2 -t snapshot guid,creation 'backup/nas/x'"],
    ['zfs get of every type', "zfs get -Hpd 1 -t all guid,creation 'backup/nas/x'"],
    ['zfs get of bookmarks (a source-side query)', "zfs get -Hpd 1 -t bookmark guid,creation 'backup/nas/x'"],
    ['zfs get of two datasets', "zfs get -H name 'backup/nas/x' 'backup/other'"],
    ['zfs get with a doubled space', "zfs get -H  name 'backup/nas/x'"],
    ['zfs get with a leading space', " zfs get -H name 'backup/nas/x'"],
    ['zfs get with a trailing space', "zfs get -H name 'backup/nas/x' "],
    ['zfs get from elsewhere', "/tmp/zfs get -H name 'backup/nas/x'"],
    ['zfs set', "zfs set readonly=off 'backup/nas/x'"],
    ['zfs list of the tree', "zfs list -o name,origin -t filesystem,volume -Hr 'backup/nas'"],
    // syncoid's receive
    ['syncoid’s receive with -F (its default without --no-rollback)', "  zfs receive -u  -s -F 'backup/nas/x'"],
    ['syncoid’s receive with -F and 2>&1', "  zfs receive -u  -s -F 'backup/nas/x' 2>&1"],
    ['syncoid’s receive with -F in the gap', "  zfs receive -u -F -s  'backup/nas/x'"],
    ['syncoid’s receive without -u', "  zfs receive   -s  'backup/nas/x'"],
    ['syncoid’s receive without -s', "  zfs receive -u   'backup/nas/x'"],
    ['syncoid’s receive with -o', "  zfs receive -u -o mountpoint=/etc  -s  'backup/nas/x'"],
    ['syncoid’s receive with -x', "  zfs receive -u -x readonly  -s  'backup/nas/x'"],
    ['syncoid’s receive with -d', "  zfs receive -u -d  -s  'backup/nas'"],
    ['syncoid’s receive outside the root', "  zfs receive -u  -s  'backup/other/x'"],
    ['syncoid’s receive into the root itself', "  zfs receive -u  -s  'backup/nas'"],
    ['syncoid’s receive .. out of the root', "  zfs receive -u  -s  'backup/nas/../x'"],
    ['syncoid’s receive unquoted', '  zfs receive -u  -s  backup/nas/x'],
    ['syncoid’s receive and a second command', "  zfs receive -u  -s  'backup/nas/x'; zfs destroy -r backup/nas"],
    ['syncoid’s receive with 2>&1 and a second command', "  zfs receive -u  -s  'backup/nas/x' 2>&1; id"],
    ['syncoid’s receive piped to another command', "  zfs receive -u  -s  'backup/nas/x' 2>&1 | sh"],
    ['syncoid’s receive with another redirection', "  zfs receive -u  -s  'backup/nas/x' 2>/tmp/x"],
    ['syncoid’s receive with 2>&1 twice', "  zfs receive -u  -s  'backup/nas/x' 2>&1 2>&1"],
    ['syncoid’s receive behind an mbuffer stage', " mbuffer  -q -s 128k -m 16M 2>/dev/null |  zfs receive -u  -s  'backup/nas/x'"],
    ['syncoid’s receive behind an lzop stage', " lzop -dfc |  zfs receive -u  -s  'backup/nas/x' 2>&1"],
    ['syncoid’s receive behind another program', " sh |  zfs receive -u  -s  'backup/nas/x'"],
    ['syncoid’s receive with single spaces', "zfs receive -u -s 'backup/nas/x'"],
    ['syncoid’s receive with sudo', "sudo zfs receive -u  -s  'backup/nas/x'"],
    ['syncoid’s receive with a snapshot name', "  zfs receive -u  -s  'backup/nas/x@a'"],
    ['syncoid’s receive with shell syntax in the name', "  zfs receive -u  -s  'backup/nas/`id`'"],
    ['syncoid’s receive with a line break', "  zfs receive -u  -s  'backup/nas/x'\nid"],
    // what syncoid sends without the app's flags
    ['syncoid’s rollback', "zfs rollback -R 'backup/nas/x'@'a'"],
    ['syncoid’s sync snapshot pruning', "zfs destroy 'backup/nas/x'@syncoid_nas_2024-01-01:00:00:00-GMT00:00; zfs destroy 'backup/nas/x'@b"],
    ['syncoid’s --force-delete', "zfs destroy -r 'backup/nas/x'; "],
    ['a snapshot', "zfs snapshot 'backup/nas/x'@a"],
    ['abort of a partial receive outside the root', "zfs receive -A 'backup/other/x'"],
  ]

  it.each(hostile)('refuses %s, with a message and exit status 1, without running anything', (_what, command) => {
    const r = request(command)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^zfs-offsite receive-only: refused: .+\n$/)
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
