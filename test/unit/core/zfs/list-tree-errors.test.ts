// A damaged listing is refused with the line it broke on, never half-read. The damage
// is applied to real captured output.
import { describe, expect, it } from 'vitest'
import { parseTreeListing, ListingParseError } from '../../../../src-main/core/zfs/list-tree'
import type { DatasetName } from '../../../../src-main/core/zfs/names'
import { fixture } from '../../../support/fixtures'

const real = fixture('zfs-2.3', 'zfs-list-tree').stdout
const lines = real.split('\n')
const snapshotLine = lines.findIndex((l) => l.endsWith('\tsnapshot'))
const datasetLine = lines.findIndex((l) => l.endsWith('\tfilesystem'))

function damaged(index: number, change: (fields: string[]) => string[]): string {
  const copy = [...lines]
  copy[index] = change(copy[index]!.split('\t')).join('\t')
  return copy.join('\n')
}

function errorOf(text: string): ListingParseError {
  try {
    parseTreeListing(text).datasets.forEach((d) => d.snapshots.toArray())
  } catch (err) {
    if (err instanceof ListingParseError) return err
    throw err
  }
  throw new Error('expected the listing to be refused')
}

describe('reading a damaged listing', () => {
  it('refuses a dataset line with a missing field, naming the line', () => {
    const err = errorOf(damaged(datasetLine, (f) => f.slice(1)))
    expect(err.line).toBe(datasetLine + 1)
    expect(err.message).toMatch(/12 tab-separated fields/)
  })

  it('refuses a snapshot whose txg is not a number', () => {
    const err = errorOf(damaged(snapshotLine, (f) => [f[0]!, f[1]!, 'x12', ...f.slice(3)]))
    expect(err.line).toBe(snapshotLine + 1)
    expect(err.message).toMatch(/createtxg is not a number: "x12"/)
  })

  it('refuses an unknown type and a snapshot of a dataset it never listed', () => {
    expect(errorOf(damaged(snapshotLine, (f) => [...f.slice(0, 11), 'snapshots'])).message).toMatch(/unknown type "snapshots"/)
    expect(errorOf(damaged(snapshotLine, (f) => [f[0]!.replace(/^[^@]+/, 'tank/nowhere'), ...f.slice(1)])).message).toMatch(/not in the listing: tank\/nowhere/)
  })

  it('finds a bad size when that snapshot is read, with its line', () => {
    const tree = parseTreeListing(damaged(snapshotLine, (f) => [...f.slice(0, 4), 'lots', ...f.slice(5)]))
    const [ds] = lines[snapshotLine]!.split('@') as [string]
    const err = (() => {
      try {
        tree.datasets.get(ds as DatasetName)!.snapshots.toArray()
      } catch (e) {
        return e as ListingParseError
      }
      return null
    })()
    expect(err).toBeInstanceOf(ListingParseError)
    expect(err!.line).toBe(snapshotLine + 1)
  })

  it('reads snapshots listed before their dataset', () => {
    const moved = [lines[snapshotLine]!, ...lines.filter((_, i) => i !== snapshotLine)].join('\n')
    const a = parseTreeListing(real)
    const b = parseTreeListing(moved)
    const names = (t: typeof a) => [...t.datasets.values()].map((d) => [d.name, d.snapshots.toArray().map((s) => s.guid)])
    expect(names(b)).toEqual(names(a))
  })
})
