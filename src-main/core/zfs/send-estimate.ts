// `zfs send -nvP`: what a send would transfer, per stream and in total, without
// sending. With -t it also shows the resume token's contents. The -P form is
// tab-separated and exact; estimates can still be off (openzfs#16691), so progress
// treats them as a guide, not a promise.
import type { CommandSpec } from './command'
import type { SnapshotName } from './names'
import { parseResumeTokenContents, type ResumeTokenContents } from './resume-token'

export interface SendOptions {
  /** -w: raw, encrypted blocks stay encrypted. */
  readonly raw: boolean
  /** -L, -e, -c: keep large blocks, embedded data and compression as stored (a raw stream does anyway). */
  readonly largeBlocks?: boolean
  readonly embedded?: boolean
  readonly compressed?: boolean
  /** -R: the dataset with all descendants and properties. */
  readonly replicate?: boolean
  /** Incremental base (snapshot or bookmark), sent with -i, or -I for every snapshot in between. */
  readonly from?: { readonly name: string; readonly intermediates: boolean } | null
}

export function sendFlags(options: SendOptions): string[] {
  const flags: string[] = []
  if (options.raw) flags.push('-w')
  else {
    if (options.largeBlocks) flags.push('-L')
    if (options.embedded) flags.push('-e')
    if (options.compressed) flags.push('-c')
  }
  if (options.replicate) flags.push('-R')
  if (options.from) flags.push(options.from.intermediates ? '-I' : '-i', options.from.name)
  return flags
}

export function sendEstimateCommand(snapshot: SnapshotName, options: SendOptions): CommandSpec {
  return { argv: ['zfs', 'send', '-nvP', ...sendFlags(options), snapshot], successCodes: [0] }
}

export function resumeEstimateCommand(token: string): CommandSpec {
  return { argv: ['zfs', 'send', '-nvP', '-t', token], successCodes: [0] }
}

export interface StreamEstimate {
  readonly kind: 'full' | 'incremental'
  /** The incremental base as printed (short snapshot name, or full bookmark name). */
  readonly from: string | null
  readonly to: string
  readonly bytes: number
}

export interface SendEstimate {
  readonly streams: readonly StreamEstimate[]
  readonly totalBytes: number
  readonly resumeToken: ResumeTokenContents | null
}

/** Parses the -P summary lines, from stdout of `-nvP` or the head of stderr of `-vP`. */
export function parseSendEstimate(text: string): SendEstimate {
  const streams: StreamEstimate[] = []
  let total: number | null = null
  for (const line of text.split('\n')) {
    const f = line.split('\t')
    if (f[0] === 'full' && f.length === 3) streams.push({ kind: 'full', from: null, to: f[1]!, bytes: Number(f[2]) })
    else if (f[0] === 'incremental' && f.length === 4) streams.push({ kind: 'incremental', from: f[1]!, to: f[2]!, bytes: Number(f[3]) })
    else if (f[0] === 'size' && f.length === 2) total = Number(f[1])
  }
  if (total === null) throw new Error(`no size line in zfs send estimate: ${JSON.stringify(text.slice(0, 200))}`)
  return { streams, totalBytes: total, resumeToken: parseResumeTokenContents(text) }
}
