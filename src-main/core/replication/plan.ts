// The replication planner: from one listing of the source tree and one of the target
// tree, decide per dataset what to send, or why not. Pure and fast; the plan is data
// the UI shows before anything runs. Decisions follow ZFS's own state (GUIDs, resume
// tokens, encryption roots), never snapshot names, which can lie.
import type { DatasetName } from '../zfs/names'
import { relativeTo } from '../zfs/names'
import { isEncrypted, newestSnapshot, type DatasetInfo, type DatasetTree, type Guid, type SnapshotInfo } from '../zfs/dataset-tree'

export interface ReplicationJobSpec {
  /** The dataset on the NAS that is backed up. */
  readonly sourceRoot: DatasetName
  /** Where sourceRoot lands on the off-site box (its children mirror the source's). */
  readonly targetRoot: DatasetName
  readonly recursive: boolean
  /** Send raw (-w): encrypted data stays encrypted and keyless on the target. */
  readonly raw: boolean
  /** Send every snapshot in between (-I) rather than only the newest (-i). */
  readonly intermediates: boolean
  /** Non-raw streams: keep large blocks (-L), embedded data (-e) and compression (-c). */
  readonly largeBlocks?: boolean
  readonly embedded?: boolean
  readonly compressed?: boolean
}

/** What `zfs send -nvP -t <token>` says a resume token holds. */
export interface ResumeTokenInfo {
  readonly toguid: Guid
  readonly toname: string
  readonly fromguid: Guid | null
  readonly raw: boolean
}

export type TokenCheck = { readonly ok: true; readonly info: ResumeTokenInfo } | { readonly ok: false; readonly stderr: string }

export interface SnapshotPoint {
  readonly kind: 'snapshot' | 'bookmark'
  readonly name: string
  readonly guid: Guid
  readonly createtxg: number
  readonly creation: number
}

export type DatasetAction =
  | { readonly kind: 'up-to-date'; readonly newest: SnapshotPoint }
  | { readonly kind: 'no-source-snapshot' }
  | {
      readonly kind: 'full'
      /** The first snapshot sent whole. */
      readonly first: SnapshotPoint
      /** Then an incremental from `first` to this, when there is more to send. */
      readonly thenTo: SnapshotPoint | null
      readonly snapshotsToSend: number
    }
  | {
      readonly kind: 'incremental'
      /** The newest snapshot (or source bookmark) whose GUID is on both sides. */
      readonly base: SnapshotPoint
      readonly to: SnapshotPoint
      /** The first source snapshot after the base (a bookmark base is sent -i to it, then -I on). */
      readonly next: SnapshotPoint
      readonly snapshotsToSend: number
    }
  | { readonly kind: 'resume'; readonly token: string; readonly toname: string; readonly toguid: Guid }
  | { readonly kind: 'check-resume-token'; readonly token: string }
  | { readonly kind: 'abort-resume'; readonly token: string; readonly reason: string }
  | {
      readonly kind: 'diverged'
      readonly base: SnapshotPoint
      /** Target snapshots a rollback to `base` would destroy, oldest first. */
      readonly rollbackWouldDestroy: readonly string[]
      /** Bytes changed on the target since its newest snapshot. */
      readonly changedSinceSnapshot: number
    }
  | { readonly kind: 'no-common-snapshot'; readonly targetSnapshots: number; readonly targetReferenced: number }
  | { readonly kind: 'raw-mismatch'; readonly reason: string }
  | { readonly kind: 'source-removed' }

export interface DatasetPlan {
  readonly source: DatasetName
  readonly target: DatasetName
  readonly action: DatasetAction
}

export interface PlanWarning {
  readonly code: 'SOURCE_NOT_ENCRYPTED' | 'MANY_ENCRYPTION_ROOTS'
  readonly message: string
  readonly count?: number
}

export interface ReplicationPlan {
  readonly job: ReplicationJobSpec
  /** Parents before children. */
  readonly datasets: readonly DatasetPlan[]
  readonly warnings: readonly PlanWarning[]
  /** True when every dataset can proceed without a person deciding something. */
  readonly runnable: boolean
}

const BLOCKING: ReadonlySet<DatasetAction['kind']> = new Set(['diverged', 'no-common-snapshot', 'raw-mismatch'])

