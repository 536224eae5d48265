// How keychain account names are formed, so every secret has one well-known home and
// listing the keychain can be turned back into typed references.
import type { PassphraseRef } from '../../shared/model'

const PASSPHRASE = 'passphrase'

export function passphraseAccount(ref: PassphraseRef): string {
  // The host id cannot contain '/', so the first '/' after the prefix ends it and the
  // rest is the dataset name (which itself contains '/').
  return `${PASSPHRASE}/${ref.hostId}/${ref.dataset}`
}

export function parsePassphraseAccount(account: string): PassphraseRef | null {
  const m = /^passphrase\/([a-z0-9-]{1,64})\/(.+)$/.exec(account)
  if (!m || m[1] === undefined || m[2] === undefined) return null
  return { hostId: m[1], dataset: m[2] }
}

export const APP_SSH_KEY_ACCOUNT = 'ssh/app-key'
