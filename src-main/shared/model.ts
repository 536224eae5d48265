// The domain records the app stores and shows: hosts, jobs, runs, preferences, log
// entries, and the config document that holds them. Never a secret in any of these.
import { z } from 'zod'

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

export const JobSchema = z.object({
  id,
  name: z.string().min(1).max(64),
  sourceHostId: id,
  targetHostId: id,
  sourceDataset: z.string().min(1),
  targetParent: z.string().min(1),
  recursive: z.boolean(),
  raw: z.boolean(),
  createdAt: z.string(),
})
export type Job = z.infer<typeof JobSchema>

export const RunOutcomeSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled'])
export const RunRecordSchema = z.object({
  id,
  jobId: id,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  outcome: RunOutcomeSchema,
  bytes: z.number().int().nonnegative(),
  errorCode: z.string().optional(),
})
export type RunRecord = z.infer<typeof RunRecordSchema>

export const ThemeSchema = z.enum(['system', 'light', 'dark'])
export const PreferencesSchema = z.object({
  theme: ThemeSchema.default('system'),
  notifyOnFailure: z.boolean().default(true),
})
export type Preferences = z.infer<typeof PreferencesSchema>

export const CONFIG_SCHEMA_VERSION = 1

export const ConfigSchema = z.object({
  schemaVersion: z.literal(CONFIG_SCHEMA_VERSION),
  hosts: z.array(HostSchema),
  jobs: z.array(JobSchema),
  runs: z.array(RunRecordSchema),
  preferences: PreferencesSchema,
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
