// One `zfs list` per host gives the whole tree under a root: datasets, snapshots and
// bookmarks with everything the planner, retention and the dashboard need. Parsable
// output (-H tabs, -p exact numbers); '-' means "not applicable".
import type { DatasetName } from './names'
import type { DatasetInfo, DatasetTree, DatasetType, Guid, SnapshotInfo } from './dataset-tree'
import { SnapshotList } from './snapshot-list'
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

/** Rows of one kind for one dataset while the listing is read: where each line starts, its txg and creation. */
interface Rows {
  starts: number[]
  txgs: number[]
  creations: number[]
}

interface PendingDataset {
  readonly info: Omit<DatasetInfo, 'snapshots' | 'bookmarks'>
  /** Where its name is in the listing text. */
  readonly nameStart: number
  readonly snapshots: Rows
  readonly bookmarks: Rows
}

const FIELD_COUNT = TREE_PROPERTIES.length
const CODE_0 = 48
const CODE_9 = 57
const CODE_DASH = 45

/**
 * Reads a non-negative decimal integer from text[start, end) without making a string;
 * null for '-'. Throws for anything else.
 */
function intAt(text: string, start: number, end: number, line: number | (() => number), what: string, dashAllowed: boolean): number | null {
  if (end - start === 1 && text.charCodeAt(start) === CODE_DASH) {
    if (dashAllowed) return null
    return badNumber(text, start, end, line, what)
  }
  if (end === start) return badNumber(text, start, end, line, what)
  let n = 0
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < CODE_0 || c > CODE_9) return badNumber(text, start, end, line, what)
    n = n * 10 + (c - CODE_0)
  }
  return n
}

/** Kept out of intAt so the hot path allocates nothing. */
function badNumber(text: string, start: number, end: number, line: number | (() => number), what: string): never {
  const at = typeof line === 'number' ? line : line()
  const value = text.slice(start, end)
  throw new ListingParseError(at, value === '' ? `${what} is empty` : value === '-' ? `${what} is missing (“-”)` : `${what} is not a number: ${JSON.stringify(value)}`)
}

// Character loops instead of startsWith(x, position): that call left V8's fast path
// and was the largest cost of reading a big listing (bench/plan.ts).
function isWord(text: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false
  for (let i = 0; i < word.length; i++) if (text.charCodeAt(start + i) !== word.charCodeAt(i)) return false
  return true
}

/** text[a, a+length) equals text[b, b+length). */
function sameRegion(text: string, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false
  return true
}

