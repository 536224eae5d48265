import { describe, expect, it } from 'vitest'
import { planReplication, type ReplicationJobSpec, type TokenCheck } from '../../../../src-main/core/replication/plan'
import { parseTreeListing } from '../../../../src-main/core/zfs/list-tree'
import type { DatasetName } from '../../../../src-main/core/zfs/names'
import type { Guid } from '../../../../src-main/core/zfs/dataset-tree'
import { listing, type DatasetSpec } from '../../../support/listing-builder'

const job: ReplicationJobSpec = {
  sourceRoot: 'tank/data' as DatasetName,
  targetRoot: 'backup/nas/data' as DatasetName,
  recursive: true,
  raw: false,
  intermediates: true,
}

const s1 = { name: 's1', guid: '111', txg: 100 }
const s2 = { name: 's2', guid: '222', txg: 200 }
const s3 = { name: 's3', guid: '333', txg: 300 }

function plan(source: DatasetSpec[], target: DatasetSpec[], spec: Partial<ReplicationJobSpec> = {}, tokens?: Map<DatasetName, TokenCheck>) {
  return planReplication({ ...job, ...spec }, parseTreeListing(listing(source)), parseTreeListing(listing(target)), tokens)
}

const only = (p: ReturnType<typeof plan>) => {
  expect(p.datasets).toHaveLength(1)
  return p.datasets[0]!.action
}

