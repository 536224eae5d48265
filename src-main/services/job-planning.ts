// Plans a job on the real hosts: one tree listing per source on the NAS and per target
// root on the off-site box, resume tokens checked by ZFS itself (`send -nvP -t`), then
// one command on the NAS for every size estimate. Shared by "Check plan" and by runs.
import type { SshConnection } from '../adapters/ssh/ssh-connection'
import type { Job } from '../shared/model'
import type { PlanView } from '../shared/contract'
import { AppFailure } from '../shared/errors'
import { listTreeCommand, parseTreeListing } from '../core/zfs/list-tree'
import type { DatasetTree } from '../core/zfs/dataset-tree'
import type { DatasetName } from '../core/zfs/names'
import { parseSendEstimate, resumeEstimateCommand } from '../core/zfs/send-estimate'
import { planReplication, type ReplicationJobSpec, type ReplicationPlan, type TokenCheck } from '../core/replication/plan'
import { describeDatasetPlan, replicationSpecs, withoutExcluded } from '../core/replication/job-run'
import { stepsFor } from '../core/replication/steps'
import { quoteArg, shellJoin } from '../core/shell/quote'

export interface PlannedSpec {
  readonly spec: ReplicationJobSpec
  readonly plan: ReplicationPlan
  readonly source: DatasetTree
  readonly target: DatasetTree
  /** Bytes each resumable target had already received (from its token). */
  readonly resumedBytes: ReadonlyMap<string, number>
}

export interface JobPlan {
  readonly specs: PlannedSpec[]
  /** Estimated bytes per transfer, in the order the run carries them out (null: unknown). */
  readonly estimates: (number | null)[]
}

const EMPTY: DatasetTree = { datasets: new Map() }

/** A tree listing; a root that does not exist yet is an empty tree (nothing there to compare). */
export async function listTree(connection: SshConnection, root: DatasetName): Promise<DatasetTree> {
  try {
    return parseTreeListing(await connection.run(listTreeCommand(root)))
  } catch (err) {
    if (err instanceof AppFailure && err.appError.code === 'ZFS_DATASET_MISSING') return EMPTY
    throw err
  }
}

export async function planJob(job: Job, nas: SshConnection, target: SshConnection): Promise<JobPlan> {
  const specs: PlannedSpec[] = []
  for (const spec of replicationSpecs(job)) {
    const [source, dest] = await Promise.all([listTree(nas, spec.sourceRoot), listTree(target, spec.targetRoot)])
    let plan = planReplication(spec, source, dest)
    const tokens = new Map<DatasetName, TokenCheck>()
    const resumedBytes = new Map<string, number>()
    for (const d of plan.datasets) {
      if (d.action.kind !== 'check-resume-token') continue
      const outcome = await nas.exec(resumeEstimateCommand(d.action.token).argv)
      if (outcome.kind === 'exited' && outcome.code === 0) {
        const info = parseSendEstimate(outcome.stdout).resumeToken
        if (info) {
          tokens.set(d.target, { ok: true, info })
          if (info.bytes !== null) resumedBytes.set(d.target, info.bytes)
          continue
        }
      }
      tokens.set(d.target, { ok: false, stderr: outcome.stderr || 'the token could not be read' })
    }
    if (tokens.size > 0) plan = planReplication(spec, source, dest, tokens)
    specs.push({ spec, plan: withoutExcluded(plan, job.exclusions), source, target: dest, resumedBytes })
  }
  return { specs, estimates: await estimate(specs, nas) }
}

/** Every transfer's size from `zfs send -nvP` with the same flags, in one command on the NAS. */
async function estimate(specs: readonly PlannedSpec[], nas: SshConnection): Promise<(number | null)[]> {
  const commands: string[] = []
  for (const { spec, plan } of specs) {
    for (const d of plan.datasets) {
      for (const step of stepsFor(spec, d)) {
        if (step.kind !== 'transfer') continue
        // The send's own argv with -n: nothing is sent, the same stream is sized.
        const argv = step.send.argv.map((a) => (a === '-vP' ? '-nvP' : a))
        commands.push(shellJoin(argv))
      }
    }
  }
  if (commands.length === 0) return []
  const marker = '--zfs-offsite-estimate--'
  const script = commands.map((c) => `${c} 2>&1; echo ${quoteArg(marker)}`).join('\n')
  const outcome = await nas.exec(['sh', '-c', script])
  const parts = outcome.stdout.split(`${marker}\n`)
  return commands.map((_, i) => {
    try {
      return parseSendEstimate(parts[i] ?? '').totalBytes
    } catch {
      return null
    }
  })
}

export function planView(job: Job, planned: JobPlan, plannedAt: string): PlanView {
  const datasets: PlanView['datasets'] = []
  let k = 0
  let total: number | null = 0
  for (const { spec, plan } of planned.specs) {
    for (const d of plan.datasets) {
      const transfers = stepsFor(spec, d).filter((s) => s.kind === 'transfer').length
      let bytes: number | null = transfers > 0 ? 0 : null
      for (let t = 0; t < transfers; t++, k++) {
        const e = planned.estimates[k] ?? null
        bytes = bytes === null || e === null ? null : bytes + e
      }
      if (transfers > 0) total = total === null || bytes === null ? null : total + bytes
      const words = describeDatasetPlan(d)
      datasets.push({ source: d.source, target: d.target, action: d.action.kind, estimatedBytes: bytes, ...words })
    }
  }
  const warnings = planned.specs.flatMap((s) => s.plan.warnings.map((w) => ({ code: w.code, message: w.message })))
  const upToDate = datasets.every((d) => d.snapshotsToSend === 0 && !d.blocking)
  const rate = job.rateLimitBytesPerSecond
  return {
    jobId: job.id,
    plannedAt,
    datasets,
    warnings,
    runnable: planned.specs.every((s) => s.plan.runnable),
    upToDate,
    estimatedBytes: total,
    etaSeconds: rate !== undefined && total !== null ? Math.ceil(total / rate) : null,
    unmet: [],
  }
}
