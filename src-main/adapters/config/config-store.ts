// The config document on disk: read, migrated and validated on open, then changed only
// through update(), which validates before writing. The backend is electron-store in
// Electron and conf under Node; both keep the whole document in `.store`.
import { migrateConfig } from '../../core/config/migrate-config'
import { AppFailure, appError, describeIssues } from '../../shared/errors'
import { ConfigSchema, type Config } from '../../shared/model'

export interface ConfigBackend {
  store: Record<string, unknown>
  readonly path: string
}

export class ConfigStore {
  #config: Config

  readonly #backend: ConfigBackend

  /** `open` may throw (a corrupt file is read as soon as it is opened); `expectedPath` names the file in that case. */
  constructor(open: () => ConfigBackend, expectedPath: string) {
    let raw: unknown
    let backend: ConfigBackend
    try {
      backend = open()
      raw = backend.store
    } catch (err) {
      throw new AppFailure(
        appError(
          'CONFIG_UNREADABLE',
          'The settings file could not be read.',
          `Repair or move aside ${expectedPath}, then start ZFS Offsite again. Nothing was changed.`,
          err instanceof Error ? err.message : String(err),
        ),
      )
    }
    this.#backend = backend
    const outcome = migrateConfig(raw)
    this.#config = outcome.config
    if (outcome.changed) backend.store = { ...outcome.config }
  }

  get path(): string {
    return this.#backend.path
  }

  read(): Config {
    return structuredClone(this.#config)
  }

  update(change: (draft: Config) => Config | void): Config {
    const draft = structuredClone(this.#config)
    const result = change(draft) ?? draft
    const parsed = ConfigSchema.safeParse(result)
    if (!parsed.success) {
      throw new AppFailure(
        appError(
          'INTERNAL',
          'A change to the settings was refused because it would make them invalid.',
          'Nothing was saved. Please report this with the details.',
          describeIssues(parsed.error),
        ),
      )
    }
    this.#backend.store = { ...parsed.data }
    this.#config = parsed.data
    return structuredClone(parsed.data)
  }
}
