// The dedicated receive user on the off-site box: made once (a re-run finds it), with a
// real shell because sshd runs the forced command through it (`$SHELL -c <command>`):
// with /usr/sbin/nologin not even the wrapper would run.
import type { CommandSpec } from '../zfs/command'
import { UnixUserSchema } from '../../shared/model'

export const DEFAULT_RECEIVE_USER = 'zfsreceive'

export function checkUser(user: string): string {
  const r = UnixUserSchema.safeParse(user)
  if (!r.success || r.data !== user) throw new Error(`not a login name: ${JSON.stringify(user)}`)
  if (user === 'root') throw new Error('the receive user is never root')
  return user
}

const CREATE_SCRIPT = [
  'set -e',
  'if id -u "$1" >/dev/null 2>&1; then echo existing; exit 0; fi',
  'useradd --system --create-home --shell /bin/sh --comment "ZFS Offsite receive-only" "$1"',
  // useradd leaves the password locked ("!"); OpenSSH without PAM refuses key logins to a
  // locked account. "*" matches no password and is not "locked".
  'usermod -p "*" "$1"',
  'echo created',
].join('\n')

export function createReceiveUserCommand(user: string): CommandSpec {
  return { argv: ['sh', '-c', CREATE_SCRIPT, 'sh', checkUser(user)], successCodes: [0] }
}

export function parseCreateReceiveUser(stdout: string): { readonly created: boolean } {
  const word = stdout.trim().split('\n').at(-1)?.trim()
  if (word !== 'created' && word !== 'existing') throw new Error(`not the output of the user step: ${JSON.stringify(stdout.slice(0, 80))}`)
  return { created: word === 'created' }
}

/** Undo: only for a user the app created; removes its home (which holds nothing but the app's key line). */
export function removeReceiveUserCommand(user: string): CommandSpec {
  return { argv: ['userdel', '--remove', checkUser(user)], successCodes: [0] }
}
