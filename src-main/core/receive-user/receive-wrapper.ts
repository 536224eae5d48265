// The forced command on the off-site box: the only thing the NAS's receive key can run.
// sshd puts what the NAS asked for in SSH_ORIGINAL_COMMAND; the wrapper admits, each
// matched as a whole string, anchored, byte for byte (syncoid's own leading and doubled
// spaces included), and only for datasets below the one delegated parent <root>:
//   the app's run script:
//     zfs receive -s -u <root>/<name>    (also /usr/sbin/zfs; <name> quoted when it has a space)
//     zfs receive -A <root>/<name>       (discard a stale partial receive; syncoid sends it too)
//   syncoid 2.1.0 (Debian bookworm) run by the NAS as --no-sync-snap --no-rollback
//   --no-privilege-elevation --compress=none --recvoptions=u (core/replication/syncoid-command.ts),
//   its strings captured in the lab (test/fixtures/syncoid/):
//     exit | echo -n                     (its ControlMaster login and connection test: nothing runs)
//     command -v mbuffer                 (answered "absent", see below)
//     zpool get -o value -H feature@extensible_dataset '<pool of root>'   (may it resume?)
//     zfs get -H name '<ds>'             (does the target exist?)
//     zfs get -H receive_resume_token '<ds>'
//     zfs get -Hpd 1 -t snapshot guid,creation '<ds>'   (the target's snapshots, by GUID)
//     zfs get -H -p used '<ds>'
//     ps -Ao args=                       (answered with receive lines only, see below)
//     "  zfs receive -u  -s  '<ds>'" and the same with " 2>&1" (full; incremental and resumed)
// Each runs with an argv of the wrapper's own making (never eval, never sh -c of the
// request); `2>&1` is done by the wrapper itself. Never -F (it rolls back and destroys even
// with plain `receive` rights, zfs-receive.8, openzfs#16943), never `zfs rollback`,
// `destroy`, `set`, `list`, -o/-x, -d/-e, pipelines or a second command. `zfs get` only
// of the four properties syncoid reads, only on one dataset below the root (no -r):
// the box's other datasets stay unseen.
// `ps -Ao args=`: syncoid uses it only to ask "is a `zfs receive` into this target
// already running?" (its iszfsbusy: /zfs *(receive|recv).*<target>\Z/). The box's process
// list is not the NAS's business, so the answer holds only the lines of running `zfs
// receive`/`recv` processes whose target is a dataset below the root — that question
// still gets its true answer, nothing else is shown.
// `command -v mbuffer` is answered "absent" (no output, status 1): syncoid then sends the
// receive alone, without an `mbuffer … |` stage in front of it, so the wrapper never runs
// a pipeline or reads mbuffer's options. The buffer and rate limit still work where they
// matter, on the NAS (--mbuffer-size, --source-bwlimit). `command -v lzop` is not sent
// with --compress=none and stays refused (which syncoid would read as "absent" too).
// Anything else is refused on stderr with exit status 1.
import type { CommandSpec } from '../zfs/command'
import { quoteArg } from '../shell/quote'
import { checkDatasetName, type DatasetName } from '../zfs/names'

/** Root-owned, outside the receive user's home: the user can never change what it allows. */
export const WRAPPER_PATH = '/usr/local/libexec/zfs-offsite/receive-only'

/** Where the wrapper finds zfs, whatever PATH the login brought (zfs is in /usr/sbin on Debian, /sbin elsewhere). */
export const WRAPPER_SEARCH_PATH = '/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin'

/** The first line, by which the app recognises its own wrapper. */
export const WRAPPER_MARKER = '# Written by ZFS Offsite: the receive-only forced command for the NAS’s key.'

export interface WrapperOptions {
  /** The one delegated parent; every admitted target lies below it. */
  readonly root: DatasetName
  /** Baked into the script; tests put a stand-in zfs here. */
  readonly searchPath?: string
}

