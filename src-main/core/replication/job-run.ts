// From a stored job to what one run does: the planner's spec per source, exclusions,
// the plan in plain words for the person, the transfers the NAS's run script carries
// out, and the checks after it (the target's newest GUID; which snapshot to hold).
import type { Job, Receiver } from '../../shared/model'
import { checkDatasetName, relativeTo, type DatasetName } from '../zfs/names'
import { ZFS_PATH } from '../zfs/receive'
import { newestSnapshot, type DatasetTree, type Guid } from '../zfs/dataset-tree'
import type { DatasetPlan, ReplicationJobSpec, ReplicationPlan } from './plan'
import { stepsFor } from './steps'
import { pipelineStages, shapingStage, type PipelineOptions, type ReceiverEndpoint } from './pipeline'
import type { RunTransfer } from './run-script'
import type { CommandSpec } from '../zfs/command'

/** A name the person typed, checked against OpenZFS's rules. */
export function checkedDataset(value: string): { ok: true; value: DatasetName } | { ok: false; reason: string } {
  const c = checkDatasetName(value)
  return c.ok ? { ok: true, value: c.value } : { ok: false, reason: c.reason }
}

/** Where a source lands: under the target parent, by its last name part (tank/photos → backup/nas/photos). */
export function targetRootFor(targetParent: DatasetName, source: DatasetName): DatasetName {
  return `${targetParent}/${source.slice(source.lastIndexOf('/') + 1)}` as DatasetName
}

/** One planner spec per source dataset of the job, with the send flags the job was made with. */
export function replicationSpecs(job: Job): ReplicationJobSpec[] {
  return job.sources.map((s) => ({
    sourceRoot: s.dataset as DatasetName,
    targetRoot: targetRootFor(job.targetParent as DatasetName, s.dataset as DatasetName),
    recursive: s.recursive,
    raw: job.send.raw,
    intermediates: job.send.intermediates,
    largeBlocks: job.send.largeBlocks,
    embedded: job.send.embedded,
    compressed: job.send.compressed,
  }))
}

const BLOCKING = new Set(['diverged', 'no-common-snapshot', 'raw-mismatch'])

/** Leaves out excluded datasets and their children; runnable is decided again without them. */
export function withoutExcluded(plan: ReplicationPlan, exclusions: readonly string[]): ReplicationPlan {
  if (exclusions.length === 0) return plan
  const excluded = (name: DatasetName) => exclusions.some((e) => relativeTo(e as DatasetName, name) !== null)
  const datasets = plan.datasets.filter((d) => !excluded(d.source))
  return { ...plan, datasets, runnable: !datasets.some((d) => BLOCKING.has(d.action.kind)) }
}

/** One plan line in plain words. */
export function describeDatasetPlan(p: DatasetPlan): { summary: string; blocking: boolean; snapshotsToSend: number; rollbackWouldDestroy: string[] } {
  const a = p.action
  const base = { blocking: BLOCKING.has(a.kind), snapshotsToSend: 0, rollbackWouldDestroy: [] as string[] }
  const snaps = (n: number) => (n === 1 ? '1 snapshot' : `${n} snapshots`)
  switch (a.kind) {
    case 'up-to-date':
      return { ...base, summary: `Up to date (newest: ${a.newest.name}).` }
    case 'no-source-snapshot':
      return { ...base, summary: 'Has no snapshot yet on the NAS, so there is nothing to copy.' }
    case 'full':
      return { ...base, snapshotsToSend: a.snapshotsToSend, summary: `First copy: ${snaps(a.snapshotsToSend)}, the whole dataset (up to ${(a.thenTo ?? a.first).name}).` }
    case 'incremental':
      return { ...base, snapshotsToSend: a.snapshotsToSend, summary: `Changes since ${a.base.name}: ${snaps(a.snapshotsToSend)}, up to ${a.to.name}.` }
    case 'resume':
      return { ...base, snapshotsToSend: 1, summary: `Continues the interrupted copy of ${a.toname} where it stopped.` }
    case 'check-resume-token':
      return { ...base, snapshotsToSend: 1, summary: 'An interrupted copy is waiting; it is checked before it continues.' }
    case 'abort-resume':
      return { ...base, snapshotsToSend: 1, summary: `An interrupted copy cannot continue (${a.reason}); it is discarded and the copy planned again.` }
    case 'diverged':
      return {
        ...base,
        rollbackWouldDestroy: [...a.rollbackWouldDestroy],
        summary:
          a.rollbackWouldDestroy.length > 0
            ? `The off-site copy has ${snaps(a.rollbackWouldDestroy.length)} the NAS does not (${a.rollbackWouldDestroy.join(', ')}). Nothing is changed; bringing it back in line would destroy them.`
            : `The off-site copy was changed after ${a.base.name} (${a.changedSinceSnapshot} bytes). Nothing is changed; bringing it back in line would undo those changes.`,
      }
    case 'no-common-snapshot':
      return { ...base, summary: `The off-site dataset exists but shares no snapshot with the NAS (${snaps(a.targetSnapshots)} there). Nothing is changed; it would need a full copy under another name.` }
    case 'raw-mismatch':
      return { ...base, summary: a.reason }
    case 'source-removed':
      return { ...base, summary: 'No longer on the NAS; the off-site copy is kept as it is.' }
  }
}

