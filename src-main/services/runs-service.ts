// Replication runs: plan on the real hosts, show the plan, start the run script detached
// on the NAS (it outlives the app and its connection), follow its state file for live
// progress (reattaching after a restart), cancel it into a resumable state, and after
// it ends verify the target's newest GUID, hold the new base on the source and release
// the previous one, and keep the run in the history.
import { randomBytes } from 'node:crypto'
import type { ConfigStore } from '../adapters/config/config-store'
import type { SshConnection } from '../adapters/ssh/ssh-connection'
import type { Logger } from '../core/logging/logger'
import { classifyError } from '../core/errors/error-table'
import { jobHoldTag, newBases, runWork, verifyNewest, type Expectation } from '../core/replication/job-run'
import { nasToolsCommand, parseNasTools } from '../core/replication/nas-tools'
import { cancelRunCommand, followStateCommand, runScript, startRunCommand } from '../core/replication/run-script'
import { parseRunState, type RunState } from '../core/replication/run-state'
import { holdCommand, listHoldsCommand, parseHolds, releaseCommand } from '../core/zfs/holds'
import type { DatasetName, SnapshotName } from '../core/zfs/names'
import { AppFailure, appError, type AppError } from '../shared/errors'
import type { Job, RunRecord } from '../shared/model'
import type { MethodName, MethodOutput, RunProgress } from '../shared/contract'
import type { ParsedInput } from './app-services'
import type { EventBus } from './event-bus'
import type { HostServices } from './hosts-service'
import { findJob } from './jobs-service'
import { listTree, planJob, planView } from './job-planning'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>
export type RunMethod = 'planJob' | 'startRun' | 'cancelRun' | 'listActiveRuns' | 'listRuns'

export interface RunServiceDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly events: EventBus
  readonly hosts: HostServices
  readonly now: () => string
  /** Milliseconds between progress events (at least one a second). */
  readonly tickMs?: number
  /** Where runs keep their script and state file on the NAS. */
  readonly stateRoot?: string
  /** Where the per-job lock lives on the NAS (shared with scheduled runs). */
  readonly lockDir?: string
  /** Milliseconds between checks that a run's script is still alive on the NAS. */
  readonly livenessMs?: number
}

export interface RunServices {
  readonly methods: { [M in RunMethod]: ServiceImpl<M> }
  isRunning(jobId: string): boolean
  /** Follows runs the store says are still going (after the app restarted). */
  reattach(): Promise<void>
  dispose(): void
}

export const DEFAULT_STATE_ROOT = '/var/lib/zfs-offsite/runs'
export const DEFAULT_LOCK_DIR = '/run/lock'
const MAX_RUNS_KEPT = 500
const RATE_WINDOW_MS = 10_000
/** A run that ends after resuming is followed by one more, which sends what is newer. */
const MAX_FOLLOW_UPS = 2

export const PAUSED_MESSAGE = 'Paused — will resume: the next run continues where this one stopped.'

export function lockFileFor(lockDir: string, jobId: string): string {
  return `${lockDir}/zfs-offsite-${jobId}.lock`
}

interface Watch {
  readonly runId: string
  readonly jobId: string
  readonly controller: AbortController
  done: Promise<RunRecord>
  progress: RunProgress
}

