// Skipping the tunnel: the NAS's view of the off-site box, read from output captured on
// the lab's NAS (test/fixtures/wizard/).
import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { keyscanCommand, parseKeyscan, parseRouteSource, routeSourceCommand } from '../../../../src-main/core/wizard/reach-offsite'
import { fixture } from '../../../support/fixtures'
import { shellWords } from '../../../support/shell-words'

describe('the host keys an address serves', () => {
  it('reads the key lines and skips the banner comments', () => {
    const f = fixture('wizard', 'keyscan-offsite')
    const keys = parseKeyscan(f.stdout + f.stderr)
    expect(keys).toHaveLength(1)
    expect(keys[0]!.type).toBe('ssh-ed25519')
    // The blob is the wire form of the key: its SHA256 is what a fingerprint is made of.
    const digest = createHash('sha256').update(Buffer.from(keys[0]!.blob, 'base64')).digest('base64')
    expect(digest).toMatch(/^[A-Za-z0-9+/]{43}=$/)
  })

  it('finds no key where nobody answers', () => {
    const f = fixture('wizard', 'keyscan-nobody')
    expect(parseKeyscan(f.stdout)).toEqual([])
  })

  it('asks with the command the capture ran', () => {
    expect(keyscanCommand('192.168.99.2', 22).argv.join(' ')).toBe(fixture('wizard', 'keyscan-offsite').command)
  })
})

describe('the NAS’s own address towards the off-site box', () => {
  it('is the route’s source address', () => {
    expect(parseRouteSource(fixture('wizard', 'route-get-offsite').stdout)).toBe('192.168.99.1')
  })

  it('resolves a name on the NAS first', () => {
    expect(parseRouteSource(fixture('wizard', 'route-get-name').stdout)).toBe('127.0.0.1')
  })

  it('is unknown when the output is not a route', () => {
    expect(parseRouteSource('')).toBeNull()
    expect(parseRouteSource('{}')).toBeNull()
  })

  it('passes the address as an argument, never inside the script', () => {
    const f = fixture('wizard', 'route-get-offsite')
    const argv = routeSourceCommand('192.168.99.2').argv
    expect(argv.slice(-1)).toEqual(['192.168.99.2'])
    expect(argv[2]).not.toContain('192.168.99.2')
    expect(shellWords(f.command)).toEqual(argv)
  })
})
