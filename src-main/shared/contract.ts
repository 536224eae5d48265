// The contract: every method the renderer may call and every event it may hear, each
// with zod schemas. The preload, the IPC binding and the web bridge are all generated
// from this one table, so the two transports cannot drift apart.
import { z } from 'zod'
import {
  ConnectionStateSchema,
  HostAddressSchema,
  HostAuthSchema,
  HostInputSchema,
  HostProbeSchema,
  HostSchema,
  JobInputSchema,
  JobSchema,
  ReceiverSchema,
  RunTransferSchema,
  LogEntrySchema,
  PassphraseRefSchema,
  PreferencesSchema,
  RunRecordSchema,
  UnixUserSchema,
} from './model'
import type { Result } from './result'
import { ShownCommandSchema, WizardStateSchema } from './wizard'
import { JobScheduleSchema, NotificationSchema, OverviewJobSchema, ScheduleStatusSchema } from './schedule'
import { FireDrillSchema, recoveryMethods, RecoveryProgressSchema } from './recovery'

const NoInput = z.object({}).strict()
const HostId = z.object({ id: z.string() }).strict()
const FingerprintSchema = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'A fingerprint looks like SHA256: followed by 43 letters, digits, + or /.')

/** What connecting answers: either connected, or the host key to confirm first. */
export const ConnectAnswerSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connected'), fingerprint: z.string() }),
  z.object({
    state: z.literal('unconfirmed'),
    fingerprint: FingerprintSchema,
    /** Typed on the host's own console to read the same fingerprint there. */
    consoleCommand: z.string(),
    address: z.string(),
    port: z.number(),
  }),
])
export type ConnectAnswer = z.infer<typeof ConnectAnswerSchema>

export const HostStateSchema = z.object({ id: z.string(), state: ConnectionStateSchema, probe: HostProbeSchema.nullable() })
export type HostState = z.infer<typeof HostStateSchema>

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'bridge']),
  platform: z.string(),
  dataDir: z.string(),
  logFile: z.string(),
  configFile: z.string(),
})
export type AppInfo = z.infer<typeof AppInfoSchema>

/** One dataset's line of a plan, in plain words, with the ZFS facts behind it. */
export const DatasetPlanViewSchema = z.object({
  source: z.string(),
  target: z.string(),
  /** The planner's decision: full, incremental, resume, up-to-date, diverged… */
  action: z.string(),
  summary: z.string(),
  /** True when a person must decide before this dataset can be copied. */
  blocking: z.boolean(),
  snapshotsToSend: z.number().int().nonnegative(),
  /** From `zfs send -nvP`; null when nothing is sent or ZFS could not estimate. */
  estimatedBytes: z.number().nonnegative().nullable(),
  /** Diverged: the off-site snapshots a rollback would destroy (the app never does it unasked). */
  rollbackWouldDestroy: z.array(z.string()).default([]),
})
export type DatasetPlanView = z.infer<typeof DatasetPlanViewSchema>

export const PlanViewSchema = z.object({
  jobId: z.string(),
  plannedAt: z.string(),
  datasets: z.array(DatasetPlanViewSchema),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  runnable: z.boolean(),
  /** Nothing to send: every dataset is up to date. */
  upToDate: z.boolean(),
  estimatedBytes: z.number().nonnegative().nullable(),
  /** At the job's rate limit, when it has one. */
  etaSeconds: z.number().nonnegative().nullable(),
  /** Shaping the NAS cannot do (no pv or mbuffer there). */
  unmet: z.array(z.string()),
})
export type PlanView = z.infer<typeof PlanViewSchema>

export const TransferPhaseSchema = z.enum(['planning', 'estimating', 'sending', 'verifying', 'done'])

/** A run as it is now: what the Transfers screen shows, live or reattached. */
export const RunProgressSchema = z.object({
  jobId: z.string(),
  runId: z.string(),
  phase: TransferPhaseSchema,
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().optional(),
  rateBytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().optional(),
  /** No byte has moved for the job's stall time. */
  stalled: z.boolean().default(false),
  secondsSinceLastByte: z.number().nonnegative().default(0),
  datasets: z.array(RunTransferSchema.extend({ index: z.number().int().nonnegative() })).default([]),
  at: z.string().optional(),
})
export type RunProgress = z.infer<typeof RunProgressSchema>

