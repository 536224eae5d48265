// A secret planted through the app's own flow reaches the keychain and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dispatch } from '../../../src-main/services/dispatch'
import { makeTestContext, type TestContext } from './app-context-fixture'

const keytar = createRequire(import.meta.url)('keytar') as typeof import('keytar')
const PASSPHRASE = 'planted-passphrase-9f3c1e'
let t: TestContext
let hostId: string

beforeAll(async () => {
  t = makeTestContext()
  const added = await dispatch(t.ctx.services, t.ctx.logger, 'addHost', {
    label: 'Home NAS',
    role: 'nas',
    address: 'nas.local',
    port: 22,
    user: 'root',
  })
  if (!added.ok) throw new Error(added.error.cause)
  hostId = (added.value as { id: string }).id
})
afterAll(() => t.cleanup())

describe('an encryption passphrase saved through the app', () => {
  it('is stored in the keychain under its dataset', async () => {
    const saved = await dispatch(t.ctx.services, t.ctx.logger, 'savePassphrase', { hostId, dataset: 'tank/family photos', passphrase: PASSPHRASE })
    expect(saved).toEqual({ ok: true, value: { hostId, dataset: 'tank/family photos' } })
    expect(await keytar.getPassword(t.keychainService, `passphrase/${hostId}/tank/family photos`)).toBe(PASSPHRASE)
    const listed = await dispatch(t.ctx.services, t.ctx.logger, 'listPassphrases', {})
    expect(listed).toEqual({ ok: true, value: [{ hostId, dataset: 'tank/family photos' }] })
  })

  it('appears in neither the config file nor the log file, even after an error mentioning it', async () => {
    // A failing call whose input carries the secret: it must not be echoed anywhere.
    const failed = await dispatch(t.ctx.services, t.ctx.logger, 'savePassphrase', { hostId: 'no-such-host', dataset: 'tank/x', passphrase: PASSPHRASE })
    expect(failed.ok).toBe(false)
    expect(JSON.stringify(failed)).not.toContain(PASSPHRASE)
    t.ctx.logger.info(`a careless message quoting ${PASSPHRASE}`)
    const config = readFileSync(t.ctx.info.configFile, 'utf8')
    const log = readFileSync(t.ctx.info.logFile, 'utf8')
    expect(config).toContain('Home NAS')
    expect(log).toContain('encryption passphrase saved to the keychain')
    expect(config).not.toContain(PASSPHRASE)
    expect(log).not.toContain(PASSPHRASE)
  })

  it('is removed from the keychain when forgotten, and forgetting twice says so', async () => {
    const ref = { hostId, dataset: 'tank/family photos' }
    expect((await dispatch(t.ctx.services, t.ctx.logger, 'forgetPassphrase', ref)).ok).toBe(true)
    expect(await keytar.getPassword(t.keychainService, `passphrase/${hostId}/tank/family photos`)).toBeNull()
    const again = await dispatch(t.ctx.services, t.ctx.logger, 'forgetPassphrase', ref)
    expect(again.ok === false && again.error.code).toBe('NOT_FOUND')
  })
})
