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
      preferences: { theme: 'system', notifyOnFailure: true },
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

  it('refuses something that is not a document at all', () => {
    expect(failureOf(() => migrateConfig([])).appError.code).toBe('CONFIG_UNREADABLE')
    expect(failureOf(() => migrateConfig('text')).appError.code).toBe('CONFIG_UNREADABLE')
    expect(failureOf(() => migrateConfig({ schemaVersion: -1 })).appError.code).toBe('CONFIG_UNREADABLE')
  })
})
