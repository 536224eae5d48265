// The domain records the app stores and shows: hosts, jobs, runs, preferences, log
// entries, and the config document that holds them. Never a secret in any of these.
import { JobScheduleSchema } from './schedule'
import { z } from 'zod'
import { WizardStateSchema } from './wizard'
import { FireDrillSchema } from './recovery'

const id = z.string().regex(/^[a-z0-9-]{1,64}$/, 'an id is lower-case letters, digits and dashes')

/** A host name or IP address as typed by a person: no spaces, no shell or URL syntax. */
export const HostAddressSchema = z
  .string()
  .trim()
  .min(1, 'Enter the address of the host (a name like nas.local or an IP address).')
  .max(253, 'That address is longer than any host name can be.')
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9a-fA-F:]+)$/,
    'An address may hold only letters, digits, dots, dashes and colons (IPv6).',
  )

export const UnixUserSchema = z
  .string()
  .trim()
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'A login name is lower-case letters, digits, _ or -, starting with a letter or _.')

export const HostRoleSchema = z.enum(['nas', 'offsite'])
export const HostAuthSchema = z.enum(['app-key', 'agent', 'key-file'])

export const HostInputSchema = z.object({
  label: z.string().trim().min(1, 'Give the host a name you will recognise.').max(64),
  role: HostRoleSchema,
  address: HostAddressSchema,
  port: z.number().int().min(1).max(65535).default(22),
  user: UnixUserSchema,
  auth: HostAuthSchema.default('app-key'),
  keyFilePath: z.string().min(1).optional(),
  /** The off-site box is usually reached through the tunnel, via the NAS. */
  reachedThroughNas: z.boolean().default(false),
})
export type HostInput = z.input<typeof HostInputSchema>

export const HostSchema = HostInputSchema.extend({
  id,
  /** SHA256 fingerprint of the pinned host key, set once the person confirmed it. */
  pinnedHostKey: z.string().optional(),
  createdAt: z.string(),
})
export type Host = z.infer<typeof HostSchema>

/** A dataset name as typed: the full checks (OpenZFS's rules) run in core before any command. */
export const DatasetFieldSchema = z
  .string()
  .trim()
  .min(1, 'Name the dataset, for example tank/photos.')
  .max(255, 'A dataset name is at most 255 characters.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'A dataset name holds letters, digits and _ . : - / only, for example tank/photos.')

/** A path on the NAS (a key or known_hosts file): absolute, no spaces or shell syntax. */
const RemotePathSchema = z
  .string()
  .regex(/^\/[A-Za-z0-9_./@+-]*$/, 'A path on the host starts with / and holds letters, digits and _ . / @ + - only.')

/** How the NAS itself reaches the off-site box's receive user (over the tunnel). */
export const ReceiverSchema = z.object({
  user: UnixUserSchema,
  /** The off-site box's address as the NAS sees it, usually its tunnel address. */
  address: HostAddressSchema,
  port: z.number().int().min(1).max(65535).default(22),
  /** The NAS's private key for this job; the NAS's default key when absent. */
  identityFile: RemotePathSchema.optional(),
  /** Where the off-site box's host key is pinned on the NAS; the NAS's default when absent. */
  knownHostsFile: RemotePathSchema.optional(),
})
export type Receiver = z.infer<typeof ReceiverSchema>

export const JobSourceSchema = z.object({
  dataset: DatasetFieldSchema,
  /** With every child dataset (new children are picked up on the next run). */
  recursive: z.boolean().default(true),
})

/**
 * The send flags a job uses, fixed when the job is made: a stream's flags must not
 * change between runs of one job (raw and non-raw never mix in one target).
 */
export const SendSettingsSchema = z.object({
  /** -w: encrypted data stays encrypted and keyless off-site. */
  raw: z.boolean(),
  /** -I: every snapshot in between, rather than only the newest (-i). */
  intermediates: z.boolean(),
  /** -L -e -c for non-raw streams (raw streams carry blocks as stored anyway). */
  largeBlocks: z.boolean(),
  embedded: z.boolean(),
  compressed: z.boolean(),
})
export type SendSettings = z.infer<typeof SendSettingsSchema>

export const JobInputSchema = z.object({
  name: z.string().trim().min(1, 'Give the job a name you will recognise.').max(64, 'A job name is at most 64 characters.'),
  sourceHostId: id,
  targetHostId: id,
  sources: z.array(JobSourceSchema).min(1, 'Choose at least one dataset to copy.').max(64),
  /** Datasets (with their children) left out of a recursive source. */
  exclusions: z.array(DatasetFieldSchema).max(256).default([]),
  /** Each source lands under this dataset on the off-site box, by its last name part. */
  targetParent: DatasetFieldSchema,
  /** Raw sends; when not given, raw exactly when a source is encrypted. */
  raw: z.boolean().optional(),
  intermediates: z.boolean().default(true),
  rateLimitBytesPerSecond: z.number().int().min(1024, 'A rate limit below 1 KiB/s would never finish.').optional(),
  bufferBytes: z.number().int().min(1024 * 1024).max(4 * 1024 * 1024 * 1024).optional(),
  receiver: ReceiverSchema.optional(),
  /** Seconds without a byte before a run is reported as stalled. */
  stallSeconds: z.number().int().min(10).max(86_400).default(120),
})
export type JobInput = z.input<typeof JobInputSchema>

export const JobSchema = JobInputSchema.omit({ raw: true }).extend({
  id,
  send: SendSettingsSchema,
  createdAt: z.string(),
  /** Unattended replication on the NAS and retention on both sides (issue 8); absent until set. */
  schedule: JobScheduleSchema.optional(),
})
export type Job = z.infer<typeof JobSchema>

export const RunOutcomeSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'busy'])
export type RunOutcomeName = z.infer<typeof RunOutcomeSchema>

