// A job's unattended work (issue 8): on the NAS, sanoid takes and prunes the job's
// snapshots (its own marked block in sanoid.conf) and a systemd timer (or a marked cron
// block) runs syncoid under the job's lock; on the off-site box, sanoid prunes the copies
// with a prune-only block, as root, after holding the newest received snapshot. Shown
// before it runs, every change safe to repeat, and a failed call puts back what it wrote.
import type { ConfigStore } from '../adapters/config/config-store'
import type { SshConnection } from '../adapters/ssh/ssh-connection'
import type { Logger } from '../core/logging/logger'
import { jobHoldTag, targetRootFor } from '../core/replication/job-run'
import { mergeJobBlock, nasBlockText, offsiteBlockText, removeJobBlock, SANOID_CONF, type JobDataset, type SnapshotPolicy } from '../core/sanoid/job-block'
import { CRON_FILE, cronLogDirCommand, cronLogPath, mergeCronBlock, removeCronBlock, removeCronLogCommand } from '../core/schedule/cron-block'
import { parseReadFile, readFileCommand, replaceFileCommand } from '../core/schedule/marked-block'
import { checkSchedule, cronTime, describeSchedule, nextRunAfter, type ScheduleError } from '../core/schedule/schedule'
import { hostTimeZoneCommand, parseHostTimeZone, type HostTimeZone } from '../core/schedule/time-zone'
import {
  disableTimerCommand,
  enableTimerCommand,
  installUnitsCommand,
  journalCommand,
  parseJournal,
  parseScheduleState,
  removeUnitsCommand,
  scheduleStateCommand,
  UNIT_DIR,
  unitNames,
  type ScheduleState,
} from '../core/schedule/timer-units'
import { shellJoin } from '../core/shell/quote'
import type { CommandSpec } from '../core/zfs/command'
import { releaseTagBelowCommand } from '../core/zfs/holds'
import type { DatasetName } from '../core/zfs/names'
import { AppFailure, appError, type AppError } from '../shared/errors'
import type { MethodName, MethodOutput } from '../shared/contract'
import type { Job } from '../shared/model'
import type { JobSchedule, ScheduleStatus } from '../shared/schedule'
import type { WizardHost } from '../shared/wizard'
import type { ParsedInput } from './app-services'
import type { HostServices } from './hosts-service'
import { findJob } from './jobs-service'
import { DEFAULT_LOCK_DIR, lockFileFor } from './runs-service'
import { receiverSshArgv, syncoidInvocations } from '../core/replication/syncoid-command'
import {
  daemonReloadCommand,
  enableSanoidTimerCommand,
  disableSanoidTimerCommand,
  holdScript,
  holdScriptPath,
  hostFactsCommand,
  installSanoidCommand,
  parseHostFacts,
  pruneDropInPath,
  pruneDropInText,
  putAppFileCommand,
  removeAppFilesCommand,
  RUN_LINE,
  disabledCronBlock,
  lastRunFromLines,
  scheduledRunCommand,
  scheduledRunPath,
  scheduledRunScript,
  tailLogCommand,
  wallClockCommand,
  type HostFacts,
} from './schedule-scripts'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>
export type ScheduleMethod = 'getJobSchedule' | 'setJobSchedule' | 'previewJobSchedule' | 'setJobScheduleEnabled' | 'removeJobSchedule'

export interface ScheduleServiceDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly now: () => string
  /** The per-job lock's folder on the NAS, shared with the app's own runs. */
  readonly lockDir?: string
}

interface Shown {
  readonly host: WizardHost
  readonly purpose: string
  readonly kind: 'check' | 'change' | 'verify'
  readonly command: string
  readonly input?: string
}

/** One change on one host, and what puts it back (run in reverse order when a later step fails). */
interface Step {
  readonly host: WizardHost
  readonly purpose: string
  readonly spec: CommandSpec
  readonly undo: readonly CommandSpec[]
}

/** What the app read of both hosts before deciding anything. */
interface Survey {
  readonly nas: HostFacts
  readonly offsite: HostFacts
  readonly zone: HostTimeZone
  readonly nasSanoidConf: string | null
  readonly offsiteSanoidConf: string | null
  readonly cronFile: string | null
  readonly runScript: string | null
  readonly units: { readonly service: string | null; readonly timer: string | null }
  readonly timerEnabled: boolean
  readonly holdScript: string | null
  readonly dropIn: string | null
  /** The read commands, for the preview. */
  readonly reads: readonly Shown[]
}

