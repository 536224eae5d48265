// One `zfs list` per host gives the whole tree under a root: datasets, snapshots and
// bookmarks with everything the planner, retention and the dashboard need. Parsable
// output (-H tabs, -p exact numbers); '-' means "not applicable".
import type { DatasetName } from './names'
import type { DatasetInfo, DatasetTree, DatasetType, Guid, SnapshotInfo } from './dataset-tree'
import type { CommandSpec } from './command'

export const TREE_PROPERTIES = [
  'name',
  'guid',
  'createtxg',
  'creation',
  'used',
  'referenced',
  'written',
  'encryption',
  'encryptionroot',
  'keystatus',
  'receive_resume_token',
  'type',
] as const

export function listTreeCommand(root: DatasetName): CommandSpec {
  return {
    argv: ['zfs', 'list', '-Hp', '-t', 'filesystem,volume,snapshot,bookmark', '-o', TREE_PROPERTIES.join(','), '-r', root],
    successCodes: [0],
  }
}

export class ListingParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`zfs list output, line ${line}: ${message}`)
    this.name = 'ListingParseError'
  }
}

interface MutableDataset extends Omit<DatasetInfo, 'snapshots' | 'bookmarks'> {
  snapshots: SnapshotInfo[]
  bookmarks: SnapshotInfo[]
}

const byTxg = (a: SnapshotInfo, b: SnapshotInfo): number => a.createtxg - b.createtxg

const FIELD_COUNT = TREE_PROPERTIES.length
const CODE_0 = 48
const CODE_9 = 57
const CODE_DASH = 45

/**
 * Reads a non-negative decimal integer from text[start, end) without making a string;
 * null for '-'. Throws for anything else.
 */
function intAt(text: string, start: number, end: number, line: number, what: string, dashAllowed: boolean): number | null {
  if (end - start === 1 && text.charCodeAt(start) === CODE_DASH) {
    if (dashAllowed) return null
    throw new ListingParseError(line, `${what} is missing (“-”)`)
  }
  if (end === start) throw new ListingParseError(line, `${what} is empty`)
  let n = 0
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < CODE_0 || c > CODE_9) throw new ListingParseError(line, `${what} is not a number: ${JSON.stringify(text.slice(start, end))}`)
    n = n * 10 + (c - CODE_0)
  }
  return n
}

function isWord(text: string, start: number, end: number, word: string): boolean {
  return end - start === word.length && text.startsWith(word, start)
}

