import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigStore } from '../../../src-main/adapters/config/config-store'
import { openConfBackend } from '../../../src-main/adapters/config/conf-backend'
import { AppFailure } from '../../../src-main/shared/errors'
import { CONFIG_SCHEMA_VERSION } from '../../../src-main/shared/model'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-config-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const file = () => join(dir, 'config.json')

function openFailure(): AppFailure {
  try {
    new ConfigStore(() => openConfBackend(dir), file())
  } catch (err) {
    if (err instanceof AppFailure) return err
    throw err
  }
  throw new Error('expected the store to refuse')
}

describe('ConfigStore over conf', () => {
  it('writes a versioned document on first start, readable only by its owner', () => {
    const store = new ConfigStore(() => openConfBackend(dir), file())
    expect(store.read().schemaVersion).toBe(CONFIG_SCHEMA_VERSION)
    const onDisk = JSON.parse(readFileSync(file(), 'utf8'))
    expect(onDisk.schemaVersion).toBe(CONFIG_SCHEMA_VERSION)
    expect(statSync(file()).mode & 0o777).toBe(0o600)
  })

  it('persists updates across reopen', () => {
    new ConfigStore(() => openConfBackend(dir), file()).update((c) => {
      c.preferences.theme = 'dark'
    })
    expect(new ConfigStore(() => openConfBackend(dir), file()).read().preferences.theme).toBe('dark')
  })

  it('refuses an update that would make the document invalid and keeps the file as it was', () => {
    const store = new ConfigStore(() => openConfBackend(dir), file())
    const before = readFileSync(file(), 'utf8')
    expect(() =>
      store.update((c) => {
        ;(c.preferences as { theme: string }).theme = 'purple'
      }),
    ).toThrow(AppFailure)
    expect(readFileSync(file(), 'utf8')).toBe(before)
    expect(store.read().preferences.theme).toBe('system')
  })

  it('refuses a corrupt file with a fix naming the file, and leaves it untouched', () => {
    writeFileSync(file(), '{ not json')
    const err = openFailure()
    expect(err.appError.code).toBe('CONFIG_UNREADABLE')
    expect(err.appError.fix).toContain(file())
    expect(readFileSync(file(), 'utf8')).toBe('{ not json')
  })

  it('refuses a file from a newer version and leaves it untouched', () => {
    const newer = JSON.stringify({ schemaVersion: 99, futureThing: true })
    writeFileSync(file(), newer)
    expect(openFailure().appError.code).toBe('CONFIG_TOO_NEW')
    expect(readFileSync(file(), 'utf8')).toBe(newer)
  })

})