function point(s: SnapshotInfo): SnapshotPoint {
  return { kind: s.kind, name: s.name, guid: s.guid, createtxg: s.createtxg, creation: s.creation }
}

/** The target dataset for a source dataset, or null when outside the job. */
export function targetFor(job: ReplicationJobSpec, source: DatasetName): DatasetName | null {
  const rel = relativeTo(job.sourceRoot, source)
  if (rel === null) return null
  return (rel === '' ? job.targetRoot : `${job.targetRoot}/${rel}`) as DatasetName
}

function sourceFor(job: ReplicationJobSpec, target: DatasetName): DatasetName | null {
  const rel = relativeTo(job.targetRoot, target)
  if (rel === null) return null
  return (rel === '' ? job.sourceRoot : `${job.sourceRoot}/${rel}`) as DatasetName
}

function isUnder(root: DatasetName | null, inside: DatasetName, rootOfTree: DatasetName): boolean {
  return root !== null && relativeTo(rootOfTree, root) !== null && relativeTo(root, inside) !== null
}

/** Raw and non-raw streams must never mix into one target (each keeps its own keys). */
function rawMismatch(job: ReplicationJobSpec, src: DatasetInfo, dst: DatasetInfo): string | null {
  if (!isEncrypted(src)) return null
  // A raw receive makes the target its own encryption root (or keeps the source's
  // hierarchy inside the target tree); a plain receive into an encrypted parent
  // inherits that parent's root, and into a plain parent is not encrypted at all.
  const receivedRaw = isEncrypted(dst) && isUnder(dst.encryptionRoot, dst.name, job.targetRoot)
  if (job.raw && !receivedRaw) {
    return `${dst.name} was received decrypted (not raw); raw snapshots cannot be added to it.`
  }
  if (!job.raw && receivedRaw) {
    return `${dst.name} holds raw (still encrypted) snapshots; decrypted snapshots cannot be added to it.`
  }
  return null
}

function findCommonBase(src: DatasetInfo, dst: DatasetInfo): { base: SnapshotInfo | null; baseOnTarget: SnapshotInfo | null } {
  // Fast path, the usual case: the target's newest snapshot is one of the source's
  // latest. Then it is the newest common point and nothing on the target is newer.
  const targetNewest = newestSnapshot(dst)
  if (targetNewest) {
    const i = src.snapshots.lastIndexOfGuid(targetNewest.guid)
    if (i >= 0) return { base: src.snapshots.get(i), baseOnTarget: targetNewest }
  }
  const targetByGuid = new Map<Guid, SnapshotInfo>()
  for (const s of dst.snapshots) targetByGuid.set(s.guid, s)
  let base: SnapshotInfo | null = null
  for (let i = src.snapshots.length - 1; i >= 0; i--) {
    const s = src.snapshots.get(i)
    if (targetByGuid.has(s.guid)) {
      base = s
      break
    }
  }
  for (let i = src.bookmarks.length - 1; i >= 0; i--) {
    const b = src.bookmarks.get(i)
    if ((base === null || b.createtxg > base.createtxg) && targetByGuid.has(b.guid)) {
      base = b
      break
    }
  }
  return { base, baseOnTarget: base ? targetByGuid.get(base.guid)! : null }
}

