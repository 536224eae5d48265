// First-contact trust: fingerprints in OpenSSH's form, the console command, pins per port;
// installing the app key runs on the real /bin/sh against a throwaway home folder.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONSOLE_FINGERPRINT_COMMAND, isFingerprint, parseKeygenFingerprint, pinKey } from '../../../../src-main/core/hosts/host-key-trust'
import { installPublicKeyCommand } from '../../../../src-main/core/hosts/install-key'
import { fingerprintOfPublicKeyLine } from '../../../../src-main/adapters/ssh/host-key'

describe('host key trust', () => {
  it('computes the same fingerprint as ssh-keygen -lf for a real key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fp-'))
    try {
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')])
      const keygen = spawnSync('ssh-keygen', ['-lf', join(dir, 'k.pub')]).stdout.toString()
      const fromKeygen = parseKeygenFingerprint(keygen)
      expect(fromKeygen).not.toBeNull()
      expect(fingerprintOfPublicKeyLine(readFileSync(join(dir, 'k.pub'), 'utf8'))).toBe(fromKeygen)
      expect(isFingerprint(fromKeygen!)).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names the console command that prints the ed25519 host key fingerprint', () => {
    expect(CONSOLE_FINGERPRINT_COMMAND).toBe('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')
  })

  it('keeps pins apart per port and ignores the case of host names', () => {
    expect(pinKey('NAS.local', 22)).toBe(pinKey('nas.local', 22))
    expect(pinKey('nas.local', 22)).not.toBe(pinKey('nas.local', 2222))
  })

  it('rejects anything but a fingerprint in OpenSSH form', () => {
    expect(isFingerprint('SHA256:abc')).toBe(false)
    expect(isFingerprint('MD5:' + 'a'.repeat(43))).toBe(false)
  })
})

describe('installing the app key', () => {
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBLGTGeGw2yPGhcUXiDlnQeGP4tLMh846i+8Ihh94WA/ zfs-offsite'
  const runIn = (home: string, line: string) => {
    const spec = installPublicKeyCommand(line)
    return spawnSync(spec.argv[0]!, spec.argv.slice(1), { input: spec.stdin, env: { HOME: home, PATH: '/usr/bin:/bin' } })
  }

  it('appends the key once, with the modes sshd insists on, however often it runs', () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'))
    try {
      expect(runIn(home, key).status).toBe(0)
      expect(runIn(home, key).status).toBe(0)
      const file = join(home, '.ssh', 'authorized_keys')
      expect(readFileSync(file, 'utf8')).toBe(`${key}\n`)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(statSync(join(home, '.ssh')).mode & 0o777).toBe(0o700)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('carries the key on stdin, never in the command line, and refuses other key types', () => {
    const spec = installPublicKeyCommand(key)
    expect(spec.argv.join(' ')).not.toContain('AAAAC3')
    expect(spec.stdin).toBe(`${key}\n`)
    expect(() => installPublicKeyCommand('ssh-rsa AAAAB3 x')).toThrow()
    expect(() => installPublicKeyCommand(`${key}\nssh-ed25519 AAAA evil`)).toThrow()
  })
})
