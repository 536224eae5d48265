// Whether the app's login on a host can do the wizard's work, which needs root: it is
// root, or `sudo -n` works without a password. Anything else stops before any change.
import type { CommandSpec } from '../zfs/command'
import type { HostProbe } from '../../shared/model'

/** Prints the uid, then whether sudo works without a password (never prompts: -n). */
export function loginCheckCommand(): CommandSpec {
  return { argv: ['sh', '-c', 'id -u; if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then echo sudo; else echo nosudo; fi'], successCodes: [0] }
}

export function parseLoginCheck(stdout: string): HostProbe['login']['sudo'] {
  const [uid, sudo] = stdout.trim().split('\n').map((l) => l.trim())
  if (uid === undefined || !/^\d+$/.test(uid)) throw new Error(`not the output of the login check: ${JSON.stringify(stdout.slice(0, 80))}`)
  if (uid === '0') return 'root'
  return sudo === 'sudo' ? 'nopasswd' : 'no'
}