const NO_SNAPSHOTS = { frequently: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }

function fromCore(e: ScheduleError | { code: string; cause: string; fix: string; details?: string | undefined }): AppFailure {
  return new AppFailure(appError(e.code as AppError['code'], e.cause, e.fix, e.details))
}

function show(host: WizardHost, kind: Shown['kind'], purpose: string, spec: CommandSpec): Shown {
  return { host, kind, purpose, command: shellJoin(spec.argv), ...(spec.stdin !== undefined && spec.stdin !== '' ? { input: spec.stdin } : {}) }
}

const iso = (seconds: number | null): string | null => (seconds === null ? null : new Date(seconds * 1000).toISOString())

/** The off-site datasets of the job: each source's copy below the target parent. */
function offsiteDatasets(job: Job): JobDataset[] {
  return job.sources.map((s) => ({ dataset: targetRootFor(job.targetParent as DatasetName, s.dataset as DatasetName), recursive: s.recursive }))
}

function nasDatasets(job: Job): JobDataset[] {
  return job.sources.map((s) => ({ dataset: s.dataset, recursive: s.recursive }))
}

export function createScheduleServices(deps: ScheduleServiceDeps): { [M in ScheduleMethod]: ServiceImpl<M> } {
  const { config, logger } = deps
  const lockDir = deps.lockDir ?? DEFAULT_LOCK_DIR

  const connections = async (job: Job): Promise<Record<WizardHost, SshConnection>> => ({
    nas: await deps.hosts.connection(job.sourceHostId),
    offsite: await deps.hosts.connection(job.targetHostId),
  })

  async function survey(job: Job, conn: Record<WizardHost, SshConnection>): Promise<Survey> {
    const reads: Shown[] = []
    const read = async (host: WizardHost, purpose: string, spec: CommandSpec): Promise<string> => {
      reads.push(show(host, 'check', purpose, spec))
      return conn[host].run(spec)
    }
    const nas = parseHostFacts(await read('nas', 'What the NAS has: systemd, sanoid, syncoid, apt, flock, sanoid’s timer', hostFactsCommand()))
    const offsite = parseHostFacts(await read('offsite', 'What the off-site box has: systemd, sanoid, apt, sanoid’s timer', hostFactsCommand()))
    const zone = parseHostTimeZone(await read('nas', 'The NAS’s time zone (schedules run on its clock)', hostTimeZoneCommand()))
    const file = async (host: WizardHost, purpose: string, path: string) => parseReadFile(await read(host, purpose, readFileCommand(path)))
    const names = unitNames(job.id)
    const nasSanoidConf = await file('nas', 'Read sanoid’s configuration on the NAS', SANOID_CONF)
    const offsiteSanoidConf = await file('offsite', 'Read sanoid’s configuration on the off-site box', SANOID_CONF)
    const runScript = await file('nas', 'Read the job’s scheduled-run script, if there is one', scheduledRunPath(job.id))
    let cronFile: string | null = null
    let units: Survey['units'] = { service: null, timer: null }
    let timerEnabled = false
    if (nas.systemd) {
      units = {
        service: await file('nas', 'Read the job’s service unit, if there is one', `${UNIT_DIR}/${names.service}`),
        timer: await file('nas', 'Read the job’s timer unit, if there is one', `${UNIT_DIR}/${names.timer}`),
      }
      timerEnabled = parseScheduleState(job.id, await read('nas', 'The job’s timer as systemd sees it', scheduleStateCommand(job.id))).enabled
    } else {
      cronFile = await file('nas', 'Read the app’s cron file', CRON_FILE)
    }
    const holdFile = await file('offsite', 'Read the job’s hold script on the off-site box, if there is one', holdScriptPath(job.id))
    const dropIn = offsite.systemd ? await file('offsite', 'Read the job’s drop-in for sanoid’s prune, if there is one', pruneDropInPath(job.id)) : null
    return { nas, offsite, zone, nasSanoidConf, offsiteSanoidConf, cronFile, runScript, units, timerEnabled, holdScript: holdFile, dropIn, reads }
  }

  /** A file the app merges into, written only if it still holds what was read; undone the same way. */
  const casStep = (host: WizardHost, purpose: string, path: string, before: string | null, after: string | null): Step | null =>
    before === after ? null : { host, purpose, spec: replaceFileCommand(path, before, after), undo: [replaceFileCommand(path, after, before)] }

  /** One of the app's own files: written (or left as it is), put back to what it was. */
  const ownFileStep = (host: WizardHost, purpose: string, jobId: string, path: string, before: string | null, after: string, mode: '644' | '755' = '644'): Step | null =>
    before === after ? null : { host, purpose, spec: putAppFileCommand(path, jobId, after, mode), undo: [before === null ? removeAppFilesCommand(jobId, [path]) : putAppFileCommand(path, jobId, before, mode)] }

  function missingSanoid(where: string, facts: HostFacts, installMissing: boolean): AppFailure | null {
    if (facts.sanoid && facts.syncoid) return null
    if (installMissing && facts.apt) return null
    return new AppFailure(
      appError(
        'SANOID_MISSING',
        `sanoid (which brings syncoid) is not installed on ${where}, and the schedule needs it there.`,
        facts.apt ? 'Let the app install it from the distribution’s packages (apt-get install sanoid), or install it yourself, then try again.' : `Install sanoid on ${where} with its package manager, then try again.`,
      ),
    )
  }

  function installSteps(s: Survey, installMissing: boolean): Step[] {
    const steps: Step[] = []
    // The package stays when a later step fails: removing software the person agreed to is not "putting back".
    if (installMissing && !(s.nas.sanoid && s.nas.syncoid)) steps.push({ host: 'nas', purpose: 'Install sanoid and syncoid from the distribution’s packages', spec: installSanoidCommand(), undo: [] })
    if (installMissing && !s.offsite.sanoid) steps.push({ host: 'offsite', purpose: 'Install sanoid from the distribution’s packages', spec: installSanoidCommand(), undo: [] })
    return steps
  }

  /** Everything setJobSchedule changes, in order, from what the survey read. */
  function setSteps(job: Job, schedule: JobSchedule, s: Survey): Step[] {
    if (!job.receiver) {
      throw new AppFailure(appError('JOB_NOT_READY', `The NAS does not know yet how to reach the off-site box for “${job.name}”.`, 'Set the receive user and address in the job (the setup wizard does it for you).'))
    }
    if (!s.nas.flock) throw new AppFailure(appError('COMMAND_NOT_FOUND', 'The NAS lacks flock, which a scheduled run needs to take the job’s lock.', 'Install util-linux on the NAS.'))
    const steps: Step[] = []
    const push = (st: Step | null): void => {
      if (st) steps.push(st)
    }
    // NAS: sanoid's snapshots of the job's datasets.
    const nasPolicy: SnapshotPolicy | null = schedule.nasSnapshots ? { counts: schedule.nasSnapshots } : null
    let nasConf = s.nasSanoidConf
    if (nasPolicy) {
      const block = nasBlockText({ jobId: job.id, jobName: job.name, datasets: nasDatasets(job), policy: nasPolicy })
      if (!block.ok) throw fromCore(block.error)
      const merged = mergeJobBlock(s.nasSanoidConf, job.id, nasDatasets(job), block.value)
      if (!merged.ok) throw fromCore(merged.error)
      nasConf = merged.value
    } else if (s.nasSanoidConf !== null) {
      const removed = removeJobBlock(s.nasSanoidConf, job.id)
      if (!removed.ok) throw fromCore(removed.error)
      nasConf = removed.value
    }
    // Off-site: prune only, checked against what the NAS takes.
    const offBlock = offsiteBlockText({
      jobId: job.id,
      jobName: job.name,
      datasets: offsiteDatasets(job),
      policy: { counts: schedule.offsiteRetention },
      sourcePolicy: nasPolicy ?? { counts: NO_SNAPSHOTS },
    })
    if (!offBlock.ok) throw fromCore(offBlock.error)
    const offMerged = mergeJobBlock(s.offsiteSanoidConf, job.id, offsiteDatasets(job), offBlock.value)
    if (!offMerged.ok) throw fromCore(offMerged.error)

    push(casStep('nas', nasPolicy ? 'Put the job’s snapshot settings in sanoid’s configuration on the NAS (your own sections stay as they are)' : 'Take the job’s snapshot settings out of sanoid’s configuration on the NAS', SANOID_CONF, s.nasSanoidConf, nasConf))
    if (nasPolicy && s.nas.systemd && s.nas.sanoidTimer !== 'enabled') {
      steps.push({ host: 'nas', purpose: 'Start sanoid’s own timer on the NAS, so it takes and prunes snapshots every 15 minutes', spec: enableSanoidTimerCommand(), undo: [disableSanoidTimerCommand()] })
    }
    // NAS: the scheduled run, under the job's lock.
    const script = scheduledRunScript({
      jobId: job.id,
      jobName: job.name,
      lockFile: lockFileFor(lockDir, job.id),
      sources: syncoidInvocations(job).map((i) => ({ syncoid: i.command.argv, source: i.source, target: i.target, recursive: i.recursive, exclusions: i.exclusions })),
      // The same tag as the app's own runs: whichever ran last, its base is the one held.
      hold: { tag: jobHoldTag(job.id), ssh: receiverSshArgv(job.receiver) },
    })
    push(ownFileStep('nas', 'Write the script a scheduled run executes: the job’s lock, then syncoid for each dataset, then the job’s hold moved to the new base', job.id, scheduledRunPath(job.id), s.runScript, script, '755'))
    const unitsInput = { jobId: job.id, jobName: job.name, schedule: schedule.schedule, command: scheduledRunCommand(job.id) }
    if (s.nas.systemd) {
      const install = installUnitsCommand(unitsInput)
      if (!install.ok) throw fromCore(install.error)
      const names = unitNames(job.id)
      const hadUnits = s.units.service !== null || s.units.timer !== null
      // Put back: the previous files whole (after the removal there is nothing to compare with), and the timer's previous state.
      const undoUnits: CommandSpec[] = hadUnits
        ? [
            removeUnitsCommand(job.id),
            ...(s.units.service !== null ? [replaceFileCommand(`${UNIT_DIR}/${names.service}`, null, s.units.service)] : []),
            ...(s.units.timer !== null ? [replaceFileCommand(`${UNIT_DIR}/${names.timer}`, null, s.units.timer)] : []),
            daemonReloadCommand(),
            s.timerEnabled ? enableTimerCommand(job.id) : disableTimerCommand(job.id),
          ]
        : [removeUnitsCommand(job.id)]
      steps.push({ host: 'nas', purpose: 'Install the job’s service and timer units (systemd), and reload systemd', spec: install.value, undo: undoUnits })
      steps.push(
        schedule.enabled
          ? { host: 'nas', purpose: 'Enable the timer and start it, so the next run is planned now', spec: enableTimerCommand(job.id), undo: [] }
          : { host: 'nas', purpose: 'Keep the timer disabled (the schedule is saved but does not run)', spec: disableTimerCommand(job.id), undo: [] },
      )
    } else {
      const time = cronTime(schedule.schedule)
      if (!time.ok) throw fromCore(time.error)
      const merged = mergeCronBlock(s.cronFile, unitsInput)
      if (!merged.ok) throw fromCore(merged.error)
      const text = schedule.enabled ? merged.value : disabledCronBlock(merged.value, job.id)
      steps.push({ host: 'nas', purpose: 'Make the folder for the job’s log (cron has no journal)', spec: cronLogDirCommand(), undo: [] })
      push(casStep('nas', `Put the job’s line in ${CRON_FILE}${schedule.enabled ? '' : ' (commented out: disabled)'}`, CRON_FILE, s.cronFile, text))
    }
    // Off-site: the prune-only block, the hold before each prune, sanoid's timer.
    push(casStep('offsite', 'Put the job’s prune-only settings in sanoid’s configuration on the off-site box (your own sections stay as they are)', SANOID_CONF, s.offsiteSanoidConf, offMerged.value))
    if (s.offsite.systemd) {
      const hold = holdScript({ jobId: job.id, tag: jobHoldTag(job.id), roots: offsiteDatasets(job) })
      push(ownFileStep('offsite', 'Write the script that holds the newest received snapshot of each copy, so pruning never removes the base of the next backup', job.id, holdScriptPath(job.id), s.holdScript, hold, '755'))
      const dropIn = pruneDropInText(job.id)
      const dropStep = ownFileStep('offsite', 'Run that script before every prune of sanoid (a drop-in of sanoid-prune.service)', job.id, pruneDropInPath(job.id), s.dropIn, dropIn)
      if (dropStep) {
        steps.push({ ...dropStep, undo: [...dropStep.undo, daemonReloadCommand()] })
        steps.push({ host: 'offsite', purpose: 'Reload systemd so the drop-in takes effect', spec: daemonReloadCommand(), undo: [] })
      }
      if (s.offsite.sanoidTimer !== 'enabled') {
        steps.push({ host: 'offsite', purpose: 'Start sanoid’s own timer on the off-site box, so it prunes there every 15 minutes', spec: enableSanoidTimerCommand(), undo: [disableSanoidTimerCommand()] })
      }
    }
    return steps
  }

  function removeSteps(job: Job, s: Survey): Step[] {
    const steps: Step[] = []
    const push = (st: Step | null): void => {
      if (st) steps.push(st)
    }
    if (s.nas.systemd) {
      if (s.units.service !== null || s.units.timer !== null) {
        const names = unitNames(job.id)
        steps.push({
          host: 'nas',
          purpose: 'Stop and remove the job’s timer and service units, and reload systemd',
          spec: removeUnitsCommand(job.id),
          undo: [
            ...(s.units.service !== null ? [replaceFileCommand(`${UNIT_DIR}/${names.service}`, null, s.units.service)] : []),
            ...(s.units.timer !== null ? [replaceFileCommand(`${UNIT_DIR}/${names.timer}`, null, s.units.timer)] : []),
            daemonReloadCommand(),
            ...(s.timerEnabled ? [enableTimerCommand(job.id)] : []),
          ],
        })
      }
    } else if (s.cronFile !== null) {
      const removed = removeCronBlock(s.cronFile, job.id)
      if (!removed.ok) throw fromCore(removed.error)
      push(casStep('nas', `Take the job’s line out of ${CRON_FILE}`, CRON_FILE, s.cronFile, removed.value))
      steps.push({ host: 'nas', purpose: 'Remove the job’s log file', spec: removeCronLogCommand(job.id), undo: [] })
    }
    if (s.runScript !== null) {
      steps.push({ host: 'nas', purpose: 'Remove the job’s scheduled-run script', spec: removeAppFilesCommand(job.id, [scheduledRunPath(job.id)]), undo: [putAppFileCommand(scheduledRunPath(job.id), job.id, s.runScript, '755')] })
    }
    if (s.nasSanoidConf !== null) {
      const removed = removeJobBlock(s.nasSanoidConf, job.id)
      if (!removed.ok) throw fromCore(removed.error)
      push(casStep('nas', 'Take the job’s block out of sanoid’s configuration on the NAS (its snapshots stay)', SANOID_CONF, s.nasSanoidConf, removed.value))
    }
    if (s.offsiteSanoidConf !== null) {
      const removed = removeJobBlock(s.offsiteSanoidConf, job.id)
      if (!removed.ok) throw fromCore(removed.error)
      push(casStep('offsite', 'Take the job’s prune-only block out of sanoid’s configuration on the off-site box (the copies stay)', SANOID_CONF, s.offsiteSanoidConf, removed.value))
    }
    if (s.dropIn !== null) {
      steps.push({ host: 'offsite', purpose: 'Remove the drop-in that held the newest copy before sanoid prunes', spec: removeAppFilesCommand(job.id, [pruneDropInPath(job.id)]), undo: [putAppFileCommand(pruneDropInPath(job.id), job.id, s.dropIn), daemonReloadCommand()] })
      steps.push({ host: 'offsite', purpose: 'Reload systemd', spec: daemonReloadCommand(), undo: [] })
    }
    if (s.holdScript !== null) {
      steps.push({ host: 'offsite', purpose: 'Remove the hold script', spec: removeAppFilesCommand(job.id, [holdScriptPath(job.id)]), undo: [putAppFileCommand(holdScriptPath(job.id), job.id, s.holdScript, '755')] })
    }
    steps.push({ host: 'offsite', purpose: 'Release the app’s hold on the copies’ newest snapshots (the snapshots stay)', spec: releaseTagBelowCommand(jobHoldTag(job.id), offsiteDatasets(job)), undo: [] })
    return steps
  }

  /** Runs the steps in order; on a failure, runs the undo of every step that ran, newest first, then rethrows. */
  async function apply(job: Job, conn: Record<WizardHost, SshConnection>, steps: readonly Step[], what: string): Promise<void> {
    const done: Step[] = []
    for (const step of steps) {
      try {
        await conn[step.host].run(step.spec)
        done.push(step)
      } catch (err) {
        logger.warn(`${what} failed; putting back what it changed`, { jobId: job.id, host: step.host, step: step.purpose, error: err instanceof AppFailure ? err.appError.code : String(err) })
        for (const d of done.reverse()) {
          for (const u of d.undo) {
            await conn[d.host].run(u).catch((e: unknown) => logger.error('could not put back a change', { jobId: job.id, host: d.host, step: d.purpose, error: e instanceof AppFailure ? e.appError.cause : String(e) }))
          }
        }
        throw err
      }
    }
  }

  function checked(schedule: JobSchedule): void {
    const c = checkSchedule(schedule.schedule)
    if (!c.ok) throw fromCore(c.error)
  }

  function wordsFor(schedule: JobSchedule, zone: string | null): { summary: string; detail: string } {
    const w = describeSchedule(schedule.schedule, { timeZone: zone })
    if (!w.ok) throw fromCore(w.error)
    return { summary: w.value.summary, detail: w.value.detail }
  }

  function missing(job: Job, schedule: JobSchedule, s: Survey, installMissing: boolean): void {
    const nasMissing = missingSanoid('the NAS', s.nas, installMissing)
    if (nasMissing) throw nasMissing
    const offMissing = missingSanoid('the off-site box', { ...s.offsite, syncoid: true }, installMissing)
    if (offMissing) throw offMissing
    void job
    void schedule
  }

  // ---- reading the status back -------------------------------------------------------

  async function status(job: Job, nasConnection: () => Promise<SshConnection>): Promise<ScheduleStatus> {
    const schedule = job.schedule ?? null
    if (!schedule) return { jobId: job.id, schedule: null, mechanism: null, words: null, timeZone: null, nextRunAt: null, lastRun: null }
    const nas = await nasConnection()
    const facts = parseHostFacts(await nas.run(hostFactsCommand()))
    const zone = parseHostTimeZone(await nas.run(hostTimeZoneCommand()))
    const words = wordsFor(schedule, zone.zone)
    if (facts.systemd) {
      const state: ScheduleState = parseScheduleState(job.id, await nas.run(scheduleStateCommand(job.id)))
      const r = state.lastRun
      let lastRun: ScheduleStatus['lastRun'] = null
      if (r.result !== 'never' && r.startedAt !== null) {
        lastRun = { at: iso(r.startedAt)!, outcome: r.result === 'succeeded' || r.result === 'busy' || r.result === 'running' ? r.result : 'failed' }
        if (r.result === 'failed') {
          const entries = parseJournal(await nas.run(journalCommand({ jobId: job.id, since: r.startedAt, lines: 50 })))
          const text = entries.map((e) => e.message).filter((m) => !RUN_LINE.test(m))
          lastRun = { ...lastRun, message: text.slice(-10).join('\n') || `systemd: ${r.systemdResult ?? 'failed'}, exit status ${r.exitStatus ?? 'unknown'}` }
        }
      } else {
        // systemd forgets a unit's last run at a reboot; the journal does not.
        const entries = parseJournal(await nas.run(journalCommand({ jobId: job.id, lines: 200 })))
        lastRun = lastRunFromLines(entries.map((e) => e.message))
      }
      return { jobId: job.id, schedule, mechanism: 'systemd', words, timeZone: zone.zone, nextRunAt: schedule.enabled ? iso(state.nextRun) : null, lastRun }
    }
    const log = await nas.run(tailLogCommand(cronLogPath(job.id)))
    const lastRun = lastRunFromLines(log.split('\n').filter((l) => l !== ''))
    const clock = (await nas.run(wallClockCommand())).trim().split(' ')
    let nextRunAt: string | null = null
    if (schedule.enabled && clock.length === 7) {
      const [y, mo, d, h, mi, off] = clock as [string, string, string, string, string, string]
      const next = nextRunAfter(schedule.schedule, { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi) })
      if (next.ok && next.value) {
        const sign = off.startsWith('-') ? -1 : 1
        const offsetMin = sign * (Number(off.slice(1, 3)) * 60 + Number(off.slice(3, 5)))
        const n = next.value
        nextRunAt = new Date(Date.UTC(n.year, n.month - 1, n.day, n.hour, n.minute) - offsetMin * 60_000).toISOString()
      }
    }
    return { jobId: job.id, schedule, mechanism: 'cron', words, timeZone: zone.zone, nextRunAt, lastRun }
  }

  const store = (jobId: string, schedule: JobSchedule | null): Job =>
    config
      .update((c) => {
        const i = c.jobs.findIndex((j) => j.id === jobId)
        const j: Job = { ...c.jobs[i]! }
        if (schedule) j.schedule = schedule
        else delete j.schedule
        c.jobs[i] = j
      })
      .jobs.find((j) => j.id === jobId)!

  return {
    async getJobSchedule({ jobId }) {
      const job = findJob(config, jobId)
      return status(job, () => deps.hosts.connection(job.sourceHostId))
    },

    async previewJobSchedule({ jobId, schedule }) {
      const job = findJob(config, jobId)
      checked(schedule)
      const conn = await connections(job)
      const s = await survey(job, conn)
      const installs = installSteps(s, true)
      const steps = setSteps(job, schedule, s)
      const commands: Shown[] = [
        ...s.reads,
        ...installs.map((st) => show(st.host, 'change', `${st.purpose} (only if you agree; sanoid is missing there)`, st.spec)),
        ...steps.map((st) => show(st.host, 'change', st.purpose, st.spec)),
        ...(s.nas.systemd ? [show('nas', 'verify', 'Read back the next and last run from systemd', scheduleStateCommand(job.id))] : []),
      ]
      return { commands, words: wordsFor(schedule, s.zone.zone) }
    },

    async setJobSchedule({ jobId, schedule, installMissing }) {
      const job = findJob(config, jobId)
      checked(schedule)
      const conn = await connections(job)
      let s = await survey(job, conn)
      missing(job, schedule, s, installMissing)
      // Build (and so check) the whole change before anything is installed.
      setSteps(job, schedule, s)
      const installs = installSteps(s, installMissing)
      if (installs.length > 0) {
        await apply(job, conn, installs, 'installing sanoid')
        logger.info('sanoid installed', { jobId, hosts: installs.map((i) => i.host) })
        // The package may have brought its own files: read again before merging into them.
        s = await survey(job, conn)
      }
      const steps = setSteps(job, schedule, s)
      await apply(job, conn, steps, 'setting the schedule')
      const saved = store(jobId, schedule)
      logger.info('schedule set', { jobId, mechanism: s.nas.systemd ? 'systemd' : 'cron', enabled: schedule.enabled, changes: steps.length })
      return status(saved, async () => conn.nas)
    },

    async setJobScheduleEnabled({ jobId, enabled }) {
      const job = findJob(config, jobId)
      if (!job.schedule) throw new AppFailure(appError('NOT_FOUND', `“${job.name}” has no schedule to ${enabled ? 'enable' : 'disable'}.`, 'Set a schedule for the job first.'))
      const nas = await deps.hosts.connection(job.sourceHostId)
      const facts = parseHostFacts(await nas.run(hostFactsCommand()))
      if (facts.systemd) {
        await nas.run(enabled ? enableTimerCommand(job.id) : disableTimerCommand(job.id))
      } else {
        const before = parseReadFile(await nas.run(readFileCommand(CRON_FILE)))
        const merged = mergeCronBlock(before, { jobId: job.id, jobName: job.name, schedule: job.schedule.schedule, command: scheduledRunCommand(job.id) })
        if (!merged.ok) throw fromCore(merged.error)
        const after = enabled ? merged.value : disabledCronBlock(merged.value, job.id)
        if (after !== before) await nas.run(replaceFileCommand(CRON_FILE, before, after))
      }
      const saved = store(jobId, { ...job.schedule, enabled })
      logger.info(enabled ? 'schedule enabled' : 'schedule disabled', { jobId })
      return status(saved, async () => nas)
    },

    async removeJobSchedule({ jobId }) {
      const job = findJob(config, jobId)
      const conn = await connections(job)
      const s = await survey(job, conn)
      const steps = removeSteps(job, s)
      await apply(job, conn, steps, 'removing the schedule')
      const saved = store(jobId, null)
      logger.info('schedule removed', { jobId, changes: steps.length })
      return status(saved, async () => conn.nas)
    },
  }
}

