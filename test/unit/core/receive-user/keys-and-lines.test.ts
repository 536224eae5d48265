// The NAS's receive key and the lines that carry it: the key step runs here with the real
// ssh-keygen (OpenSSH is on this machine), and the authorized_keys and known_hosts lines
// are read back by the real ssh-keygen, so OpenSSH itself accepts their format.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateNasKeyCommand, parseNasKey, removeNasKeyCommand, NAS_KEY_PATH, KEY_COMMENT } from '../../../../src-main/core/receive-user/nas-key'
import {
  authorizedKeysLine,
  mergeAuthorizedKeys,
  withoutAppLine,
  parseAuthorizedKeys,
  readAuthorizedKeysCommand,
  writeAuthorizedKeysCommand,
} from '../../../../src-main/core/receive-user/authorized-keys'
import { knownHostsLine, mergeKnownHosts, withoutKnownHost, parseHostPublicKey, hostPublicKeyCommand, readKnownHostsCommand, writeKnownHostsCommand, parseKnownHosts } from '../../../../src-main/core/receive-user/known-hosts'
import { isEd25519Blob, parseEd25519Line, type Ed25519Blob } from '../../../../src-main/core/receive-user/public-key'
import { WRAPPER_PATH } from '../../../../src-main/core/receive-user/receive-wrapper'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import type { CommandSpec } from '../../../../src-main/core/zfs/command'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-keys-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a command with the NAS key path moved into the test folder. */
function run(spec: CommandSpec, path: string) {
  const argv = spec.argv.map((a) => (a === NAS_KEY_PATH ? path : a))
  return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input: spec.stdin ?? '' })
}

/** A fresh real ed25519 public key blob. */
function freshBlob(): Ed25519Blob {
  const k = join(dir, `k${Math.random().toString(36).slice(2)}`)
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k])
  return parseEd25519Line(readFileSync(`${k}.pub`, 'utf8'))!
}

describe('the NAS’s receive key', () => {
  it('is made once with ssh-keygen, private half owner-only, and only the public half printed', () => {
    const path = join(dir, 'var', 'ssh', 'receive_ed25519')
    const r = run(generateNasKeyCommand(), path)
    expect(r.status).toBe(0)
    expect(r.stdout).not.toContain('PRIVATE KEY')
    const key = parseNasKey(r.stdout)
    expect(key.created).toBe(true)
    expect(readFileSync(`${path}.pub`, 'utf8').trim()).toBe(`ssh-ed25519 ${key.blob} ${KEY_COMMENT}`)
    expect(statSync(path).mode & 0o777).toBe(0o600)

    const again = parseNasKey(run(generateNasKeyCommand(), path).stdout)
    expect(again).toEqual({ blob: key.blob, created: false })
  })

  it('rebuilds a lost public half from the private key rather than making a new key', () => {
    const path = join(dir, 'receive_ed25519')
    const first = parseNasKey(run(generateNasKeyCommand(), path).stdout)
    rmSync(`${path}.pub`)
    expect(parseNasKey(run(generateNasKeyCommand(), path).stdout)).toEqual({ blob: first.blob, created: false })
  })

  it('removes both halves on undo', () => {
    expect(shellJoin(removeNasKeyCommand().argv)).toBe(`rm -f -- ${NAS_KEY_PATH} ${NAS_KEY_PATH}.pub`)
  })

  it('refuses anything but a state and one ed25519 public key', () => {
    expect(() => parseNasKey('created\nssh-rsa AAAAB3NzaC1yc2E x\n')).toThrow(/did not print an ed25519/)
    expect(() => parseNasKey('-----BEGIN OPENSSH PRIVATE KEY-----\n')).toThrow()
    expect(isEd25519Blob(freshBlob())).toBe(true)
  })
})

