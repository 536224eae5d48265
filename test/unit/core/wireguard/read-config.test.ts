// Reading back and writing the config file are real shell scripts: run here on files in
// a temporary folder, with the config path moved there.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readConfCommand, parseConfState, decideConfWrite, writeConfCommand } from '../../../../src-main/core/wireguard/read-config'
import { tunnelConfText, type TunnelPlan } from '../../../../src-main/core/wireguard/tunnel-config'
import { confPath, interfaceName } from '../../../../src-main/core/wireguard/interface-name'
import type { CommandSpec } from '../../../../src-main/core/zfs/command'
import { fixture } from '../../../support/fixtures'

const name = interfaceName('wg-backup')
const PEER = fixture('wg', 'wg-show-dump').stdout.split('\n')[1]!.split('\t')[0]!
const plan: TunnelPlan = {
  name,
  prefixLength: 30,
  nas: { address: '10.99.0.1', listenPort: 51820, endpointHost: null, behindNat: true },
  offsite: { address: '10.99.0.2', listenPort: 51820, endpointHost: '192.168.99.2', behindNat: false },
}
const desired = tunnelConfText(plan, 'nas', PEER)

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-wgconf-'))
  file = join(dir, 'wireguard', 'wg-backup.conf')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a command with /etc/wireguard/wg-backup.conf replaced by the test's file. */
function run(spec: CommandSpec) {
  const argv = spec.argv.map((a) => (a === confPath(name) ? file : a))
  return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input: spec.stdin ?? '' })
}

describe('reading back the tunnel config', () => {
  it('says absent when there is no file', () => {
    expect(parseConfState(run(readConfCommand(name)).stdout)).toEqual({ kind: 'absent' })
  })

  it('reads the app’s own file whole, and finds it identical to what it would write', () => {
    expect(run(writeConfCommand(name, desired, 'create')).status).toBe(0)
    const state = parseConfState(run(readConfCommand(name)).stdout)
    expect(state).toEqual({ kind: 'ours', text: desired })
    expect(decideConfWrite(desired, state)).toEqual({ action: 'unchanged' })
  })

  it('does not print a config the app did not write: it may hold the person’s private key', () => {
    mkdirSync(join(dir, 'wireguard'), { recursive: true })
    writeFileSync(file, '[Interface]\nPrivateKey = cGVyc29uJ3MgcHJpdmF0ZSBrZXkgbm90IGZvciB1c2U=\n')
    const r = run(readConfCommand(name))
    expect(r.stdout).not.toContain('PrivateKey')
    const state = parseConfState(r.stdout)
    expect(state).toEqual({ kind: 'foreign' })
    expect(decideConfWrite(desired, state)).toMatchObject({ action: 'refuse' })
  })

  it('masks a private key added by hand to the app’s file, so it is replaced rather than read out', () => {
    run(writeConfCommand(name, desired, 'create'))
    writeFileSync(file, desired.replace('[Interface]\n', '[Interface]\n  privatekey = c2VjcmV0IGFkZGVkIGJ5IGhhbmQgbm90IGZvciB1c2U=\n'))
    const r = run(readConfCommand(name))
    expect(r.stdout).not.toContain('c2VjcmV0')
    const state = parseConfState(r.stdout)
    expect(state.kind === 'ours' && state.text).toContain('PrivateKey = (hidden)')
    expect(decideConfWrite(desired, state)).toEqual({ action: 'replace' })
  })

  it('decides to replace the app’s own older config', () => {
    run(writeConfCommand(name, desired.replace('51820', '51821'), 'create'))
    expect(decideConfWrite(desired, parseConfState(run(readConfCommand(name)).stdout))).toEqual({ action: 'replace' })
    expect(run(writeConfCommand(name, desired, 'replace')).status).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(desired)
  })
})

describe('writing the tunnel config', () => {
  it('creates the file readable by root only', () => {
    expect(run(writeConfCommand(name, desired, 'create')).status).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(desired)
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('does not overwrite a file that appeared after the check', () => {
    mkdirSync(join(dir, 'wireguard'), { recursive: true })
    writeFileSync(file, 'theirs\n')
    const r = run(writeConfCommand(name, desired, 'create'))
    expect(r.status).not.toBe(0)
    expect(readFileSync(file, 'utf8')).toBe('theirs\n')
  })

  it('refuses to replace a file that is not the app’s', () => {
    mkdirSync(join(dir, 'wireguard'), { recursive: true })
    writeFileSync(file, 'theirs\n')
    const r = run(writeConfCommand(name, desired, 'replace'))
    expect(r.status).toBe(3)
    expect(r.stderr).toMatch(/not written by ZFS Offsite/)
    expect(readFileSync(file, 'utf8')).toBe('theirs\n')
    expect(existsSync(`${file}.zfs-offsite-new`)).toBe(false)
  })

  it('writes only text the app made', () => {
    expect(() => writeConfCommand(name, '[Interface]\n', 'create')).toThrow(/only a config the app made/)
  })
})
