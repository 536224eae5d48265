// The runs the app has heard of, one per job, folded from `progress` and `jobState`
// events and from listActiveRuns (runs reattached after a restart). Pure: the hook
// keeps the map, these functions say how each message changes it.
import type { EventPayload, RunProgress } from '../../../src-main/shared/contract'
import { addRateSample, type RateSample } from './rate-samples'

export type JobStateName = EventPayload<'jobState'>['state']

export interface LiveRun {
  readonly jobId: string
  readonly runId: string | undefined
  readonly state: JobStateName
  /** What the state means for the person, when the services said. */
  readonly message: string | undefined
  readonly progress: RunProgress | undefined
  readonly samples: readonly RateSample[]
}

export type LiveRuns = ReadonlyMap<string, LiveRun>

const ENDED: ReadonlySet<JobStateName> = new Set(['succeeded', 'failed', 'cancelled', 'busy'])

export function hasEnded(state: JobStateName): boolean {
  return ENDED.has(state)
}

function fresh(jobId: string, runId: string | undefined, state: JobStateName): LiveRun {
  return { jobId, runId, state, message: undefined, progress: undefined, samples: [] }
}

/** The current run of the job, or a fresh one when the report is about another run. */
function runFor(runs: LiveRuns, jobId: string, runId: string | undefined, state: JobStateName): LiveRun {
  const known = runs.get(jobId)
  if (!known || (runId !== undefined && known.runId !== undefined && known.runId !== runId)) return fresh(jobId, runId, state)
  return known
}

function timeOf(progress: RunProgress, now: number): number {
  const at = progress.at === undefined ? Number.NaN : Date.parse(progress.at)
  return Number.isNaN(at) ? now : at
}

export function applyProgress(runs: LiveRuns, progress: RunProgress, now: number): LiveRuns {
  const run = runFor(runs, progress.jobId, progress.runId, 'running')
  const next: LiveRun = {
    ...run,
    runId: progress.runId,
    // A last report that arrives after the end does not bring the run back to life.
    state: hasEnded(run.state) ? run.state : 'running',
    progress,
    samples: addRateSample(run.samples, { at: timeOf(progress, now), bytesPerSecond: progress.rateBytesPerSecond }),
  }
  return new Map(runs).set(progress.jobId, next)
}

export function applyJobState(runs: LiveRuns, event: EventPayload<'jobState'>): LiveRuns {
  // Nothing to show for a job that was idle all along.
  if (event.state === 'idle' && !runs.has(event.jobId)) return runs
  const run = runFor(runs, event.jobId, event.runId, event.state)
  return new Map(runs).set(event.jobId, { ...run, runId: event.runId ?? run.runId, state: event.state, message: event.message })
}

export function applyActiveRuns(runs: LiveRuns, active: readonly RunProgress[], now: number): LiveRuns {
  return active.reduce((acc, progress) => applyProgress(acc, progress, now), runs)
}

/** After cancelRun answered: the run stops, and the next one resumes from ZFS's resume token. */
export function applyCancelled(runs: LiveRuns, jobId: string, runId: string): LiveRuns {
  const run = runs.get(jobId)
  if (!run || run.runId !== runId || run.state === 'cancelled') return runs
  return new Map(runs).set(jobId, { ...run, state: 'cancelled' })
}
