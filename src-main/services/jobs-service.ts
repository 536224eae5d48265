// The Jobs use cases: making a job (names checked, hosts in the right roles, send flags
// decided once: raw exactly when a source is encrypted unless the person chose), changing
// what may change between runs, and removing a job that is not running and has no
// schedule left on the NAS (its hold on the NAS's base is released then).
import { randomUUID } from 'node:crypto'
import type { ConfigStore } from '../adapters/config/config-store'
import type { Logger } from '../core/logging/logger'
import { checkedDataset, jobHoldTag } from '../core/replication/job-run'
import { releaseTagBelowCommand } from '../core/zfs/holds'
import { getPropertyCommand, parsePropertyValues } from '../core/zfs/get-property'
import { relativeTo, type DatasetName } from '../core/zfs/names'
import { AppFailure, appError } from '../shared/errors'
import type { Host, Job } from '../shared/model'
import type { MethodName, MethodOutput } from '../shared/contract'
import type { ParsedInput } from './app-services'
import type { HostServices } from './hosts-service'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>
export type JobMethod = 'listJobs' | 'addJob' | 'updateJob' | 'removeJob'

export interface JobServiceDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly now: () => string
  /** True while a run of the job is going (a running job is not removed). */
  readonly isRunning: (jobId: string) => boolean
}

function invalid(cause: string, fix: string, field: string): AppFailure {
  return new AppFailure(appError('INVALID_INPUT', cause, fix, field))
}

export function findJob(config: ConfigStore, id: string): Job {
  const job = config.read().jobs.find((j) => j.id === id)
  if (!job) throw new AppFailure(appError('NOT_FOUND', 'That job is not in this app any more.', 'Pick a job from the Jobs screen.', id))
  return job
}