export const RunErrorSchema = z.object({
  code: z.string(),
  cause: z.string(),
  fix: z.string(),
  details: z.string().optional(),
})

export const RunTransferSchema = z.object({
  source: z.string(),
  target: z.string(),
  label: z.string(),
  status: z.enum(['waiting', 'running', 'succeeded', 'failed']),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().nullable(),
  /** A resumed transfer: bytes the off-site box had already received before this run. */
  resumedFromBytes: z.number().nonnegative().default(0),
  /** The GUID the target's newest snapshot must have afterwards (checked, then held on the source). */
  expectNewestGuid: z.string().nullable().default(null),
})
export type RunTransferRecord = z.infer<typeof RunTransferSchema>

export const RunRecordSchema = z.object({
  id,
  jobId: id,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  outcome: RunOutcomeSchema,
  bytes: z.number().nonnegative(),
  /** Datasets the run carried (or meant to carry) data for. */
  datasets: z.number().int().nonnegative().default(0),
  errorCode: z.string().optional(),
  error: RunErrorSchema.optional(),
  /** What the run decided on its own and the person should know: a discarded stale transfer, a re-plan. */
  notes: z.array(z.string()).default([]),
  transfers: z.array(RunTransferSchema).default([]),
  /** Where the run lives on the NAS, to reattach after a restart and to cancel it. */
  nasHostId: id.optional(),
  stateDir: z.string().optional(),
  systemd: z.boolean().optional(),
  pgid: z.number().int().optional(),
})
export type RunRecord = z.infer<typeof RunRecordSchema>

export const ThemeSchema = z.enum(['system', 'light', 'dark'])
export const PreferencesSchema = z.object({
  theme: ThemeSchema.default('system'),
  notifyOnFailure: z.boolean().default(true),
  /** Notify when a job's newest off-site snapshot is older than this many hours; null: never. */
  notifyWhenOlderThanHours: z.number().int().min(1).max(24 * 365).nullable().default(48),
  /** Start with the session and keep checking from the tray. */
  startAtLogin: z.boolean().default(false),
  /** Minutes between the tray's checks of every job. */
  checkEveryMinutes: z.number().int().min(5).max(24 * 60).default(30),
  /** Run every job's fire drill this often (from the app's checks); null: only when asked. */
  fireDrillEveryDays: z.number().int().min(1).max(365).nullable().default(null),
})
export type Preferences = z.infer<typeof PreferencesSchema>

export const CONFIG_SCHEMA_VERSION = 3

