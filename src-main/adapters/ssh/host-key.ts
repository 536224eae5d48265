// Host key fingerprints as OpenSSH prints them (`ssh-keygen -lf`): "SHA256:" and the
// base64 of the SHA-256 of the key blob, without padding. What a pin holds and compares.
import { createHash } from 'node:crypto'

export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/** The fingerprint of a public key line (`ssh-ed25519 AAAA... comment`). */
export function fingerprintOfPublicKeyLine(line: string): string {
  const blob = line.trim().split(/\s+/)[1]
  if (!blob) throw new Error('not a public key line')
  return sha256Fingerprint(Buffer.from(blob, 'base64'))
}
