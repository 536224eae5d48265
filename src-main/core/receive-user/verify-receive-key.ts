// Proving by trying, from the NAS, that its receive key can do no harm off-site: each
// attempt goes through the real ssh, sshd, forced command and wrapper, and must come
// back refused by the wrapper (exit 1 and its message), never run.
import type { CommandSpec } from '../zfs/command'
import type { DatasetName } from '../zfs/names'
import { sshArgv, type ReceiverEndpoint } from '../replication/pipeline'

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
