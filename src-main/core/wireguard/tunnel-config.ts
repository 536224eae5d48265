// The text of /etc/wireguard/<name>.conf on each side of the tunnel, built from one
// TunnelPlan so both sides always agree. The private key is not in the text: wg-quick
// loads it from its own file (PostUp, wg-quick.8), so the config can be read back and
// compared without a secret ever leaving the host.
import { HostAddressSchema } from '../../shared/model'
import { keyPath, type InterfaceName } from './interface-name'
import { isWgPublicKey } from './generate-key'

export type TunnelSideName = 'nas' | 'offsite'

export interface TunnelSide {
  /** This side's address inside the tunnel, e.g. 10.99.0.1. */
  readonly address: string
  /** The UDP port this side's WireGuard listens on. */
  readonly listenPort: number
  /**
   * How the other side reaches this one from outside (a public name or IP), or null when
   * it cannot be reached (behind NAT without a forwarded port): then this side starts the
   * tunnel and the other learns its address from the handshake.
   */
  readonly endpointHost: string | null
  /** The port the other side sends to, when a router forwards another port; else listenPort. */
  readonly endpointPort?: number
  readonly behindNat: boolean
}

export interface TunnelPlan {
  readonly name: InterfaceName
  /** Of the tunnel network (30: two addresses, one per side). */
  readonly prefixLength: number
  readonly nas: TunnelSide
  readonly offsite: TunnelSide
}

/** Every 25 s: under the 30 s or more after which common NAT routers forget a UDP mapping (wg.8). */
export const KEEPALIVE_SECONDS = 25

/** The first line of every config the app writes; how it recognises its own file. */
export const CONF_MARKER = '# Written by ZFS Offsite ("Remove tunnel" in the app removes it).'

export const otherSide = (side: TunnelSideName): TunnelSideName => (side === 'nas' ? 'offsite' : 'nas')

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

export function isIpv4(text: string): boolean {
  return IPV4.test(text)
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what} is not a UDP port: ${port}`)
}

/** Refuses a plan that would make a config wg-quick rejects or a tunnel nobody can start. */
export function checkTunnelPlan(plan: TunnelPlan): void {
  if (!Number.isInteger(plan.prefixLength) || plan.prefixLength < 8 || plan.prefixLength > 30) throw new Error(`not a tunnel prefix length: ${plan.prefixLength}`)
  for (const side of ['nas', 'offsite'] as const) {
    const s = plan[side]
    if (!isIpv4(s.address)) throw new Error(`the ${side} tunnel address is not an IPv4 address: ${JSON.stringify(s.address)}`)
    checkPort(s.listenPort, `the ${side} listen port`)
    if (s.endpointPort !== undefined) checkPort(s.endpointPort, `the ${side} endpoint port`)
    if (s.endpointHost !== null && !HostAddressSchema.safeParse(s.endpointHost).success) {
      throw new Error(`the ${side} endpoint is not a host name or address: ${JSON.stringify(s.endpointHost)}`)
    }
  }
  if (plan.nas.address === plan.offsite.address) throw new Error('both sides have the same tunnel address')
  // WireGuard needs one side to know where to send the first handshake.
  if (plan.nas.endpointHost === null && plan.offsite.endpointHost === null) {
    throw new Error('neither side can be reached from the other: one needs a public address or a forwarded UDP port')
  }
}

/** host:port, with brackets around an IPv6 address as wg expects. */
export function endpointOf(side: TunnelSide): string | null {
  if (side.endpointHost === null) return null
  const host = side.endpointHost.replace(/^\[(.*)\]$/, '$1')
  const port = side.endpointPort ?? side.listenPort
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** Keepalives keep a NAT router's mapping open, so the far side can always reach back. */
export function needsKeepalive(plan: TunnelPlan): boolean {
  return plan.nas.behindNat || plan.offsite.behindNat
}

const DESCRIBE: Record<TunnelSideName, string> = { nas: 'the NAS', offsite: 'the off-site box' }

export function tunnelConfText(plan: TunnelPlan, side: TunnelSideName, peerPublicKey: string): string {
  checkTunnelPlan(plan)
  if (!isWgPublicKey(peerPublicKey)) throw new Error('not a WireGuard public key')
  const me = plan[side]
  const peer = plan[otherSide(side)]
  const endpoint = endpointOf(peer)
  const lines = [
    CONF_MARKER,
    `# The tunnel between the NAS and the off-site box, on ${DESCRIBE[side]}.`,
    '[Interface]',
    `Address = ${me.address}/${plan.prefixLength}`,
    `ListenPort = ${me.listenPort}`,
    // The private key stays in its own file (mode 600) and is loaded once the interface exists.
    `PostUp = wg set %i private-key ${keyPath(plan.name)}`,
    '',
    '[Peer]',
    `# ${DESCRIBE[otherSide(side)]}`,
    `PublicKey = ${peerPublicKey}`,
    // Only the peer's own address: nothing else is routed into the tunnel.
    `AllowedIPs = ${peer.address}/32`,
    ...(endpoint !== null ? [`Endpoint = ${endpoint}`] : []),
    ...(needsKeepalive(plan) ? [`PersistentKeepalive = ${KEEPALIVE_SECONDS}`] : []),
  ]
  return lines.join('\n') + '\n'
}

/**
 * Whether two config texts say the same: line endings and trailing blanks aside, which
 * an editor may change without changing what wg-quick does.
 */
export function sameConfText(a: string, b: string): boolean {
  const norm = (t: string) =>
    t
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((l) => l.replace(/[ \t]+$/, ''))
      .join('\n')
      .replace(/\n+$/, '')
  return norm(a) === norm(b)
}