const JobId = z.object({ id: z.string() }).strict()

export const WizardStepNameSchema = z.enum(['tunnel', 'receive-user', 'destination', 'preflight', 'job'])

/** What a wizard step is told; each step has its own choices. */
export const WizardStepInputSchema = z.discriminatedUnion('step', [
  z
    .object({
      step: z.literal('tunnel'),
      /** How the NAS reaches the off-site box's WireGuard port (a public name or address); null when it cannot. */
      offsiteEndpoint: HostAddressSchema.nullable(),
      /** How the off-site box reaches the NAS; null when the NAS is behind NAT (then it starts the tunnel and keeps it open). */
      nasEndpoint: HostAddressSchema.nullable().default(null),
      /**
       * The UDP port the off-site box listens on, when its router forwards one fixed port;
       * null lets the wizard pick a free one near 51820. A port already in use is refused.
       */
      offsitePort: z.number().int().min(1, 'A port is between 1 and 65535.').max(65535, 'A port is between 1 and 65535.').nullable().default(null),
    })
    .strict(),
  z.object({ step: z.literal('receive-user'), user: UnixUserSchema.default('zfsreceive') }).strict(),
  z
    .object({
      step: z.literal('destination'),
      /** The parent dataset on the off-site box every copy lands under, e.g. backup/nas. */
      parent: z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'A dataset name holds letters, digits and _ . : - / only, for example backup/nas.'),
      /**
       * Make a new pool for the copies on an empty disk first (guided `zpool create`). The
       * pool is named by the parent's first part; `confirm` must repeat the disk's id exactly.
       */
      createPool: z.object({ diskId: z.string().min(1).max(255), confirm: z.string().max(255) }).strict().optional(),
    })
    .strict(),
  z
    .object({
      step: z.literal('preflight'),
      sources: z.array(z.string().min(1).max(255)).max(64).default([]),
      recursive: z.boolean().default(true),
      raw: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      step: z.literal('job'),
      name: JobInputSchema.shape.name,
      sources: JobInputSchema.shape.sources,
      exclusions: JobInputSchema.shape.exclusions,
      raw: JobInputSchema.shape.raw,
      intermediates: JobInputSchema.shape.intermediates,
      rateLimitBytesPerSecond: JobInputSchema.shape.rateLimitBytesPerSecond,
    })
    .strict(),
])
export type WizardStepInput = z.input<typeof WizardStepInputSchema>

/** One command of a step's "what this runs, on which host" panel. */
export { ShownCommandSchema, type ShownCommand } from './wizard'

/** A preflight finding: a sentence for the person, the ZFS terms, and a fix where there is one. */
export const FindingSchema = z.object({
  id: z.string(),
  severity: z.enum(['blocker', 'warning', 'info', 'ok']),
  title: z.string(),
  detail: z.string(),
  fix: z.string().optional(),
})

/** A disk on the off-site box, as the guided pool creation shows it. */
export const WizardDiskSchema = z.object({
  /** The stable id the pool is made on and the person types to confirm: the name under /dev/disk/by-id. */
  id: z.string(),
  path: z.string(),
  sizeBytes: z.number().nonnegative(),
  model: z.string(),
  serial: z.string(),
  /** Empty: no partitions, no filesystem or pool label, not mounted, not in use. */
  empty: z.boolean(),
  /** Why a disk is not offered, in plain words ("holds the system", "has partitions"). */
  inUse: z.string().optional(),
})
export type WizardDisk = z.infer<typeof WizardDiskSchema>

export const WizardStepOutcomeSchema = z.object({
  state: WizardStateSchema,
  /** Preflight's findings; firewall advice for the tunnel; empty otherwise. */
  findings: z.array(FindingSchema),
})

