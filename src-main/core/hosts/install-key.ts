// Installing the app's public key for the login on a host: appended to the login's own
// authorized_keys once (never twice), with the permissions sshd's StrictModes wants.
// The key travels on stdin, so the command line is the same for every key.
import type { CommandSpec } from '../zfs/command'

const SCRIPT = [
  'set -e',
  'IFS= read -r key',
  'case "$key" in ssh-ed25519\\ *) ;; *) echo "not an ed25519 public key" >&2; exit 2 ;; esac',
  'umask 077',
  'mkdir -p "$HOME/.ssh"',
  'chmod 700 "$HOME/.ssh"',
  'touch "$HOME/.ssh/authorized_keys"',
  'chmod 600 "$HOME/.ssh/authorized_keys"',
  'grep -qxF "$key" "$HOME/.ssh/authorized_keys" || printf "%s\\n" "$key" >> "$HOME/.ssh/authorized_keys"',
].join('\n')

export function installPublicKeyCommand(publicKeyLine: string): CommandSpec {
  if (!/^ssh-ed25519 [A-Za-z0-9+/]+=*( [^\n]*)?$/.test(publicKeyLine)) throw new Error('not an ed25519 public key line')
  return { argv: ['sh', '-c', SCRIPT], successCodes: [0], stdin: `${publicKeyLine}\n` }
}
