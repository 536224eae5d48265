// Skipping the tunnel (issue 7): when the NAS already reaches the off-site box (an existing
// VPN, a managed ZFS host), the wizard proves it by the NAS fetching the host keys served
// at that address — the same machine means the same key the person confirmed — and reads
// which of its own addresses the NAS would come from, for the receive key's from=.
import type { CommandSpec } from '../zfs/command'

/** `ssh-keyscan` from the NAS; its exit status is not an answer (it is 0 even when nothing answered), its output is. */
export function keyscanCommand(address: string, port: number): CommandSpec {
  return { argv: ['ssh-keyscan', '-T', '10', '-p', String(port), address], successCodes: [0, 1] }
}

export interface ScannedKey {
  readonly type: string
  /** The key in base64, as in known_hosts. */
  readonly blob: string
}

/** Reads `host type base64` lines; comments (the server's banner) and anything else are skipped. */
export function parseKeyscan(stdout: string): ScannedKey[] {
  const keys: ScannedKey[] = []
  for (const line of stdout.split('\n')) {
    const t = line.trim()
    if (t === '' || t.startsWith('#')) continue
    const [, type, blob] = t.split(/\s+/)
    if (type && blob && /^(ssh-|ecdsa-)/.test(type) && /^[A-Za-z0-9+/]+=*$/.test(blob)) keys.push({ type, blob })
  }
  return keys
}

/**
 * The route the NAS would take to `address`, as JSON. A name is first resolved on the NAS
 * (getent), since `ip route get` takes addresses only.
 */
export function routeSourceCommand(address: string): CommandSpec {
  const script = 'a=$(getent ahostsv4 "$1" | head -n 1 | cut -d " " -f 1); ip -j route get "${a:-$1}"'
  return { argv: ['sh', '-c', script, 'sh', address], successCodes: [0] }
}

/** The NAS's own source address on that route (`prefsrc`), or null when the route names none. */
export function parseRouteSource(stdout: string): string | null {
  let routes: unknown
  try {
    routes = JSON.parse(stdout)
  } catch {
    return null
  }
  if (!Array.isArray(routes)) return null
  for (const r of routes) {
    if (r && typeof r === 'object' && 'prefsrc' in r && typeof r.prefsrc === 'string' && r.prefsrc !== '') return r.prefsrc
  }
  return null
}