function planDataset(job: ReplicationJobSpec, src: DatasetInfo, dst: DatasetInfo | undefined, tokens: ReadonlyMap<DatasetName, TokenCheck>): DatasetAction {
  const newest = newestSnapshot(src)
  const token = dst?.receiveResumeToken ?? null
  if (dst && token !== null) {
    const check = tokens.get(dst.name)
    if (!check) return { kind: 'check-resume-token', token }
    if (!check.ok) return { kind: 'abort-resume', token, reason: `ZFS cannot resume from it: ${check.stderr.trim()}` }
    if (check.info.raw !== job.raw) {
      return { kind: 'abort-resume', token, reason: `the interrupted transfer was ${check.info.raw ? 'raw' : 'not raw'}, this job is ${job.raw ? 'raw' : 'not raw'}` }
    }
    const stillThere = src.snapshots.lastIndexOfGuid(check.info.toguid) >= 0
    if (!stillThere) return { kind: 'abort-resume', token, reason: `the snapshot it was sending (${check.info.toname}) no longer exists on the source` }
    return { kind: 'resume', token, toname: check.info.toname, toguid: check.info.toguid }
  }
  if (!newest) return { kind: 'no-source-snapshot' }
  if (!dst) {
    const first = src.snapshots.get(0)
    const thenTo = first.guid === newest.guid ? null : newest
    if (!job.intermediates) return { kind: 'full', first: point(newest), thenTo: null, snapshotsToSend: 1 }
    return { kind: 'full', first: point(first), thenTo: thenTo ? point(thenTo) : null, snapshotsToSend: src.snapshots.length }
  }
  const mismatch = rawMismatch(job, src, dst)
  if (mismatch) return { kind: 'raw-mismatch', reason: mismatch }

  // Newest point on the source (snapshot or bookmark) whose GUID the target has.
  const { base, baseOnTarget } = findCommonBase(src, dst)
  if (base === null) {
    return { kind: 'no-common-snapshot', targetSnapshots: dst.snapshots.length, targetReferenced: dst.referenced }
  }
  const newerOnTarget: string[] = []
  for (let i = dst.snapshots.length - 1; i >= 0 && dst.snapshots.createtxgAt(i) > baseOnTarget!.createtxg; i--) {
    newerOnTarget.unshift(dst.snapshots.get(i).name)
  }
  if (newerOnTarget.length > 0 || dst.written > 0) {
    return { kind: 'diverged', base: point(base), rollbackWouldDestroy: newerOnTarget, changedSinceSnapshot: dst.written }
  }
  if (base.guid === newest.guid) return { kind: 'up-to-date', newest: point(newest) }
  let toSend = 0
  let i = src.snapshots.length - 1
  for (; i >= 0 && src.snapshots.createtxgAt(i) > base.createtxg; i--) toSend++
  const next = src.snapshots.get(i + 1)
  return { kind: 'incremental', base: point(base), to: point(newest), next: point(next), snapshotsToSend: job.intermediates ? toSend : 1 }
}

export function planReplication(
  job: ReplicationJobSpec,
  source: DatasetTree,
  target: DatasetTree,
  tokens: ReadonlyMap<DatasetName, TokenCheck> = new Map(),
): ReplicationPlan {
  const plans: DatasetPlan[] = []
  const covered = new Set<DatasetName>()
  for (const src of source.datasets.values()) {
    const rel = relativeTo(job.sourceRoot, src.name)
    if (rel === null || (!job.recursive && rel !== '')) continue
    const targetName = targetFor(job, src.name)!
    covered.add(targetName)
    plans.push({ source: src.name, target: targetName, action: planDataset(job, src, target.datasets.get(targetName), tokens) })
  }
  if (job.recursive) {
    for (const dst of target.datasets.values()) {
      if (covered.has(dst.name)) continue
      const src = sourceFor(job, dst.name)
      if (src === null) continue
      plans.push({ source: src, target: dst.name, action: { kind: 'source-removed' } })
    }
  }
  plans.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0))

  const warnings: PlanWarning[] = []
  const planned = new Set(plans.map((p) => p.source))
  const sources = [...source.datasets.values()].filter((d) => planned.has(d.name))
  const plain = sources.filter((d) => !isEncrypted(d))
  if (plain.length > 0) {
    warnings.push({
      code: 'SOURCE_NOT_ENCRYPTED',
      count: plain.length,
      message: `${plain.length === 1 ? 'One dataset is' : `${plain.length} datasets are`} not encrypted on the NAS, so the off-site box will be able to read ${plain.length === 1 ? 'it' : 'them'}.`,
    })
  }
  if (job.raw) {
    // Each dataset received raw on its own becomes its own encryption root off-site,
    // so a restore asks for the passphrase once per such dataset (zrepl#950).
    let roots = 0
    for (const p of plans) {
      const src = source.datasets.get(p.source)
      if (!src || !isEncrypted(src)) continue
      const dst = target.datasets.get(p.target)
      if (dst ? dst.encryptionRoot === dst.name : p.action.kind === 'full') roots++
    }
    if (roots > 1) {
      warnings.push({
        code: 'MANY_ENCRYPTION_ROOTS',
        count: roots,
        message: `A restore will need the passphrase for ${roots} datasets separately (each arrives off-site as its own encryption root); the recovery guide loads them together.`,
      })
    }
  }
  return { job, datasets: plans, warnings, runnable: !plans.some((p) => BLOCKING.has(p.action.kind)) }
}
