// The wg-quick config text on each side, from one plan; checked against the peer settings
// the lab's working tunnel showed (`wg show … dump`, captured).
import { describe, expect, it } from 'vitest'
import { tunnelConfText, sameConfText, checkTunnelPlan, endpointOf, CONF_MARKER, type TunnelPlan } from '../../../../src-main/core/wireguard/tunnel-config'
import { interfaceName } from '../../../../src-main/core/wireguard/interface-name'
import { fixture } from '../../../support/fixtures'

// The lab's two public keys, as its wg printed them: NAS (interface line of the NAS dump), off-site (its peer).
const nasDump = fixture('wg', 'wg-show-dump').stdout.trim().split('\n').map((l) => l.split('\t'))
const NAS_KEY = nasDump[0]![1]!
const OFFSITE_KEY = nasDump[1]![0]!

/** The lab's shape: both sides reachable on the VM link; the NAS treated as behind NAT. */
const lab: TunnelPlan = {
  name: interfaceName('wg-backup'),
  prefixLength: 30,
  nas: { address: '10.99.0.1', listenPort: 51820, endpointHost: null, behindNat: true },
  offsite: { address: '10.99.0.2', listenPort: 51820, endpointHost: '192.168.99.2', behindNat: false },
}

describe('WireGuard config text', () => {
  it('writes the NAS side: address, port, key loaded from its file, the peer by /32, endpoint and keepalive', () => {
    expect(tunnelConfText(lab, 'nas', OFFSITE_KEY)).toBe(
      [
        CONF_MARKER,
        '# The tunnel between the NAS and the off-site box, on the NAS.',
        '[Interface]',
        'Address = 10.99.0.1/30',
        'ListenPort = 51820',
        'PostUp = wg set %i private-key /etc/wireguard/wg-backup.key',
        '',
        '[Peer]',
        '# the off-site box',
        `PublicKey = ${OFFSITE_KEY}`,
        'AllowedIPs = 10.99.0.2/32',
        'Endpoint = 192.168.99.2:51820',
        'PersistentKeepalive = 25',
        '',
      ].join('\n'),
    )
  })

  it('gives the off-site side no endpoint for a NAS behind NAT: it learns it from the handshake', () => {
    const text = tunnelConfText(lab, 'offsite', NAS_KEY)
    expect(text).toContain('Address = 10.99.0.2/30\n')
    expect(text).toContain(`PublicKey = ${NAS_KEY}\nAllowedIPs = 10.99.0.1/32\nPersistentKeepalive = 25\n`)
    expect(text).not.toMatch(/^Endpoint/m)
  })

  it('never holds a private key', () => {
    for (const side of ['nas', 'offsite'] as const) expect(tunnelConfText(lab, side, side === 'nas' ? OFFSITE_KEY : NAS_KEY)).not.toMatch(/PrivateKey/i)
  })

  it('matches the peer settings of the lab’s working tunnel (captured wg show dump)', () => {
    // Peer line: public key, preshared key, endpoint, allowed ips, handshake, rx, tx, keepalive.
    const peer = nasDump[1]!
    const text = tunnelConfText({ ...lab, nas: { ...lab.nas, endpointHost: '192.168.99.1' } }, 'nas', OFFSITE_KEY)
    expect(text).toContain(`PublicKey = ${peer[0]}\n`)
    expect(text).toContain(`Endpoint = ${peer[2]}\n`)
    expect(text).toContain(`AllowedIPs = ${peer[3]}\n`)
    expect(text).toContain(`PersistentKeepalive = ${peer[7]}\n`)
    expect(text).toContain(`ListenPort = ${nasDump[0]![2]}\n`)
  })

  it('sends no keepalives when neither side is behind NAT', () => {
    const open: TunnelPlan = { ...lab, nas: { ...lab.nas, behindNat: false, endpointHost: 'nas.example.org' } }
    expect(tunnelConfText(open, 'nas', OFFSITE_KEY)).not.toContain('PersistentKeepalive')
    expect(tunnelConfText(open, 'offsite', NAS_KEY)).toContain('Endpoint = nas.example.org:51820\n')
  })

  it('brackets an IPv6 endpoint and uses a forwarded port', () => {
    expect(endpointOf({ address: '10.99.0.2', listenPort: 51820, endpointHost: '2001:db8::2', behindNat: false })).toBe('[2001:db8::2]:51820')
    expect(endpointOf({ address: '10.99.0.2', listenPort: 51820, endpointHost: 'box.example.org', endpointPort: 41000, behindNat: true })).toBe('box.example.org:41000')
  })

  it('refuses plans that cannot work or would put syntax into the file', () => {
    expect(() => checkTunnelPlan({ ...lab, offsite: { ...lab.offsite, endpointHost: null } })).toThrow(/neither side can be reached/)
    expect(() => checkTunnelPlan({ ...lab, offsite: { ...lab.offsite, endpointHost: 'box\nPostUp = rm -rf /' } })).toThrow(/endpoint is not a host name/)
    expect(() => checkTunnelPlan({ ...lab, offsite: { ...lab.offsite, address: '10.99.0.256' } })).toThrow(/not an IPv4/)
    expect(() => checkTunnelPlan({ ...lab, nas: { ...lab.nas, listenPort: 70000 } })).toThrow(/not a UDP port/)
    expect(() => checkTunnelPlan({ ...lab, offsite: { ...lab.offsite, address: '10.99.0.1' } })).toThrow(/same tunnel address/)
    expect(() => tunnelConfText(lab, 'nas', 'PublicKey = x\nPostUp = sh')).toThrow(/not a WireGuard public key/)
  })

  it('compares configs by what they say, not by line endings or trailing blanks', () => {
    const text = tunnelConfText(lab, 'nas', OFFSITE_KEY)
    expect(sameConfText(text, text.replace(/\n/g, '\r\n') + '\n\n')).toBe(true)
    expect(sameConfText(text, text.replace('ListenPort = 51820', 'ListenPort = 51820  '))).toBe(true)
    expect(sameConfText(text, text.replace('51820', '51821'))).toBe(false)
  })
})
