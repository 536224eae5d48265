// A UDP port for WireGuard to listen on that nothing else uses: neither a socket open now
// (`ss`) nor another WireGuard config that is down at the moment but would take its port
// when it comes up. 51820, WireGuard's customary port, when it is free.
import type { CommandSpec } from '../zfs/command'
import { WIREGUARD_DIR } from './interface-name'

export const DEFAULT_LISTEN_PORT = 51820
/** How far to look past the default before giving up. */
const SEARCH = 1000

/** Listening UDP sockets, numeric, no header (kernel WireGuard sockets are listed too). */
export function listeningUdpCommand(): CommandSpec {
  return { argv: ['ss', '-Hlun'], successCodes: [0] }
}

/**
 * `ss -Hlun` lines: State Recv-Q Send-Q Local:Port Peer:Port [Process], e.g.
 * "UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:*" or "UNCONN 0 0 [::]:51820 [::]:*".
 * When ss lists more than one socket kind it puts the kind (udp) first.
 */
export function parseListeningUdpPorts(stdout: string): Set<number> {
  const ports = new Set<number>()
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length < 5) continue
    const local = /^(udp|tcp|raw|u_\w+)$/.test(f[0]!) ? f[4] : f[3]
    const m = /:(\d+)$/.exec(local ?? '')
    if (m) ports.add(Number(m[1]))
  }
  return ports
}

/** The ListenPort of every WireGuard config on the host; only those lines leave it (configs may hold private keys). */
export function configuredListenPortsCommand(): CommandSpec {
  const awk = `awk 'tolower($0) ~ /^[ \\t]*listenport[ \\t]*=/ { sub(/^[^=]*=[ \\t]*/, ""); print }' ${WIREGUARD_DIR}/*.conf 2>/dev/null; true`
  return { argv: ['sh', '-c', awk], successCodes: [0] }
}

export function parseConfiguredListenPorts(stdout: string): Set<number> {
  const ports = new Set<number>()
  for (const line of stdout.split('\n')) {
    const t = line.trim()
    if (/^\d+$/.test(t)) ports.add(Number(t))
  }
  return ports
}

/**
 * The port to listen on. `ours` is the port the app's own tunnel already has from an
 * earlier run: it shows as taken (by that tunnel), and keeping it is what makes a re-run
 * change nothing.
 */
export function chooseListenPort(taken: ReadonlySet<number>, options: { readonly preferred?: number; readonly ours?: number } = {}): number | null {
  if (options.ours !== undefined) return options.ours
  const preferred = options.preferred ?? DEFAULT_LISTEN_PORT
  for (let port = preferred; port < preferred + SEARCH && port <= 65535; port++) {
    if (!taken.has(port)) return port
  }
  return null
}
