// What a receive resume token holds, as `zfs send -nvP -t <token>` prints it
// ("resume token contents:" then an nvlist dump). GUIDs there are hexadecimal; the
// listings use decimal, so they are converted to compare.
import type { Guid } from './dataset-tree'

export interface ResumeTokenContents {
  readonly toname: string
  readonly toguid: Guid
  readonly fromguid: Guid | null
  /** Bytes already received. */
  readonly bytes: number | null
  /** The interrupted send was raw (-w). */
  readonly raw: boolean
  readonly compressed: boolean
  readonly embedded: boolean
  readonly largeBlocks: boolean
}

export function hexGuidToDecimal(hex: string): Guid {
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(hex)) throw new Error(`not a hexadecimal GUID: ${hex}`)
  return BigInt(hex).toString(10) as Guid
}

/** Reads the nvlist dump that follows "resume token contents:"; null when absent. */
export function parseResumeTokenContents(text: string): ResumeTokenContents | null {
  const start = text.indexOf('resume token contents:')
  if (start < 0) return null
  const fields = new Map<string, string>()
  for (const line of text.slice(start).split('\n').slice(1)) {
    const m = /^\s+([a-z_]+) = (.*)$/.exec(line)
    if (m) fields.set(m[1]!, m[2]!.trim())
    else if (!/^nvlist version/.test(line) && line.trim() !== '') break
  }
  const toname = fields.get('toname')
  const toguid = fields.get('toguid')
  if (!toname || !toguid) return null
  const fromguid = fields.get('fromguid')
  const bytes = fields.get('bytes')
  return {
    toname,
    toguid: hexGuidToDecimal(toguid),
    fromguid: fromguid ? hexGuidToDecimal(fromguid) : null,
    bytes: bytes ? Number(BigInt(bytes)) : null,
    raw: fields.has('rawok'),
    compressed: fields.has('compressok'),
    embedded: fields.has('embedok'),
    largeBlocks: fields.has('largeblockok'),
  }
}
