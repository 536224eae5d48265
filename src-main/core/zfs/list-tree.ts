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
    argv: ['zfs', 'list', '-H', '-p', '-t', 'filesystem,volume,snapshot,bookmark', '-o', TREE_PROPERTIES.join(','), '-r', root],
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

function num(field: string, line: number, what: string): number {
  const n = Number(field)
  if (field === '' || !Number.isFinite(n)) throw new ListingParseError(line, `${what} is not a number: ${JSON.stringify(field)}`)
  return n
}

function optNum(field: string, line: number, what: string): number | null {
  return field === '-' ? null : num(field, line, what)
}

interface MutableDataset extends Omit<DatasetInfo, 'snapshots' | 'bookmarks'> {
  snapshots: SnapshotInfo[]
  bookmarks: SnapshotInfo[]
}

const byTxg = (a: SnapshotInfo, b: SnapshotInfo): number => a.createtxg - b.createtxg

export function parseTreeListing(stdout: string): DatasetTree {
  const datasets = new Map<DatasetName, MutableDataset>()
  const tagged: Array<[DatasetName, SnapshotInfo, number]> = []
  const lines = stdout.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!
    if (text === '') continue
    const f = text.split('\t')
    if (f.length !== TREE_PROPERTIES.length) {
      throw new ListingParseError(i + 1, `expected ${TREE_PROPERTIES.length} tab-separated fields, found ${f.length}`)
    }
    const [name, guid, createtxg, creation, used, referenced, written, encryption, encryptionroot, keystatus, token, type] = f as [
      string, string, string, string, string, string, string, string, string, string, string, string,
    ]
    if (type === 'snapshot' || type === 'bookmark') {
      const at = name.indexOf(type === 'snapshot' ? '@' : '#')
      if (at < 0) throw new ListingParseError(i + 1, `${type} without its separator: ${JSON.stringify(name)}`)
      tagged.push([
        name.slice(0, at) as DatasetName,
        {
          kind: type,
          name: name.slice(at + 1),
          guid: guid as Guid,
          createtxg: num(createtxg, i + 1, 'createtxg'),
          creation: num(creation, i + 1, 'creation'),
          used: optNum(used, i + 1, 'used'),
          referenced: optNum(referenced, i + 1, 'referenced'),
          written: optNum(written, i + 1, 'written'),
        },
        i + 1,
      ])
    } else if (type === 'filesystem' || type === 'volume') {
      datasets.set(name as DatasetName, {
        name: name as DatasetName,
        type: type as DatasetType,
        guid: guid as Guid,
        createtxg: num(createtxg, i + 1, 'createtxg'),
        creation: num(creation, i + 1, 'creation'),
        used: num(used, i + 1, 'used'),
        referenced: num(referenced, i + 1, 'referenced'),
        written: written === '-' ? 0 : num(written, i + 1, 'written'),
        encryption,
        encryptionRoot: encryptionroot === '-' || encryptionroot === '' ? null : (encryptionroot as DatasetName),
        keyStatus: keystatus === 'available' || keystatus === 'unavailable' ? keystatus : null,
        receiveResumeToken: token === '-' || token === '' ? null : token,
        snapshots: [],
        bookmarks: [],
      })
    } else {
      throw new ListingParseError(i + 1, `unknown type ${JSON.stringify(type)}`)
    }
  }
  for (const [dataset, info, line] of tagged) {
    const d = datasets.get(dataset)
    if (!d) throw new ListingParseError(line, `${info.kind} of a dataset not in the listing: ${dataset}`)
    ;(info.kind === 'snapshot' ? d.snapshots : d.bookmarks).push(info)
  }
  const ordered = [...datasets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const d of ordered) {
    d.snapshots.sort(byTxg)
    d.bookmarks.sort(byTxg)
  }
  return { datasets: new Map(ordered.map((d) => [d.name, d])) }
}
