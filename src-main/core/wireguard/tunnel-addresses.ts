// Choosing the tunnel's two addresses so they collide with nothing either host already
// uses: every IPv4 address on an interface and every route in every routing table (an
// existing VPN's routes live in their own tables). 10.99.0.1/30 ↔ .2 by default, else the
// next free /30 in 10.99.0.0/16, then other private ranges.
import type { CommandSpec } from '../zfs/command'
import { isIpv4 } from './tunnel-config'

export interface Ipv4Network {
  /** Any address inside the network, dotted. */
  readonly address: string
  readonly prefixLength: number
}

export interface InterfaceAddress extends Ipv4Network {
  readonly ifname: string
}

export interface Route {
  /** null for the default route. */
  readonly dst: Ipv4Network | null
  readonly dev: string | null
  /** main, local, or a number for a policy table (an existing VPN's). */
  readonly table: string
  /** unicast, local, broadcast, unreachable, blackhole… */
  readonly type: string
}

/** Every address on every interface (JSON: one object per interface with addr_info). */
export function ipAddrCommand(): CommandSpec {
  return { argv: ['ip', '-j', 'addr', 'show'], successCodes: [0] }
}

/** Every IPv4 route of every table, not just main. */
export function ipRouteCommand(): CommandSpec {
  return { argv: ['ip', '-j', '-4', 'route', 'show', 'table', 'all'], successCodes: [0] }
}

interface IpAddrJson {
  readonly ifname?: unknown
  readonly addr_info?: readonly { readonly family?: unknown; readonly local?: unknown; readonly prefixlen?: unknown }[]
}

function parseJsonArray(stdout: string, what: string): unknown[] {
  const text = stdout.trim()
  // `ip -j` prints nothing at all (not "[]") when there is nothing to list on some versions.
  if (text === '') return []
  const parsed: unknown = JSON.parse(text)
  if (!Array.isArray(parsed)) throw new Error(`${what}: expected a JSON array`)
  return parsed
}

export function parseIpAddr(stdout: string): InterfaceAddress[] {
  const out: InterfaceAddress[] = []
  for (const entry of parseJsonArray(stdout, 'ip -j addr') as IpAddrJson[]) {
    const ifname = typeof entry.ifname === 'string' ? entry.ifname : ''
    for (const a of entry.addr_info ?? []) {
      if (a.family !== 'inet' || typeof a.local !== 'string' || typeof a.prefixlen !== 'number') continue
      if (!isIpv4(a.local)) continue
      out.push({ ifname, address: a.local, prefixLength: a.prefixlen })
    }
  }
  return out
}

interface IpRouteJson {
  readonly dst?: unknown
  readonly dev?: unknown
  readonly table?: unknown
  readonly type?: unknown
}

function parseDst(dst: string): Ipv4Network | null | undefined {
  if (dst === 'default') return null
  const [address, prefix] = dst.split('/')
  if (address === undefined || !isIpv4(address)) return undefined
  // A route without a length is a host route: /32.
  const prefixLength = prefix === undefined ? 32 : Number(prefix)
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) return undefined
  return { address, prefixLength }
}

export function parseIpRoute(stdout: string): Route[] {
  const out: Route[] = []
  for (const entry of parseJsonArray(stdout, 'ip -j route') as IpRouteJson[]) {
    if (typeof entry.dst !== 'string') continue
    const dst = parseDst(entry.dst)
    if (dst === undefined) continue
    out.push({
      dst,
      dev: typeof entry.dev === 'string' ? entry.dev : null,
      table: typeof entry.table === 'string' || typeof entry.table === 'number' ? String(entry.table) : 'main',
      type: typeof entry.type === 'string' ? entry.type : 'unicast',
    })
  }
  return out
}

export function ipv4ToNumber(address: string): number {
  if (!isIpv4(address)) throw new Error(`not an IPv4 address: ${JSON.stringify(address)}`)
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0)
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.')
}

function networkStart(address: string, prefixLength: number): number {
  const size = 2 ** (32 - prefixLength)
  return Math.floor(ipv4ToNumber(address) / size) * size
}

/** Two networks overlap when one contains the other's start. */
export function overlaps(a: Ipv4Network, b: Ipv4Network): boolean {
  const shorter = Math.min(a.prefixLength, b.prefixLength)
  return networkStart(a.address, shorter) === networkStart(b.address, shorter)
}

export interface HostNetworks {
  readonly addresses: readonly InterfaceAddress[]
  readonly routes: readonly Route[]
}

export interface TunnelAddresses {
  readonly network: string
  readonly prefixLength: number
  readonly nas: string
  readonly offsite: string
}

/** Where candidates come from, in order. */
export const TUNNEL_RANGES: readonly Ipv4Network[] = [
  { address: '10.99.0.0', prefixLength: 16 },
  { address: '172.31.99.0', prefixLength: 24 },
  { address: '192.168.231.0', prefixLength: 24 },
]

const TUNNEL_PREFIX = 30

function candidate(start: number): TunnelAddresses {
  return { network: `${numberToIpv4(start)}/${TUNNEL_PREFIX}`, prefixLength: TUNNEL_PREFIX, nas: numberToIpv4(start + 1), offsite: numberToIpv4(start + 2) }
}

export interface ChooseAddressesInput {
  readonly nas: HostNetworks
  readonly offsite: HostNetworks
  /** The app's own tunnel interface from an earlier run: its addresses and routes are not collisions. */
  readonly ownInterface?: string
  /** The addresses an earlier run chose: kept while they are still free, so a re-run changes nothing. */
  readonly previous?: TunnelAddresses
  /** Endpoint addresses: the tunnel must never claim the address it is carried over. */
  readonly avoid?: readonly string[]
}

/**
 * What already claims address space on a host. The default route, and the /1 pairs that
 * full-tunnel VPNs add (0.0.0.0/1 + 128.0.0.0/1), cover everything and lose to the
 * tunnel's longer prefix anyway, so they are not collisions; any other overlap is
 * (a /30 inside someone's 10.0.0.0/8 would steal two of their addresses).
 */
function claims(host: HostNetworks, ownInterface: string | undefined): Ipv4Network[] {
  const out: Ipv4Network[] = []
  for (const a of host.addresses) if (a.ifname !== ownInterface) out.push(a)
  for (const r of host.routes) {
    if (r.dst === null || r.dst.prefixLength < 8) continue
    if (ownInterface !== undefined && r.dev === ownInterface) continue
    out.push(r.dst)
  }
  return out
}

export function tunnelAddressesAreFree(addresses: TunnelAddresses, taken: readonly Ipv4Network[]): boolean {
  const net: Ipv4Network = { address: addresses.nas, prefixLength: addresses.prefixLength }
  return !taken.some((t) => overlaps(net, t))
}

/** The first /30 that collides with nothing on either host, or null when every range is used. */
export function chooseTunnelAddresses(input: ChooseAddressesInput): TunnelAddresses | null {
  const taken = [
    ...claims(input.nas, input.ownInterface),
    ...claims(input.offsite, input.ownInterface),
    ...(input.avoid ?? []).filter(isIpv4).map((address) => ({ address, prefixLength: 32 })),
  ]
  if (input.previous && tunnelAddressesAreFree(input.previous, taken)) return input.previous
  for (const range of TUNNEL_RANGES) {
    const start = networkStart(range.address, range.prefixLength)
    const end = start + 2 ** (32 - range.prefixLength)
    for (let n = start; n < end; n += 2 ** (32 - TUNNEL_PREFIX)) {
      const c = candidate(n)
      if (tunnelAddressesAreFree(c, taken)) return c
    }
  }
  return null
}
