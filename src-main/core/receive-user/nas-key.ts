// The NAS's own ed25519 key for reaching the receive user: made on the NAS, kept there
// (mode 600 under umask 077), only its public half read back. It is used by nothing
// else, so its authorized_keys line can be as narrow as the job needs.
import type { CommandSpec } from '../zfs/command'
import { parseEd25519Line, type Ed25519Blob } from './public-key'

/** Next to the run state the NAS already keeps (/var/lib/zfs-offsite/runs). */
export const NAS_SSH_DIR = '/var/lib/zfs-offsite/ssh'
export const NAS_KEY_PATH = `${NAS_SSH_DIR}/receive_ed25519`
/** The comment that marks the app's key and its authorized_keys line. */
export const KEY_COMMENT = 'zfs-offsite'

const SCRIPT = [
  'set -e',
  'umask 077',
  'k=$1',
  'mkdir -p "${k%/*}"',
  // An existing key is kept: its public half is already in the receive user's line.
  'if [ -e "$k" ]; then echo existing; else ssh-keygen -q -t ed25519 -N "" -C "$2" -f "$k"; echo created; fi',
  '[ -e "$k.pub" ] || ssh-keygen -y -f "$k" > "$k.pub"',
  'cat "$k.pub"',
].join('\n')

export function checkRemotePath(path: string): string {
  if (!/^\/[A-Za-z0-9_./@+-]*$/.test(path) || path.split('/').includes('..')) throw new Error(`not a plain absolute path: ${JSON.stringify(path)}`)
  return path
}

export function generateNasKeyCommand(path: string = NAS_KEY_PATH): CommandSpec {
  return { argv: ['sh', '-c', SCRIPT, 'sh', checkRemotePath(path), KEY_COMMENT], successCodes: [0] }
}

export interface NasKey {
  readonly blob: Ed25519Blob
  readonly created: boolean
}

export function parseNasKey(stdout: string): NasKey {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  const state = lines[0]
  const blob = lines.length === 2 ? parseEd25519Line(lines[1]!) : null
  if ((state !== 'created' && state !== 'existing') || blob === null) throw new Error('the key step did not print an ed25519 public key')
  return { blob, created: state === 'created' }
}

export function removeNasKeyCommand(path: string = NAS_KEY_PATH): CommandSpec {
  const p = checkRemotePath(path)
  return { argv: ['rm', '-f', '--', p, `${p}.pub`], successCodes: [0] }
}