export function createRunServices(deps: RunServiceDeps): RunServices {
  const { config, logger, events } = deps
  const tickMs = deps.tickMs ?? 1_000
  const stateRoot = deps.stateRoot ?? DEFAULT_STATE_ROOT
  const lockDir = deps.lockDir ?? DEFAULT_LOCK_DIR
  const livenessMs = deps.livenessMs ?? 15_000
  const watches = new Map<string, Watch>()
  /** Jobs between "start" and the run being followed (planning, starting). */
  const starting = new Set<string>()
  let disposed = false

  const jobOf = (id: string): Job => findJob(config, id)
  const runOf = (id: string): RunRecord | undefined => config.read().runs.find((r) => r.id === id)

  const saveRun = (run: RunRecord): RunRecord => {
    config.update((c) => {
      const i = c.runs.findIndex((r) => r.id === run.id)
      if (i >= 0) c.runs[i] = run
      else c.runs.push(run)
      // History is bounded; runs still going are never dropped.
      const excess = c.runs.length - MAX_RUNS_KEPT
      if (excess > 0) {
        let dropped = 0
        c.runs = c.runs.filter((r) => (dropped < excess && r.outcome !== 'running' ? (dropped++, false) : true))
      }
    })
    return run
  }

  const connections = async (job: Job): Promise<{ nas: SshConnection; target: SshConnection }> => ({
    nas: await deps.hosts.connection(job.sourceHostId),
    target: await deps.hosts.connection(job.targetHostId),
  })

  const newRunId = (): string => `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`

  // ---- following a run -------------------------------------------------------------

  function progressOf(run: RunRecord, state: RunState | null, rate: number, sinceLastByte: number, stallSeconds: number): RunProgress {
    const datasets = run.transfers.map((t, index) => {
      const s = state?.transfers.find((x) => x.index === index)
      // zfs send reports once a second, so its last count trails a finished stream.
      const streamed = s ? (s.status === 'succeeded' && s.totalBytes !== null ? Math.max(s.bytesDone, s.totalBytes) : s.bytesDone) : 0
      const total = s?.totalBytes != null ? t.resumedFromBytes + s.totalBytes : t.bytesTotal
      const status: RunProgress['datasets'][number]['status'] = s ? s.status : t.status
      return { ...t, index, status, bytesDone: t.resumedFromBytes + streamed, bytesTotal: total }
    })
    const bytesDone = datasets.reduce((n, d) => n + d.bytesDone, 0)
    const totals = datasets.map((d) => d.bytesTotal)
    const bytesTotal = totals.every((t) => t !== null) ? totals.reduce<number>((n, t) => n + (t ?? 0), 0) : undefined
    const remaining = bytesTotal !== undefined ? Math.max(0, bytesTotal - bytesDone) : undefined
    return {
      jobId: run.jobId,
      runId: run.id,
      phase: 'sending',
      bytesDone,
      ...(bytesTotal !== undefined ? { bytesTotal: Math.max(bytesTotal, bytesDone) } : {}),
      rateBytesPerSecond: rate,
      ...(remaining !== undefined && rate > 0 ? { etaSeconds: Math.ceil(remaining / rate) } : {}),
      stalled: sinceLastByte >= stallSeconds,
      secondsSinceLastByte: Math.floor(sinceLastByte),
      datasets,
      at: deps.now(),
    }
  }

  function follow(run: RunRecord, followUps: number): Watch {
    const controller = new AbortController()
    let text = ''
    let state: RunState | null = null
    const samples: { at: number; bytes: number }[] = []
    let lastBytes = -1
    let lastByteAt = Date.now()
    let stallLogged = false
    const job = (() => {
      try {
        return jobOf(run.jobId)
      } catch {
        return null
      }
    })()
    const stallSeconds = job?.stallSeconds ?? 120

    const watch: Watch = {
      runId: run.id,
      jobId: run.jobId,
      controller,
      progress: progressOf(run, null, 0, 0, stallSeconds),
      done: undefined as unknown as Promise<RunRecord>,
    }

    const tick = (): void => {
      state = parseRunState(text)
      if (state.pgid !== null && run.pgid === undefined) run = saveRun({ ...run, pgid: state.pgid })
      const now = Date.now()
      const p = progressOf(run, state, 0, 0, stallSeconds)
      if (p.bytesDone !== lastBytes) {
        lastBytes = p.bytesDone
        lastByteAt = now
      }
      samples.push({ at: now, bytes: p.bytesDone })
      while (samples.length > 2 && samples[0]!.at < now - RATE_WINDOW_MS) samples.shift()
      const first = samples[0]!
      const rate = now > first.at ? Math.max(0, ((p.bytesDone - first.bytes) * 1000) / (now - first.at)) : 0
      const since = (now - lastByteAt) / 1000
      watch.progress = progressOf(run, state, rate, since, stallSeconds)
      if (watch.progress.stalled && !stallLogged) {
        stallLogged = true
        logger.warn('run stalled: no data moved', { runId: run.id, jobId: run.jobId, seconds: Math.floor(since) })
      } else if (!watch.progress.stalled) stallLogged = false
      events.emit('progress', watch.progress)
    }

    // A script killed from outside (or a NAS that restarted) never writes its end: check
    // now and then that it is alive; if not, read the file once more and stop following.
    let lost = false
    let checking = false
    let tail: AbortController | null = null
    const checkAlive = async (): Promise<void> => {
      const st = parseRunState(text)
      if (checking || st.pid === null || /\t(run-end|busy)\t/.test(text)) return
      checking = true
      try {
        const nas = await deps.hosts.connection(run.nasHostId!)
        const probe = await nas.exec(['kill', '-0', String(st.pid)])
        if (probe.kind !== 'exited' || probe.code === 0) return
        const again = await nas.exec(['cat', `${run.stateDir}/state.tsv`])
        if (again.kind === 'exited' && again.code === 0) text = again.stdout
        if (!/\t(run-end|busy)\t/.test(text)) lost = true
        tail?.abort()
      } catch {
        // Unreachable NAS: the follow loop reports and retries that.
      } finally {
        checking = false
      }
    }

    watch.done = (async (): Promise<RunRecord> => {
      const timer = setInterval(tick, tickMs)
      const liveness = setInterval(() => void checkAlive(), livenessMs)
      try {
        // Follow the state file until the run's end (or busy) is in it. The connection may
        // drop (laptop asleep, network gone): the run goes on on the NAS; follow again.
        for (let attempt = 0; ; attempt++) {
          if (disposed || controller.signal.aborted) {
            throw new AppFailure(appError('COMMAND_ABORTED', 'Stopped following the run.', 'The run goes on on the NAS; the app shows it again when it starts.'))
          }
          const current = new AbortController()
          tail = current
          const stop = () => current.abort()
          controller.signal.addEventListener('abort', stop, { once: true })
          try {
            const nas = await deps.hosts.connection(run.nasHostId!)
            let fresh = ''
            await nas.exec(['sh', '-c', followStateCommand(run.stateDir!)], {
              signal: current.signal,
              onStdout: (chunk) => {
                fresh += chunk
                text = fresh
                // Checked on the text's end, not the chunk: a line may arrive in two pieces.
                if (/\t(run-end|busy)\t/.test(text.slice(-(chunk.length + 256)))) current.abort()
              },
            })
          } catch (err) {
            logger.warn('cannot follow the run on the NAS right now; trying again', { runId: run.id, error: err instanceof Error ? err.message : String(err) })
          } finally {
            controller.signal.removeEventListener('abort', stop)
          }
          if (lost || /\t(run-end|busy)\t/.test(text)) break
          // Back off while the NAS is unreachable (the run keeps going there meanwhile).
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5)))
            controller.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
          })
        }
        tick()
        // No longer "running" for this app: a follow-up run of the job may start.
        watches.delete(run.id)
        return await finish(run, parseRunState(text), followUps)
      } finally {
        clearInterval(timer)
        clearInterval(liveness)
        watches.delete(run.id)
      }
    })()
    watch.done.catch(() => undefined)
    watches.set(run.id, watch)
    return watch
  }

  function failureOf(state: RunState): AppError {
    if (state.outcome === 'busy') {
      const holder = state.busyHolder ?? 'another run'
      return appError('JOB_BUSY', `Another run of this job is already copying (${holder}).`, 'Wait for it to finish; its progress shows on the Transfers screen.', holder)
    }
    const failed = state.transfers.find((t) => t.status === 'failed')
    if (!failed) {
      return appError(
        'RUN_FAILED',
        'The run stopped on the NAS before it finished (it was stopped from outside, or the NAS restarted).',
        'Start it again; it continues where it stopped.',
      )
    }
    const text = [...failed.sendMessages, ...failed.errors].join('\n')
    const statuses = failed.stageStatus ?? []
    // EBUSY while the target has a token (libzfs_sendrecv.c): another receive still
    // holds the partial state, typically one whose connection was cut and not yet noticed.
    if (/contains partially-complete state from "zfs receive -s"/.test(text)) {
      return appError(
        'RUN_FAILED',
        `The off-site box is still receiving an earlier, interrupted copy into ${failed.target}.`,
        'Start the run again in a few minutes: the off-site box ends that receive once it notices its connection is gone, and the copy then resumes.',
        text,
      )
    }
    // The first stage that failed says why; later stages mostly report the cut stream.
    if ((statuses[0] ?? 0) !== 0 && failed.sendMessages.length > 0) {
      const fromSend = classifyError(failed.sendMessages.join('\n'), statuses[0]!)
      if (fromSend.code !== 'COMMAND_FAILED') return { ...fromSend, details: text }
    }
    const classified = classifyError(text, statuses.find((s) => s !== 0) ?? null)
    if (classified.code !== 'COMMAND_FAILED') return classified
    if ((statuses[0] ?? 0) !== 0 && statuses.slice(1).every((s) => s === 0)) {
      return appError(
        'RUN_FAILED',
        `zfs send on the NAS failed (exit status ${statuses[0]}) while copying ${failed.source}, although the off-site side reported no error.`,
        'Read the details; start the run again once the cause is fixed.',
        text || undefined,
      )
    }
    return appError('RUN_FAILED', `Copying ${failed.source} failed (exit statuses ${statuses.join(', ')}: send, then each later stage).`, 'Read the details; start the run again once the cause is fixed.', text || undefined)
  }

  async function finish(run: RunRecord, state: RunState, followUps: number): Promise<RunRecord> {
    const outcome = state.outcome === 'running' ? 'failed' : state.outcome
    const transfers = run.transfers.map((t, index) => {
      const s = state.transfers.find((x) => x.index === index)
      const status: RunRecord['transfers'][number]['status'] = s ? s.status : 'waiting'
      const streamed = s ? (s.status === 'succeeded' && s.totalBytes !== null ? Math.max(s.bytesDone, s.totalBytes) : s.bytesDone) : 0
      return { ...t, status, bytesDone: t.resumedFromBytes + streamed, ...(s?.totalBytes != null ? { bytesTotal: t.resumedFromBytes + s.totalBytes } : {}) }
    })
    let next: RunRecord = {
      ...run,
      transfers,
      bytes: transfers.reduce((n, t) => n + t.bytesDone - t.resumedFromBytes, 0),
      outcome,
      endedAt: deps.now(),
    }
    if (outcome === 'succeeded') {
      events.emit('progress', { ...progressOf(next, state, 0, 0, Number.POSITIVE_INFINITY), phase: 'verifying', stalled: false })
      const checked = await verifyAndProtect(next).catch((err: unknown): { error?: AppError; notes: string[] } => ({
        error: err instanceof AppFailure ? err.appError : appError('RUN_FAILED', 'The copy could not be checked afterwards.', 'Start the run again to check it.', String(err)),
        notes: [],
      }))
      next = { ...next, notes: [...next.notes, ...checked.notes] }
      if (checked.error) next = { ...next, outcome: 'failed', error: checked.error, errorCode: checked.error.code }
    } else if (outcome !== 'cancelled') {
      const error = failureOf(state)
      next = { ...next, error, errorCode: error.code }
    }
    saveRun(next)
    const message =
      next.outcome === 'cancelled' ? PAUSED_MESSAGE : next.outcome === 'busy' ? next.error?.cause : next.outcome === 'failed' ? next.error?.cause : undefined
    events.emit('progress', { ...progressOf(next, state, 0, 0, Number.POSITIVE_INFINITY), phase: 'done', stalled: false })
    events.emit('jobState', { jobId: next.jobId, runId: next.id, state: next.outcome === 'running' ? 'failed' : next.outcome, ...(message ? { message } : {}) })
    logger.info('run ended', { runId: next.id, jobId: next.jobId, outcome: next.outcome, bytes: next.bytes, errorCode: next.errorCode })
    // A resumed transfer only finishes the interrupted snapshot: send what is newer too.
    // A snapshot deleted on the NAS after the plan was made: plan again and go on.
    const resumed = next.outcome === 'succeeded' && next.notes.some((n) => n.startsWith('Resumed'))
    const vanished = next.outcome === 'failed' && next.error?.code === 'ZFS_DATASET_MISSING'
    if ((resumed || vanished) && followUps < MAX_FOLLOW_UPS && !disposed) {
      const carry = vanished ? [`Planned again after run ${next.id} failed: ${next.error!.cause}`] : []
      void begin(next.jobId, followUps + 1, carry).catch((err: unknown) =>
        logger.warn('follow-up run did not start', { jobId: next.jobId, error: err instanceof Error ? err.message : String(err) }),
      )
    }
    return next
  }

  /** The target's newest snapshot GUID per dataset, then holds moved to the new base. */
  async function verifyAndProtect(run: RunRecord): Promise<{ error?: AppError; notes: string[] }> {
    const job = jobOf(run.jobId)
    const { nas, target } = await connections(job)
    const expectations: Expectation[] = run.transfers.map((t) => ({ source: t.source, target: t.target, newestGuid: t.expectNewestGuid }))
    const roots = [...new Set(job.sources.map((s) => s.dataset))]
    const targetRoots = [...new Set(run.transfers.map((t) => t.target))].filter((t, _, all) => !all.some((o) => o !== t && t.startsWith(`${o}/`)))
    const wrong = []
    for (const root of targetRoots) {
      const tree = await listTree(target, root as DatasetName)
      wrong.push(...verifyNewest(expectations.filter((e) => e.target === root || e.target.startsWith(`${root}/`)), tree))
    }
    if (wrong.length > 0) {
      return {
        notes: [],
        error: appError(
          'VERIFY_MISMATCH',
          `After the copy, the newest off-site snapshot of ${wrong.map((w) => w.target).join(', ')} is not the one that was sent.`,
          'Check the plan again: something else changed the off-site copy during the run.',
          wrong.map((w) => `${w.target}: expected GUID ${w.expected}, found ${w.found ?? 'no snapshot'}`).join('\n'),
        ),
      }
    }
    const notes: string[] = []
    for (const root of roots) notes.push(...(await protectBases(job, nas, newBases(expectations, await listTree(nas, root as DatasetName)))))
    return { notes }
  }

  /** Holds each new base with the job's tag, then releases the tag on older snapshots. */
  async function protectBases(job: Job, nas: SshConnection, bases: ReturnType<typeof newBases>): Promise<string[]> {
    const notes: string[] = []
    const tag = jobHoldTag(job.id)
    for (const base of bases) {
      // Hold the new base before releasing the old: there is never a moment without one.
      const hold = await nas.exec(holdCommand(tag, [base.snapshot as SnapshotName]).argv)
      if (hold.kind !== 'exited' || (hold.code !== 0 && !/tag already exists/.test(hold.stderr))) {
        notes.push(`Could not hold ${base.snapshot} (pruning could remove it): ${hold.stderr.trim()}`)
        continue
      }
      for (let i = 0; i < base.older.length; i += 200) {
        const chunk = base.older.slice(i, i + 200) as SnapshotName[]
        const listed = await nas.exec(listHoldsCommand(chunk, { parsable: false }).argv)
        if (listed.kind !== 'exited' || listed.code !== 0) continue
        const ours = parseHolds(listed.stdout).filter((h) => h.tag === tag).map((h) => h.snapshot)
        if (ours.length > 0) await nas.run(releaseCommand(tag, ours))
      }
    }
    return notes
  }

  // ---- starting a run ---------------------------------------------------------------

  async function begin(jobId: string, followUps: number, carry: readonly string[] = []): Promise<RunRecord> {
    const job = jobOf(jobId)
    if (!job.receiver) {
      throw new AppFailure(
        appError('JOB_NOT_READY', `The NAS does not know yet how to reach the off-site box for “${job.name}”.`, 'Set the receive user and address in the job (the setup wizard does it for you).'),
      )
    }
    const running = [...watches.values()].find((w) => w.jobId === jobId)
    if (running || starting.has(jobId)) {
      throw new AppFailure(appError('JOB_BUSY', `“${job.name}” is already copying${running ? ` (${running.runId})` : ''}.`, 'Wait for it to finish; its progress shows on the Transfers screen.'))
    }
    starting.add(jobId)
    try {
      const { nas, target } = await connections(job)
      const notes: string[] = [...carry]
      let planned = await planJob(job, nas, target)
      // Stale partial receives are discarded (receive -A) and the job planned again, once.
      const stale = planned.specs.flatMap((s) => runWork([{ spec: s.spec, plan: s.plan }], job.receiver!, {}).onTarget)
      if (stale.length > 0) {
        for (const s of stale) {
          await target.run(s.command)
          notes.push(`Discarded an interrupted copy into ${s.target}: ${s.reason}.`)
          logger.info('stale partial receive discarded', { jobId, target: s.target, reason: s.reason })
        }
        planned = await planJob(job, nas, target)
      }
      const view = planView(job, planned, deps.now())
      if (!view.runnable) {
        const blocking = view.datasets.filter((d) => d.blocking)
        throw new AppFailure(
          appError(
            'PLAN_BLOCKED',
            `${blocking.length === 1 ? 'One dataset needs' : `${blocking.length} datasets need`} your decision before anything is copied: ${blocking.map((d) => d.target).join(', ')}.`,
            'Open “Check plan” on the Jobs screen for what differs; nothing was changed.',
            blocking.map((d) => `${d.target}: ${d.summary}${d.rollbackWouldDestroy.length ? `\nwould destroy: ${d.rollbackWouldDestroy.join(', ')}` : ''}`).join('\n'),
          ),
        )
      }
      const tools = parseNasTools(await nas.run(nasToolsCommand()))
      if (!tools.flock || (!tools.systemd && !tools.setsid)) {
        throw new AppFailure(
          appError('COMMAND_NOT_FOUND', 'The NAS lacks flock or setsid, which a run needs to take its lock and keep going without the app.', 'Install util-linux on the NAS.'),
        )
      }
      const shaping = {
        ...(job.rateLimitBytesPerSecond !== undefined ? { rateLimitBytesPerSecond: job.rateLimitBytesPerSecond } : {}),
        ...(job.bufferBytes !== undefined ? { bufferBytes: job.bufferBytes } : {}),
        tools: { pv: tools.pv, mbuffer: tools.mbuffer },
      }
      const work = runWork(planned.specs.map((s) => ({ spec: s.spec, plan: s.plan })), job.receiver, shaping)
      for (const u of work.unmet) notes.push(`Not honoured: ${u}.`)
      const resumedBytes = new Map(planned.specs.flatMap((s) => [...s.resumedBytes]))
      const runId = newRunId()
      const stateDir = `${stateRoot}/${runId}`
      const startedAt = deps.now()
      if (work.transfers.length === 0) {
        // Nothing to send; still make sure the common base is held (an earlier run may
        // have delivered its data but ended before it could hold it).
        for (const s of planned.specs) {
          const upToDate = s.plan.datasets.flatMap((d) => (d.action.kind === 'up-to-date' ? [{ source: d.source, target: d.target, newestGuid: d.action.newest.guid }] : []))
          notes.push(...(await protectBases(job, nas, newBases(upToDate, s.source))))
        }
        const done = saveRun({ id: runId, jobId, startedAt, endedAt: startedAt, outcome: 'succeeded', bytes: 0, datasets: 0, notes: [...notes, 'Already up to date: nothing to send.'], transfers: [] })
        events.emit('jobState', { jobId, runId, state: 'succeeded', message: 'Already up to date.' })
        return done
      }
      const isResume = planned.specs.some((s) => s.plan.datasets.some((d) => d.action.kind === 'resume'))
      if (isResume) notes.push('Resumed an interrupted copy from where it stopped.')
      const run = saveRun({
        id: runId,
        jobId,
        startedAt,
        outcome: 'running',
        bytes: 0,
        datasets: new Set(work.transfers.map((t) => t.target)).size,
        notes,
        transfers: work.transfers.map((t, i) => {
          const resumedFromBytes = resumedBytes.get(t.target) ?? 0
          const estimate = planned.estimates[i] ?? null
          const isResumeStep = /^resume /.test(t.label)
          return {
            source: t.source,
            target: t.target,
            label: t.label,
            status: 'waiting' as const,
            bytesDone: isResumeStep ? resumedFromBytes : 0,
            bytesTotal: estimate === null ? null : estimate + (isResumeStep ? resumedFromBytes : 0),
            resumedFromBytes: isResumeStep ? resumedFromBytes : 0,
            expectNewestGuid: work.expect[i]?.newestGuid ?? null,
          }
        }),
        nasHostId: job.sourceHostId,
        stateDir,
        systemd: tools.systemd,
      })
      const script = runScript({ jobId, runId, stateDir, lockFile: lockFileFor(lockDir, jobId), transfers: work.transfers })
      await nas.run({ argv: ['bash', '-c', startRunCommand({ stateDir, runId, systemd: tools.systemd })], stdin: script, successCodes: [0] }).catch((err: unknown) => {
        const error = err instanceof AppFailure ? err.appError : appError('RUN_FAILED', 'The run could not be started on the NAS.', 'Try again.', String(err))
        saveRun({ ...run, outcome: 'failed', endedAt: deps.now(), error, errorCode: error.code })
        throw err
      })
      logger.info('run started', { runId, jobId, transfers: work.transfers.length, systemd: tools.systemd, resume: isResume })
      events.emit('jobState', { jobId, runId, state: 'running' })
      follow(run, followUps)
      return run
    } finally {
      starting.delete(jobId)
    }
  }

  const methods: RunServices['methods'] = {
    async planJob({ id }) {
      const job = jobOf(id)
      const { nas, target } = await connections(job)
      const planned = await planJob(job, nas, target)
      const view = planView(job, planned, deps.now())
      if (job.receiver) {
        const tools = parseNasTools(await nas.run(nasToolsCommand()))
        const shaping = {
          ...(job.rateLimitBytesPerSecond !== undefined ? { rateLimitBytesPerSecond: job.rateLimitBytesPerSecond } : {}),
          ...(job.bufferBytes !== undefined ? { bufferBytes: job.bufferBytes } : {}),
          tools: { pv: tools.pv, mbuffer: tools.mbuffer },
        }
        return { ...view, unmet: runWork([], job.receiver, shaping).unmet }
      }
      return view
    },

    async startRun({ jobId }) {
      return begin(jobId, 0)
    },

    async cancelRun({ runId }) {
      const run = runOf(runId)
      if (!run) throw new AppFailure(appError('NOT_FOUND', 'That run is not in the history.', 'Pick a run from the Transfers screen.', runId))
      if (run.outcome !== 'running') {
        throw new AppFailure(appError('INVALID_INPUT', 'That run has already ended.', 'Nothing to cancel.', 'runId'))
      }
      const nas = await deps.hosts.connection(run.nasHostId!)
      // A transient unit is stopped by name; without systemd the script's process group is
      // signalled, read from the state file when the app has not seen it yet.
      let pgid = run.pgid
      if (!run.systemd && pgid === undefined) {
        const file = await nas.exec(['cat', `${run.stateDir}/state.tsv`])
        pgid = (file.kind === 'exited' && file.code === 0 ? parseRunState(file.stdout).pgid : null) ?? undefined
        if (pgid === undefined) {
          throw new AppFailure(appError('RUN_FAILED', 'The run has not started on the NAS yet, so there is nothing to stop.', 'Try Cancel again in a moment.'))
        }
      }
      await nas.run({ argv: ['sh', '-c', cancelRunCommand({ runId, systemd: run.systemd ?? false, ...(pgid !== undefined ? { pgid } : {}) })], successCodes: [0, 5] })
      logger.info('run cancel requested', { runId, jobId: run.jobId })
      const watch = watches.get(runId) ?? follow(run, MAX_FOLLOW_UPS)
      return watch.done
    },

    async listActiveRuns() {
      return [...watches.values()].map((w) => w.progress)
    },

    async listRuns({ jobId, limit }) {
      const runs = config.read().runs.filter((r) => jobId === undefined || r.jobId === jobId)
      return runs.slice(-limit).reverse()
    },
  }

  return {
    methods,
    isRunning: (jobId) => starting.has(jobId) || [...watches.values()].some((w) => w.jobId === jobId),
    async reattach() {
      for (const run of config.read().runs) {
        if (run.outcome !== 'running' || !run.stateDir || !run.nasHostId || watches.has(run.id)) continue
        logger.info('reattaching to a run', { runId: run.id, jobId: run.jobId })
        follow(run, MAX_FOLLOW_UPS)
      }
    },
    dispose() {
      disposed = true
      for (const w of watches.values()) w.controller.abort()
    },
  }
}
