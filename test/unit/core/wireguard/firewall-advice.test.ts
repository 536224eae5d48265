// Firewall advice in plain words: which host opens which UDP port, in which direction.
import { describe, expect, it } from 'vitest'
import { firewallAdvice } from '../../../../src-main/core/wireguard/firewall-advice'
import { interfaceName } from '../../../../src-main/core/wireguard/interface-name'
import type { TunnelPlan } from '../../../../src-main/core/wireguard/tunnel-config'

const plan: TunnelPlan = {
  name: interfaceName('wg-zfs-offsite'),
  prefixLength: 30,
  nas: { address: '10.99.0.1', listenPort: 51820, endpointHost: null, behindNat: true },
  offsite: { address: '10.99.0.2', listenPort: 51820, endpointHost: 'box.example.org', behindNat: false },
}

describe('firewall advice', () => {
  it('tells the reachable off-site box to let UDP 51820 in, and the NAS behind NAT that it needs nothing', () => {
    const [nas, offsite] = firewallAdvice(plan)
    expect(offsite).toMatchObject({ host: 'offsite', rule: { direction: 'incoming', protocol: 'udp', port: 51820 }, example: 'ufw allow 51820/udp' })
    expect(offsite!.text).toBe('Allow incoming UDP on port 51820 on the off-site box: the NAS connects to it at box.example.org:51820.')
    expect(nas).toMatchObject({ host: 'nas', rule: { direction: 'outgoing', port: 51820 }, example: null })
    expect(nas!.text).toMatch(/^The NAS needs no incoming rule: it starts the tunnel and keeps it open with a small packet every 25 seconds\./)
  })

  it('asks for port forwarding on the router of a reachable side behind NAT, naming both ports when they differ', () => {
    const forwarded: TunnelPlan = { ...plan, offsite: { ...plan.offsite, behindNat: true, endpointPort: 41000 } }
    const [nas, offsite] = firewallAdvice(forwarded)
    expect(offsite!.text).toMatch(/forward UDP port 41000 on that router to the off-site box port 51820\./)
    expect(nas!.rule).toEqual({ direction: 'outgoing', protocol: 'udp', port: 41000 })
  })

  it('advises an incoming rule on each side when both can be reached', () => {
    const both: TunnelPlan = { ...plan, nas: { ...plan.nas, endpointHost: '203.0.113.7', behindNat: false, listenPort: 51821 } }
    expect(firewallAdvice(both).map((a) => [a.host, a.rule?.direction, a.rule?.port])).toEqual([
      ['nas', 'incoming', 51821],
      ['offsite', 'incoming', 51820],
    ])
  })

  it('has no advice for a plan where neither side can be reached', () => {
    expect(() => firewallAdvice({ ...plan, offsite: { ...plan.offsite, endpointHost: null } })).toThrow(/neither side/)
  })
})
