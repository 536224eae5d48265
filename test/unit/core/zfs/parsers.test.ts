// Parsers against output captured from real OpenZFS in the lab, on both versions.
// Values (GUIDs, sizes) differ between captures, so tests compare across fixtures of
// the same capture run rather than against numbers typed here.
import { describe, expect, it } from 'vitest'
import { parseTreeListing, listTreeCommand } from '../../../../src-main/core/zfs/list-tree'
import { parseZfsVersion, atLeast } from '../../../../src-main/core/zfs/zfs-version'
import { parsePoolProperties, poolPropertiesCommand, missingFeatures } from '../../../../src-main/core/zfs/pool-properties'
import { parseSendEstimate, sendEstimateCommand, resumeEstimateCommand } from '../../../../src-main/core/zfs/send-estimate'
import { SendProgressTracker, parseSendProgressLine } from '../../../../src-main/core/zfs/send-progress'
import { listHoldsCommand, parseHolds } from '../../../../src-main/core/zfs/holds'
import { parseResumeTokenContents } from '../../../../src-main/core/zfs/resume-token'
import { receiveAbortCommand } from '../../../../src-main/core/zfs/receive-abort'
import { bookmarkCommand } from '../../../../src-main/core/zfs/bookmark'
import { datasetName, poolName, snapshotName, bookmarkName, type DatasetName } from '../../../../src-main/core/zfs/names'
import { shellWords } from '../../../support/shell-words'
import { fixture, ZFS_VERSIONS } from '../../../support/fixtures'

/** The argv a builder makes, to compare with the words of a captured command line. */
const argvOf = (spec: { argv: readonly string[] }) => [...spec.argv]