describe('the authorized_keys line', () => {
  it('is restrict, from the NAS’s tunnel address, the wrapper as command, and the app’s comment — and OpenSSH reads it', () => {
    const blob = freshBlob()
    const line = authorizedKeysLine({ blob, from: '10.99.0.1', wrapperPath: WRAPPER_PATH })
    expect(line).toBe(`restrict,from="10.99.0.1",command="/usr/local/libexec/zfs-offsite/receive-only" ssh-ed25519 ${blob} zfs-offsite`)
    const file = join(dir, 'authorized_keys')
    writeFileSync(file, `${line}\n`)
    // ssh-keygen -l parses authorized_keys lines, options included.
    const r = spawnSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^256 SHA256:\S+ zfs-offsite \(ED25519\)\n$/)
  })

  it('refuses values that would end an option or add one', () => {
    const blob = freshBlob()
    expect(() => authorizedKeysLine({ blob, from: '10.99.0.1",command="/bin/sh', wrapperPath: WRAPPER_PATH })).toThrow(/not an IP address/)
    expect(() => authorizedKeysLine({ blob, from: 'nas.local', wrapperPath: WRAPPER_PATH })).toThrow(/not an IP address/)
    expect(() => authorizedKeysLine({ blob, from: '10.99.0.1', wrapperPath: '/bin/sh -c x' })).toThrow(/not a plain absolute path/)
    expect(() => authorizedKeysLine({ blob: 'AAAAB3NzaC1yc2E' as Ed25519Blob, from: '10.99.0.1', wrapperPath: WRAPPER_PATH })).toThrow(/not an ed25519/)
    expect(authorizedKeysLine({ blob, from: 'fd00::1', wrapperPath: WRAPPER_PATH })).toContain('from="fd00::1"')
  })

  it('is added after the other lines, which stay as they were', () => {
    const other = `ssh-ed25519 ${freshBlob()} someone@laptop\n# a comment\n`
    const line = authorizedKeysLine({ blob: freshBlob(), from: '10.99.0.1', wrapperPath: WRAPPER_PATH })
    expect(mergeAuthorizedKeys(other, line)).toEqual({ text: `${other}${line}\n`, changed: true })
    expect(mergeAuthorizedKeys('', line)).toEqual({ text: `${line}\n`, changed: true })
  })

  it('changes nothing on a re-run', () => {
    const other = `ssh-ed25519 ${freshBlob()} someone@laptop\n`
    const line = authorizedKeysLine({ blob: freshBlob(), from: '10.99.0.1', wrapperPath: WRAPPER_PATH })
    const once = mergeAuthorizedKeys(other, line).text
    expect(mergeAuthorizedKeys(once, line)).toEqual({ text: once, changed: false })
  })

  it('replaces the app’s older line in place, and a hand-made line for the same key', () => {
    const blob = freshBlob()
    const before = `ssh-ed25519 ${freshBlob()} a\n${authorizedKeysLine({ blob: freshBlob(), from: '10.99.0.1', wrapperPath: WRAPPER_PATH })}\nssh-ed25519 ${freshBlob()} b\nssh-ed25519 ${blob} added-by-hand\n`
    const line = authorizedKeysLine({ blob, from: '10.99.0.5', wrapperPath: WRAPPER_PATH })
    const lines = mergeAuthorizedKeys(before, line).text.trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toBe(line)
    expect(lines[0]).toMatch(/ a$/)
    expect(lines[2]).toMatch(/ b$/)
  })

  it('is taken out on undo, leaving every other line', () => {
    const other = `ssh-ed25519 ${freshBlob()} someone@laptop\n`
    const line = authorizedKeysLine({ blob: freshBlob(), from: '10.99.0.1', wrapperPath: WRAPPER_PATH })
    expect(withoutAppLine(`${other}${line}\n`)).toEqual({ text: other, changed: true })
    expect(withoutAppLine(other)).toEqual({ text: other, changed: false })
    expect(withoutAppLine(`${line}\n`)).toEqual({ text: '', changed: true })
  })

  it('is read and written by scripts that are valid sh, the new file from stdin', () => {
    const read = readAuthorizedKeysCommand('zfsreceive')
    const write = writeAuthorizedKeysCommand('zfsreceive', 'x\n')
    for (const spec of [read, write]) {
      expect(spawnSync('sh', ['-n', '-c', spec.argv[2]!]).status).toBe(0)
      expect(spec.argv.at(-1)).toBe('zfsreceive')
    }
    expect(write.stdin).toBe('x\n')
    expect(parseAuthorizedKeys('absent\n')).toEqual({ exists: false, text: '' })
    expect(parseAuthorizedKeys('present\nline\n')).toEqual({ exists: true, text: 'line\n' })
    expect(() => readAuthorizedKeysCommand('root')).toThrow(/never root/)
  })
})

