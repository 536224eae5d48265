// The one authorized_keys line that lets the NAS's key in as the receive user:
//   restrict,from="<NAS tunnel address>",command="<wrapper>" ssh-ed25519 AAAA… zfs-offsite
// `restrict` turns off pty, forwarding, agent, X11 and ~/.ssh/rc; `from` accepts the key
// only from the NAS's tunnel address; `command` replaces whatever the client asked for
// with the receive-only wrapper (which reads the request from SSH_ORIGINAL_COMMAND).
// Installing it replaces the app's earlier line and keeps every other line as it was.
import type { CommandSpec } from '../zfs/command'
import { KEY_COMMENT, checkRemotePath } from './nas-key'
import { isEd25519Blob, type Ed25519Blob } from './public-key'
import { checkUser } from './receive-user'

/** An IPv4 or IPv6 address: sshd matches `from=` against the client's address (host names need UseDNS, off by default). */
export function checkFromAddress(address: string): string {
  const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
  const ipv6 = /^[0-9a-fA-F:]+$/
  if (!ipv4.test(address) && !(ipv6.test(address) && address.includes(':'))) throw new Error(`not an IP address: ${JSON.stringify(address)}`)
  return address
}

export interface AuthorizedKeyInput {
  readonly blob: Ed25519Blob
  /** The NAS's address as the off-site box sees it (its tunnel address). */
  readonly from: string
  readonly wrapperPath: string
}

export function authorizedKeysLine(input: AuthorizedKeyInput): string {
  if (!isEd25519Blob(input.blob)) throw new Error('not an ed25519 public key')
  // Both values are checked to hold no '"', ',' or space, which would end the option.
  return `restrict,from="${checkFromAddress(input.from)}",command="${checkRemotePath(input.wrapperPath)}" ssh-ed25519 ${input.blob} ${KEY_COMMENT}`
}

/** The app's line: its comment, or the same key (a line for this key written by hand is replaced too, never left wider). */
function isAppLine(line: string, blob: string | null): boolean {
  const t = line.trim()
  if (t === '' || t.startsWith('#')) return false
  return t.endsWith(` ${KEY_COMMENT}`) || (blob !== null && new RegExp(`(^|\\s)${blob.replace(/[+/]/g, '\\$&')}(\\s|$)`).test(t))
}

function blobOf(line: string): string | null {
  return /\sssh-ed25519 (\S+)/.exec(` ${line}`)?.[1] ?? null
}

/** The file with `line` in place of the app's line(s), at the first one's position; appended when there was none. */
export function mergeAuthorizedKeys(current: string, line: string): { readonly text: string; readonly changed: boolean } {
  const blob = blobOf(line)
  const lines = current === '' ? [] : current.replace(/\n$/, '').split('\n')
  const out: string[] = []
  let placed = false
  for (const l of lines) {
    if (!isAppLine(l, blob)) out.push(l)
    else if (!placed) {
      out.push(line)
      placed = true
    }
  }
  if (!placed) out.push(line)
  const text = out.join('\n') + '\n'
  return { text, changed: text !== current }
}

/** The file without the app's line (undo); every other line kept. */
export function withoutAppLine(current: string): { readonly text: string; readonly changed: boolean } {
  const lines = current === '' ? [] : current.replace(/\n$/, '').split('\n')
  const kept = lines.filter((l) => !isAppLine(l, null))
  const text = kept.length === 0 ? '' : kept.join('\n') + '\n'
  return { text, changed: text !== current }
}

const HOME = 'h=$(getent passwd "$1" | cut -d: -f6); [ -n "$h" ] || { echo "no such user: $1" >&2; exit 2; }'

/** Prints "absent", or "present" and the file. Public keys only: nothing secret. */
export function readAuthorizedKeysCommand(user: string): CommandSpec {
  const script = [HOME, 'f="$h/.ssh/authorized_keys"', 'if [ -e "$f" ]; then echo present; cat "$f"; else echo absent; fi'].join('\n')
  return { argv: ['sh', '-c', script, 'sh', checkUser(user)], successCodes: [0] }
}

export function parseAuthorizedKeys(stdout: string): { readonly exists: boolean; readonly text: string } {
  const nl = stdout.indexOf('\n')
  const head = nl < 0 ? stdout.trim() : stdout.slice(0, nl)
  if (head === 'absent') return { exists: false, text: '' }
  if (head === 'present') return { exists: true, text: nl < 0 ? '' : stdout.slice(nl + 1) }
  throw new Error(`not the output of the authorized_keys read: ${JSON.stringify(stdout.slice(0, 80))}`)
}

// Root owns ~/.ssh and the file (sshd's StrictModes accepts root or the user): the key's
// holder can never widen its own line, even if something let it write files.
const WRITE_SCRIPT = [
  'set -e',
  HOME,
  'umask 022',
  'mkdir -p "$h/.ssh"',
  'chown root:root "$h/.ssh"',
  'chmod 755 "$h/.ssh"',
  'cat > "$h/.ssh/authorized_keys.zfs-offsite-new"',
  'chmod 644 "$h/.ssh/authorized_keys.zfs-offsite-new"',
  'mv -f "$h/.ssh/authorized_keys.zfs-offsite-new" "$h/.ssh/authorized_keys"',
].join('\n')

/** Writes the whole file (from mergeAuthorizedKeys or withoutAppLine), swapped in at once. */
export function writeAuthorizedKeysCommand(user: string, text: string): CommandSpec {
  return { argv: ['sh', '-c', WRITE_SCRIPT, 'sh', checkUser(user)], successCodes: [0], stdin: text }
}