export interface Expectation {
  readonly source: string
  readonly target: string
  readonly newestGuid: string | null
}

export interface RunWork {
  readonly transfers: RunTransfer[]
  /** Per transfer: its datasets and the GUID the target's newest snapshot must have after it. */
  readonly expect: Expectation[]
  /** Commands for the off-site box before the run (discarding stale partial receives). */
  readonly onTarget: { readonly label: string; readonly target: DatasetName; readonly reason: string; readonly command: CommandSpec }[]
  readonly unmet: string[]
}

export function receiverEndpoint(r: Receiver): ReceiverEndpoint {
  return {
    user: r.user,
    host: r.address.replace(/^\[(.*)\]$/, '$1'),
    port: r.port,
    sshOptions: [
      // The NAS must already know the off-site box's key: never trust on first use here.
      '-o', 'StrictHostKeyChecking=yes',
      ...(r.knownHostsFile ? ['-o', `UserKnownHostsFile=${r.knownHostsFile}`] : []),
      ...(r.identityFile ? ['-o', 'IdentitiesOnly=yes', '-i', r.identityFile] : []),
    ],
  }
}

/** The GUID the target's newest snapshot has once a dataset's action is carried out. */
export function expectedNewestGuid(p: DatasetPlan): Guid | null {
  const a = p.action
  switch (a.kind) {
    case 'full':
      return (a.thenTo ?? a.first).guid
    case 'incremental':
      return a.to.guid
    case 'resume':
      return a.toguid
    default:
      return null
  }
}

export function runWork(specs: readonly { spec: ReplicationJobSpec; plan: ReplicationPlan }[], receiver: Receiver, shaping: PipelineOptions): RunWork {
  const to = receiverEndpoint(receiver)
  const transfers: RunTransfer[] = []
  const expect: RunWork['expect'] = []
  const onTarget: RunWork['onTarget'] = []
  for (const { spec, plan } of specs) {
    for (const d of plan.datasets) {
      for (const step of stepsFor(spec, d, { zfsPathOnTarget: ZFS_PATH })) {
        if (step.kind === 'on-target') {
          onTarget.push({ label: step.label, target: d.target, reason: d.action.kind === 'abort-resume' ? d.action.reason : '', command: step.command })
          continue
        }
        transfers.push({ label: step.label, source: d.source, target: d.target, stages: pipelineStages(step.send, step.receive, to, shaping) })
        expect.push({ source: d.source, target: d.target, newestGuid: expectedNewestGuid(d) })
      }
    }
  }
  return { transfers, expect, onTarget, unmet: shapingStage(shaping).unmet }
}

/** Datasets whose newest off-site snapshot is not the one just sent. */
export function verifyNewest(expectations: readonly Expectation[], target: DatasetTree): { target: string; expected: string; found: string | null }[] {
  const wrong: { target: string; expected: string; found: string | null }[] = []
  const seen = new Set<string>()
  // Only the last transfer of a dataset says what must be newest there.
  for (let i = expectations.length - 1; i >= 0; i--) {
    const e = expectations[i]!
    if (seen.has(e.target) || e.newestGuid === null) continue
    seen.add(e.target)
    const d = target.datasets.get(e.target as DatasetName)
    const newest = d ? newestSnapshot(d) : null
    if (newest?.guid !== e.newestGuid) wrong.push({ target: e.target, expected: e.newestGuid, found: newest?.guid ?? null })
  }
  return wrong.reverse()
}

/** The hold tag of one job: each job protects its own base, whatever other jobs hold. */
export function jobHoldTag(jobId: string): string {
  return `zfs-offsite-${jobId}`
}

/** After a verified run: per source dataset, the snapshot that is now the common base. */
export function newBases(expectations: readonly Expectation[], source: DatasetTree): { dataset: DatasetName; snapshot: string; older: string[] }[] {
  const out: { dataset: DatasetName; snapshot: string; older: string[] }[] = []
  const seen = new Set<string>()
  for (let i = expectations.length - 1; i >= 0; i--) {
    const e = expectations[i]!
    if (seen.has(e.source) || e.newestGuid === null) continue
    seen.add(e.source)
    const d = source.datasets.get(e.source as DatasetName)
    if (!d) continue
    const at = d.snapshots.lastIndexOfGuid(e.newestGuid as Guid)
    if (at < 0) continue
    const older: string[] = []
    for (let k = 0; k < at; k++) older.push(`${d.name}@${d.snapshots.get(k).name}`)
    out.push({ dataset: d.name, snapshot: `${d.name}@${d.snapshots.get(at).name}`, older })
  }
  return out.reverse()
}