export function createJobServices(deps: JobServiceDeps): { [M in JobMethod]: ServiceImpl<M> } {
  const { config, logger } = deps

  const hostIn = (id: string, role: Host['role'], field: string): Host => {
    const host = config.read().hosts.find((h) => h.id === id)
    if (!host) throw invalid('That host is not in the app.', 'Choose a host from the list, or add it on the Hosts screen.', field)
    if (host.role !== role) {
      throw invalid(
        `${host.label} is ${host.role === 'nas' ? 'a NAS' : 'an off-site box'}, not ${role === 'nas' ? 'a NAS' : 'an off-site box'}.`,
        role === 'nas' ? 'Choose the NAS the data comes from.' : 'Choose the off-site box the copies go to.',
        field,
      )
    }
    return host
  }

  const dataset = (field: string, value: string): DatasetName => {
    const c = checkedDataset(value)
    if (!c.ok) throw invalid(`“${value}” is not a dataset name ZFS accepts: ${c.reason}`, 'Use the name as ZFS shows it, for example tank/photos.', field)
    return c.value
  }

  /** Raw when any source is encrypted: asked of the NAS, since the person did not say. */
  const anyEncrypted = async (nasId: string, sources: readonly DatasetName[]): Promise<boolean> => {
    const nas = await deps.hosts.connection(nasId)
    const values = parsePropertyValues(await nas.run(getPropertyCommand('encryption', sources)))
    return sources.some((s) => (values.get(s) ?? 'off') !== 'off')
  }

  return {
    async listJobs() {
      return config.read().jobs
    },

    async addJob(input) {
      const jobs = config.read().jobs
      if (jobs.some((j) => j.name === input.name)) {
        throw new AppFailure(appError('ALREADY_EXISTS', `A job named “${input.name}” already exists.`, 'Give this job another name.', 'name'))
      }
      hostIn(input.sourceHostId, 'nas', 'sourceHostId')
      hostIn(input.targetHostId, 'offsite', 'targetHostId')
      const sources = input.sources.map((s, i) => ({ dataset: dataset(`sources.${i}.dataset`, s.dataset), recursive: s.recursive }))
      const targetParent = dataset('targetParent', input.targetParent)
      const exclusions = input.exclusions.map((e, i) => {
        const name = dataset(`exclusions.${i}`, e)
        if (!sources.some((s) => s.recursive && relativeTo(s.dataset, name) !== null && relativeTo(s.dataset, name) !== '')) {
          throw invalid(`${name} is not a child of a source copied with its children, so leaving it out changes nothing.`, 'Remove it from the exclusions, or include child datasets.', `exclusions.${i}`)
        }
        return name
      })
      const names = new Set<string>()
      for (const [i, s] of sources.entries()) {
        const last = s.dataset.slice(s.dataset.lastIndexOf('/') + 1)
        if (names.has(last)) throw invalid(`Two sources would land on the same off-site name (${last}).`, 'Make two jobs, or choose one of them.', `sources.${i}.dataset`)
        names.add(last)
      }
      const raw = input.raw ?? (await anyEncrypted(input.sourceHostId, sources.map((s) => s.dataset)))
      const { raw: _raw, ...rest } = input
      const job: Job = {
        ...rest,
        sources,
        exclusions,
        targetParent,
        id: randomUUID(),
        // Fixed now: a stream's flags must not change between runs of one job.
        send: { raw, intermediates: input.intermediates, largeBlocks: !raw, embedded: !raw, compressed: !raw },
        createdAt: deps.now(),
      }
      config.update((c) => {
        c.jobs.push(job)
      })
      logger.info('job added', { jobId: job.id, sources: sources.length, raw })
      return job
    },

    async updateJob({ id, ...changes }) {
      const before = findJob(config, id)
      if (changes.exclusions) changes.exclusions.forEach((e, i) => dataset(`exclusions.${i}`, e))
      if (changes.name && changes.name !== before.name && config.read().jobs.some((j) => j.name === changes.name)) {
        throw new AppFailure(appError('ALREADY_EXISTS', `A job named “${changes.name}” already exists.`, 'Give this job another name.', 'name'))
      }
      const next = config.update((c) => {
        const i = c.jobs.findIndex((j) => j.id === id)
        const j: Job = { ...c.jobs[i]! }
        if (changes.name !== undefined) j.name = changes.name
        if (changes.exclusions !== undefined) j.exclusions = changes.exclusions
        if (changes.receiver !== undefined) j.receiver = changes.receiver
        if (changes.stallSeconds !== undefined) j.stallSeconds = changes.stallSeconds
        if (changes.rateLimitBytesPerSecond === null) delete j.rateLimitBytesPerSecond
        else if (changes.rateLimitBytesPerSecond !== undefined) j.rateLimitBytesPerSecond = changes.rateLimitBytesPerSecond
        if (changes.bufferBytes === null) delete j.bufferBytes
        else if (changes.bufferBytes !== undefined) j.bufferBytes = changes.bufferBytes
        c.jobs[i] = j
      })
      logger.info('job changed', { jobId: id, keys: Object.keys(changes) })
      return next.jobs.find((j) => j.id === id)!
    },

    async removeJob({ id }) {
      const job = findJob(config, id)
      if (deps.isRunning(id)) {
        throw new AppFailure(appError('JOB_BUSY', `“${job.name}” is copying right now.`, 'Cancel the run on the Transfers screen first, then remove the job.'))
      }
      if (job.schedule) {
        // The timer would go on running syncoid on the NAS for a job nobody sees any more.
        throw new AppFailure(
          appError(
            'JOB_HAS_SCHEDULE',
            `“${job.name}” still has a schedule: the NAS would go on running it after the app forgot the job.`,
            'Remove the schedule first (its Schedule panel on the Jobs screen, Remove schedule), then remove the job.',
          ),
        )
      }
      // The job's hold kept its base from pruning for the next run; with no next run it would
      // keep that snapshot and its space for ever. The snapshots themselves stay.
      const notes: string[] = []
      const tag = jobHoldTag(job.id)
      try {
        const nas = await deps.hosts.connection(job.sourceHostId)
        await nas.run(releaseTagBelowCommand(tag, job.sources))
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err)
        notes.push(
          `The job’s hold on the NAS could not be released (${why}). Its base snapshot stays until you release it: zfs release ${tag} <snapshot>, for the snapshot zfs holds lists with that tag.`,
        )
      }
      config.update((c) => {
        c.jobs = c.jobs.filter((j) => j.id !== id)
      })
      logger.info('job removed', { jobId: id, holdReleased: notes.length === 0 })
      return { removed: id, notes }
    },
  }
}
