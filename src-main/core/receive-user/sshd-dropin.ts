// An sshd drop-in on the off-site box for the receive user only: sshd probes the client
// every 15 s and drops it after three unanswered probes, so a receive whose connection
// was cut (a NAS that lost power, a dead tunnel) ends within a minute and its partial
// state can be resumed; without it the receive sat busy for hours in the lab.
import type { CommandSpec } from '../zfs/command'
import { checkRemotePath } from './nas-key'
import { checkUser } from './receive-user'

/** Debian's sshd_config includes /etc/ssh/sshd_config.d/*.conf first. */
export const SSHD_DROPIN_PATH = '/etc/ssh/sshd_config.d/zfs-offsite-receive.conf'

export const SSHD_DROPIN_MARKER = '# Written by ZFS Offsite: a dead NAS connection ends within a minute for the receive user.'

export function sshdDropinText(user: string): string {
  return [SSHD_DROPIN_MARKER, `Match User ${checkUser(user)}`, '  ClientAliveInterval 15', '  ClientAliveCountMax 3', ''].join('\n')
}

// Reload, not restart: open sessions (a running receive) stay. `sshd -t` first, so a
// drop-in sshd rejects is taken out again rather than left to break the next restart.
const RELOAD = 'systemctl reload ssh 2>/dev/null || systemctl reload sshd'

const WRITE_SCRIPT = [
  'set -e',
  'f=$1',
  'if [ -e "$f" ] && printf %s "$3" | cmp -s - "$f"; then echo unchanged; exit 0; fi',
  'if [ -e "$f" ] && [ "$(head -n 1 "$f")" != "$2" ]; then echo "$f was not written by ZFS Offsite; not replaced" >&2; exit 3; fi',
  'if [ -e "$f" ]; then state=replaced; else state=created; fi',
  'umask 022',
  'mkdir -p "${f%/*}"',
  'printf %s "$3" > "$f.zfs-offsite-new"',
  'mv -f "$f.zfs-offsite-new" "$f"',
  'if command -v sshd >/dev/null; then s=sshd; else s=/usr/sbin/sshd; fi',
  'if ! "$s" -t; then rm -f "$f"; echo "sshd refused the drop-in; removed" >&2; exit 4; fi',
  RELOAD,
  'echo "$state"',
].join('\n')

/** Writes the drop-in unless it is there already; prints created, replaced or unchanged. */
export function writeSshdDropinCommand(user: string, path: string = SSHD_DROPIN_PATH): CommandSpec {
  const text = sshdDropinText(user)
  return { argv: ['sh', '-c', WRITE_SCRIPT, 'sh', checkRemotePath(path), SSHD_DROPIN_MARKER, text], successCodes: [0] }
}

export function parseWriteSshdDropin(stdout: string): 'created' | 'replaced' | 'unchanged' {
  const word = stdout.trim().split('\n').at(-1)?.trim()
  if (word === 'created' || word === 'replaced' || word === 'unchanged') return word
  throw new Error(`not the output of the sshd drop-in step: ${JSON.stringify(stdout.slice(0, 80))}`)
}

/** Undo: only a drop-in the app created. */
export function removeSshdDropinCommand(path: string = SSHD_DROPIN_PATH): CommandSpec {
  return { argv: ['sh', '-c', `rm -f -- "$1"\n${RELOAD}`, 'sh', checkRemotePath(path)], successCodes: [0] }
}