describe.each(ZFS_VERSIONS)('parsers on OpenZFS %s output', (version) => {
  const f = (name: string) => fixture(version, name)

  it('builds exactly the listing command that was captured, and reads the whole tree', () => {
    const listed = f('zfs-list-tree')
    expect(argvOf(listTreeCommand(datasetName('tank')))).toEqual(shellWords(listed.command))
    const tree = parseTreeListing(listed.stdout)
    const lines = listed.stdout.split('\n').filter(Boolean)
    const counted = [...tree.datasets.values()].reduce((n, d) => n + 1 + d.snapshots.length + d.bookmarks.length, 0)
    expect(counted).toBe(lines.length)

    const plain = tree.datasets.get('tank/plain' as DatasetName)!
    const snaps = plain.snapshots.toArray()
    expect(snaps.map((s) => s.name)).toEqual(['a', 'b', 'c'])
    expect(snaps.map((s) => s.createtxg)).toEqual([...snaps.map((s) => s.createtxg)].sort((a, b) => a - b))
    expect(snaps.every((s) => s.used !== null && s.referenced !== null && /^\d+$/.test(s.guid))).toBe(true)
    // A bookmark carries its snapshot's GUID: that is what makes it an incremental base.
    expect(plain.bookmarks.toArray().map((b) => [b.name, b.guid])).toEqual([['a', snaps[0]!.guid]])
    expect(plain.encryption).toBe('off')
    expect(plain.encryptionRoot).toBeNull()

    const secret = tree.datasets.get('tank/secret' as DatasetName)!
    const child = tree.datasets.get('tank/secret/child' as DatasetName)!
    expect(secret.encryption).not.toBe('off')
    expect([secret.encryptionRoot, child.encryptionRoot]).toEqual(['tank/secret', 'tank/secret'])
    expect(secret.keyStatus).toBe('available')
    expect(tree.datasets.get('tank/vol' as DatasetName)?.type).toBe('volume')

    const partial = tree.datasets.get('tank/partial' as DatasetName)!
    expect(partial.receiveResumeToken).toMatch(/^1-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/)
    expect([...tree.datasets.keys()].indexOf('tank/secret' as DatasetName)).toBeLessThan([...tree.datasets.keys()].indexOf('tank/secret/child' as DatasetName))
  })

  it('reads the userland and kernel versions', () => {
    const v = parseZfsVersion(f('zfs-version').stdout)
    const [major, minor] = version.slice('zfs-'.length).split('.').map(Number)
    expect([v.userland.major, v.userland.minor]).toEqual([major, minor])
    expect(v.kernel && [v.kernel.major, v.kernel.minor]).toEqual([major, minor])
    expect(f('zfs-version').zfsVersion).toContain(v.userland.full)
  })

  it('reads pool properties and the same feature flags as the filtered listing', () => {
    const all = f('zpool-get-all')
    expect(argvOf(poolPropertiesCommand(poolName('tank')))).toEqual(shellWords(all.command))
    const pool = parsePoolProperties(all.stdout)
    expect(pool.pool).toBe('tank')
    expect(pool.health).toBe('ONLINE')
    const listed = f('zpool-list').stdout.split('\t')
    expect(pool.sizeBytes).toBe(Number(listed[1]))
    const filtered = parsePoolProperties(f('zpool-get-features').stdout)
    expect([...pool.features.entries()].sort()).toEqual([...filtered.features.entries()].sort())
    expect(pool.features.get('bookmarks')).toBe('active')
    expect(missingFeatures(pool, pool)).toEqual([])
  })

  it('reads full, incremental, bookmark-based, raw and replicated send estimates', () => {
    const full = f('send-estimate-full')
    expect(argvOf(sendEstimateCommand(snapshotName('tank/plain@c').full, { raw: false }))).toEqual(shellWords(full.command))
    const e = parseSendEstimate(full.stdout)
    expect(e.streams).toEqual([{ kind: 'full', from: null, to: 'tank/plain@c', bytes: e.totalBytes }])
    expect(e.totalBytes).toBeGreaterThan(0)

    const inc = f('send-estimate-incremental-I')
    expect(argvOf(sendEstimateCommand(snapshotName('tank/plain@c').full, { raw: false, from: { name: 'tank/plain@a', intermediates: true } }))).toEqual(shellWords(inc.command))
    const ei = parseSendEstimate(inc.stdout)
    expect(ei.streams.map((s) => [s.kind, s.to])).toEqual([
      ['incremental', 'tank/plain@b'],
      ['incremental', 'tank/plain@c'],
    ])
    expect(ei.totalBytes).toBe(ei.streams.reduce((n, s) => n + s.bytes, 0))

    const fromBookmark = parseSendEstimate(f('send-estimate-from-bookmark').stdout)
    expect(fromBookmark.streams[0]).toMatchObject({ kind: 'incremental', from: 'tank/plain#a', to: 'tank/plain@c' })

    const raw = f('send-estimate-raw')
    expect(argvOf(sendEstimateCommand(snapshotName('tank/secret@s1').full, { raw: true }))).toEqual(shellWords(raw.command))
    expect(parseSendEstimate(raw.stdout).streams).toHaveLength(1)

    const rep = parseSendEstimate(f('send-estimate-replicate').stdout)
    expect(rep.streams.map((s) => s.to).sort()).toEqual(['tank/tree/one@t1', 'tank/tree/two@t1', 'tank/tree@t1'])
  })

  it('reads a resume token’s contents, with its GUID matching the snapshot in the listing', () => {
    const est = f('send-estimate-resume-token')
    const token = est.command.split(' ').pop()!
    expect(argvOf(resumeEstimateCommand(token))).toEqual(shellWords(est.command))
    const e = parseSendEstimate(est.stdout)
    expect(e.resumeToken).not.toBeNull()
    const tree = parseTreeListing(f('zfs-list-tree').stdout)
    const [ds, snap] = e.resumeToken!.toname.split('@') as [string, string]
    const target = tree.datasets.get(ds as DatasetName)!.snapshots.toArray().find((s) => s.name === snap)!
    expect(e.resumeToken!.toguid).toBe(target.guid)
    expect(e.resumeToken!.raw).toBe(false)
    expect(e.resumeToken!.bytes).toBeGreaterThan(0)
    // The token in the listing is the one that was decoded.
    expect(tree.datasets.get('tank/partial' as DatasetName)!.receiveResumeToken).toBe(token)
  })

  it('folds live progress lines into one running count that ends near the estimate', () => {
    const progress = f('send-progress-vP')
    const tracker = new SendProgressTracker()
    let last = tracker.state
    let previous = 0
    for (const line of progress.stderr.split('\n').filter(Boolean)) {
      last = tracker.push(line)
      expect(last.bytesDone).toBeGreaterThanOrEqual(previous)
      previous = last.bytesDone
    }
    expect(last.totalBytes).toBe(parseSendEstimate(progress.stderr).totalBytes)
    expect(last.bytesDone).toBeGreaterThan(0)
    expect(last.bytesDone).toBeLessThanOrEqual(last.totalBytes!)
  })

  it('adds the estimates of every stream of a -I send into the total', () => {
    const stderr = f('send-progress-vP-incremental-I').stderr
    const tracker = new SendProgressTracker()
    for (const line of stderr.split('\n').filter(Boolean)) tracker.push(line)
    const e = parseSendEstimate(stderr)
    expect(e.streams.length).toBeGreaterThan(1)
    expect(tracker.state.totalBytes).toBe(e.streams.reduce((n, s) => n + s.bytes, 0))
  })

  it('recognises every line of the -vP progress outputs', () => {
    // Each of these sends lasted more than a second, so zfs printed progress lines.
    for (const name of ['send-progress-vP', 'send-progress-vP-raw', 'send-progress-vP-resume']) {
      const kinds = f(name)
        .stderr.split('\n')
        .filter(Boolean)
        .map((l) => parseSendProgressLine(l).kind)
      expect(kinds).toContain('progress')
      expect(kinds).toContain('total')
    }
    const resume = f('send-progress-vP-resume').stderr
    expect(parseResumeTokenContents(resume)?.toname).toBe(parseSendEstimate(f('send-estimate-resume-token').stdout).resumeToken?.toname)
  })

  it('lists holds in the form this version understands, and reads them', () => {
    const v = parseZfsVersion(f('zfs-version').stdout).userland
    const parsable = atLeast(v, 2, 2)
    const human = f('holds')
    expect(argvOf(listHoldsCommand([snapshotName('tank/plain@a').full, snapshotName('tank/plain@b').full], { parsable: false }))).toEqual(shellWords(human.command))
    expect(parseHolds(human.stdout)).toEqual([{ snapshot: 'tank/plain@a', tag: 'zfs-offsite', created: null }])
    const exact = f('holds-recursive-parsable')
    expect(argvOf(listHoldsCommand([snapshotName('tank/plain@a').full], { parsable: true, recursive: true }))).toEqual(shellWords(exact.command))
    if (parsable) {
      expect(exact.exitCode).toBe(0)
      const holds = parseHolds(exact.stdout)
      expect(holds).toEqual([{ snapshot: 'tank/plain@a', tag: 'zfs-offsite', created: expect.any(Number) }])
      expect(holds[0]!.created).toBeGreaterThan(1_600_000_000)
    } else {
      // Why the command depends on the version: this zfs refuses -p.
      expect(exact.exitCode).not.toBe(0)
    }
  })

  it('builds the abort and bookmark commands that were captured', () => {
    expect(argvOf(receiveAbortCommand(datasetName('tank/partial')))).toEqual(shellWords(f('receive-abort').command))
    expect(argvOf(bookmarkCommand(snapshotName('tank/plain@b').full, bookmarkName('tank/plain#b').full))).toEqual(shellWords(f('bookmark').command))
  })
})
