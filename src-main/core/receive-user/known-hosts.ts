// The off-site box's host key pinned for the NAS, in a known_hosts file of the app's own
// (the NAS's run script passes it with UserKnownHostsFile and StrictHostKeyChecking=yes),
// so the NAS never trusts on first use and the person's own known_hosts is not touched.
import type { CommandSpec } from '../zfs/command'
import { HOST_KEY_FILE } from '../hosts/host-key-trust'
import { NAS_SSH_DIR, checkRemotePath } from './nas-key'
import { isEd25519Blob, parseEd25519Line, type Ed25519Blob } from './public-key'

export const NAS_KNOWN_HOSTS = `${NAS_SSH_DIR}/known_hosts`

/**
 * Read on the off-site box over the app's own connection, whose host key the person
 * pinned: the service must check this key's SHA256 fingerprint equals that pin.
 */
export function hostPublicKeyCommand(): CommandSpec {
  return { argv: ['cat', HOST_KEY_FILE], successCodes: [0] }
}

export function parseHostPublicKey(stdout: string): Ed25519Blob {
  const blob = parseEd25519Line(stdout.trim().split('\n')[0] ?? '')
  if (blob === null) throw new Error('the host key file does not hold an ed25519 public key')
  return blob
}

/** How ssh names a host in known_hosts: the address, or [address]:port off port 22. */
export function knownHostsName(address: string, port = 22): string {
  if (!/^[0-9A-Za-z.:-]+$/.test(address)) throw new Error(`not a host address: ${JSON.stringify(address)}`)
  return port === 22 ? address : `[${address}]:${port}`
}

export function knownHostsLine(address: string, port: number, blob: Ed25519Blob): string {
  if (!isEd25519Blob(blob)) throw new Error('not an ed25519 public key')
  return `${knownHostsName(address, port)} ssh-ed25519 ${blob}`
}

/** The file with the host's line replaced (any key type: an old key for that name must not linger) or added. */
export function mergeKnownHosts(current: string, line: string): { readonly text: string; readonly changed: boolean } {
  const name = line.split(' ')[0]!
  const lines = current === '' ? [] : current.replace(/\n$/, '').split('\n')
  const kept = lines.filter((l) => !l.split(/\s+/)[0]!.split(',').includes(name))
  const text = [...kept, line].join('\n') + '\n'
  // Same lines, maybe in another order: leave the file as it is.
  const same = lines.length === kept.length + 1 && lines.includes(line)
  return same ? { text: current, changed: false } : { text, changed: true }
}

/** The file without any line for `name` (undo); other hosts kept. */
export function withoutKnownHost(current: string, name: string): { readonly text: string; readonly changed: boolean } {
  const lines = current === '' ? [] : current.replace(/\n$/, '').split('\n')
  const kept = lines.filter((l) => !l.split(/\s+/)[0]!.split(',').includes(name))
  const text = kept.length === 0 ? '' : kept.join('\n') + '\n'
  return { text, changed: text !== current }
}

export function readKnownHostsCommand(path: string = NAS_KNOWN_HOSTS): CommandSpec {
  return { argv: ['sh', '-c', 'if [ -e "$1" ]; then echo present; cat "$1"; else echo absent; fi', 'sh', checkRemotePath(path)], successCodes: [0] }
}

export function parseKnownHosts(stdout: string): { readonly exists: boolean; readonly text: string } {
  const nl = stdout.indexOf('\n')
  const head = nl < 0 ? stdout.trim() : stdout.slice(0, nl)
  if (head === 'absent') return { exists: false, text: '' }
  if (head === 'present') return { exists: true, text: nl < 0 ? '' : stdout.slice(nl + 1) }
  throw new Error(`not the output of the known_hosts read: ${JSON.stringify(stdout.slice(0, 80))}`)
}

/** Deletes the app's own known_hosts file: undo does this once the last line in it is gone, so no empty file stays behind. */
export function removeKnownHostsCommand(path: string = NAS_KNOWN_HOSTS): CommandSpec {
  return { argv: ['rm', '-f', '--', checkRemotePath(path)], successCodes: [0] }
}

export function writeKnownHostsCommand(text: string, path: string = NAS_KNOWN_HOSTS): CommandSpec {
  const script = ['set -e', 'umask 077', 'mkdir -p "${1%/*}"', 'cat > "$1.zfs-offsite-new"', 'mv -f "$1.zfs-offsite-new" "$1"'].join('\n')
  return { argv: ['sh', '-c', script, 'sh', checkRemotePath(path)], successCodes: [0], stdin: text }
}
