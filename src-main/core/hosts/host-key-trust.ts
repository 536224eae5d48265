// What the person is shown on first contact with a host, and how pins are compared.
// The console command reads the same fingerprint on the host itself, so the person can
// check it did not come from someone in between.
import type { CommandSpec } from '../zfs/command'

/** The host key files OpenSSH reads by default, ed25519 first (what ssh2 negotiates first). */
export const HOST_KEY_FILE = '/etc/ssh/ssh_host_ed25519_key.pub'

/** Typed on the host's own console (not over this connection) to read its fingerprint. */
export const CONSOLE_FINGERPRINT_COMMAND = `ssh-keygen -lf ${HOST_KEY_FILE}`

export function consoleFingerprintCommand(): CommandSpec {
  return { argv: ['ssh-keygen', '-lf', HOST_KEY_FILE], successCodes: [0] }
}

/** `SHA256:` + 43 base64 characters (no padding): OpenSSH's form. */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/

export function isFingerprint(text: string): boolean {
  return FINGERPRINT_PATTERN.test(text)
}

/** The fingerprint in a line of `ssh-keygen -lf` output: "256 SHA256:... root@nas (ED25519)". */
export function parseKeygenFingerprint(stdout: string): string | null {
  const m = /\b(SHA256:[A-Za-z0-9+/]{43})\b/.exec(stdout)
  return m?.[1] ?? null
}

/** Pins are per address and port: the same box on another port is another sshd. */
export function pinKey(address: string, port: number): string {
  return `${address.toLowerCase()}:${port}`
}