export function receiveWrapperScript(options: WrapperOptions): string {
  const root = checkDatasetName(options.root)
  if (!root.ok) throw new Error(`not a dataset name: ${root.reason}`)
  const searchPath = options.searchPath ?? WRAPPER_SEARCH_PATH
  if (!/^\/[A-Za-z0-9_./:-]*$/.test(searchPath)) throw new Error('not a search path')
  const lines = [
    // -p: ignore BASH_ENV, ENV, SHELLOPTS and functions from the environment, whatever sshd passed.
    '#!/bin/bash -p',
    WRAPPER_MARKER,
    '# Installed by the app in authorized_keys as command="…"; changing it widens what the NAS may do here.',
    'set -u',
    // sshd passes LC_* from the client (Debian's AcceptEnv): fix the locale so [A-Za-z] means ASCII only.
    'export LC_ALL=C',
    `PATH=${quoteArg(searchPath)}`,
    'export PATH',
    `ROOT=${quoteArg(root.value)}`,
    'POOL=${ROOT%%/*}',
    `refuse() { printf 'zfs-offsite receive-only: refused: %s\\n' "$1" >&2; exit 1; }`,
    // Sets name=$1 when $1 is a dataset strictly below the root by OpenZFS's rules
    // (zfs_namecheck.c: letters, digits, space and - _ . : per part; no empty part; limits);
    // otherwise says why in $why and returns 1.
    'below_root() {',
    `  case $1 in "$ROOT"/*) ;; *) why="only datasets below $ROOT"; return 1 ;; esac`,
    '  local rest=${1#"$ROOT"/} part=\'[A-Za-z0-9_.: -]+\' slashes',
    `  [[ $rest =~ ^$part(/$part)*$ ]] || { why='not a valid dataset name (no @, #, %, empty parts or other characters)'; return 1; }`,
    `  case /$rest/ in */./* | */../*) why="'.' and '..' are not dataset names"; return 1 ;; esac`,
    `  (( \${#1} < 256 )) || { why='the dataset name is too long'; return 1; }`,
    '  slashes=${1//[!\\/]/}',
    `  (( \${#slashes} < 50 )) || { why='the dataset is nested too deep'; return 1; }`,
    '  name=$1',
    '}',
    // The answer to syncoid's `ps -Ao args=`: running receives into datasets below the root, nothing else.
    'receives_below_root() {',
    `  local line n shape='^(/usr/sbin/zfs|/sbin/zfs|zfs) (receive|recv) (-[A-Za-z]+ )*([^ -].*)$'`,
    '  ps -ww -Ao args= | while IFS= read -r line; do',
    '    [[ $line =~ $shape ]] || continue',
    '    n=${BASH_REMATCH[4]}',
    `    if below_root "$n"; then printf '%s\\n' "$line"; fi`,
    '  done',
    '}',
    'request=${SSH_ORIGINAL_COMMAND-}',
    `[ -n "$request" ] || refuse 'this key can only receive snapshots; it cannot open a shell'`,
    // One printable line: a line break, tab or escape could smuggle a second command or hide one.
    `case $request in *[![:print:]]*) refuse 'the command holds a line break or another control character' ;; esac`,
    // syncoid's connection handling and tool checks, exactly as it sends them.
    'case $request in',
    `  'exit' | 'echo -n') exit 0 ;;`,
    `  'command -v mbuffer') exit 1 ;;`,
    `  'ps -Ao args=') receives_below_root; exit 0 ;;`,
    'esac',
    // syncoid quotes every name in single quotes (its escapeshellparam); ZFS names hold none.
    `q="'([^']*)'"`,
    `pool_shape="^zpool get -o value -H feature@extensible_dataset $q\\$"`,
    'if [[ $request =~ $pool_shape ]]; then',
    `  [ "\${BASH_REMATCH[1]}" = "$POOL" ] || refuse "only the pool of $ROOT"`,
    '  exec zpool get -o value -H feature@extensible_dataset "$POOL"',
    'fi',
    `get_shape="^zfs get (-H name|-H receive_resume_token|-Hpd 1 -t snapshot guid,creation|-H -p used) $q\\$"`,
    'if [[ $request =~ $get_shape ]]; then',
    '  what=${BASH_REMATCH[1]}',
    '  below_root "${BASH_REMATCH[2]}" || refuse "$why"',
    '  case $what in',
    `    '-H name') exec zfs get -H name "$name" ;;`,
    `    '-H receive_resume_token') exec zfs get -H receive_resume_token "$name" ;;`,
    `    '-Hpd 1 -t snapshot guid,creation') exec zfs get -Hpd 1 -t snapshot guid,creation "$name" ;;`,
    `    '-H -p used') exec zfs get -H -p used "$name" ;;`,
    '  esac',
    'fi',
    // syncoid's receive with --recvoptions=u and resume on, no -F (--no-rollback), no mbuffer or lzop stage.
    `recv_shape="^  zfs receive -u  -s  $q( 2>&1)?\\$"`,
    'if [[ $request =~ $recv_shape ]]; then',
    '  merge=${BASH_REMATCH[2]}',
    '  below_root "${BASH_REMATCH[1]}" || refuse "$why"',
    '  [ -z "$merge" ] || exec 2>&1',
    '  exec zfs receive -u -s "$name"',
    'fi',
    // The app's own commands: single spaces, nothing appended.
    `shape='^(/usr/sbin/zfs|zfs) receive (-s -u|-A) ([^ ].*)$'`,
    `[[ $request =~ $shape ]] || refuse "only the app's and syncoid's receive commands and syncoid's read-only queries below $ROOT are allowed"`,
    'mode=${BASH_REMATCH[2]}',
    'arg=${BASH_REMATCH[3]}',
    // The app quotes a name for the shell only when it has a space: 'backup/nas/family photos'.
    `quoted="^'([^']*)'\\$"`,
    'if [[ $arg =~ $quoted ]]; then n=${BASH_REMATCH[1]}',
    `elif [[ $arg =~ ^[A-Za-z0-9_.:/-]+$ ]]; then n=$arg`,
    `else refuse 'the dataset is not a plain name (options, quotes and shell syntax are not allowed)'`,
    'fi',
    'below_root "$n" || refuse "$why"',
    // argv of our own: the name is one word whatever it holds, and zfs comes from PATH above.
    'case $mode in',
    `  '-s -u') exec zfs receive -s -u "$name" ;;`,
    `  '-A') exec zfs receive -A "$name" ;;`,
    'esac',
    `refuse 'unknown form'`,
  ]
  return lines.join('\n') + '\n'
}

