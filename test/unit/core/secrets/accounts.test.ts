import { describe, expect, it } from 'vitest'
import { parsePassphraseAccount, passphraseAccount } from '../../../../src-main/core/secrets/accounts'

describe('passphrase accounts', () => {
  it('round-trips dataset names with slashes and spaces', () => {
    const ref = { hostId: '0b6c2d1e-aaaa-4bbb-8ccc-123456789abc', dataset: 'tank/family photos/2024' }
    expect(parsePassphraseAccount(passphraseAccount(ref))).toEqual(ref)
  })

  it('does not mistake other keychain entries for passphrases', () => {
    expect(parsePassphraseAccount('ssh/app-key')).toBeNull()
    expect(parsePassphraseAccount('passphrase/')).toBeNull()
  })
})
