// Choosing tunnel addresses that collide with nothing on either host. Interface addresses
// come from captured `ip -j addr` output; routes are given as the parser's rows (no
// `ip -j route` capture exists yet, see the wizard core's report).
import { describe, expect, it } from 'vitest'
import {
  chooseTunnelAddresses,
  ipAddrCommand,
  parseIpAddr,
  overlaps,
  ipv4ToNumber,
  numberToIpv4,
  type HostNetworks,
  type Route,
} from '../../../../src-main/core/wireguard/tunnel-addresses'
import { fixture } from '../../../support/fixtures'
import { shellWords } from '../../../support/shell-words'

const none: HostNetworks = { addresses: [], routes: [] }
const route = (dst: string, dev = 'eth0', table = 'main'): Route => {
  const [address, len] = dst.split('/')
  return { dst: { address: address!, prefixLength: Number(len ?? 32) }, dev, table, type: 'unicast' }
}
const labWg = parseIpAddr(fixture('wg', 'ip-addr-wg').stdout)

describe('reading interface addresses', () => {
  it('reads the IPv4 addresses from captured ip -j addr output', () => {
    const f = fixture('wg', 'ip-addr-wg')
    // Captured for one device; the app asks for all of them, in the same JSON form.
    expect(shellWords(f.command).slice(0, 4)).toEqual([...ipAddrCommand().argv])
    expect(labWg).toEqual([{ ifname: 'wg-backup', address: '10.99.0.1', prefixLength: 30 }])
  })
})

describe('choosing the tunnel addresses', () => {
  it('takes 10.99.0.1/30 ↔ .2 on hosts that use none of it', () => {
    expect(chooseTunnelAddresses({ nas: none, offsite: none })).toEqual({ network: '10.99.0.0/30', prefixLength: 30, nas: '10.99.0.1', offsite: '10.99.0.2' })
  })

  it('moves to the next /30 when another tunnel already has 10.99.0.1 on the NAS', () => {
    expect(chooseTunnelAddresses({ nas: { addresses: labWg, routes: [] }, offsite: none })).toMatchObject({ nas: '10.99.0.5', offsite: '10.99.0.6' })
  })

  it('keeps the app’s own tunnel’s addresses on a re-run', () => {
    const own = { nas: { addresses: labWg, routes: [route('10.99.0.0/30', 'wg-backup'), route('10.99.0.2', 'wg-backup')] }, offsite: none, ownInterface: 'wg-backup' }
    expect(chooseTunnelAddresses(own)).toMatchObject({ nas: '10.99.0.1', offsite: '10.99.0.2' })
    const previous = { network: '10.99.0.8/30', prefixLength: 30, nas: '10.99.0.9', offsite: '10.99.0.10' }
    expect(chooseTunnelAddresses({ ...own, previous })).toEqual(previous)
  })

  it('gives up an earlier choice that now collides', () => {
    const previous = { network: '10.99.0.0/30', prefixLength: 30, nas: '10.99.0.1', offsite: '10.99.0.2' }
    expect(chooseTunnelAddresses({ nas: none, offsite: { addresses: [], routes: [route('10.99.0.0/24')] }, previous })).toMatchObject({ nas: '10.99.1.1' })
  })

  it('counts routes in every table and on either host, such as another VPN’s', () => {
    const vpn: HostNetworks = { addresses: [], routes: [route('10.99.0.0/16', 'tun0', '52')] }
    expect(chooseTunnelAddresses({ nas: none, offsite: vpn })).toMatchObject({ network: '172.31.99.0/30', nas: '172.31.99.1', offsite: '172.31.99.2' })
  })

  it('moves out of 10/8 entirely when a network there covers all of 10.99', () => {
    const corp: HostNetworks = { addresses: [{ ifname: 'eth0', address: '10.1.2.3', prefixLength: 8 }], routes: [route('172.31.99.0/24')] }
    expect(chooseTunnelAddresses({ nas: corp, offsite: none })).toMatchObject({ nas: '192.168.231.1', offsite: '192.168.231.2' })
  })

  it('ignores the default route and the /1 pair of a full-tunnel VPN, which the tunnel’s own routes outrank', () => {
    const full: HostNetworks = {
      addresses: [],
      routes: [{ dst: null, dev: 'eth0', table: 'main', type: 'unicast' }, route('0.0.0.0/1', 'tun0'), route('128.0.0.0/1', 'tun0')],
    }
    expect(chooseTunnelAddresses({ nas: full, offsite: full })).toMatchObject({ nas: '10.99.0.1' })
  })

  it('never claims an endpoint address the tunnel is carried over', () => {
    expect(chooseTunnelAddresses({ nas: none, offsite: none, avoid: ['10.99.0.2', 'box.example.org'] })).toMatchObject({ nas: '10.99.0.5' })
  })

  it('says so when every candidate is taken', () => {
    const full: HostNetworks = { addresses: [], routes: [route('10.0.0.0/8'), route('172.16.0.0/12'), route('192.168.0.0/16')] }
    expect(chooseTunnelAddresses({ nas: full, offsite: none })).toBeNull()
  })

  it('does IPv4 arithmetic on whole addresses', () => {
    expect(numberToIpv4(ipv4ToNumber('10.99.255.254') + 1)).toBe('10.99.255.255')
    expect(overlaps({ address: '10.99.0.1', prefixLength: 30 }, { address: '10.99.0.3', prefixLength: 32 })).toBe(true)
    expect(overlaps({ address: '10.99.0.1', prefixLength: 30 }, { address: '10.99.0.4', prefixLength: 32 })).toBe(false)
    expect(() => ipv4ToNumber('10.99.0')).toThrow(/not an IPv4/)
  })
})
