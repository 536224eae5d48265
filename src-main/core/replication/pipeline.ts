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
  /** Limit the stream to this many bytes per second. */
  readonly rateLimitBytesPerSecond?: number
  /** Smooth a bursty stream with a memory buffer of this many bytes (mbuffer). */
  readonly bufferBytes?: number
  /** Which helpers the NAS has (from the probe); the transfer works without either. */
  readonly tools?: { readonly pv: boolean; readonly mbuffer: boolean }
}

/** The stage that limits and/or buffers the stream, or null; and what could not be honoured. */
export function shapingStage(options: PipelineOptions): { argv: string[] | null; unmet: string[] } {
  const rate = options.rateLimitBytesPerSecond
  const buffer = options.bufferBytes
  const tools = options.tools ?? { pv: false, mbuffer: false }
  if (rate === undefined && buffer === undefined) return { argv: null, unmet: [] }
  if (tools.mbuffer) {
    // mbuffer buffers and, with -r, limits the rate it reads at; 128 KiB blocks match ZFS records.
    const megabytes = Math.max(1, Math.round((buffer ?? 64 * 1024 * 1024) / (1024 * 1024)))
    return { argv: ['mbuffer', '-q', '-s', '128k', '-m', `${megabytes}M`, ...(rate !== undefined ? ['-r', String(Math.max(1, Math.floor(rate)))] : [])], unmet: [] }
  }
  if (tools.pv && rate !== undefined) {
    return { argv: ['pv', '-q', '-L', String(Math.max(1, Math.floor(rate)))], unmet: buffer !== undefined ? ['buffer (mbuffer is not installed on the NAS)'] : [] }
  }
  const unmet: string[] = []
  if (rate !== undefined) unmet.push('rate limit (neither pv nor mbuffer is installed on the NAS)')
  if (buffer !== undefined) unmet.push('buffer (mbuffer is not installed on the NAS)')
  return { argv: null, unmet }
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

/** The pipeline's stages, each already quoted for the NAS's shell: send, [shaping], [head], ssh. */
export function pipelineStages(send: CommandSpec, receive: CommandSpec, to: ReceiverEndpoint, options: PipelineOptions = {}): string[] {
  const stages = [shellJoin(send.argv)]
  const shaping = shapingStage(options).argv
  if (shaping) stages.push(shellJoin(shaping))
  if (options.truncateAfterBytes !== undefined) stages.push(shellJoin(['head', '-c', String(options.truncateAfterBytes)]))
  stages.push(shellJoin(sshArgv(to, receive)))
  return stages
}

/** A bash script for the NAS: send | [rate limit / buffer] | [head] | ssh receiver 'receive'. */
export function replicationPipeline(send: CommandSpec, receive: CommandSpec, to: ReceiverEndpoint, options: PipelineOptions = {}): string {
  return `set -o pipefail; ${pipelineStages(send, receive, to, options).join(' | ')}`
}
