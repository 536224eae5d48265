// The pure half of a restore to a NAS, on listings captured from OpenZFS 2.3: which
// off-site datasets go and how (raw where encrypted), the NAS dataset each becomes and its
// default name, the state a target is in there (missing, a stopped receive, restored
// before, other data), the commands (no -F, no -R, no passphrase in argv) and the relay's
// rate limit.
import { describe, expect, it } from 'vitest'
import { parseTreeListing } from '../../../../src-main/core/zfs/list-tree'
import { snapshotName, type DatasetName, type SnapshotName } from '../../../../src-main/core/zfs/names'
import type { Guid } from '../../../../src-main/core/zfs/dataset-tree'
import {
  fallbackNasDataset,
  newerOffsite,
  originalNasDataset,
  parsePoolRoots,
  restoredName,
  RestoreSnapshotMissingError,
  restoreSources,
  targetOf,
  targetState,
  throttleDelayMs,
  topTargetFree,
} from '../../../../src-main/core/recovery/restore-plan'
import {
  parseRestoredState,
  restoredGuidsCommand,
  restoreReceiveCommand,
  restoreResumeEstimateCommand,
  restoreResumeSendCommand,
  restoreSendCommand,
} from '../../../../src-main/core/recovery/restore-commands'
import { parseSendEstimate } from '../../../../src-main/core/zfs/send-estimate'
import type { Job } from '../../../../src-main/shared/model'
import { fixture } from '../../../support/fixtures'

const offsiteTree = parseTreeListing(fixture('zfs-2.3/recovery', 'list-tree-roots').stdout)
const nasTree = parseTreeListing(fixture('zfs-2.3', 'zfs-list-tree').stdout)
const ds = (s: string) => s as DatasetName
const guid = (s: string) => s as Guid

const job = (over: Partial<Job>): Job =>
  ({
    id: 'job-1',
    name: 'Photos',
    sourceHostId: 'nas-1',
    targetHostId: 'off-1',
    sources: [{ dataset: 'tank/secret', recursive: true }],
    exclusions: [],
    targetParent: 'backup/nas',
    intermediates: true,
    stallSeconds: 120,
    send: { raw: true, intermediates: true, largeBlocks: false, embedded: false, compressed: false },
    createdAt: '2026-11-28T00:00:00.000Z',
    ...over,
  }) as Job

describe('what a restore takes from the off-site box', () => {
  it('names the off-site snapshots newer than the one restored (the next run would find the copy ahead), and none for the newest', () => {
    expect(newerOffsite(restoreSources(offsiteTree, snapshotName('backup/nas/plain@s1'), false).sources)).toEqual([{ dataset: 'backup/nas/plain', newer: ['s2'] }])
    expect(newerOffsite(restoreSources(offsiteTree, snapshotName('backup/nas/plain@s2'), false).sources)).toEqual([])
    expect(newerOffsite(restoreSources(offsiteTree, snapshotName('backup/nas/secret@s1'), true).sources)).toEqual([])
  })

  it('takes the snapshot’s dataset and each child with a snapshot of the same name, parents first, raw where encrypted', () => {
    const { sources, skipped } = restoreSources(offsiteTree, snapshotName('backup/nas/secret@s1'), true)
    expect(sources.map((s) => [s.snapshot.full, s.relative, s.raw, s.guid])).toEqual([
      ['backup/nas/secret@s1', '', true, '1631451863887772207'],
      ['backup/nas/secret/child@s1', 'child', true, '10966104373002349387'],
    ])
    expect(skipped).toEqual([])
  })

  it('takes the dataset alone when not recursive, and sends a plain dataset plain', () => {
    expect(restoreSources(offsiteTree, snapshotName('backup/nas/secret@s1'), false).sources.map((s) => s.snapshot.full)).toEqual(['backup/nas/secret@s1'])
    expect(restoreSources(offsiteTree, snapshotName('backup/nas/plain@s2'), true).sources.map((s) => [s.snapshot.full, s.raw])).toEqual([['backup/nas/plain@s2', false]])
  })

  it('refuses a snapshot the off-site box does not have', () => {
    expect(() => restoreSources(offsiteTree, snapshotName('backup/nas/secret@gone'), true)).toThrow(RestoreSnapshotMissingError)
  })

  it('places each child below the target by its path under the restored dataset', () => {
    const { sources } = restoreSources(nasTree, snapshotName('tank/tree@t1'), true)
    expect(sources.map((s) => s.relative)).toEqual(['', 'one', 'two'])
    expect(targetOf(ds('tank/back'), 'one')).toBe('tank/back/one')
    expect(targetOf(ds('tank/back'), '')).toBe('tank/back')
  })
})

describe('the NAS dataset a restore makes', () => {
  it('is the original name, from the job that copied it there', () => {
    expect(originalNasDataset([job({})], 'off-1', 'nas-1', ds('backup/nas/secret'))).toBe('tank/secret')
    expect(originalNasDataset([job({})], 'off-1', 'nas-1', ds('backup/nas/secret/child'))).toBe('tank/secret/child')
  })

  it('prefers this NAS’s job, takes another NAS’s job for a replacement, and none from another off-site box', () => {
    const other = job({ id: 'job-2', sourceHostId: 'nas-2', sources: [{ dataset: 'pool/secret', recursive: true }] })
    expect(originalNasDataset([other, job({})], 'off-1', 'nas-1', ds('backup/nas/secret'))).toBe('tank/secret')
    expect(originalNasDataset([other], 'off-1', 'nas-new', ds('backup/nas/secret'))).toBe('pool/secret')
    expect(originalNasDataset([job({})], 'off-2', 'nas-1', ds('backup/nas/secret'))).toBeNull()
    expect(originalNasDataset([job({ sources: [{ dataset: 'tank/secret', recursive: false }] })], 'off-1', 'nas-1', ds('backup/nas/secret/child'))).toBeNull()
  })

  it('with no job, is the last name part in the NAS’s first pool', () => {
    expect(parsePoolRoots('tank\nfast\n')).toEqual(['tank', 'fast'])
    expect(fallbackNasDataset(['tank', 'fast'], ds('backup/nas/secret'))).toBe('tank/secret')
    expect(fallbackNasDataset([], ds('backup/nas/secret'))).toBeNull()
  })

  it('when the original name is taken, is that name with -restored- and the date', () => {
    expect(restoredName(ds('tank/secret'), new Date('2026-11-28T23:59:00Z'))).toBe('tank/secret-restored-20261128')
  })
})

