// OpenSSH ed25519 public keys as the app handles them: the receive key made on the NAS
// and the off-site box's host key. Checked whole, so nothing else rides into an
// authorized_keys or known_hosts line.

declare const brand: unique symbol
/** The base64 key blob of an ed25519 public key (68 characters). */
export type Ed25519Blob = string & { readonly [brand]: 'Ed25519Blob' }

// The blob is: length 11, "ssh-ed25519", length 32, 32 key bytes = 51 bytes = 68 base64
// characters, of which the first 25 are always the same.
const BLOB = /^AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/

export function isEd25519Blob(text: string): text is Ed25519Blob {
  return BLOB.test(text)
}

/** The blob of an "ssh-ed25519 AAAA… [comment]" line, or null when the line is anything else. */
export function parseEd25519Line(line: string): Ed25519Blob | null {
  const m = /^ssh-ed25519 (\S+)(?: [^\n]*)?$/.exec(line.trim())
  return m && isEd25519Blob(m[1]!) ? m[1] : null
}