export const ConfigSchema = z.object({
  schemaVersion: z.literal(CONFIG_SCHEMA_VERSION),
  hosts: z.array(HostSchema),
  jobs: z.array(JobSchema),
  runs: z.array(RunRecordSchema),
  preferences: PreferencesSchema,
  /** The setup wizard in progress (or finished), so a restarted app resumes it; null before it starts. */
  wizard: WizardStateSchema.nullable().default(null),
  /** The last fire drill of each job (one entry per job, replaced by the next drill). */
  fireDrills: z.array(FireDrillSchema).default([]),
})
export type Config = z.infer<typeof ConfigSchema>

export const LogLevelSchema = z.enum(['debug', 'info', 'warn', 'error'])
export type LogLevel = z.infer<typeof LogLevelSchema>
export const LogEntrySchema = z.object({
  time: z.string(),
  level: LogLevelSchema,
  msg: z.string(),
  fields: z.record(z.string(), z.unknown()).optional(),
})
export type LogEntry = z.infer<typeof LogEntrySchema>

/** Which dataset on which host an escrowed encryption passphrase belongs to. */
export const PassphraseRefSchema = z.object({
  hostId: id,
  dataset: z
    .string()
    .min(1, 'Name the encrypted dataset, for example tank/photos.')
    .max(255, 'A dataset name is at most 255 characters.')
    .regex(/^[^\u0000-\u001f\u007f@#]+$/, 'A dataset name has no control characters, @ or #.'),
})
export type PassphraseRef = z.infer<typeof PassphraseRefSchema>

// ---- Hosts: connection and probe (what the app found on a host) ----

export const ConnectionStateSchema = z.enum(['idle', 'connecting', 'ready', 'reconnecting', 'closed'])
export type ConnectionState = z.infer<typeof ConnectionStateSchema>

export const ProbeToolSchema = z.enum(['zfs', 'zpool', 'wg', 'pv', 'mbuffer', 'sanoid', 'syncoid', 'systemctl', 'sudo', 'setsid'])
export type ProbeTool = z.infer<typeof ProbeToolSchema>

export const FeatureStateSchema = z.enum(['disabled', 'enabled', 'active'])

export const ProbedPoolSchema = z.object({
  name: z.string(),
  health: z.string(),
  sizeBytes: z.number().nullable(),
  freeBytes: z.number().nullable(),
  allocatedBytes: z.number().nullable(),
  features: z.record(z.string(), FeatureStateSchema),
})
export type ProbedPool = z.infer<typeof ProbedPoolSchema>

export const ProbedDatasetSchema = z.object({
  name: z.string(),
  type: z.enum(['filesystem', 'volume']),
  usedBytes: z.number(),
  referencedBytes: z.number(),
  /** 'off' or the cipher. */
  encryption: z.string(),
  encryptionRoot: z.string().nullable(),
  keyStatus: z.enum(['available', 'unavailable']).nullable(),
  snapshotCount: z.number().int().nonnegative(),
  newestSnapshot: z.object({ name: z.string(), creation: z.number() }).nullable(),
  /** A partial receive that can be resumed sits here. */
  resumable: z.boolean(),
})
export type ProbedDataset = z.infer<typeof ProbedDatasetSchema>

export const DelegationSchema = z.object({
  dataset: z.string(),
  /** Who the rights were given to, as `zfs allow` prints it: "user zfsreceive", "everyone". */
  who: z.string(),
  permissions: z.array(z.string()),
})

export const HostProbeSchema = z.object({
  os: z.object({ name: z.string(), id: z.string().nullable(), version: z.string().nullable(), kernel: z.string().nullable() }),
  zfs: z
    .object({ userland: z.string(), kernel: z.string().nullable(), major: z.number(), minor: z.number(), patch: z.number() })
    .nullable(),
  pools: z.array(ProbedPoolSchema),
  datasets: z.array(ProbedDatasetSchema),
  tools: z.record(z.string(), z.string().nullable()),
  systemd: z.boolean(),
  login: z.object({
    user: z.string(),
    uid: z.number().int().nullable(),
    isRoot: z.boolean(),
    /** root: no sudo needed; nopasswd: `sudo -n` works; no: neither. */
    sudo: z.enum(['root', 'nopasswd', 'no']),
    delegations: z.array(DelegationSchema),
  }),
  /** Parts of the probe that failed, in plain words with the raw output. */
  problems: z.array(z.object({ section: z.string(), message: z.string() })),
  probedAt: z.string(),
})
export type HostProbe = z.infer<typeof HostProbeSchema>
