// The use cases behind the API: each contract method has one implementation here,
// composed from core logic and the adapters it is given.
import { randomUUID } from 'node:crypto'
import { parsePassphraseAccount, passphraseAccount } from '../core/secrets/accounts'
import type { SecretStore } from '../core/secrets/secret-store'
import type { Logger } from '../core/logging/logger'
import type { ConfigStore } from '../adapters/config/config-store'
import type { Redactor } from '../core/logging/redactor'
import type { SshTimings } from '../adapters/ssh/ssh-connection'
import { createHostServices, type HostServices } from './hosts-service'
import { createJobServices } from './jobs-service'
import { createRunServices, type RunServices } from './runs-service'
import { createWizardServices } from './wizard-service'
import { createScheduleServices } from './schedule-service'
import { createOverviewService } from './overview-service'
import { createNotifier, type Notifier } from './notifier'
import { createRecoveryServices, createRecoveryToolkit } from './recovery-service'
import { createRecoveryOperations, type RecoveryOperations } from './recovery-operations'
import { createRecoveryRestoreServices } from './recovery-restore'
import { createRecoveryDownloadServices } from './recovery-download'
import { createFireDrillServices, type FireDrillInterval } from './fire-drill'
import type { EventBus } from './event-bus'
import { AppFailure, appError } from '../shared/errors'
import type { AppInfo, MethodName, MethodOutput, Contract } from '../shared/contract'
import type { z } from 'zod'

export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>
export type Services = { [M in MethodName]: (input: ParsedInput<M>) => Promise<MethodOutput<M>> }

export interface ServiceDeps {
  readonly info: AppInfo
  readonly config: ConfigStore
  readonly secrets: SecretStore
  readonly logger: Logger
  readonly clock?: () => Date
  /** Secrets the services handle (a password used once) are registered here, so logs never show them. */
  readonly redactor?: Redactor
  readonly sshTimings?: SshTimings
  /** Receives the host connections so the owner can close them on shutdown. */
  readonly onHostServices?: (hosts: HostServices) => void
  /** Where progress and job-state events go (to IPC or the web bridge). */
  readonly events: EventBus
  /** Receives the run service so the owner can reattach runs and stop following on shutdown. */
  readonly onRunServices?: (runs: RunServices) => void
  /** Milliseconds between progress events; tests may ask for more often. */
  readonly progressTickMs?: number
  /** Milliseconds between checks that a followed run is alive on the NAS. */
  readonly runLivenessMs?: number
  readonly tunnelDeadlineMs?: number
  /** Receives the notifier so the owner can start its timer (the tray) and stop it on shutdown. */
  readonly onNotifier?: (notifier: Notifier) => void
  /** Where downloads from a look go (a new folder inside it each time). */
  readonly downloadsDir: string
  /** Receives the fire drills' interval so the owner can start it and stop it on shutdown. */
  readonly onFireDrillInterval?: (interval: FireDrillInterval) => void
  /** Receives the recovery operations (downloads, restores) so the owner can stop them on shutdown. */
  readonly onRecoveryOperations?: (operations: RecoveryOperations) => void
}