// Installed root-owned and not writable by anyone else; swapped in whole.
const INSTALL_SCRIPT = [
  'set -e',
  'umask 022',
  'mkdir -p "${1%/*}"',
  'cat > "$1.zfs-offsite-new"',
  'chown root:root "$1.zfs-offsite-new"',
  'chmod 755 "$1.zfs-offsite-new"',
  'mv -f "$1.zfs-offsite-new" "$1"',
].join('\n')

export function installWrapperCommand(script: string, path: string = WRAPPER_PATH): CommandSpec {
  if (!script.startsWith(`#!/bin/bash -p\n${WRAPPER_MARKER}\n`)) throw new Error('only the app’s wrapper is installed')
  return { argv: ['sh', '-c', INSTALL_SCRIPT, 'sh', path], successCodes: [0], stdin: script }
}

/** Compares the installed wrapper with the one the app would write, on the host: absent, same or different. */
export function wrapperStateCommand(script: string, path: string = WRAPPER_PATH): CommandSpec {
  const compare = 'if [ ! -e "$1" ]; then echo absent; elif cmp -s - "$1"; then echo same; else echo different; fi'
  return { argv: ['sh', '-c', compare, 'sh', path], successCodes: [0], stdin: script }
}

export function parseWrapperState(stdout: string): 'absent' | 'same' | 'different' {
  const word = stdout.trim()
  if (word === 'absent' || word === 'same' || word === 'different') return word
  throw new Error(`not the output of the wrapper check: ${JSON.stringify(stdout.slice(0, 80))}`)
}

export function removeWrapperCommand(path: string = WRAPPER_PATH): CommandSpec {
  return { argv: ['rm', '-f', '--', path], successCodes: [0] }
}
