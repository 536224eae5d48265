// The forced command on the off-site box: the only thing the NAS's receive key can run.
// sshd puts what the NAS asked for in SSH_ORIGINAL_COMMAND; the wrapper admits, matched
// whole and anchored, exactly the two commands the app's run script sends:
//   zfs receive -s -u <root>/<name>      (also /usr/sbin/zfs; <name> may be quoted when it has a space)
//   zfs receive -A <root>/<name>         (discard a stale partial receive)
// and runs them with an argv of its own making (never eval, never sh -c of the request).
// No -F (it rolls back and destroys, zfs-receive.8 and openzfs#16943), no -o/-x, no
// names outside the one delegated parent. No listing either: the app lists the target
// over its own login, and `zfs list` would show every dataset on the box.
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
    `refuse() { printf 'zfs-offsite receive-only: refused: %s\\n' "$1" >&2; exit 1; }`,
    'request=${SSH_ORIGINAL_COMMAND-}',
    `[ -n "$request" ] || refuse 'this key can only receive snapshots; it cannot open a shell'`,
    // One printable line: a line break, tab or escape could smuggle a second command or hide one.
    `case $request in *[![:print:]]*) refuse 'the command holds a line break or another control character' ;; esac`,
    // Whole and anchored, single spaces: the app's own commands exactly, nothing appended.
    `shape='^(/usr/sbin/zfs|zfs) receive (-s -u|-A) ([^ ].*)$'`,
    `[[ $request =~ $shape ]] || refuse "only 'zfs receive -s -u <dataset>' and 'zfs receive -A <dataset>' below $ROOT are allowed"`,
    'mode=${BASH_REMATCH[2]}',
    'arg=${BASH_REMATCH[3]}',
    // The app quotes a name for the shell only when it has a space: 'backup/nas/family photos'.
    `quoted="^'([^']*)'\\$"`,
    'if [[ $arg =~ $quoted ]]; then name=${BASH_REMATCH[1]}',
    `elif [[ $arg =~ ^[A-Za-z0-9_.:/-]+$ ]]; then name=$arg`,
    `else refuse 'the dataset is not a plain name (options, quotes and shell syntax are not allowed)'`,
    'fi',
    `case $name in "$ROOT"/*) ;; *) refuse "only datasets below $ROOT" ;; esac`,
    'rest=${name#"$ROOT"/}',
    // OpenZFS's rules (zfs_namecheck.c): letters, digits, space and - _ . : per part; no empty part.
    `part='[A-Za-z0-9_.: -]+'`,
    `[[ $rest =~ ^$part(/$part)*$ ]] || refuse 'not a valid dataset name (no @, #, %, empty parts or other characters)'`,
    `case /$rest/ in */./* | */../*) refuse "'.' and '..' are not dataset names" ;; esac`,
    `(( \${#name} < 256 )) || refuse 'the dataset name is too long'`,
    'slashes=${name//[!\\/]/}',
    `(( \${#slashes} < 50 )) || refuse 'the dataset is nested too deep'`,
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
