import { describe, expect, it } from 'vitest'
import { migrateConfig } from '../../../../src-main/core/config/migrate-config'
import { AppFailure } from '../../../../src-main/shared/errors'
import { CONFIG_SCHEMA_VERSION } from '../../../../src-main/shared/model'

function failureOf(fn: () => unknown): AppFailure {
  try {
    fn()
  } catch (err) {
    if (err instanceof AppFailure) return err
    throw err
  }
  throw new Error('expected an AppFailure')
}

describe('migrateConfig', () => {
  it('turns an empty first-start document into the current version with defaults', () => {
    const out = migrateConfig({})
    expect(out.fromVersion).toBe(0)
    expect(out.changed).toBe(true)
    expect(out.config).toEqual({
      schemaVersion: CONFIG_SCHEMA_VERSION,
      hosts: [],
      jobs: [],
      runs: [],
      preferences: { theme: 'system', notifyOnFailure: true, notifyWhenOlderThanHours: 48, startAtLogin: false, checkEveryMinutes: 30, fireDrillEveryDays: null },
      wizard: null,
      fireDrills: [],
    })
  })

  it('leaves a current, complete document unchanged', () => {
    const first = migrateConfig({}).config
    const again = migrateConfig(JSON.parse(JSON.stringify(first)))
    expect(again.changed).toBe(false)
    expect(again.config).toEqual(first)
  })

  it('keeps what an unversioned document already held', () => {
    const out = migrateConfig({ preferences: { theme: 'dark' } })
    expect(out.config.preferences.theme).toBe('dark')
  })

  it('refuses a document from a newer version instead of rewriting it', () => {
    const err = failureOf(() => migrateConfig({ schemaVersion: CONFIG_SCHEMA_VERSION + 1, hosts: 'whatever' }))
    expect(err.appError.code).toBe('CONFIG_TOO_NEW')
    expect(err.appError.fix).toMatch(/newer version/)
  })

  it('refuses a document with invalid values and names the field', () => {
    const err = failureOf(() => migrateConfig({ schemaVersion: 1, hosts: [{ id: 'x' }], jobs: [], runs: [], preferences: {} }))
    expect(err.appError.code).toBe('CONFIG_UNREADABLE')
    expect(err.appError.details).toMatch(/hosts\.0/)
  })

  it('carries a version-1 job and run over to version 2, keeping the raw flag it was made with', () => {
    const out = migrateConfig({
      schemaVersion: 1,
      hosts: [],
      jobs: [
        { id: 'j1', name: 'Photos', sourceHostId: 'h1', targetHostId: 'h2', sourceDataset: 'tank/photos', targetParent: 'backup/nas', recursive: false, raw: true, createdAt: '2026-01-01T00:00:00.000Z' },
      ],
      runs: [{ id: 'r1', jobId: 'j1', startedAt: '2026-01-02T00:00:00.000Z', outcome: 'failed', bytes: 10, errorCode: 'ZFS_OUT_OF_SPACE' }],
      preferences: {},
    })
    expect(out.fromVersion).toBe(1)
    expect(out.config.jobs[0]).toMatchObject({
      id: 'j1',
      sources: [{ dataset: 'tank/photos', recursive: false }],
      targetParent: 'backup/nas',
      send: { raw: true, intermediates: true },
    })
    expect(out.config.runs[0]).toMatchObject({ id: 'r1', outcome: 'failed', errorCode: 'ZFS_OUT_OF_SPACE', notes: [], transfers: [] })
  })

  it('carries a version-2 document to version 3 with no wizard started, keeping its hosts and jobs', () => {
    const v2 = migrateConfig({ schemaVersion: 1, hosts: [], jobs: [], runs: [], preferences: { theme: 'dark' } }).config
    const doc = { ...JSON.parse(JSON.stringify(v2)), schemaVersion: 2 } as Record<string, unknown>
    delete doc['wizard']
    const out = migrateConfig(doc)
    expect(out.fromVersion).toBe(2)
    expect(out.changed).toBe(true)
    expect(out.config.schemaVersion).toBe(3)
    expect(out.config.wizard).toBeNull()
    expect(out.config.preferences.theme).toBe('dark')
  })

  it('keeps a stored wizard across a restart and refuses one that is not a wizard', () => {
    const wizard = {
      version: 1,
      nasHostId: 'nas-1',
      offsiteHostId: 'off-1',
      updatedAt: '2026-12-01T10:00:00.000Z',
      steps: {
        tunnel: { status: 'running', startedAt: '2026-12-01T10:00:00.000Z', created: [{ kind: 'wg-key', host: 'nas', interface: 'wg-zfs-offsite' }] },
        'receive-user': { status: 'pending' },
        destination: { status: 'pending' },
        preflight: { status: 'pending' },
        job: { status: 'pending' },
      },
    }
    const out = migrateConfig({ ...migrateConfig({}).config, wizard })
    expect(out.changed).toBe(false)
    expect(out.config.wizard).toEqual(wizard)
    const err = failureOf(() => migrateConfig({ ...migrateConfig({}).config, wizard: { ...wizard, steps: {} } }))
    expect(err.appError.code).toBe('CONFIG_UNREADABLE')
    expect(err.appError.details).toMatch(/wizard\.steps/)
  })

  it('refuses something that is not a document at all', () => {
    expect(failureOf(() => migrateConfig([])).appError.code).toBe('CONFIG_UNREADABLE')
    expect(failureOf(() => migrateConfig('text')).appError.code).toBe('CONFIG_UNREADABLE')
    expect(failureOf(() => migrateConfig({ schemaVersion: -1 })).appError.code).toBe('CONFIG_UNREADABLE')
  })
})
