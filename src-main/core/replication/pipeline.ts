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

const MiB = 1024 * 1024

function mbufferArgv(bufferBytes: number, writeRate?: number): string[] {
  const megabytes = Math.max(1, Math.round(bufferBytes / MiB))
  // -v 1: errors only. Under systemd there is no HOME, and mbuffer's warning about its
  // defaults file would otherwise land in every run's errors.
  return ['mbuffer', '-q', '-v', '1', '-s', '128k', '-m', `${megabytes}M`, ...(writeRate !== undefined ? ['-R', String(writeRate)] : [])]
}

/**
 * The stages that limit and/or buffer the stream (none, one, or mbuffer then pv), and
 * what could not be honoured. pv -L limits the rate; mbuffer only buffers, in front of
 * the limit, so it absorbs the sender's bursts.
 *
 * Not `mbuffer -r` any more: a full send through `mbuffer -q -s 128k -m 64M -r 524288`
 * once sat at 312 bytes (the stream's BEGIN record only) for 10 minutes. Not reproduced
 * in 16 lab attempts; measured instead: mbuffer holds zfs send at 312 bytes while it
 * allocates its whole buffer at start (about 1 s for 64M, 4 s for 600M; pv: none), and
 * -r paces mbuffer's reads, so it throttles zfs send itself in 128 KiB steps. Where only
 * mbuffer is installed, the limit goes on its output (-R), behind a small buffer.
 */
export function shapingStage(options: PipelineOptions): { stages: string[][]; unmet: string[] } {
  const rate = options.rateLimitBytesPerSecond === undefined ? undefined : Math.max(1, Math.floor(options.rateLimitBytesPerSecond))
  const buffer = options.bufferBytes
  const tools = options.tools ?? { pv: false, mbuffer: false }
  const stages: string[][] = []
  const unmet: string[] = []
  if (rate !== undefined && tools.pv) {
    if (buffer !== undefined) {
      if (tools.mbuffer) stages.push(mbufferArgv(buffer))
      else unmet.push('buffer (mbuffer is not installed on the NAS)')
    }
    stages.push(['pv', '-q', '-L', String(rate)])
  } else if (rate !== undefined && tools.mbuffer) {
    // A small buffer: what sits in it when a run is cancelled is sent again after the resume.
    stages.push(mbufferArgv(buffer ?? 4 * MiB, rate))
  } else {
    if (rate !== undefined) unmet.push('rate limit (neither pv nor mbuffer is installed on the NAS)')
    if (buffer !== undefined) {
      if (tools.mbuffer) stages.push(mbufferArgv(buffer))
      else unmet.push('buffer (mbuffer is not installed on the NAS)')
    }
  }
  return { stages, unmet }
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

/** The pipeline's stages, each already quoted for the NAS's shell: send, [buffer], [rate limit], [head], ssh. */
export function pipelineStages(send: CommandSpec, receive: CommandSpec, to: ReceiverEndpoint, options: PipelineOptions = {}): string[] {
  const stages = [shellJoin(send.argv)]
  for (const stage of shapingStage(options).stages) stages.push(shellJoin(stage))
  if (options.truncateAfterBytes !== undefined) stages.push(shellJoin(['head', '-c', String(options.truncateAfterBytes)]))
  stages.push(shellJoin(sshArgv(to, receive)))
  return stages
}

/** A bash script for the NAS: send | [buffer] | [rate limit] | [head] | ssh receiver 'receive'. */
export function replicationPipeline(send: CommandSpec, receive: CommandSpec, to: ReceiverEndpoint, options: PipelineOptions = {}): string {
  return `set -o pipefail; ${pipelineStages(send, receive, to, options).join(' | ')}`
}
