// Brings a stored config document of any earlier schema version up to the current one,
// purely. A document from a newer app is refused rather than rewritten, so running an
// older build never throws away what a newer one stored.
import { AppFailure, appError, describeIssues } from '../../shared/errors'
import { CONFIG_SCHEMA_VERSION, ConfigSchema, type Config } from '../../shared/model'

type Migration = (doc: Record<string, unknown>) => Record<string, unknown>

/**
 * migrations[n] turns a version-n document into version n+1. Version 0 is "no
 * document yet" (a first start, or a file written before versioning).
 */
export const migrations: readonly Migration[] = [
  (doc) => ({
    hosts: [],
    jobs: [],
    runs: [],
    preferences: {},
    ...doc,
    schemaVersion: 1,
  }),
  // 1 → 2: a job names several sources and keeps the send flags it was made with. A
  // version-1 job had one source and only the raw flag; it kept -I (the only mode then).
  (doc) => ({
    ...doc,
    jobs: (Array.isArray(doc['jobs']) ? doc['jobs'] : []).map((j: unknown) => {
      if (j === null || typeof j !== 'object') return j
      const { sourceDataset, recursive, raw, ...rest } = j as Record<string, unknown>
      if (sourceDataset === undefined) return j
      const isRaw = raw === true
      return {
        ...rest,
        sources: [{ dataset: sourceDataset, recursive: recursive !== false }],
        exclusions: [],
        intermediates: true,
        stallSeconds: 120,
        send: { raw: isRaw, intermediates: true, largeBlocks: !isRaw, embedded: !isRaw, compressed: !isRaw },
      }
    }),
    schemaVersion: 2,
  }),
  // 2 → 3: the setup wizard's progress is kept, so a restarted app resumes it. A version-2
  // app had no wizard: none started.
  (doc) => ({ ...doc, wizard: doc['wizard'] ?? null, schemaVersion: 3 }),
]

export function versionOf(doc: Record<string, unknown>): number {
  const v = doc['schemaVersion']
  if (v === undefined) return 0
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new AppFailure(
      appError(
        'CONFIG_UNREADABLE',
        'The settings file has an invalid version number.',
        'Restore the settings file from a backup, or move it aside to start with empty settings.',
        `schemaVersion: ${JSON.stringify(v)}`,
      ),
    )
  }
  return v
}

export interface MigrationOutcome {
  readonly config: Config
  /** True when the document changed and should be written back. */
  readonly changed: boolean
  readonly fromVersion: number
}

export function migrateConfig(raw: unknown): MigrationOutcome {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AppFailure(
      appError(
        'CONFIG_UNREADABLE',
        'The settings file does not hold a settings document.',
        'Restore the settings file from a backup, or move it aside to start with empty settings.',
      ),
    )
  }
  let doc = raw as Record<string, unknown>
  const fromVersion = versionOf(doc)
  if (fromVersion > CONFIG_SCHEMA_VERSION) {
    throw new AppFailure(
      appError(
        'CONFIG_TOO_NEW',
        `The settings were written by a newer version of ZFS Offsite (settings version ${fromVersion}; this version understands up to ${CONFIG_SCHEMA_VERSION}).`,
        'Install the newer version of ZFS Offsite again; this one leaves the settings untouched.',
      ),
    )
  }
  for (let v = fromVersion; v < CONFIG_SCHEMA_VERSION; v++) {
    const step = migrations[v]
    if (!step) throw new Error(`no migration from config version ${v}`)
    doc = step(doc)
  }
  const parsed = ConfigSchema.safeParse(doc)
  if (!parsed.success) {
    throw new AppFailure(
      appError(
        'CONFIG_UNREADABLE',
        'The settings file holds values this version cannot read.',
        'Restore the settings file from a backup, or move it aside to start with empty settings.',
        describeIssues(parsed.error),
      ),
    )
  }
  const changed = fromVersion !== CONFIG_SCHEMA_VERSION || JSON.stringify(parsed.data) !== JSON.stringify(raw)
  return { config: parsed.data, changed, fromVersion }
}
