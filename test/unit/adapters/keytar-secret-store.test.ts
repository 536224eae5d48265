// Runs against the real Secret Service (gnome-keyring in a private D-Bus session,
// started by scripts/with-keyring.sh), not a stand-in.
import { afterAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { KeytarSecretStore } from '../../../src-main/adapters/secrets/keytar-secret-store'
import { Redactor } from '../../../src-main/core/logging/redactor'

const service = `zfs-offsite-test-${randomUUID()}`
const redactor = new Redactor()
const store = new KeytarSecretStore(redactor, service)

afterAll(async () => {
  for (const account of await store.list()) await store.delete(account)
})

describe('KeytarSecretStore on the real keychain', () => {
  it('stores, reads, lists and deletes a secret by account', async () => {
    await store.set('passphrase/h1/tank/a b', 'first passphrase value')
    await store.set('passphrase/h1/tank/c', 'second passphrase value')
    expect(await store.get('passphrase/h1/tank/a b')).toBe('first passphrase value')
    expect(await store.list()).toEqual(['passphrase/h1/tank/a b', 'passphrase/h1/tank/c'])
    expect(await store.delete('passphrase/h1/tank/c')).toBe(true)
    expect(await store.delete('passphrase/h1/tank/c')).toBe(false)
    expect(await store.get('passphrase/h1/tank/c')).toBeNull()
  })

  it('registers every secret it handles with the redactor', async () => {
    await store.set('x', 'a secret to redact')
    expect(redactor.redactText('log: a secret to redact')).toBe('log: [redacted]')
  })

  it('keeps services apart: another service does not see these accounts', async () => {
    const other = new KeytarSecretStore(new Redactor(), `${service}-other`)
    expect(await other.list()).toEqual([])
  })
})
