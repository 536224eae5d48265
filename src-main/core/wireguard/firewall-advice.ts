// What the person must open in a firewall or router for the tunnel, in plain words:
// which host, which UDP port, in which direction. WireGuard needs one side reachable;
// the side behind NAT starts the tunnel and keeps it open with keepalives.
import { endpointOf, needsKeepalive, KEEPALIVE_SECONDS, type TunnelPlan, type TunnelSideName } from './tunnel-config'

export interface FirewallAdvice {
  readonly host: TunnelSideName
  /** What to do, or that nothing is needed, in one or two sentences. */
  readonly text: string
  /** The rule in firewall terms, for the details panel. */
  readonly rule: { readonly direction: 'incoming' | 'outgoing'; readonly protocol: 'udp'; readonly port: number } | null
  /** A typical command, e.g. for ufw; the person's firewall may differ. */
  readonly example: string | null
}

const NAME: Record<TunnelSideName, string> = { nas: 'the NAS', offsite: 'the off-site box' }
const Name: Record<TunnelSideName, string> = { nas: 'The NAS', offsite: 'The off-site box' }

function adviceFor(plan: TunnelPlan, side: TunnelSideName): FirewallAdvice {
  const me = plan[side]
  const other: TunnelSideName = side === 'nas' ? 'offsite' : 'nas'
  if (me.endpointHost !== null) {
    const forwarded = me.endpointPort ?? me.listenPort
    const router = me.behindNat
      ? ` It sits behind a router: forward UDP port ${forwarded} on that router to ${NAME[side]}${forwarded !== me.listenPort ? ` port ${me.listenPort}` : ''}.`
      : ''
    return {
      host: side,
      text: `Allow incoming UDP on port ${me.listenPort} on ${NAME[side]}: ${NAME[other]} connects to it at ${endpointOf(me)}.${router}`,
      rule: { direction: 'incoming', protocol: 'udp', port: me.listenPort },
      example: `ufw allow ${me.listenPort}/udp`,
    }
  }
  const peer = plan[other]
  const keepalive = needsKeepalive(plan) ? ` and keeps it open with a small packet every ${KEEPALIVE_SECONDS} seconds` : ''
  return {
    host: side,
    text: `${Name[side]} needs no incoming rule: it starts the tunnel${keepalive}. Outgoing UDP to port ${peer.endpointPort ?? peer.listenPort} must be allowed (it usually is).`,
    rule: { direction: 'outgoing', protocol: 'udp', port: peer.endpointPort ?? peer.listenPort },
    example: null,
  }
}

/** One piece of advice per host. A plan where neither side is reachable has none to give (checkTunnelPlan refuses it). */
export function firewallAdvice(plan: TunnelPlan): FirewallAdvice[] {
  if (plan.nas.endpointHost === null && plan.offsite.endpointHost === null) {
    throw new Error('neither side can be reached from the other')
  }
  return [adviceFor(plan, 'nas'), adviceFor(plan, 'offsite')]
}
