// The transfer pipeline the NAS runs: `zfs send … | ssh <receiver> 'zfs receive …'`.
// One bash script, `set -o pipefail` so a failing `zfs send` is never masked by a
// successful receive (sanoid PR #1040). The receive command crosses a second shell
// (the off-site box's), so it is quoted once for that shell and the result once more
// as one argument of ssh: one quoting call per shell layer.
import { shellJoin } from '../shell/quote'
import type { CommandSpec } from '../zfs/command'

export interface ReceiverEndpoint {
  readonly user: string
  readonly host: string
  readonly port?: number
  /** Extra ssh options, e.g. a key file or known_hosts path on the NAS. */
  readonly sshOptions?: readonly string[]
}

export interface PipelineOptions {
  /** Cut the stream after this many bytes (tests of interrupted transfers only). */
  readonly truncateAfterBytes?: number
}

export function sshArgv(to: ReceiverEndpoint, remote: CommandSpec): string[] {
  return [
    'ssh',
    '-o', 'BatchMode=yes',
    '-o', 'ServerAliveInterval=15',
    ...(to.port !== undefined ? ['-p', String(to.port)] : []),
    ...(to.sshOptions ?? []),
    `${to.user}@${to.host}`,
    '--',
    // The remote sshd hands this string to the receiver's shell: quoted for that layer.
    shellJoin(remote.argv),
  ]
}

/** A bash script for the NAS: send | [head] | ssh receiver 'receive'. */
export function replicationPipeline(send: CommandSpec, receive: CommandSpec, to: ReceiverEndpoint, options: PipelineOptions = {}): string {
  const stages = [shellJoin(send.argv)]
  if (options.truncateAfterBytes !== undefined) stages.push(shellJoin(['head', '-c', String(options.truncateAfterBytes)]))
  stages.push(shellJoin(sshArgv(to, receive)))
  return `set -o pipefail; ${stages.join(' | ')}`
}
