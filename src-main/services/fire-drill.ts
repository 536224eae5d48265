// Fire drill (issue 9): checks, restoring nothing, that the keychain's passphrases still
// unlock a job's off-site copy (`zfs load-key -n` for every encryption root of its newest
// snapshot) and that the snapshot mounts read-only (a look: clone, mount, list the top
// folder, always ended). The last drill of each job is kept in the config, announced as
// a `fireDrill` event, and a failed one raises a notification. An interval runs the
// drills again every `fireDrillEveryDays`, checked as often as the app's other checks.
import type { ConfigStore } from '../adapters/config/config-store'
import type { Logger } from '../core/logging/logger'
import { drillOutcome, drillsDue, drillTarget, keyVerdict, nasNameOf, passedWords, withDrill } from '../core/recovery/fire-drill-verdict'
import { checkSnapshotName } from '../core/zfs/names'
import type { MethodName, MethodOutput } from '../shared/contract'
import { AppFailure, appError, type AppError } from '../shared/errors'
import type { Job } from '../shared/model'
import type { FireDrill, KeyCheck } from '../shared/recovery'
import type { ParsedInput } from './app-services'
import type { EventBus } from './event-bus'
import type { HostServices } from './hosts-service'
import type { RecoveryOperations } from './recovery-operations'
import type { RecoveryMethod, RecoveryToolkit } from './recovery-service'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>
type Method = 'runFireDrill' | 'listFireDrills'

export interface FireDrillDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly events: EventBus
  readonly toolkit: RecoveryToolkit
  readonly operations: RecoveryOperations
  /** The look's use cases (recovery-service.ts): the drill mounts the snapshot as a person's look would. */
  readonly looks: { [M in Extract<RecoveryMethod, 'startLook' | 'browseLook' | 'endLook'>]: ServiceImpl<M> }
  readonly clock?: () => Date
  /** Milliseconds after start before the interval's first check (a minute by default). */
  readonly firstCheckMs?: number
}

export interface FireDrillInterval {
  /** Checks after `firstCheckMs`, then every `checkEveryMinutes`, and runs the drills that are due. */
  start(): void
  stop(): void
  /** Runs the drills due now; resolves when they are done (a check already going is joined). */
  checkNow(): Promise<void>
}

export interface FireDrillServices {
  readonly methods: { [M in Method]: ServiceImpl<M> }
  readonly interval: FireDrillInterval
}

const asError = (e: AppError): NonNullable<FireDrill['error']> => ({ code: e.code, cause: e.cause, fix: e.fix, ...(e.details !== undefined ? { details: e.details } : {}) })

const errorOf = (err: unknown): AppError =>
  err instanceof AppFailure ? err.appError : appError('INTERNAL', 'Something unexpected went wrong during the fire drill.', 'Try again; if it keeps failing, the log has the details.', err instanceof Error ? err.message : String(err))

