import { describe, expect, it } from 'vitest'
import { isAllowedExternalUrl } from '../../../../src-main/core/security/external-links'

describe('isAllowedExternalUrl', () => {
  it('allows https pages on the allow-listed documentation hosts', () => {
    expect(isAllowedExternalUrl('https://openzfs.github.io/openzfs-docs/man/master/8/zfs-send.8.html')).toBe(true)
    expect(isAllowedExternalUrl('https://www.wireguard.com/quickstart/')).toBe(true)
  })

  it('refuses other schemes, hosts, ports, credentials and garbage', () => {
    for (const url of [
      'http://openzfs.github.io/',
      'file:///etc/passwd',
      'smb://evil/share',
      'https://evil.example/',
      'https://openzfs.github.io.evil.example/',
      'https://user:pw@github.com/',
      'https://github.com:8443/',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false)
    }
  })
})
