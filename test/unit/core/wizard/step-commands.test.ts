// "What this runs, on which host": the exact command lines each step shows, built by the
// same functions the services run.
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { tunnelStepCommands, receiveUserStepCommands, destinationStepCommands, preflightStepCommands, asRoot, type ShownCommand } from '../../../../src-main/core/wizard/step-commands'
import { interfaceName } from '../../../../src-main/core/wireguard/interface-name'
import type { TunnelPlan } from '../../../../src-main/core/wireguard/tunnel-config'
import { datasetName, poolName } from '../../../../src-main/core/zfs/names'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { fixture } from '../../../support/fixtures'

const [nasKey, offsiteKey] = ((d) => [d[0]![1]!, d[1]![0]!])(fixture('wg', 'wg-show-dump').stdout.trim().split('\n').map((l) => l.split('\t')))
const plan: TunnelPlan = {
  name: interfaceName('wg-zfs-offsite'),
  prefixLength: 30,
  nas: { address: '10.99.0.1', listenPort: 51820, endpointHost: null, behindNat: true },
  offsite: { address: '10.99.0.2', listenPort: 51820, endpointHost: 'box.example.org', behindNat: false },
}
const on = (list: ShownCommand[], host: 'nas' | 'offsite') => list.filter((c) => c.host === host).map((c) => c.command)

/** The argv a shown command line stands for, split by the real sh. */
const words = (line: string) => {
  const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
  return r.stdout.split('\0').slice(0, -1)
}

describe('the tunnel step shows', () => {
  const shown = tunnelStepCommands({ plan })

  it('the checks, key, config, unit and verification on each host, in order', () => {
    expect(on(shown, 'nas').filter((_, i) => shown.filter((c) => c.host === 'nas')[i]!.kind === 'change')).toEqual([
      expect.stringMatching(/^sh -c .*wg genkey.* sh \/etc\/wireguard\/wg-zfs-offsite\.key$/s),
      expect.stringMatching(/^sh -c .* sh \/etc\/wireguard\/wg-zfs-offsite\.conf create /s),
      'systemctl enable --now wg-quick@wg-zfs-offsite',
    ])
    expect(on(shown, 'nas')).toContain('ping -c2 -W5 10.99.0.2')
    expect(on(shown, 'offsite')).toContain('ping -c2 -W5 10.99.0.1')
    expect(on(shown, 'offsite')).toContain('ip -j -4 route show table all')
    expect(on(shown, 'offsite')).toContain('ss -Hlun')
  })

  it('lines the real shell reads back as the argv the app runs', () => {
    const key = shown.find((c) => c.host === 'offsite' && c.purpose.startsWith('make this host'))!
    expect(words(key.command)[0]).toBe('sh')
    expect(words(key.command).at(-1)).toBe('/etc/wireguard/wg-zfs-offsite.key')
  })

  it('the config each host gets, with where the peer’s key goes until it is read back, and never a private key', () => {
    const conf = shown.find((c) => c.host === 'nas' && c.purpose.startsWith('write'))!
    expect(conf.input).toContain('PublicKey = (the public key of the off-site box, read back when it is made)\n')
    expect(conf.input).toContain('Endpoint = box.example.org:51820\n')
    const known = tunnelStepCommands({ plan, nasPublicKey: nasKey, offsitePublicKey: offsiteKey })
    expect(known.find((c) => c.host === 'offsite' && c.purpose.startsWith('write'))!.input).toContain(`PublicKey = ${nasKey}\n`)
    // What travels to a host on stdin never holds a private key (the read-back script only names one, to mask it).
    for (const c of known) expect(c.input ?? '').not.toMatch(/PrivateKey/i)
  })
})

