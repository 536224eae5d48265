// Composition root shared by the Electron main process and the web bridge: the same
// services over the same adapters, whichever transport carries them.
import { join } from 'node:path'
import { homedir } from 'node:os'
import { mkdirSync } from 'node:fs'
import { Redactor } from '../core/logging/redactor'
import type { SecretStore } from '../core/secrets/secret-store'
import { ConfigStore, type ConfigBackend } from '../adapters/config/config-store'
import { FileLogger } from '../adapters/logging/file-logger'
import { KeytarSecretStore, DEFAULT_KEYCHAIN_SERVICE } from '../adapters/secrets/keytar-secret-store'
import { createServices, type Services } from './app-services'
import { EventBus } from './event-bus'
import type { HostServices } from './hosts-service'
import type { RunServices } from './runs-service'
import type { Notifier } from './notifier'
import type { RecoveryOperations } from './recovery-operations'
import type { FireDrillInterval } from './fire-drill'
import type { AppInfo } from '../shared/contract'

export interface AppContextOptions {
  readonly dataDir: string
  readonly transport: AppInfo['transport']
  readonly version: string
  readonly openConfig: (dir: string) => ConfigBackend
  readonly keychainService?: string
  readonly secrets?: SecretStore
  readonly echoLogs?: boolean
  readonly progressTickMs?: number
  readonly runLivenessMs?: number
  /** How long the wizard waits for a tunnel's handshake and pings (tests of an unreachable endpoint shorten it). */
  readonly tunnelDeadlineMs?: number
  /** Where downloads from a look go; `~/Downloads/ZFS Offsite` unless given (tests give a temp folder). */
  readonly downloadsDir?: string
}

export interface AppContext {
  readonly services: Services
  readonly events: EventBus
  readonly logger: FileLogger
  readonly redactor: Redactor
  readonly config: ConfigStore
  readonly info: AppInfo
  /** Raises notification events (a failed run at once; old copies and timer failures once started). */
  readonly notifier: Notifier
  dispose(): void
}

export function createAppContext(options: AppContextOptions): AppContext {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
  const redactor = new Redactor()
  const logFile = join(options.dataDir, 'logs', 'app.log')
  const logger = new FileLogger({ path: logFile, redactor, echo: options.echoLogs ?? false })
  const config = new ConfigStore(() => options.openConfig(options.dataDir), join(options.dataDir, 'config.json'))
  const secrets = options.secrets ?? new KeytarSecretStore(redactor, options.keychainService ?? DEFAULT_KEYCHAIN_SERVICE)
  const events = new EventBus()
  const stopLogEvents = logger.onEntry((entry) => events.emit('log', entry))
  const info: AppInfo = {
    name: 'ZFS Offsite',
    version: options.version,
    transport: options.transport,
    platform: process.platform,
    dataDir: options.dataDir,
    logFile,
    configFile: config.path,
  }
  let hosts: HostServices | undefined
  let runs: RunServices | undefined
  let notifier: Notifier | undefined
  let fireDrillInterval: FireDrillInterval | undefined
  let operations: RecoveryOperations | undefined
  const services = createServices({
    info,
    config,
    secrets,
    logger,
    redactor,
    events,
    onHostServices: (h) => (hosts = h),
    onRunServices: (r) => (runs = r),
    onNotifier: (n) => (notifier = n),
    onFireDrillInterval: (i) => (fireDrillInterval = i),
    onRecoveryOperations: (o) => (operations = o),
    downloadsDir: options.downloadsDir ?? join(homedir(), 'Downloads', 'ZFS Offsite'),
    ...(options.progressTickMs ? { progressTickMs: options.progressTickMs } : {}),
    ...(options.runLivenessMs ? { runLivenessMs: options.runLivenessMs } : {}),
    ...(options.tunnelDeadlineMs ? { tunnelDeadlineMs: options.tunnelDeadlineMs } : {}),
  })
  logger.info('app started', { transport: options.transport, version: options.version })
  // Runs that were going when the app last quit go on on the NAS: show them again.
  void runs?.reattach()
  if (!notifier) throw new Error('the services made no notifier')
  const made: Notifier = notifier
  // Fire drills on their interval (preferences.fireDrillEveryDays); nothing runs while that is null.
  fireDrillInterval?.start()
  const dispose = (): void => {
    fireDrillInterval?.stop()
    // A download or restore still going is told to stop (a restore resumes next time).
    operations?.dispose()
    made.dispose()
    runs?.dispose()
    hosts?.dispose()
    stopLogEvents()
  }
  return { services, events, logger, redactor, config, info, notifier: made, dispose }
}