describe('the replication planner', () => {
  it('does nothing when the newest source snapshot is already on the target', () => {
    const p = plan([{ name: 'tank/data', snaps: [s1, s2] }], [{ name: 'backup/nas/data', snaps: [{ ...s1, txg: 7 }, { ...s2, txg: 9 }] }])
    expect(only(p)).toMatchObject({ kind: 'up-to-date', newest: { name: 's2' } })
    expect(p.runnable).toBe(true)
  })

  it('sends the first snapshot whole and then the rest incrementally when the target is absent', () => {
    const p = plan([{ name: 'tank/data', snaps: [s1, s2, s3] }], [])
    expect(p.datasets[0]).toMatchObject({ source: 'tank/data', target: 'backup/nas/data' })
    expect(only(p)).toMatchObject({ kind: 'full', first: { name: 's1' }, thenTo: { name: 's3' }, snapshotsToSend: 3 })
  })

  it('sends only the newest snapshot whole when intermediates are off', () => {
    expect(only(plan([{ name: 'tank/data', snaps: [s1, s2, s3] }], [], { intermediates: false }))).toMatchObject({
      kind: 'full',
      first: { name: 's3' },
      thenTo: null,
    })
  })

  it('finds the incremental base by GUID, not by name', () => {
    // The target's "s2" is a different snapshot that only shares the name.
    const p = plan([{ name: 'tank/data', snaps: [s1, s2, s3] }], [{ name: 'backup/nas/data', snaps: [{ ...s1, txg: 5 }, { name: 's2', guid: '999', txg: 4 }] }])
    // 999 is older on the target than s1's copy, so nothing newer than the base exists there.
    expect(only(p)).toMatchObject({ kind: 'incremental', base: { name: 's1', guid: '111' }, to: { name: 's3' }, snapshotsToSend: 2 })
  })

  it('uses a source bookmark as the base when the snapshot itself was pruned', () => {
    const p = plan(
      [{ name: 'tank/data', snaps: [{ ...s2, name: 's2', bookmark: true }, s3] }],
      [{ name: 'backup/nas/data', snaps: [{ ...s1, txg: 5 }, { ...s2, txg: 6 }] }],
    )
    expect(only(p)).toMatchObject({ kind: 'incremental', base: { kind: 'bookmark', name: 's2' }, to: { name: 's3' } })
  })

  it('stops on a diverged target and previews exactly what a rollback would destroy', () => {
    const p = plan(
      [{ name: 'tank/data', snaps: [s1, s2, s3] }],
      [{ name: 'backup/nas/data', snaps: [{ ...s1, txg: 5 }, { name: 'local-a', guid: '444', txg: 6 }, { name: 'local-b', guid: '555', txg: 7 }] }],
    )
    expect(only(p)).toEqual({
      kind: 'diverged',
      base: expect.objectContaining({ name: 's1' }),
      rollbackWouldDestroy: ['local-a', 'local-b'],
      changedSinceSnapshot: 0,
    })
    expect(p.runnable).toBe(false)
  })

  it('treats data written on the target since its newest snapshot as divergence', () => {
    const p = plan([{ name: 'tank/data', snaps: [s1, s2] }], [{ name: 'backup/nas/data', written: 8192, snaps: [{ ...s1, txg: 5 }] }])
    expect(only(p)).toMatchObject({ kind: 'diverged', rollbackWouldDestroy: [], changedSinceSnapshot: 8192 })
  })

  it('refuses a target that exists without any common snapshot', () => {
    const p = plan([{ name: 'tank/data', snaps: [s1] }], [{ name: 'backup/nas/data', referenced: 1 << 20, snaps: [{ name: 'x', guid: '777', txg: 3 }] }])
    expect(only(p)).toEqual({ kind: 'no-common-snapshot', targetSnapshots: 1, targetReferenced: 1 << 20 })
    const empty = plan([{ name: 'tank/data', snaps: [s1] }], [{ name: 'backup/nas/data' }])
    expect(only(empty)).toMatchObject({ kind: 'no-common-snapshot', targetSnapshots: 0 })
    expect(empty.runnable).toBe(false)
  })

  it('reports a source dataset that has no snapshot yet', () => {
    expect(only(plan([{ name: 'tank/data' }], []))).toEqual({ kind: 'no-source-snapshot' })
  })

  it('asks for the resume token to be checked before deciding', () => {
    const p = plan([{ name: 'tank/data', snaps: [s1, s2] }], [{ name: 'backup/nas/data', token: '1-abc-def', snaps: [{ ...s1, txg: 5 }] }])
    expect(only(p)).toEqual({ kind: 'check-resume-token', token: '1-abc-def' })
  })

  it('resumes when the token’s snapshot still exists on the source', () => {
    const tokens = new Map<DatasetName, TokenCheck>([
      ['backup/nas/data' as DatasetName, { ok: true, info: { toguid: '222' as Guid, toname: 'tank/data@s2', fromguid: '111' as Guid, raw: false } }],
    ])
    const p = plan([{ name: 'tank/data', snaps: [s1, s2] }], [{ name: 'backup/nas/data', token: '1-abc-def', snaps: [{ ...s1, txg: 5 }] }], {}, tokens)
    expect(only(p)).toEqual({ kind: 'resume', token: '1-abc-def', toname: 'tank/data@s2', toguid: '222' })
  })

  it('aborts a resume whose snapshot is gone, or whose rawness differs, or that ZFS rejects', () => {
    const target = [{ name: 'backup/nas/data', token: '1-abc-def', snaps: [{ ...s1, txg: 5 }] }]
    const gone = new Map<DatasetName, TokenCheck>([
      ['backup/nas/data' as DatasetName, { ok: true, info: { toguid: '999' as Guid, toname: 'tank/data@gone', fromguid: null, raw: false } }],
    ])
    expect(only(plan([{ name: 'tank/data', snaps: [s1, s2] }], target, {}, gone))).toMatchObject({ kind: 'abort-resume', reason: /no longer exists/ })
    const raw = new Map<DatasetName, TokenCheck>([
      ['backup/nas/data' as DatasetName, { ok: true, info: { toguid: '222' as Guid, toname: 'tank/data@s2', fromguid: null, raw: true } }],
    ])
    expect(only(plan([{ name: 'tank/data', snaps: [s1, s2] }], target, {}, raw))).toMatchObject({ kind: 'abort-resume', reason: /was raw/ })
    const rejected = new Map<DatasetName, TokenCheck>([['backup/nas/data' as DatasetName, { ok: false, stderr: 'kaboom\n' }]])
    expect(only(plan([{ name: 'tank/data', snaps: [s1, s2] }], target, {}, rejected))).toMatchObject({ kind: 'abort-resume', reason: /kaboom$/ })
  })

  it('plans new child datasets and reports removed ones without touching them', () => {
    const p = plan(
      [{ name: 'tank/data', snaps: [s1] }, { name: 'tank/data/new', snaps: [{ name: 'n1', guid: '888', txg: 150 }] }],
      [{ name: 'backup/nas/data', snaps: [{ ...s1, txg: 5 }] }, { name: 'backup/nas/data/old', snaps: [{ name: 'o', guid: '666', txg: 6 }] }],
    )
    expect(p.datasets.map((d) => [d.target, d.action.kind])).toEqual([
      ['backup/nas/data', 'up-to-date'],
      ['backup/nas/data/new', 'full'],
      ['backup/nas/data/old', 'source-removed'],
    ])
    expect(p.datasets.find((d) => d.target === 'backup/nas/data/old')?.source).toBe('tank/data/old')
  })

  it('leaves children out of a non-recursive job', () => {
    const p = plan([{ name: 'tank/data', snaps: [s1] }, { name: 'tank/data/child', snaps: [s2] }], [], { recursive: false })
    expect(p.datasets.map((d) => d.source)).toEqual(['tank/data'])
  })

  it('refuses to mix raw and decrypted streams in one target', () => {
    const enc = { encryption: 'aes-256-gcm', encryptionRoot: 'tank/data' }
    // Received decrypted into a plain parent: the target is not encrypted at all.
    const plainTarget = plan([{ name: 'tank/data', ...enc, snaps: [s1, s2] }], [{ name: 'backup/nas/data', snaps: [{ ...s1, txg: 5 }] }], { raw: true })
    expect(only(plainTarget)).toMatchObject({ kind: 'raw-mismatch', reason: /received decrypted/ })
    // Received raw: its own encryption root inside the target tree.
    const rawTarget = [{ name: 'backup/nas/data', encryption: 'aes-256-gcm', encryptionRoot: 'backup/nas/data', keyStatus: 'unavailable' as const, snaps: [{ ...s1, txg: 5 }] }]
    expect(only(plan([{ name: 'tank/data', ...enc, snaps: [s1, s2] }], rawTarget, { raw: false }))).toMatchObject({ kind: 'raw-mismatch', reason: /raw \(still encrypted\)/ })
    expect(only(plan([{ name: 'tank/data', ...enc, snaps: [s1, s2] }], rawTarget, { raw: true }))).toMatchObject({ kind: 'incremental' })
    // Received decrypted into an encrypted parent on the target: inherits the parent's root.
    const inherited = [{ name: 'backup/nas/data', encryption: 'aes-256-gcm', encryptionRoot: 'backup', snaps: [{ ...s1, txg: 5 }] }]
    expect(only(plan([{ name: 'tank/data', ...enc, snaps: [s1, s2] }], inherited, { raw: true }))).toMatchObject({ kind: 'raw-mismatch' })
  })

  it('warns when the source is not encrypted', () => {
    const p = plan([{ name: 'tank/data', snaps: [s1] }, { name: 'tank/data/a', snaps: [s2] }], [])
    expect(p.warnings).toEqual([expect.objectContaining({ code: 'SOURCE_NOT_ENCRYPTED', count: 2 })])
  })

  it('counts the passphrases a restore would need when raw children arrive as their own encryption roots', () => {
    const enc = { encryption: 'aes-256-gcm', encryptionRoot: 'tank/data' }
    const p = plan(
      [
        { name: 'tank/data', ...enc, snaps: [s1] },
        { name: 'tank/data/a', ...enc, snaps: [s2] },
        { name: 'tank/data/b', ...enc, snaps: [s3] },
      ],
      [],
      { raw: true },
    )
    expect(p.warnings).toEqual([expect.objectContaining({ code: 'MANY_ENCRYPTION_ROOTS', count: 3 })])
  })
})
