// Reading back what /etc/wireguard/<name>.conf holds, and deciding what a (re-)run does
// with it: write it, leave it (identical), replace the app's own older one, or refuse to
// touch a config that is not the app's. A person's own config is never read out whole:
// it may hold their private key inline.
import type { CommandSpec } from '../zfs/command'
import { confPath, type InterfaceName } from './interface-name'
import { CONF_MARKER, sameConfText } from './tunnel-config'

// Even in the app's own file a PrivateKey line (added by hand) is masked on the host, so
// no key crosses the connection; the mask still makes the comparison see a difference.
const READ_SCRIPT = [
  'f=$1',
  'if [ ! -e "$f" ]; then echo absent',
  'elif [ "$(head -n 1 "$f")" = "$2" ]; then',
  '  echo ours',
  `  awk '{ if (tolower($0) ~ /^[ \\t]*privatekey[ \\t]*=/) print "PrivateKey = (hidden)"; else print }' "$f"`,
  'else echo foreign',
  'fi',
].join('\n')

export function readConfCommand(name: InterfaceName): CommandSpec {
  return { argv: ['sh', '-c', READ_SCRIPT, 'sh', confPath(name), CONF_MARKER], successCodes: [0] }
}

export type ConfState = { readonly kind: 'absent' } | { readonly kind: 'foreign' } | { readonly kind: 'ours'; readonly text: string }

export function parseConfState(stdout: string): ConfState {
  const nl = stdout.indexOf('\n')
  const head = (nl < 0 ? stdout : stdout.slice(0, nl)).trim()
  if (head === 'absent') return { kind: 'absent' }
  if (head === 'foreign') return { kind: 'foreign' }
  if (head === 'ours') return { kind: 'ours', text: nl < 0 ? '' : stdout.slice(nl + 1) }
  throw new Error(`not the output of the config check: ${JSON.stringify(stdout.slice(0, 80))}`)
}

export type ConfDecision =
  | { readonly action: 'create' }
  | { readonly action: 'unchanged' }
  | { readonly action: 'replace' }
  | { readonly action: 'refuse'; readonly reason: string }

/** What a run does with the config file, given what is there now. */
export function decideConfWrite(desired: string, current: ConfState): ConfDecision {
  switch (current.kind) {
    case 'absent':
      return { action: 'create' }
    case 'ours':
      return sameConfText(desired, current.text) ? { action: 'unchanged' } : { action: 'replace' }
    case 'foreign':
      return { action: 'refuse', reason: 'A WireGuard configuration with this name exists and was not written by ZFS Offsite; it is left as it is.' }
  }
}

// create: noclobber (set -C), so a file that appeared since the check is not overwritten.
// replace: only a file that still starts with the app's marker, swapped in whole (mv).
const WRITE_SCRIPT = [
  'set -e',
  'umask 077',
  'f=$1',
  'mkdir -p "${f%/*}"',
  'if [ "$2" = create ]; then',
  '  set -C',
  '  cat > "$f"',
  'else',
  '  if [ "$(head -n 1 "$f" 2>/dev/null)" != "$3" ]; then echo "$f was not written by ZFS Offsite; not replaced" >&2; exit 3; fi',
  '  cat > "$f.zfs-offsite-new"',
  '  mv -f "$f.zfs-offsite-new" "$f"',
  'fi',
].join('\n')

export function writeConfCommand(name: InterfaceName, text: string, mode: 'create' | 'replace'): CommandSpec {
  if (!text.startsWith(`${CONF_MARKER}\n`)) throw new Error('only a config the app made is written')
  return { argv: ['sh', '-c', WRITE_SCRIPT, 'sh', confPath(name), mode, CONF_MARKER], successCodes: [0], stdin: text }
}

/** The ListenPort of the app's own config, read back on a re-run so the port stays as it was. */
export function listenPortOf(text: string): number | undefined {
  const m = /^[ \t]*ListenPort[ \t]*=[ \t]*(\d+)[ \t]*$/im.exec(text)
  return m ? Number(m[1]) : undefined
}
