// The key step is a real shell script: run here with a stand-in `wg` (wireguard-tools is
// not the thing under test, and this machine has no WireGuard) that prints a fixed key.
// What is proven: umask 077, an existing key is kept, only the public key is printed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyCommand, isWgPublicKey, parseGeneratedKey } from '../../../../src-main/core/wireguard/generate-key'
import { interfaceName, keyPath } from '../../../../src-main/core/wireguard/interface-name'
import { fixture } from '../../../support/fixtures'

const STAND_IN_PRIVATE = 'c3RhbmQtaW4gcHJpdmF0ZSBrZXkgbm90IGZvciB1c2U='
// A real public key, from the lab's `wg show` capture.
const PUBLIC = /public key: (\S+)/.exec(fixture('wg', 'wg-show').stdout)![1]!

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-wgkey-'))
  mkdirSync(join(dir, 'bin'))
  const wg = join(dir, 'bin', 'wg')
  writeFileSync(wg, `#!/bin/sh\ncase "$1" in\n  genkey) echo ${STAND_IN_PRIVATE} ;;\n  pubkey) cat >/dev/null; echo '${PUBLIC}' ;;\n  *) exit 64 ;;\nesac\n`)
  chmodSync(wg, 0o755)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the command with the key path moved into the test folder. */
function run(path: string) {
  const spec = generateKeyCommand(interfaceName('wg-backup'))
  expect(spec.argv.at(-1)).toBe(keyPath(interfaceName('wg-backup')))
  const argv = [...spec.argv.slice(0, -1), path]
  return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` } })
}

describe('WireGuard key generation on a host', () => {
  it('writes the private key readable by its owner only and prints only the public key', () => {
    const path = join(dir, 'etc', 'wireguard', 'wg-backup.key')
    const r = run(path)
    expect(r.status).toBe(0)
    expect(r.stdout).not.toContain(STAND_IN_PRIVATE)
    expect(parseGeneratedKey(r.stdout)).toEqual({ publicKey: PUBLIC, created: true })
    expect(readFileSync(path, 'utf8').trim()).toBe(STAND_IN_PRIVATE)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'etc', 'wireguard')).mode & 0o777).toBe(0o700)
  })

  it('keeps an existing key file and says it did not create it', () => {
    const path = join(dir, 'wg-backup.key')
    writeFileSync(path, 'the person’s own key\n', { mode: 0o600 })
    const r = run(path)
    expect(parseGeneratedKey(r.stdout)).toEqual({ publicKey: PUBLIC, created: false })
    expect(readFileSync(path, 'utf8')).toBe('the person’s own key\n')
  })

  it('refuses output that is not a state and one public key, without echoing it', () => {
    expect(() => parseGeneratedKey(`created\n${STAND_IN_PRIVATE}x\n`)).toThrow(/did not print a WireGuard public key/)
    expect(() => parseGeneratedKey(`created\n${PUBLIC}\nextra\n`)).toThrow(/did not print/)
    let message = ''
    try {
      parseGeneratedKey(`created\nsecret-material\n`)
    } catch (e) {
      message = String(e)
    }
    expect(message).toMatch(/did not print/)
    expect(message).not.toContain('secret-material')
  })

  it('recognises the public keys the lab’s wg printed', () => {
    // `wg show dump`: the interface line is private, public, port, fwmark; each peer line starts with its public key.
    const [iface, ...peers] = fixture('wg', 'wg-show-dump').stdout.trim().split('\n')
    expect(isWgPublicKey(iface!.split('\t')[1]!)).toBe(true)
    for (const peer of peers) expect(isWgPublicKey(peer.split('\t')[0]!)).toBe(true)
    expect(isWgPublicKey('not a key')).toBe(false)
  })
})