describe('the state of a target on the NAS', () => {
  it('is missing when the NAS has no such dataset', () => {
    expect(targetState(null, ds('tank/secret'), guid('1'))).toEqual({ kind: 'missing' })
    expect(targetState(nasTree, ds('tank/nothing'), guid('1'))).toEqual({ kind: 'missing' })
  })

  it('is a stopped receive when the dataset holds a resume token (a full receive stopped part-way)', () => {
    const state = targetState(nasTree, ds('tank/partial'), guid('1'))
    expect(state.kind).toBe('partial')
    expect(state.kind === 'partial' && state.token).toMatch(/^1-85d83f101-/)
  })

  it('is other data when the dataset holds snapshots that are not just the restored one', () => {
    expect(targetState(nasTree, ds('tank/secret'), guid('8784276905705689767'))).toEqual({ kind: 'exists', snapshots: 2 })
    expect(targetState(nasTree, ds('tank/tree'), guid('1'))).toEqual({ kind: 'exists', snapshots: 1 })
  })

  it('is restored when the dataset holds exactly the restored snapshot, by GUID', () => {
    expect(targetState(nasTree, ds('tank/tree'), guid('18264509613227219304'))).toEqual({ kind: 'restored' })
  })

  it('lets a restore go on into a missing or stopped target, or below a restored top whose children still wait; never into other data', () => {
    expect(topTargetFree([{ kind: 'missing' }, { kind: 'missing' }])).toBe(true)
    expect(topTargetFree([{ kind: 'partial', token: '1-ab' }, { kind: 'missing' }])).toBe(true)
    expect(topTargetFree([{ kind: 'restored' }, { kind: 'partial', token: '1-ab' }])).toBe(true)
    expect(topTargetFree([{ kind: 'restored' }, { kind: 'restored' }])).toBe(false)
    expect(topTargetFree([{ kind: 'exists', snapshots: 3 }, { kind: 'missing' }])).toBe(false)
    expect(topTargetFree([])).toBe(false)
  })
})

describe('the commands of a restore', () => {
  const snap = 'backup/nas/secret@s1' as SnapshotName

  it('sends one snapshot raw when encrypted (no -R), plain with blocks as stored otherwise, and receives resumable and unmounted without -F', () => {
    expect(restoreSendCommand(snap, true).argv).toEqual(['zfs', 'send', '-w', 'backup/nas/secret@s1'])
    expect(restoreSendCommand('backup/nas/plain@s2' as SnapshotName, false).argv).toEqual(['zfs', 'send', '-L', '-e', '-c', 'backup/nas/plain@s2'])
    expect(restoreReceiveCommand(ds('tank/secret')).argv).toEqual(['zfs', 'receive', '-s', '-u', 'tank/secret'])
  })

  it('goes on from the NAS’s token, and refuses a token that is not one', () => {
    expect(restoreResumeSendCommand('1-85d83f101-b8-789c63').argv).toEqual(['zfs', 'send', '-t', '1-85d83f101-b8-789c63'])
    expect(restoreResumeEstimateCommand('1-85d83f101-b8-789c63').argv).toEqual(['zfs', 'send', '-nvP', '-t', '1-85d83f101-b8-789c63'])
    expect(() => restoreResumeSendCommand('1-ab; rm -rf /')).toThrow(/resume token/)
  })

  it('reads which snapshot a token goes on with, by GUID, from zfs send -nvP -t', () => {
    const e = parseSendEstimate(fixture('zfs-2.3', 'send-estimate-resume-token').stdout)
    expect(e.resumeToken?.toguid).toBe(BigInt('0xf84c805ace010823').toString(10))
    expect(e.totalBytes).toBe(1225576)
  })

  it('reads back the restored GUIDs and the datasets’ key and mount state', () => {
    expect(restoredGuidsCommand(['tank/secret@s1' as SnapshotName]).argv).toEqual(['zfs', 'get', '-H', '-p', '-o', 'name,value', 'guid', 'tank/secret@s1'])
    // Captured with `zfs get -Hp all`; `-o name,property,value` prints the same lines without the source column.
    const state = parseRestoredState(fixture('zfs-2.3', 'zfs-get-all-encrypted').stdout.split('\n').map((l) => l.split('\t').slice(0, 3).join('\t')).join('\n'))
    expect(state.size).toBeGreaterThan(0)
    const first = [...state.values()][0]!
    expect(first.encryptionroot).toBeTruthy()
    expect(first.keystatus).toMatch(/available|unavailable/)
  })
})

describe('the relay’s rate limit', () => {
  it('waits just long enough to keep the average at the limit, and not at all without one', () => {
    expect(throttleDelayMs(1024 * 1024, 0, 512 * 1024)).toBe(2000)
    expect(throttleDelayMs(1024 * 1024, 1500, 512 * 1024)).toBe(500)
    expect(throttleDelayMs(1024 * 1024, 3000, 512 * 1024)).toBe(0)
    expect(throttleDelayMs(1024 * 1024, 0, null)).toBe(0)
  })
})
