// What a restore to a NAS does, decided from listings alone (issue 9): which off-site
// datasets go (the snapshot's dataset and, recursive, each child with a snapshot of the
// same name, parents first), the NAS dataset each becomes, its default name, and the
// state each target is in there — missing (a full send), a stopped restore (resume from
// its token), restored already, or existing data (a blocker: a restore never writes over it).
import type { Job } from '../../shared/model'
import { targetRootFor } from '../replication/job-run'
import { isEncrypted, type DatasetInfo, type DatasetTree, type Guid } from '../zfs/dataset-tree'
import { checkDatasetName, parentOf, relativeTo, snapshotOf, type DatasetName, type SnapshotRef } from '../zfs/names'

export interface RestoreSource {
  /** The snapshot on the off-site box. */
  readonly snapshot: SnapshotRef
  readonly dataset: DatasetInfo
  readonly guid: Guid
  /** Its path below the restored snapshot's dataset; '' for that dataset itself. */
  readonly relative: string
  /** Encrypted off-site: it came raw and goes back raw. */
  readonly raw: boolean
}

export class RestoreSnapshotMissingError extends Error {
  constructor(readonly snapshot: string) {
    super(`${snapshot} is not on the off-site box`)
    this.name = 'RestoreSnapshotMissingError'
  }
}

/**
 * The datasets a restore of `snapshot` takes, parents first. A child whose parent does not
 * go (it has no snapshot of that name) is left out and named: it would have nothing to land in.
 */
export function restoreSources(tree: DatasetTree, snapshot: SnapshotRef, recursive: boolean): { sources: RestoreSource[]; skipped: DatasetName[] } {
  const sources: RestoreSource[] = []
  const skipped: DatasetName[] = []
  const taken = new Set<DatasetName>()
  for (const d of tree.datasets.values()) {
    const relative = relativeTo(snapshot.dataset, d.name)
    if (relative === null || (relative !== '' && !recursive)) continue
    const snap = d.snapshots.toArray().find((s) => s.name === snapshot.snapshot)
    if (!snap) {
      if (relative === '') throw new RestoreSnapshotMissingError(snapshot.full)
      continue
    }
    if (relative !== '' && !taken.has(parentOf(d.name)!)) {
      skipped.push(d.name)
      continue
    }
    taken.add(d.name)
    sources.push({ snapshot: snapshotOf(d.name, snapshot.snapshot), dataset: d, guid: snap.guid, relative, raw: isEncrypted(d) })
  }
  if (sources.length === 0) throw new RestoreSnapshotMissingError(snapshot.full)
  return { sources, skipped }
}

/**
 * The snapshots off-site that are newer than the one restored, per dataset. A restore of
 * an older snapshot makes the NAS's newest one older than the off-site copy's: the job's
 * next run then finds the copy ahead of the NAS (diverged) and stops before rolling back.
 */
export function newerOffsite(sources: readonly RestoreSource[]): { dataset: DatasetName; newer: string[] }[] {
  const out: { dataset: DatasetName; newer: string[] }[] = []
  for (const s of sources) {
    const all = s.dataset.snapshots.toArray()
    const at = all.findIndex((x) => x.guid === s.guid)
    const newer = at < 0 ? [] : all.slice(at + 1).map((x) => x.name)
    if (newer.length > 0) out.push({ dataset: s.dataset.name, newer })
  }
  return out
}

export function targetOf(top: DatasetName, relative: string): DatasetName {
  return (relative === '' ? top : `${top}/${relative}`) as DatasetName
}

/**
 * The NAS dataset the off-site one was copied from, by the app's jobs to that off-site box
 * (a job of this NAS first; a replacement NAS has none and takes any).
 */
export function originalNasDataset(jobs: readonly Job[], offsiteHostId: string, nasHostId: string, offsiteDataset: DatasetName): DatasetName | null {
  const found: Array<{ name: string; sameNas: boolean }> = []
  for (const job of jobs) {
    if (job.targetHostId !== offsiteHostId) continue
    for (const source of job.sources) {
      const target = targetRootFor(job.targetParent as DatasetName, source.dataset as DatasetName)
      const rel = relativeTo(target, offsiteDataset)
      if (rel === null || (rel !== '' && !source.recursive)) continue
      found.push({ name: rel === '' ? source.dataset : `${source.dataset}/${rel}`, sameNas: job.sourceHostId === nasHostId })
    }
  }
  const pick = found.find((f) => f.sameNas) ?? found[0]
  if (!pick) return null
  const c = checkDatasetName(pick.name)
  return c.ok ? c.value : null
}

/** With no job to go by: the off-site dataset's last name part in the NAS's first pool. */
export function fallbackNasDataset(pools: readonly string[], offsiteDataset: DatasetName): DatasetName | null {
  const pool = pools[0]
  if (!pool) return null
  const c = checkDatasetName(`${pool}/${offsiteDataset.slice(offsiteDataset.lastIndexOf('/') + 1)}`)
  return c.ok ? c.value : null
}

/** `<name>-restored-<yyyymmdd>` (UTC), the default when the original name is taken. */
export function restoredName(name: DatasetName, at: Date): DatasetName {
  const day = at.toISOString().slice(0, 10).replace(/-/g, '')
  const c = checkDatasetName(`${name}-restored-${day}`)
  if (!c.ok) throw new Error(c.reason)
  return c.value
}

export function parsePoolRoots(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '')
}

export type TargetState =
  | { readonly kind: 'missing' }
  /** A receive into it stopped part-way; whether it is this restore's is the off-site box's to say (`zfs send -nvt`). */
  | { readonly kind: 'partial'; readonly token: string }
  /** Holds exactly the restored snapshot and nothing else: this restore (or an earlier one) finished it. */
  | { readonly kind: 'restored' }
  /** Holds other data: never written over. */
  | { readonly kind: 'exists'; readonly snapshots: number }

/** The target's state from the NAS's listing of the top target's tree (null: the top does not exist). */
export function targetState(nasTree: DatasetTree | null, target: DatasetName, guid: Guid): TargetState {
  const d = nasTree?.datasets.get(target)
  if (!d) return { kind: 'missing' }
  if (d.receiveResumeToken) return { kind: 'partial', token: d.receiveResumeToken }
  const snaps = d.snapshots.toArray()
  if (snaps.length === 1 && snaps[0]!.guid === guid) return { kind: 'restored' }
  return { kind: 'exists', snapshots: snaps.length }
}

/**
 * Whether a top target can take this restore: it is missing, holds a stopped receive, or
 * was restored from this snapshot while some child still waits. A finished restore and
 * foreign data both count as taken.
 */
export function topTargetFree(states: readonly TargetState[]): boolean {
  const top = states[0]
  if (!top) return false
  if (top.kind === 'missing' || top.kind === 'partial') return true
  if (top.kind === 'exists') return false
  return states.slice(1).some((s) => s.kind === 'missing' || s.kind === 'partial')
}

/** Milliseconds to wait after `bytes` were relayed in `elapsedMs`, so the average stays at the limit. */
export function throttleDelayMs(bytes: number, elapsedMs: number, bytesPerSecond: number | null): number {
  if (!bytesPerSecond || bytesPerSecond <= 0) return 0
  const due = (bytes / bytesPerSecond) * 1000
  return Math.max(0, Math.ceil(due - elapsedMs))
}