export const contract = {
  getAppInfo: { input: NoInput, output: AppInfoSchema },
  getSettings: { input: NoInput, output: PreferencesSchema },
  updateSettings: { input: PreferencesSchema.partial().strict(), output: PreferencesSchema },
  listHosts: { input: NoInput, output: z.array(HostSchema) },
  addHost: { input: HostInputSchema.strict(), output: HostSchema },
  removeHost: { input: z.object({ id: z.string() }).strict(), output: z.object({ removed: z.string() }) },
  updateHost: {
    // Written out rather than HostInputSchema.partial(): zod would fill the defaults in
    // (port 22, app key) for fields the person did not touch.
    input: z
      .object({
        id: z.string(),
        label: HostInputSchema.shape.label.optional(),
        address: HostAddressSchema.optional(),
        port: z.number().int().min(1).max(65535).optional(),
        user: UnixUserSchema.optional(),
        auth: HostAuthSchema.optional(),
        keyFilePath: z.string().min(1).optional(),
        reachedThroughNas: z.boolean().optional(),
        /**
         * Forget the confirmed identity key: this is another machine (or a reinstalled one),
         * so its fingerprint is confirmed again. Without it a new address keeps the pin, and
         * a different key there is a hard stop (the NAS gone, the off-site box reached
         * directly: still the same box, still the same key).
         */
        confirmIdentityAgain: z.boolean().optional(),
      })
      .strict(),
    output: HostSchema,
  },
  connectHost: { input: HostId, output: ConnectAnswerSchema },
  trustHostKey: { input: z.object({ id: z.string(), fingerprint: FingerprintSchema }).strict(), output: HostSchema },
  installAppKey: {
    // Used for one connection to install the app's key, then dropped; never stored.
    input: z.object({ id: z.string(), password: z.string().min(1, 'Enter the password of the login on the host.').max(1024) }).strict(),
    output: ConnectAnswerSchema,
  },
  probeHost: { input: HostId, output: HostProbeSchema },
  disconnectHost: { input: HostId, output: z.object({ id: z.string(), state: ConnectionStateSchema }) },
  listHostStates: { input: NoInput, output: z.array(HostStateSchema) },
  getAppPublicKey: { input: NoInput, output: z.object({ publicKey: z.string() }) },
  listJobs: { input: NoInput, output: z.array(JobSchema) },
  addJob: { input: JobInputSchema.strict(), output: JobSchema },
  updateJob: {
    // The send flags are not here on purpose: they stay as the job was made.
    input: z
      .object({
        id: z.string(),
        name: JobInputSchema.shape.name.optional(),
        exclusions: JobInputSchema.shape.exclusions.unwrap().optional(),
        rateLimitBytesPerSecond: JobInputSchema.shape.rateLimitBytesPerSecond.unwrap().nullable().optional(),
        bufferBytes: JobInputSchema.shape.bufferBytes.unwrap().nullable().optional(),
        receiver: ReceiverSchema.optional(),
        stallSeconds: JobInputSchema.shape.stallSeconds.unwrap().optional(),
      })
      .strict(),
    output: JobSchema,
  },
  /** notes: what could not be tidied (the job's hold on the NAS when the NAS did not answer). */
  removeJob: { input: JobId, output: z.object({ removed: z.string(), notes: z.array(z.string()).default([]) }) },
  planJob: { input: JobId, output: PlanViewSchema },
  startRun: { input: z.object({ jobId: z.string() }).strict(), output: RunRecordSchema },
  cancelRun: { input: z.object({ runId: z.string() }).strict(), output: RunRecordSchema },
  listActiveRuns: { input: NoInput, output: z.array(RunProgressSchema) },
  listRuns: {
    input: z.object({ jobId: z.string().optional(), limit: z.number().int().min(1).max(1000).default(50) }).strict(),
    output: z.array(RunRecordSchema),
  },
  recentLogs: {
    input: z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(LogEntrySchema),
  },
  savePassphrase: {
    input: PassphraseRefSchema.extend({
      passphrase: z.string().min(8, 'An OpenZFS passphrase is at least 8 characters.').max(512),
    }).strict(),
    output: PassphraseRefSchema,
  },
  listPassphrases: { input: NoInput, output: z.array(PassphraseRefSchema) },
  forgetPassphrase: { input: PassphraseRefSchema.strict(), output: PassphraseRefSchema },
  // The setup wizard (src-main/services/wizard-service.ts).
  getWizard: { input: NoInput, output: WizardStateSchema.nullable() },
  startWizard: { input: z.object({ nasHostId: z.string(), offsiteHostId: z.string() }).strict(), output: WizardStateSchema },
  previewWizardStep: { input: WizardStepInputSchema, output: z.object({ commands: z.array(ShownCommandSchema) }) },
  runWizardStep: { input: WizardStepInputSchema, output: WizardStepOutcomeSchema },
  undoWizardStep: { input: z.object({ step: WizardStepNameSchema }).strict(), output: WizardStateSchema },
  /**
   * Skip the tunnel: the NAS already reaches the off-site box (an existing VPN, a managed
   * host). Verified by the NAS fetching the off-site box's host key at that address and
   * matching it to the pinned one. `nasAddress` is where the off-site box sees the NAS from
   * (for the key's from=); null reads it from the NAS's route to the off-site box.
   */
  skipWizardTunnel: { input: z.object({ offsiteAddress: HostAddressSchema, nasAddress: HostAddressSchema.nullable().default(null) }).strict(), output: WizardStateSchema },
  // Schedules, retention and the overview (issue 8).
  /** The job's schedule as stored and as read back from the NAS (next run, last run). */
  getJobSchedule: { input: z.object({ jobId: z.string() }).strict(), output: ScheduleStatusSchema },
  /** Installs or replaces the job's timer, sanoid blocks and off-site pruning; previewed by `previewJobSchedule`. */
  setJobSchedule: {
    input: z
      .object({
        jobId: z.string(),
        schedule: JobScheduleSchema,
        /** The person agreed to install sanoid (which ships syncoid) from the distribution's packages where it is missing. */
        installMissing: z.boolean().default(false),
      })
      .strict(),
    output: ScheduleStatusSchema,
  },
  /** What setJobSchedule would write and run on which host, without changing anything. */
  previewJobSchedule: { input: z.object({ jobId: z.string(), schedule: JobScheduleSchema }).strict(), output: z.object({ commands: z.array(ShownCommandSchema), words: z.object({ summary: z.string(), detail: z.string() }) }) },
  setJobScheduleEnabled: { input: z.object({ jobId: z.string(), enabled: z.boolean() }).strict(), output: ScheduleStatusSchema },
  /** Removes the timer (or cron lines), the job's sanoid blocks on both hosts; snapshots stay. */
  removeJobSchedule: { input: z.object({ jobId: z.string() }).strict(), output: ScheduleStatusSchema },
  /** Per job: lag, last and next run, pending resume, tunnel, space, retention horizon. */
  getOverview: { input: NoInput, output: z.array(OverviewJobSchema) },
  /** The off-site box's disks for the guided pool creation; only empty ones can be chosen. */
  listWizardDisks: { input: NoInput, output: z.array(WizardDiskSchema) },
  // Disaster recovery (issue 9): backups, keys, a read-only look (src-main/shared/recovery.ts).
  ...recoveryMethods,
} as const

