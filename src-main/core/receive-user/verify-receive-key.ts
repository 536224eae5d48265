// Proving by trying, from the NAS, that its receive key can do no harm off-site: each
// attempt goes through the real ssh, sshd, forced command and wrapper, and must come
// back refused by the wrapper (exit 1 and its message), never run.
import type { CommandSpec } from '../zfs/command'
import type { DatasetName } from '../zfs/names'
import { sshArgv, type ReceiverEndpoint } from '../replication/pipeline'
import { shellJoin } from '../shell/quote'

/** The wrapper's own refusal line (receive-wrapper.ts), told apart from ssh's and zfs's messages. */
export const WRAPPER_REFUSAL = 'zfs-offsite receive-only: refused:'

export interface KeyAttempt {
  /** What a stolen key would try, in plain words. */
  readonly label: string
  /** Runs on the NAS. */
  readonly command: CommandSpec
}

/** Destroy, roll back, force a receive, open a shell: each must be refused. */
export function forbiddenAttempts(to: ReceiverEndpoint, root: DatasetName, snapshot: string): KeyAttempt[] {
  const remote = (argv: string[]): CommandSpec => ({ argv: sshArgv(to, { argv, successCodes: [0] }), successCodes: [0, 1, 255] })
  return [
    { label: 'destroy an off-site snapshot', command: remote(['zfs', 'destroy', snapshot]) },
    { label: 'roll the off-site copy back', command: remote(['zfs', 'rollback', '-r', snapshot]) },
    { label: 'receive with -F (which may roll back and destroy)', command: { ...remote(['zfs', 'receive', '-s', '-u', '-F', `${root}/zfs-offsite-probe`]), stdin: '' } },
    { label: 'open a shell', command: remote(['sh', '-c', 'id']) },
  ]
}

/** An attempt counts as refused only with exit status 1 and the wrapper's message: a timeout or a missing key is not proof. */
export function refusedByWrapper(result: { readonly exitCode: number | null; readonly stderr: string }): boolean {
  return result.exitCode === 1 && result.stderr.split('\n').some((l) => l.startsWith(WRAPPER_REFUSAL))
}

/**
 * Logging in with the NAS's key, over the pinned known_hosts: any answer from past sshd
 * (the wrapper's refusal, or 127 before the wrapper is installed) proves the key, its
 * from= address and the host key; ssh's own failure is exit status 255.
 */
export function receiveLoginCommand(to: ReceiverEndpoint): CommandSpec {
  return { argv: sshArgv(to, { argv: ['true'], successCodes: [0] }), successCodes: [0, 1, 126, 127, 255], stdin: '' }
}

/** The dataset a test receive lands in, below the delegated parent; removed afterwards over the app's own login. */
export const probeTarget = (root: DatasetName): string => `${root}/zfs-offsite-probe`

/**
 * A real receive of a tiny stream, as the receive user through the wrapper: on the NAS,
 * an empty file system is made in `pool`, snapshotted, sent over the key to
 * `<root>/zfs-offsite-probe`, and removed again whatever happens (trap).
 */
export function testReceiveCommand(to: ReceiverEndpoint, pool: string, root: DatasetName): CommandSpec {
  const receive = sshArgv(to, { argv: ['zfs', 'receive', '-s', '-u', probeTarget(root)], successCodes: [0] })
  const script = [
    'set -o pipefail',
    'src="$1/zfs-offsite-probe-$$"',
    `trap 'zfs destroy -r "$src" >/dev/null 2>&1' EXIT`,
    'zfs create -o canmount=off -o mountpoint=none "$src" || exit 3',
    'zfs snapshot "$src@probe" || exit 3',
    `zfs send "$src@probe" | ${shellJoin(receive)}`,
  ].join('\n')
  return { argv: ['bash', '-c', script, 'bash', pool], successCodes: [0] }
}
