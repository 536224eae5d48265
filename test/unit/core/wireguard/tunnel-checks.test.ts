// The tunnel's service, verification and removal commands, on the output the lab's real
// systemctl, wg and ping printed (test/fixtures/wg/).
import { describe, expect, it } from 'vitest'
import { interfaceName } from '../../../../src-main/core/wireguard/interface-name'
import { enableTunnelCommand, parseIsActive, tunnelActiveCommand, disableTunnelCommand } from '../../../../src-main/core/wireguard/tunnel-service'
import {
  checkHandshake,
  latestHandshakesCommand,
  parseLatestHandshakes,
  parsePing,
  pingCommand,
  tunnelProblems,
} from '../../../../src-main/core/wireguard/verify-tunnel'
import { removeTunnelCommands } from '../../../../src-main/core/wireguard/remove-tunnel'
import { chooseListenPort, DEFAULT_LISTEN_PORT } from '../../../../src-main/core/wireguard/listen-port'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { fixture } from '../../../support/fixtures'
import { shellWords } from '../../../support/shell-words'

const name = interfaceName('wg-backup')
const wg = (n: string) => fixture('wg', n)

describe('the tunnel’s systemd unit', () => {
  it('asks whether wg-quick@<name> is active exactly as captured, and reads the answer', () => {
    const f = wg('systemctl-is-active-wg')
    expect([...tunnelActiveCommand(name).argv]).toEqual(shellWords(f.command))
    expect(tunnelActiveCommand(name).successCodes).toContain(f.exitCode)
    expect(parseIsActive(f.stdout)).toBe(true)
  })

  it('enables and starts in one command, and disables and stops in one', () => {
    expect(shellJoin(enableTunnelCommand(name).argv)).toBe('systemctl enable --now wg-quick@wg-backup')
    expect(shellJoin(disableTunnelCommand(name).argv)).toBe('systemctl disable --now wg-quick@wg-backup')
  })
})

describe('verifying the tunnel', () => {
  const handshakes = parseLatestHandshakes(wg('wg-show-latest-handshakes').stdout)
  const [peer, at] = wg('wg-show-latest-handshakes').stdout.trim().split('\t') as [string, string]

  it('reads the latest handshake per peer from captured wg output', () => {
    expect([...latestHandshakesCommand(name).argv]).toEqual(shellWords(wg('wg-show-latest-handshakes').command))
    expect([...handshakes]).toEqual([[peer, Number(at)]])
  })

  it('accepts a handshake at or after the start and refuses an older one or another peer’s', () => {
    expect(checkHandshake(handshakes, peer, Number(at))).toEqual({ ok: true, at: Number(at) })
    expect(checkHandshake(handshakes, peer, Number(at) + 1)).toEqual({ ok: false, reason: 'stale', last: Number(at) })
    const nasKey = wg('wg-show-dump').stdout.split('\t')[1]!
    expect(checkHandshake(handshakes, nasKey, 0)).toEqual({ ok: false, reason: 'peer-missing', last: null })
    expect(checkHandshake(new Map([[peer, null]]), peer, 0)).toEqual({ ok: false, reason: 'never', last: null })
  })

  it('pings across the tunnel as captured and reads replies, or none while the peer is down', () => {
    const up = wg('ping-tunnel')
    expect([...pingCommand('10.99.0.2').argv]).toEqual(shellWords(up.command))
    expect(parsePing(up.stdout)).toEqual({ transmitted: 2, received: 2 })
    const down = wg('ping-tunnel-peer-down')
    // No reply is an answer (exit 1), not a failure to run.
    expect(pingCommand('10.99.0.2').successCodes).toContain(down.exitCode)
    expect(parsePing(down.stdout)).toEqual({ transmitted: 1, received: 0 })
  })

  it('says nothing is wrong when the handshake is fresh and both pings came back', () => {
    const ok = parsePing(wg('ping-tunnel').stdout)
    expect(tunnelProblems({ handshake: { ok: true, at: 1 }, nasToOffsite: ok, offsiteToNas: ok, udpPort: 51820, reachedSide: 'the off-site box' })).toEqual([])
  })

  it('names the port and the host to check when the sides never met', () => {
    const down = parsePing(wg('ping-tunnel-peer-down').stdout)
    const problems = tunnelProblems({ handshake: { ok: false, reason: 'never', last: null }, nasToOffsite: down, offsiteToNas: down, udpPort: 51820, reachedSide: 'the off-site box' })
    expect(problems.map((p) => p.code)).toEqual(['WG_NO_HANDSHAKE', 'WG_PING_FAILED'])
    expect(problems[0]!.fix).toMatch(/UDP port 51820 reaches the off-site box/)
    expect(problems[1]!.cause).toMatch(/in either direction/)
  })

  it('points at a firewall when keys match but one direction is blocked', () => {
    const ok = parsePing(wg('ping-tunnel').stdout)
    const down = parsePing(wg('ping-tunnel-peer-down').stdout)
    const [p] = tunnelProblems({ handshake: { ok: true, at: 1 }, nasToOffsite: ok, offsiteToNas: down, udpPort: 51820, reachedSide: 'the off-site box' })
    expect(p).toMatchObject({ code: 'WG_PING_FAILED' })
    expect(p!.cause).toMatch(/from the off-site box to the NAS/)
    expect(p!.fix).toMatch(/firewall/)
  })
})

describe('removing the tunnel', () => {
  it('stops the unit first, then deletes the config and the key the app made', () => {
    expect(removeTunnelCommands({ name, unitEnabled: true, confFile: true, keyFile: true }).map((c) => shellJoin(c.argv))).toEqual([
      'systemctl disable --now wg-quick@wg-backup',
      'rm -f -- /etc/wireguard/wg-backup.conf',
      'rm -f -- /etc/wireguard/wg-backup.key',
    ])
  })

  it('leaves alone what it found already there', () => {
    expect(removeTunnelCommands({ name, unitEnabled: false, confFile: true, keyFile: false }).map((c) => shellJoin(c.argv))).toEqual(['rm -f -- /etc/wireguard/wg-backup.conf'])
    expect(removeTunnelCommands({ name, unitEnabled: false, confFile: false, keyFile: false })).toEqual([])
  })
})

describe('choosing a listen port', () => {
  it('takes 51820 when free, else the next free one, and keeps the app’s own on a re-run', () => {
    expect(chooseListenPort(new Set([53, 5353]))).toBe(DEFAULT_LISTEN_PORT)
    expect(chooseListenPort(new Set([51820, 51821]))).toBe(51822)
    expect(chooseListenPort(new Set([51820]), { ours: 51820 })).toBe(51820)
    expect(chooseListenPort(new Set(Array.from({ length: 1000 }, (_, i) => 51820 + i)))).toBeNull()
  })
})