export function createFireDrillServices(deps: FireDrillDeps): FireDrillServices {
  const { config, logger, events, toolkit, looks } = deps
  const clock = deps.clock ?? (() => new Date())
  /** One drill per job at a time: a second ask joins the one going. */
  const running = new Map<string, Promise<FireDrill>>()

  const drill = async (job: Job, trigger: FireDrill['trigger']): Promise<FireDrill> => {
    const at = clock().toISOString()
    const done: string[] = []
    let roots: KeyCheck[] = []
    let snapshot: string | null = null
    let mountedReadOnly = false
    const hostId = job.targetHostId
    const ended = (outcome: FireDrill['outcome'], words: string, error?: AppError): FireDrill => ({
      jobId: job.id,
      at,
      outcome,
      trigger,
      snapshot,
      roots,
      mountedReadOnly,
      words,
      done,
      ...(error ? { error: asError(error) } : {}),
    })
    const { parent, targetRoot, sourceRoot } = drillTarget(job)
    try {
      const connection = await toolkit.connect(toolkit.findHost(hostId))
      let tree
      try {
        tree = await toolkit.treeOf(connection, targetRoot)
      } catch (err) {
        if (err instanceof AppFailure && err.appError.code === 'ZFS_DATASET_MISSING') {
          const words = `There is no off-site copy of ${sourceRoot} yet, so there is nothing to check. Run the backup first.`
          return ended('failed', words, appError('FIRE_DRILL_FAILED', words, 'Run the backup, then the fire drill again.', err.appError.cause))
        }
        throw err
      }
      const newest = tree.datasets.get(targetRoot)?.snapshots.newest() ?? null
      if (!newest) {
        const words = `The off-site copy of ${sourceRoot} has no snapshot yet, so there is nothing to check. Run the backup first.`
        return ended('failed', words, appError('FIRE_DRILL_FAILED', words, 'Run the backup, then the fire drill again.'))
      }
      const snap = checkSnapshotName(`${targetRoot}@${newest.name}`)
      if (!snap.ok) throw new AppFailure(appError('INTERNAL', `The newest off-site snapshot has a name the app cannot use: ${snap.reason}`, 'Check the off-site box.'))
      snapshot = snap.value.full
      const needed = await toolkit.rootsFor(connection, snap.value, true)
      // Only the keychain: the drill asks whether a person could recover without typing anything.
      for (const r of needed.roots) roots.push(await toolkit.checkRoot(connection, hostId, r, []))
      roots = roots.map((r) => ({ ...r, outcome: drillOutcome(r) }))
      if (roots.length > 0) {
        done.push(
          `Checked the keychain’s passphrase${roots.length === 1 ? '' : 's'} for ${roots.map((r) => nasNameOf(job, r.encryptionRoot)).join(', ')} with zfs load-key -n (nothing loaded): ${roots.map((r) => r.outcome).join(', ')}.`,
        )
      } else done.push(`${snapshot} is not encrypted: no passphrase to check.`)
      const verdict = keyVerdict(job, roots)
      if (!verdict.ok) {
        const bad = verdict.failed
        const details = bad?.error ? `${bad.encryptionRoot}: ${bad.error.code}: ${bad.error.cause}` : bad?.encryptionRoot
        return ended('failed', verdict.words, appError('FIRE_DRILL_FAILED', verdict.words, verdict.fix, details))
      }

      const look = await looks.startLook({ hostId, parent, snapshot, passphrases: [] })
      done.push(`Mounted ${snapshot} read-only at ${look.mountpoint} (a temporary clone${look.keysLoaded.length > 0 ? `; loaded the key of ${look.keysLoaded.join(', ')}` : ''}).`)
      try {
        const listing = await looks.browseLook({ hostId, lookId: look.lookId, path: '' })
        mountedReadOnly = true
        done.push(`Listed its top folder: ${listing.entries.length}${listing.truncated ? '+' : ''} ${listing.entries.length === 1 ? 'entry' : 'entries'}.`)
      } finally {
        // Always ended: a drill leaves no clone, no folder and no key it loaded.
        const end = await looks.endLook({ hostId, lookId: look.lookId })
        done.push(...end.done)
      }
      return ended('passed', passedWords(job, sourceRoot, roots, { name: newest.name, date: new Date(newest.creation * 1000).toISOString().slice(0, 10) }))
    } catch (err) {
      const e = errorOf(err)
      const words = snapshot && !mountedReadOnly && roots.length > 0 ? `The passphrases unlock the off-site copy of ${sourceRoot}, but ${snapshot} did not mount read-only: ${e.cause}` : `The fire drill could not finish: ${e.cause}`
      return ended('failed', words, appError(e.code === 'INTERNAL' ? 'FIRE_DRILL_FAILED' : e.code, words, e.fix, e.details))
    }
  }

  const runDrill = (jobId: string, trigger: FireDrill['trigger']): Promise<FireDrill> => {
    const going = running.get(jobId)
    if (going) return going
    const job = config.read().jobs.find((j) => j.id === jobId)
    if (!job) return Promise.reject(new AppFailure(appError('NOT_FOUND', 'That job is not in this app any more.', 'Choose a job from the Overview.', jobId)))
    const p = drill(job, trigger)
      .then((result) => {
        config.update((c) => {
          c.fireDrills = withDrill(c.fireDrills, result)
        })
        logger.info('fire drill', { jobId, trigger, outcome: result.outcome, snapshot: result.snapshot, roots: result.roots.map((r) => `${r.encryptionRoot}: ${r.outcome}`) })
        events.emit('fireDrill', result)
        if (result.outcome === 'failed' && config.read().preferences.notifyOnFailure) {
          events.emit('notification', { kind: 'fire-drill-failed', jobId, title: `Fire drill for “${job.name}” failed`, body: result.words })
        }
        return result
      })
      .finally(() => running.delete(jobId))
    running.set(jobId, p)
    return p
  }

  let timer: ReturnType<typeof setTimeout> | null = null
  let checking: Promise<void> | null = null
  let started = false

  const checkNow = (): Promise<void> => {
    if (checking) return checking
    checking = (async () => {
      const c = config.read()
      for (const jobId of drillsDue(c.jobs, c.fireDrills, c.preferences.fireDrillEveryDays, clock().getTime())) {
        await runDrill(jobId, 'interval').catch((err: unknown) => logger.warn('fire drill on the interval failed to run', { jobId, error: errorOf(err).cause }))
      }
    })().finally(() => {
      checking = null
    })
    return checking
  }

  const schedule = (ms: number): void => {
    if (!started) return
    timer = setTimeout(() => {
      timer = null
      void checkNow().finally(() => schedule(config.read().preferences.checkEveryMinutes * 60_000))
    }, ms)
    timer.unref?.()
  }

  return {
    methods: {
      runFireDrill: ({ jobId }) => runDrill(jobId, 'person'),
      listFireDrills: async () => config.read().fireDrills,
    },
    interval: {
      start() {
        if (started) return
        started = true
        schedule(deps.firstCheckMs ?? 60_000)
      },
      stop() {
        started = false
        if (timer) clearTimeout(timer)
        timer = null
      },
      checkNow,
    },
  }
}