describe('the off-site box’s key in the NAS’s own known_hosts', () => {
  it('names the host by its tunnel address, bracketed with a port off 22 — and OpenSSH finds it', () => {
    const blob = freshBlob()
    const file = join(dir, 'known_hosts')
    writeFileSync(file, `${knownHostsLine('10.99.0.2', 22, blob)}\n${knownHostsLine('10.99.0.6', 2222, blob)}\n`)
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(`10.99.0.2 ssh-ed25519 ${blob}`)
    for (const host of ['10.99.0.2', '[10.99.0.6]:2222']) {
      const r = spawnSync('ssh-keygen', ['-F', host, '-f', file], { encoding: 'utf8' })
      expect(r.status, host).toBe(0)
      expect(r.stdout).toContain(blob)
    }
  })

  it('reads the host key file’s public key, as written by ssh-keygen', () => {
    const k = join(dir, 'ssh_host_ed25519_key')
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root@offsite', '-f', k])
    expect(shellJoin(hostPublicKeyCommand().argv)).toBe('cat /etc/ssh/ssh_host_ed25519_key.pub')
    expect(parseHostPublicKey(readFileSync(`${k}.pub`, 'utf8'))).toBe(readFileSync(`${k}.pub`, 'utf8').split(' ')[1])
    expect(() => parseHostPublicKey('ssh-rsa AAAAB3NzaC1yc2E root@x\n')).toThrow(/ed25519/)
  })

  it('replaces an older key for the same name, keeps other hosts, and changes nothing on a re-run', () => {
    const line = knownHostsLine('10.99.0.2', 22, freshBlob())
    const other = `10.99.0.9 ssh-ed25519 ${freshBlob()}\n`
    const stale = `10.99.0.2 ssh-rsa AAAAB3NzaC1yc2E\n`
    const merged = mergeKnownHosts(`${other}${stale}`, line)
    expect(merged).toEqual({ text: `${other}${line}\n`, changed: true })
    expect(mergeKnownHosts(merged.text, line)).toEqual({ text: merged.text, changed: false })
    expect(withoutKnownHost(merged.text, '10.99.0.2')).toEqual({ text: other, changed: true })
    expect(withoutKnownHost(other, '10.99.0.2')).toEqual({ text: other, changed: false })
  })

  it('is written on the NAS owner-only, swapped in whole, and read back', () => {
    const path = join(dir, 'ssh', 'known_hosts')
    const exec = (spec: CommandSpec) => spawnSync(spec.argv[0]!, spec.argv.slice(1), { encoding: 'utf8', input: spec.stdin ?? '' })
    expect(parseKnownHosts(exec(readKnownHostsCommand(path)).stdout)).toEqual({ exists: false, text: '' })
    const line = knownHostsLine('10.99.0.2', 22, freshBlob())
    expect(exec(writeKnownHostsCommand(`${line}\n`, path)).status).toBe(0)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(parseKnownHosts(exec(readKnownHostsCommand(path)).stdout)).toEqual({ exists: true, text: `${line}\n` })
  })
})