/** The 1-based line number of an offset (only for error messages). */
function lineOf(text: string, offset: number): number {
  let n = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** Builds a snapshot or bookmark record from its line (its shape was checked while scanning). */
function recordAt(text: string, lineStart: number, kind: 'snapshot' | 'bookmark'): SnapshotInfo {
  const t0 = text.indexOf('\t', lineStart)
  const t1 = text.indexOf('\t', t0 + 1)
  const t2 = text.indexOf('\t', t1 + 1)
  const t3 = text.indexOf('\t', t2 + 1)
  const t4 = text.indexOf('\t', t3 + 1)
  const t5 = text.indexOf('\t', t4 + 1)
  const t6 = text.indexOf('\t', t5 + 1)
  const sep = text.indexOf(kind === 'snapshot' ? '@' : '#', lineStart)
  const line = (): number => lineOf(text, lineStart)
  return {
    kind,
    name: text.slice(sep + 1, t0),
    guid: text.slice(t0 + 1, t1) as Guid,
    createtxg: intAt(text, t1 + 1, t2, line, 'createtxg', false)!,
    creation: intAt(text, t2 + 1, t3, line, 'creation', false)!,
    // Sizes are checked here, when the record is first needed, not for every line read.
    used: intAt(text, t3 + 1, t4, line, 'used', true),
    referenced: intAt(text, t4 + 1, t5, line, 'referenced', true),
    written: intAt(text, t5 + 1, t6, line, 'written', true),
  }
}

function toList(text: string, rows: Rows, kind: 'snapshot' | 'bookmark'): SnapshotList {
  let sorted = true
  for (let i = 1; i < rows.txgs.length; i++) {
    if (rows.txgs[i - 1]! > rows.txgs[i]!) {
      sorted = false
      break
    }
  }
  if (!sorted) {
    const order = rows.txgs.map((_, i) => i).sort((a, b) => rows.txgs[a]! - rows.txgs[b]!)
    rows = { starts: order.map((i) => rows.starts[i]!), txgs: order.map((i) => rows.txgs[i]!), creations: order.map((i) => rows.creations[i]!) }
  }
  const starts = rows.starts
  return SnapshotList.lazy(rows.txgs, rows.creations, (i) => recordAt(text, starts[i]!, kind))
}

export function parseTreeListing(stdout: string): DatasetTree {
  const datasets = new Map<DatasetName, PendingDataset>()
  // Snapshots normally follow their dataset; any that come first wait here.
  const early: Array<{ dataset: string; kind: 'snapshot' | 'bookmark'; start: number; txg: number; creation: number; line: number }> = []
  let last: PendingDataset | undefined
  // Field i spans [starts[i], ends[i]).
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
    const lineStart = pos
    pos = eol + 1
    const line = lineNo
    // The type is the last field; snapshot and bookmark lines (nearly all of a big
    // listing) need only the fields before the sizes, so only those are located.
    const ts = stdout.lastIndexOf('\t', eol - 1) + 1
    const te = eol
    if (ts <= lineStart) throw new ListingParseError(line, `expected ${FIELD_COUNT} tab-separated fields`)
    const isSnapshot = isWord(stdout, ts, te, 'snapshot')
    const isTagged = isSnapshot || isWord(stdout, ts, te, 'bookmark')
    const wanted = isTagged ? 4 : FIELD_COUNT - 1
    let k = 0
    let cursor = lineStart
    for (; k < wanted; k++) {
      const tab = stdout.indexOf('\t', cursor)
      if (tab < 0 || tab >= eol) break
      starts[k] = cursor
      ends[k] = tab
      cursor = tab + 1
    }
    if (k !== wanted || (!isTagged && cursor !== ts)) {
      throw new ListingParseError(line, `expected ${FIELD_COUNT} tab-separated fields`)
    }
    starts[FIELD_COUNT - 1] = ts
    ends[FIELD_COUNT - 1] = te
    if (isTagged) {
      const kind = isSnapshot ? 'snapshot' : 'bookmark'
      const nameStart = starts[0]!
      const sep = stdout.indexOf(isSnapshot ? '@' : '#', nameStart)
      if (sep < 0 || sep >= ends[0]!) throw new ListingParseError(line, `${kind} without its separator: ${JSON.stringify(stdout.slice(nameStart, ends[0]!))}`)
      if (ends[1]! === starts[1]!) throw new ListingParseError(line, 'guid is empty')
      const txg = intAt(stdout, starts[2]!, ends[2]!, line, 'createtxg', false)!
      const creation = intAt(stdout, starts[3]!, ends[3]!, line, 'creation', false)!
      // Compare in place: the common case allocates no dataset name.
      let owner =
        last !== undefined && sep - nameStart === last.info.name.length && sameRegion(stdout, last.nameStart, nameStart, sep - nameStart) ? last : undefined
      if (owner === undefined) {
        owner = datasets.get(stdout.slice(nameStart, sep) as DatasetName)
        if (owner) last = owner
      }
      if (owner) {
        const rows = isSnapshot ? owner.snapshots : owner.bookmarks
        rows.starts.push(lineStart)
        rows.txgs.push(txg)
        rows.creations.push(creation)
      } else {
        early.push({ dataset: stdout.slice(nameStart, sep), kind, start: lineStart, txg, creation, line })
      }
    } else if (isWord(stdout, ts, te, 'filesystem') || isWord(stdout, ts, te, 'volume')) {
      const field = (i: number): string => stdout.slice(starts[i]!, ends[i]!)
      const encryptionroot = field(8)
      const keystatus = field(9)
      const token = field(10)
      last = {
        nameStart: starts[0]!,
        info: {
          name: field(0) as DatasetName,
          type: field(11) as DatasetType,
          guid: field(1) as Guid,
          createtxg: intAt(stdout, starts[2]!, ends[2]!, line, 'createtxg', false)!,
          creation: intAt(stdout, starts[3]!, ends[3]!, line, 'creation', false)!,
          used: intAt(stdout, starts[4]!, ends[4]!, line, 'used', false)!,
          referenced: intAt(stdout, starts[5]!, ends[5]!, line, 'referenced', false)!,
          written: intAt(stdout, starts[6]!, ends[6]!, line, 'written', true) ?? 0,
          encryption: field(7),
          encryptionRoot: encryptionroot === '-' || encryptionroot === '' ? null : (encryptionroot as DatasetName),
          keyStatus: keystatus === 'available' || keystatus === 'unavailable' ? keystatus : null,
          receiveResumeToken: token === '-' || token === '' ? null : token,
        },
        snapshots: { starts: [], txgs: [], creations: [] },
        bookmarks: { starts: [], txgs: [], creations: [] },
      }
      datasets.set(last.info.name, last)
    } else {
      throw new ListingParseError(line, `unknown type ${JSON.stringify(stdout.slice(ts, te))}`)
    }
  }
  for (const e of early) {
    const d = datasets.get(e.dataset as DatasetName)
    if (!d) throw new ListingParseError(e.line, `${e.kind} of a dataset not in the listing: ${e.dataset}`)
    const rows = e.kind === 'snapshot' ? d.snapshots : d.bookmarks
    rows.starts.push(e.start)
    rows.txgs.push(e.txg)
    rows.creations.push(e.creation)
  }
  const names = [...datasets.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const tree = new Map<DatasetName, DatasetInfo>()
  for (const name of names) {
    const d = datasets.get(name)!
    tree.set(name, { ...d.info, snapshots: toList(stdout, d.snapshots, 'snapshot'), bookmarks: toList(stdout, d.bookmarks, 'bookmark') })
  }
  return { datasets: tree }
}