export type Contract = typeof contract
export type MethodName = keyof Contract
export const methodNames = Object.keys(contract).sort() as MethodName[]
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>

export const JobStateSchema = z.enum(['idle', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'busy'])

export const events = {
  log: LogEntrySchema,
  progress: RunProgressSchema,
  /** message: what the state means for the person ("paused — will resume"). */
  jobState: z.object({ jobId: z.string(), runId: z.string().optional(), state: JobStateSchema, message: z.string().optional() }),
  /** A desktop notification: shown by the main process in Electron, forwarded by the bridge. */
  notification: NotificationSchema,
  /** A download from a look, or a restore to a NAS, as it goes (at least once a second while bytes move). */
  recoveryProgress: RecoveryProgressSchema,
  /** A fire drill finished (started by the person or by the app's own interval). */
  fireDrill: FireDrillSchema,
} as const

export type Events = typeof events
export type EventName = keyof Events
export const eventNames = Object.keys(events).sort() as EventName[]
export type EventPayload<E extends EventName> = z.output<Events[E]>

/** The one extra key on window.api besides the methods: subscribing to events. */
export const SUBSCRIBE_KEY = 'on' as const

export type Api = {
  [M in MethodName]: (input?: MethodInput<M>) => Promise<Result<MethodOutput<M>>>
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** Every key window.api must have, no more, no less. */
export const apiKeys: readonly string[] = [...methodNames, SUBSCRIBE_KEY].sort()
