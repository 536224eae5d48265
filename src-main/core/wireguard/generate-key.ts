// The WireGuard key pair of one host, made on that host: the private key is written
// under umask 077 into its own file and never printed; only the public key comes back.
// An existing key file is kept, so a re-run keeps the public key the peer already has.
import type { CommandSpec } from '../zfs/command'
import { keyPath, type InterfaceName } from './interface-name'

declare const brand: unique symbol
export type WgPublicKey = string & { readonly [brand]: 'WgPublicKey' }

/** 32 bytes in base64: 43 characters, the last of which carries only 4 bits, then '='. */
const PUBLIC_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/

export function isWgPublicKey(text: string): text is WgPublicKey {
  return PUBLIC_KEY.test(text)
}

const SCRIPT = [
  'set -e',
  'umask 077',
  'key=$1',
  // A key file that exists (even the person's own) is never replaced: the app reuses it
  // and says so, and "Remove tunnel" deletes only a file it reported as created.
  'if [ -s "$key" ]; then echo existing; else',
  '  mkdir -p "${key%/*}"',
  '  wg genkey > "$key.new"',
  '  mv -f "$key.new" "$key"',
  '  echo created',
  'fi',
  'wg pubkey < "$key"',
].join('\n')

export function generateKeyCommand(name: InterfaceName): CommandSpec {
  return { argv: ['sh', '-c', SCRIPT, 'sh', keyPath(name)], successCodes: [0] }
}

export interface GeneratedKey {
  readonly publicKey: WgPublicKey
  /** True when this run wrote the key file (and so may remove it on undo). */
  readonly created: boolean
}

export function parseGeneratedKey(stdout: string): GeneratedKey {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '')
  const [state, key] = lines
  if (lines.length !== 2 || (state !== 'created' && state !== 'existing') || key === undefined || !isWgPublicKey(key)) {
    // Never echo the output: if something went wrong it might hold more than a public key.
    throw new Error('the key step did not print a WireGuard public key')
  }
  return { publicKey: key, created: state === 'created' }
}