export function createServices(deps: ServiceDeps): Services {
  const { config, secrets, logger } = deps
  const now = (): string => (deps.clock ?? (() => new Date()))().toISOString()
  const hosts = createHostServices({
    config,
    secrets,
    logger,
    now,
    ...(deps.redactor ? { redactor: deps.redactor } : {}),
    ...(deps.sshTimings ? { timings: deps.sshTimings } : {}),
  })
  deps.onHostServices?.(hosts)
  const runs = createRunServices({
    config,
    logger,
    events: deps.events,
    hosts,
    now,
    ...(deps.progressTickMs ? { tickMs: deps.progressTickMs } : {}),
    ...(deps.runLivenessMs ? { livenessMs: deps.runLivenessMs } : {}),
  })
  deps.onRunServices?.(runs)
  const jobs = createJobServices({ config, logger, hosts, now, isRunning: runs.isRunning })
  const wizard = createWizardServices({ config, logger, hosts, now, jobs, ...(deps.tunnelDeadlineMs ? { tunnelDeadlineMs: deps.tunnelDeadlineMs } : {}) })
  const schedules = createScheduleServices({ config, logger, hosts, now })
  const recoveryDeps = { config, secrets, logger, hosts, ...(deps.redactor ? { redactor: deps.redactor } : {}) }
  const toolkit = createRecoveryToolkit(recoveryDeps)
  const recovery = createRecoveryServices(recoveryDeps, toolkit)
  const operations = createRecoveryOperations({ events: deps.events, logger, ...(deps.progressTickMs ? { tickMs: deps.progressTickMs } : {}) })
  const recoveryWork = { config, logger, hosts, events: deps.events, toolkit, operations }
  const restore = createRecoveryRestoreServices(recoveryWork)
  const download = createRecoveryDownloadServices({ ...recoveryWork, downloadsDir: deps.downloadsDir })
  const fireDrills = createFireDrillServices({ ...recoveryWork, looks: recovery })
  deps.onFireDrillInterval?.(fireDrills.interval)
  deps.onRecoveryOperations?.(operations)

  // The overview reads the schedule's status through the services object itself (getJobSchedule).
  let self: Services | undefined
  const overview = createOverviewService({
    config,
    logger,
    hosts,
    clock: deps.clock ?? (() => new Date()),
    getJobSchedule: (jobId) => (self ? self.getJobSchedule({ jobId }) : Promise.reject(new Error('services not ready'))),
  })
  deps.onNotifier?.(createNotifier({ config, logger, events: deps.events, overview }))

  const requireHost = (hostId: string) => {
    const host = config.read().hosts.find((h) => h.id === hostId)
    if (!host) {
      throw new AppFailure(
        appError('NOT_FOUND', 'That host is not in this app any more.', 'Pick a host from the Hosts screen, or add it again.', hostId),
      )
    }
    return host
  }

  return (self = {
    ...hosts.methods,
    ...jobs,
    ...runs.methods,
    ...wizard,
    ...schedules,
    ...recovery,
    ...restore,
    ...download,
    ...fireDrills.methods,

    async cancelRecoveryOperation({ operationId }) {
      return { operationId, cancelled: operations.cancel(operationId) }
    },

    getOverview: () => overview.getOverview(),

    async getAppInfo() {
      return deps.info
    },

    async getSettings() {
      return config.read().preferences
    },

    async updateSettings(input) {
      const next = config.update((c) => {
        c.preferences = { ...c.preferences, ...input }
      })
      logger.info('preferences changed', { keys: Object.keys(input) })
      return next.preferences
    },

    async listHosts() {
      return config.read().hosts
    },

    async addHost(input) {
      const existing = config
        .read()
        .hosts.find((h) => h.address === input.address && h.port === input.port && h.user === input.user)
      if (existing) {
        throw new AppFailure(
          appError(
            'ALREADY_EXISTS',
            `${input.user}@${input.address}:${input.port} is already in the app as “${existing.label}”.`,
            'Use the existing host, or remove it first.',
          ),
        )
      }
      if (input.auth === 'key-file' && !input.keyFilePath) {
        throw new AppFailure(
          appError('INVALID_INPUT', 'A key file was chosen but no file was given.', 'Choose the private key file, or pick another way to sign in.'),
        )
      }
      const host = { ...input, id: randomUUID(), createdAt: now() }
      config.update((c) => {
        c.hosts.push(host)
      })
      logger.info('host added', { hostId: host.id, role: host.role, address: host.address, port: host.port })
      return host
    },

    async removeHost({ id }) {
      const host = requireHost(id)
      const jobs = config.read().jobs.filter((j) => j.sourceHostId === id || j.targetHostId === id)
      if (jobs.length > 0) {
        throw new AppFailure(
          appError(
            'INVALID_INPUT',
            `“${host.label}” is used by ${jobs.length === 1 ? 'the job' : 'the jobs'} ${jobs.map((j) => `“${j.name}”`).join(', ')}.`,
            'Remove those jobs first; the host stays until then.',
          ),
        )
      }
      hosts.forget(id)
      config.update((c) => {
        c.hosts = c.hosts.filter((h) => h.id !== id)
      })
      logger.info('host removed', { hostId: id })
      return { removed: id }
    },

    async recentLogs({ limit }) {
      return logger.recent(limit)
    },

    async savePassphrase({ hostId, dataset, passphrase }) {
      requireHost(hostId)
      await secrets.set(passphraseAccount({ hostId, dataset }), passphrase)
      logger.info('encryption passphrase saved to the keychain', { hostId, dataset })
      return { hostId, dataset }
    },

    async listPassphrases() {
      const accounts = await secrets.list()
      return accounts.flatMap((a) => {
        const ref = parsePassphraseAccount(a)
        return ref ? [ref] : []
      })
    },

    async forgetPassphrase(ref) {
      const removed = await secrets.delete(passphraseAccount(ref))
      if (!removed) {
        throw new AppFailure(
          appError('NOT_FOUND', `No passphrase for ${ref.dataset} is stored in the keychain.`, 'Nothing to remove; check the dataset name.'),
        )
      }
      logger.info('encryption passphrase removed from the keychain', { ...ref })
      return ref
    },
  })
}
