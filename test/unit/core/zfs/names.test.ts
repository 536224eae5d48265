import { describe, expect, it } from 'vitest'
import {
  checkBookmarkName,
  checkDatasetName,
  checkPoolName,
  checkShortName,
  checkSnapshotName,
  datasetName,
  InvalidNameError,
  MAX_NESTING,
  parentOf,
  poolOf,
  relativeTo,
} from '../../../../src-main/core/zfs/names'

const reasonOf = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason)

describe('dataset names', () => {
  it.each(['tank', 'tank/photos', 'tank/family photos/2024', 'Tank-1/a_b.c:d', 'p/a.b', 'p/...'])('accepts %j', (name) => {
    expect(checkDatasetName(name)).toEqual({ ok: true, value: name })
  })

  it.each([
    ['', /Enter a dataset name/],
    ['/tank/photos', /does not begin with “\/”/],
    ['tank/photos/', /cannot end with “\/”/],
    ['tank//photos', /empty part/],
    ['tank/./x', /cannot have “\.” as a part/],
    ['tank/../x', /cannot have “\.\.” as a part/],
    ['tank/a;b', /“;” is not allowed/],
    ['tank/a\nb', /a line break is not allowed/],
    ['tank/é', /“é” is not allowed/],
    ['tank/%recv', /reserved for ZFS’s own temporary/],
    ['tank@snap', /snapshot name/],
    ['tank#mark', /bookmark name/],
    ['1tank/a', /must begin with a letter/],
    ['c0t0d0/a', /mistake it for a disk/],
    ['mirror1/a', /reserved/],
    ['log', /reserved/],
    ['t/' + 'a'.repeat(254), /shorter than 256/],
  ])('refuses %j with a reason', (name, reason) => {
    expect(reasonOf(checkDatasetName(name))).toMatch(reason)
  })

  it('allows nesting up to the OpenZFS limit and refuses one level more', () => {
    const deep = (n: number) => ['p', ...Array.from({ length: n }, () => 'd')].join('/')
    expect(checkDatasetName(deep(MAX_NESTING - 1)).ok).toBe(true)
    expect(reasonOf(checkDatasetName(deep(MAX_NESTING)))).toMatch(/nested too deep/)
  })

  it('throws a typed error naming the input from the throwing form', () => {
    expect(() => datasetName('tank/a|b')).toThrow(InvalidNameError)
    expect(() => datasetName('tank/a|b')).toThrow(/"tank\/a\|b"/)
  })
})

describe('snapshot and bookmark names', () => {
  it('splits a snapshot name, spaces included', () => {
    expect(checkSnapshotName('tank/family photos@daily 1')).toEqual({
      ok: true,
      value: { dataset: 'tank/family photos', snapshot: 'daily 1', full: 'tank/family photos@daily 1' },
    })
  })

  it.each([
    ['tank/a', /form dataset@name/],
    ['tank/a@', /empty part/],
    ['tank/a@b@c', /exactly one “@”/],
    ['tank/a@b/c', /cannot contain “\/”/],
    ['tank/a@b#c', /both “@” and “#”/],
    ['tank/a@b$', /“\$” is not allowed/],
    ['/tank@x', /does not begin with/],
  ])('refuses snapshot %j', (name, reason) => {
    expect(reasonOf(checkSnapshotName(name))).toMatch(reason)
  })

  it('checks bookmarks the same way with “#”', () => {
    expect(checkBookmarkName('tank/a#base')).toMatchObject({ ok: true, value: { dataset: 'tank/a', bookmark: 'base' } })
    expect(reasonOf(checkBookmarkName('tank/a#b#c'))).toMatch(/exactly one “#”/)
    expect(reasonOf(checkBookmarkName('tank/a@b'))).toMatch(/form dataset#name/)
  })

  it('counts the whole name against the length limit', () => {
    expect(reasonOf(checkSnapshotName('tank/a@' + 'x'.repeat(250)))).toMatch(/shorter than 256/)
  })

  it('checks a short snapshot name on its own', () => {
    expect(checkShortName('zfs-offsite_2026-11-28T02:00', 'snapshot').ok).toBe(true)
    expect(reasonOf(checkShortName('a/b', 'snapshot'))).toMatch(/“\/” is not allowed in a snapshot name/)
  })
})

describe('pool names', () => {
  it.each([
    ['tank', 'ok'],
    ['backup pool', 'ok'],
    ['raidz', /reserved/],
    ['draid2x', /reserved/],
    ['spares', /reserved/],
    ['9lives', /begin with a letter/],
    ['a/b', /cannot contain “\/”/],
  ])('%j → %s', (name, expected) => {
    const r = reasonOf(checkPoolName(name))
    if (expected === 'ok') expect(r).toBe('ok')
    else expect(r).toMatch(expected)
  })
})

describe('name helpers', () => {
  it('finds pool, parent and relative path', () => {
    const ds = datasetName('tank/a/b')
    expect(poolOf(ds)).toBe('tank')
    expect(parentOf(ds)).toBe('tank/a')
    expect(parentOf(datasetName('tank'))).toBeNull()
    expect(relativeTo(datasetName('tank'), ds)).toBe('a/b')
    expect(relativeTo(datasetName('tank/a'), datasetName('tank/ab'))).toBeNull()
  })
})
