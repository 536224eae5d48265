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
