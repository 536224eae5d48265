// Proving the tunnel works: a handshake with the expected peer newer than the moment the
// tunnel was (re)started, and a ping across it in each direction. A handshake alone
// shows the keys match; the pings show the addresses and routes do too.
import type { CommandSpec } from '../zfs/command'
import type { InterfaceName } from './interface-name'

/** `wg show <name> latest-handshakes`: "<peer public key>\t<seconds since the epoch, 0 = never>" per peer. */
export function latestHandshakesCommand(name: InterfaceName): CommandSpec {
  return { argv: ['wg', 'show', name, 'latest-handshakes'], successCodes: [0] }
}

export function parseLatestHandshakes(stdout: string): Map<string, number | null> {
  const out = new Map<string, number | null>()
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue
    const [key, at] = line.trim().split(/\s+/)
    if (key === undefined || at === undefined || !/^\d+$/.test(at)) throw new Error(`wg show latest-handshakes: unexpected line ${JSON.stringify(line)}`)
    out.set(key, at === '0' ? null : Number(at))
  }
  return out
}

export type HandshakeCheck =
  | { readonly ok: true; readonly at: number }
  | { readonly ok: false; readonly reason: 'peer-missing' | 'never' | 'stale'; readonly last: number | null }

/**
 * Whether the peer shook hands at or after `sinceSeconds` (the time the tunnel was
 * started, read on the same host so clocks of different machines are not compared).
 */
export function checkHandshake(handshakes: ReadonlyMap<string, number | null>, peerPublicKey: string, sinceSeconds: number): HandshakeCheck {
  if (!handshakes.has(peerPublicKey)) return { ok: false, reason: 'peer-missing', last: null }
  const at = handshakes.get(peerPublicKey) ?? null
  if (at === null) return { ok: false, reason: 'never', last: null }
  return at >= sinceSeconds ? { ok: true, at } : { ok: false, reason: 'stale', last: at }
}

/** The host's clock in seconds, to compare with its own handshake times. */
export function hostTimeCommand(): CommandSpec {
  return { argv: ['date', '+%s'], successCodes: [0] }
}

export function parseHostTime(stdout: string): number {
  const t = stdout.trim()
  if (!/^\d+$/.test(t)) throw new Error(`date +%s: unexpected output ${JSON.stringify(t)}`)
  return Number(t)
}

/** Two echo requests, five seconds each to answer: exit 1 when none came back, which is an answer, not a failure to run. */
export function pingCommand(address: string): CommandSpec {
  return { argv: ['ping', '-c2', '-W5', address], successCodes: [0, 1] }
}

export interface PingResult {
  readonly transmitted: number
  readonly received: number
}

export function parsePing(stdout: string): PingResult {
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(stdout)
  if (!m) throw new Error(`not the output of ping: ${JSON.stringify(stdout.slice(0, 120))}`)
  return { transmitted: Number(m[1]), received: Number(m[2]) }
}

export interface TunnelProblem {
  /** An error code the contract does not have yet (see the report of the wizard core). */
  readonly code: 'WG_NO_HANDSHAKE' | 'WG_PING_FAILED'
  readonly cause: string
  readonly fix: string
}

/** The verdict from the handshake and both pings, in plain words; empty when the tunnel works. */
export function tunnelProblems(input: {
  readonly handshake: HandshakeCheck
  readonly nasToOffsite: PingResult
  readonly offsiteToNas: PingResult
  readonly udpPort: number
  /** The side the first handshake goes to (whose firewall must let it in). */
  readonly reachedSide: 'the NAS' | 'the off-site box'
}): TunnelProblem[] {
  const problems: TunnelProblem[] = []
  if (!input.handshake.ok) {
    problems.push({
      code: 'WG_NO_HANDSHAKE',
      cause:
        input.handshake.reason === 'peer-missing'
          ? 'The tunnel on this host does not know the other side’s key.'
          : 'The NAS and the off-site box have not reached each other through the tunnel.',
      fix: `Check that UDP port ${input.udpPort} reaches ${input.reachedSide} (its firewall, and port forwarding on its router), and that the endpoint address is right.`,
    })
  }
  if (input.nasToOffsite.received === 0 || input.offsiteToNas.received === 0) {
    const which =
      input.nasToOffsite.received === 0 && input.offsiteToNas.received === 0
        ? 'in either direction'
        : input.nasToOffsite.received === 0
          ? 'from the NAS to the off-site box'
          : 'from the off-site box to the NAS'
    problems.push({
      code: 'WG_PING_FAILED',
      cause: `Nothing gets through the tunnel ${which}.`,
      fix: input.handshake.ok
        ? 'The keys match but traffic is blocked: check the firewall on both hosts for the tunnel interface.'
        : 'Fix the connection first (see above); then try again.',
    })
  }
  return problems
}
