// Raises the `notification` event: when a run from this app ends failed (from the runs'
// jobState events), and on a timer every `checkEveryMinutes` when a job's newest
// off-site snapshot is older than `notifyWhenOlderThanHours` (once per job until it is
// fresh again) or the NAS's timer reports a failed run (once per failure); the same
// review runs on each reading of the Overview page, so what the person's Overview has just
// read from the NAS is notified then, not only at the next interval. Showing it
// is the transport's business: Electron's platform code makes a desktop notification,
// the web bridge forwards the event to the page.
import type { ConfigStore } from '../adapters/config/config-store'
import type { Logger } from '../core/logging/logger'
import type { EventPayload } from '../shared/contract'
import type { EventBus } from './event-bus'
import type { JobOverviewReading, OverviewService } from './overview-service'

export interface NotifierDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly events: EventBus
  readonly overview: OverviewService
}

export interface Notifier {
  /** Reads every job now and raises what is due; resolves when done (a check already going is joined). */
  checkNow(): Promise<void>
  /** Checks now, then every `checkEveryMinutes` (read again before each wait). */
  start(): void
  stop(): void
  dispose(): void
}

type Notification = EventPayload<'notification'>

const HOUR = 3600

export function createNotifier(deps: NotifierDeps): Notifier {
  const { config, logger, events } = deps
  /** Runs already notified (a run's end is reported once even if its state is emitted again). */
  const failedRuns = new Set<string>()
  /** Jobs whose copy was reported old; cleared once the copy is fresh again. */
  const oldCopies = new Set<string>()
  /** Timer failures already reported, by job and the failed run's time. */
  const timerFailures = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | null = null
  let checking: Promise<void> | null = null
  let running = false

  const prefs = () => config.read().preferences
  const jobName = (jobId: string) => config.read().jobs.find((j) => j.id === jobId)?.name ?? 'A backup'

  const notify = (n: Notification): void => {
    logger.info('notification', { kind: n.kind, jobId: n.jobId })
    events.emit('notification', n)
  }

  const stopRuns = events.subscribe((e) => {
    if (e.name !== 'jobState' || e.payload.state !== 'failed') return
    if (!prefs().notifyOnFailure) return
    const { jobId, runId } = e.payload
    if (runId !== undefined) {
      if (failedRuns.has(runId)) return
      failedRuns.add(runId)
    }
    const run = runId === undefined ? undefined : config.read().runs.find((r) => r.id === runId)
    const body = run?.error ? `${run.error.cause} ${run.error.fix}` : (e.payload.message ?? 'Open the app to see why.')
    notify({ kind: 'run-failed', jobId, title: `Backup “${jobName(jobId)}” failed`, body })
  })

  const review = (readings: readonly JobOverviewReading[]): void => {
    const p = prefs()
    for (const { overview, schedule } of readings) {
      const age = overview.lag.ageSeconds
      if (p.notifyWhenOlderThanHours !== null && age !== null) {
        if (age > p.notifyWhenOlderThanHours * HOUR) {
          if (!oldCopies.has(overview.jobId)) {
            oldCopies.add(overview.jobId)
            notify({ kind: 'copy-old', jobId: overview.jobId, title: `Backup “${overview.name}” is falling behind`, body: overview.lag.words })
          }
        } else oldCopies.delete(overview.jobId)
      }
      const last = schedule?.lastRun
      if (last && last.outcome === 'failed' && p.notifyOnFailure) {
        const key = `${overview.jobId}\n${last.at}`
        if (!timerFailures.has(key)) {
          timerFailures.add(key)
          notify({
            kind: 'run-failed',
            jobId: overview.jobId,
            title: `Scheduled backup “${overview.name}” failed`,
            body: last.message ? `The NAS’s timer ran it and it failed: ${last.message}` : 'The NAS’s timer ran it and it failed. Open the app to see the journal.',
          })
        }
      }
    }
  }

  // The page's own reading of the hosts: reviewed like a check (the sets above keep it to once per failure).
  const stopPage = deps.overview.onPageReading(review)

  const checkNow = (): Promise<void> => {
    if (checking) return checking
    checking = deps.overview
      .readAll()
      .then(review)
      .catch((err: unknown) => logger.warn('notification check failed', { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        checking = null
      })
    return checking
  }

  const schedule = (): void => {
    if (!running) return
    timer = setTimeout(() => {
      void checkNow().finally(schedule)
    }, prefs().checkEveryMinutes * 60_000)
  }

  const stop = (): void => {
    running = false
    if (timer) clearTimeout(timer)
    timer = null
  }

  return {
    checkNow,
    start() {
      if (running) return
      running = true
      void checkNow().finally(schedule)
    },
    stop,
    dispose() {
      stop()
      stopRuns()
      stopPage()
    },
  }
}