describe('the receive user and destination steps show', () => {
  it('the key made on the NAS, the user, the exact key line and the pinned host key', () => {
    const shown = receiveUserStepCommands({ user: 'zfsreceive', nasAddress: '10.99.0.1', offsiteAddress: '10.99.0.2', offsitePort: 22 })
    expect(shown.map((c) => [c.host, c.kind])).toEqual([
      ['nas', 'change'],
      ['offsite', 'change'],
      ['offsite', 'check'],
      ['offsite', 'change'],
      ['offsite', 'check'],
      ['nas', 'check'],
      ['nas', 'change'],
    ])
    expect(shown[3]!.input).toMatch(/^restrict,from="10\.99\.0\.1",command="\/usr\/local\/libexec\/zfs-offsite\/receive-only" ssh-ed25519 .* zfs-offsite$/)
    expect(shown[4]!.command).toBe('cat /etc/ssh/ssh_host_ed25519_key.pub')
  })

  it('the parent, the wrapper script itself, the rights, and the attempts that must be refused', () => {
    const shown = destinationStepCommands({
      user: 'zfsreceive',
      parent: datasetName('backup/nas'),
      permissions: ['create', 'mount', 'receive'],
      receiver: { user: 'zfsreceive', host: '10.99.0.2', port: 22 },
      probeSnapshot: 'backup/nas/photos@s1',
    })
    const offsite = shown.filter((c) => c.host === 'offsite')
    expect(offsite.find((c) => c.purpose.startsWith('install'))!.input).toMatch(/^#!\/bin\/bash -p\n/)
    expect(offsite.map((c) => c.command)).toContain('zfs allow -u zfsreceive create,mount,receive backup/nas')
    const attempts = shown.filter((c) => c.host === 'nas')
    expect(attempts.map((c) => c.purpose)).toEqual([
      'prove the NAS’s key cannot destroy an off-site snapshot (it must be refused)',
      'prove the NAS’s key cannot roll the off-site copy back (it must be refused)',
      'prove the NAS’s key cannot receive with -F (which may roll back and destroy) (it must be refused)',
      'prove the NAS’s key cannot open a shell (it must be refused)',
    ])
    expect(words(attempts[0]!.command)).toEqual([
      'ssh', '-o', 'BatchMode=yes', '-o', 'ServerAliveInterval=15', '-p', '22',
      '-o', 'StrictHostKeyChecking=yes', '-o', 'UserKnownHostsFile=/var/lib/zfs-offsite/ssh/known_hosts', '-o', 'IdentitiesOnly=yes', '-i', '/var/lib/zfs-offsite/ssh/receive_ed25519',
      'zfsreceive@10.99.0.2', '--', 'zfs destroy backup/nas/photos@s1',
    ])
  })

  it('a new pool first when one is asked for, on the disk’s by-id name, after reading the disks again', () => {
    const shown = destinationStepCommands({
      user: 'zfsreceive',
      parent: datasetName('copies/nas'),
      permissions: ['create', 'mount', 'receive'],
      receiver: { user: 'zfsreceive', host: '10.99.0.2', port: 22 },
      probeSnapshot: 'copies/nas/probe@s1',
      createPool: { pool: poolName('copies'), diskId: 'virtio-spare' },
    })
    expect(shown[0]).toMatchObject({ host: 'offsite', kind: 'check' })
    expect(shown[1]).toMatchObject({ host: 'offsite', kind: 'change', purpose: 'make the pool copies on virtio-spare (everything on that disk is erased)' })
    expect(words(shown[1]!.command)).toEqual(['zpool', 'create', '-o', 'ashift=12', '-O', 'compression=lz4', '-O', 'canmount=off', '-O', 'mountpoint=none', 'copies', '/dev/disk/by-id/virtio-spare'])
    expect(shown[2]!.purpose).toMatch(/^use copies\/nas/)
  })

  it('the probe on both hosts for the preflight', () => {
    expect(preflightStepCommands().map((c) => c.host)).toEqual(['nas', 'offsite'])
  })
})

describe('commands as root', () => {
  it('run as they are for root, through sudo -n where that works, and not at all otherwise', () => {
    const spec = { argv: ['systemctl', 'enable', '--now', 'wg-quick@wg0'], successCodes: [0] }
    expect(asRoot(spec, 'root')).toBe(spec)
    expect(shellJoin(asRoot(spec, 'nopasswd').argv)).toBe('sudo -n -- systemctl enable --now wg-quick@wg0')
    expect(() => asRoot(spec, 'no')).toThrow(/neither directly nor through sudo/)
  })
})