export function parseTreeListing(stdout: string): DatasetTree {
  const datasets = new Map<DatasetName, MutableDataset>()
  // Snapshots normally follow their dataset; any that come first wait here.
  const early: Array<[string, SnapshotInfo, number]> = []
  let last: MutableDataset | undefined
  // Field i spans [starts[i], ends[i]). Big trees give hundreds of thousands of lines,
  // so the scan avoids making a string for anything it only needs as a number.
  const starts = new Int32Array(FIELD_COUNT)
  const ends = new Int32Array(FIELD_COUNT)
  const end = stdout.length
  let pos = 0
  let lineNo = 0
  while (pos < end) {
    lineNo++
    let eol = stdout.indexOf('\n', pos)
    if (eol < 0) eol = end
    if (eol === pos) {
      pos = eol + 1
      continue
    }
    let k = 0
    let cursor = pos
    for (; k < FIELD_COUNT - 1; k++) {
      const tab = stdout.indexOf('\t', cursor)
      if (tab < 0 || tab >= eol) break
      starts[k] = cursor
      ends[k] = tab
      cursor = tab + 1
    }
    const extra = stdout.indexOf('\t', cursor)
    if (k !== FIELD_COUNT - 1 || (extra >= 0 && extra < eol)) {
      throw new ListingParseError(lineNo, `expected ${FIELD_COUNT} tab-separated fields`)
    }
    starts[k] = cursor
    ends[k] = eol
    pos = eol + 1
    const line = lineNo
    const ts = starts[11]!
    const te = ends[11]!
    const isSnapshot = isWord(stdout, ts, te, 'snapshot')
    if (isSnapshot || isWord(stdout, ts, te, 'bookmark')) {
      const sep = stdout.indexOf(isSnapshot ? '@' : '#', starts[0]!)
      if (sep < 0 || sep >= ends[0]!) throw new ListingParseError(line, `${isSnapshot ? 'snapshot' : 'bookmark'} without its separator: ${JSON.stringify(stdout.slice(starts[0]!, ends[0]!))}`)
      const info: SnapshotInfo = {
        kind: isSnapshot ? 'snapshot' : 'bookmark',
        name: stdout.slice(sep + 1, ends[0]!),
        guid: stdout.slice(starts[1]!, ends[1]!) as Guid,
        createtxg: intAt(stdout, starts[2]!, ends[2]!, line, 'createtxg', false)!,
        creation: intAt(stdout, starts[3]!, ends[3]!, line, 'creation', false)!,
        used: intAt(stdout, starts[4]!, ends[4]!, line, 'used', true),
        referenced: intAt(stdout, starts[5]!, ends[5]!, line, 'referenced', true),
        written: intAt(stdout, starts[6]!, ends[6]!, line, 'written', true),
      }
      const nameStart = starts[0]!
      // Compare in place: the common case allocates no dataset name.
      if (last !== undefined && sep - nameStart === last.name.length && stdout.startsWith(last.name, nameStart)) {
        ;(isSnapshot ? last.snapshots : last.bookmarks).push(info)
      } else {
        const owner = datasets.get(stdout.slice(nameStart, sep) as DatasetName)
        if (owner) {
          last = owner
          ;(isSnapshot ? owner.snapshots : owner.bookmarks).push(info)
        } else {
          early.push([stdout.slice(nameStart, sep), info, line])
        }
      }
    } else if (isWord(stdout, ts, te, 'filesystem') || isWord(stdout, ts, te, 'volume')) {
      const encryptionroot = stdout.slice(starts[8]!, ends[8]!)
      const keystatus = stdout.slice(starts[9]!, ends[9]!)
      const token = stdout.slice(starts[10]!, ends[10]!)
      last = {
        name: stdout.slice(starts[0]!, ends[0]!) as DatasetName,
        type: stdout.slice(starts[11]!, ends[11]!) as DatasetType,
        guid: stdout.slice(starts[1]!, ends[1]!) as Guid,
        createtxg: intAt(stdout, starts[2]!, ends[2]!, line, 'createtxg', false)!,
        creation: intAt(stdout, starts[3]!, ends[3]!, line, 'creation', false)!,
        used: intAt(stdout, starts[4]!, ends[4]!, line, 'used', false)!,
        referenced: intAt(stdout, starts[5]!, ends[5]!, line, 'referenced', false)!,
        written: intAt(stdout, starts[6]!, ends[6]!, line, 'written', true) ?? 0,
        encryption: stdout.slice(starts[7]!, ends[7]!),
        encryptionRoot: encryptionroot === '-' || encryptionroot === '' ? null : (encryptionroot as DatasetName),
        keyStatus: keystatus === 'available' || keystatus === 'unavailable' ? keystatus : null,
        receiveResumeToken: token === '-' || token === '' ? null : token,
        snapshots: [],
        bookmarks: [],
      }
      datasets.set(last.name, last)
    } else {
      throw new ListingParseError(line, `unknown type ${JSON.stringify(stdout.slice(starts[11]!, ends[11]!))}`)
    }
  }
  for (const [dataset, info, line] of early) {
    const d = datasets.get(dataset as DatasetName)
    if (!d) throw new ListingParseError(line, `${info.kind} of a dataset not in the listing: ${dataset}`)
    ;(info.kind === 'snapshot' ? d.snapshots : d.bookmarks).push(info)
  }
  const ordered = [...datasets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const d of ordered) {
    if (!isSortedByTxg(d.snapshots)) d.snapshots.sort(byTxg)
    if (!isSortedByTxg(d.bookmarks)) d.bookmarks.sort(byTxg)
  }
  return { datasets: new Map(ordered.map((d) => [d.name, d])) }
}

function isSortedByTxg(xs: readonly SnapshotInfo[]): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i - 1]!.createtxg > xs[i]!.createtxg) return false
  return true
}
