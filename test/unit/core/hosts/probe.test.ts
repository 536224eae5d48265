// The probe parser on output captured from the lab VMs (test/fixtures/probe/, made by
// test/lab/hosts-capture-probe.ts), and the probe command it was captured with.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllow, parseProbe, probeCommand, ProbeParseError, PROBE_TOOLS } from '../../../../src-main/core/hosts/probe'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { HostProbeSchema } from '../../../../src-main/shared/model'

const dir = resolve(import.meta.dirname, '../../../fixtures/probe')
const stdout = (name: string) => readFileSync(join(dir, `${name}.stdout`), 'utf8')
const meta = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { command: string; zfsVersion: string }
const AT = '2026-11-28T00:00:00.000Z'

describe('host probe', () => {
  it('is the very command the fixtures were captured with', () => {
    expect(meta('nas-root').command).toBe(shellJoin(probeCommand().argv))
    expect(meta('offsite-root').command).toBe(shellJoin(probeCommand().argv))
  })

  it('reads the NAS as root: OS, OpenZFS, pool with features, tools, systemd, root login', () => {
    const p = parseProbe(stdout('nas-root'), AT)
    expect(HostProbeSchema.parse(p)).toEqual(p)
    expect(p.problems).toEqual([])
    expect(p.os).toMatchObject({ name: 'Debian GNU/Linux 12 (bookworm)', id: 'debian', version: '12' })
    expect(p.os.kernel).toMatch(/^Linux 6\.1\./)
    expect(`zfs-${p.zfs?.userland}`).toBe(meta('nas-root').zfsVersion.split('\n')[0])
    expect(p.zfs).toMatchObject({ major: 2, minor: 3 })
    const tank = p.pools.find((x) => x.name === 'tank')!
    expect(tank.health).toBe('ONLINE')
    expect(tank.sizeBytes).toBeGreaterThan(tank.freeBytes!)
    expect(tank.features['encryption']).toBe('active')
    expect(Object.keys(tank.features).length).toBeGreaterThan(30)
    for (const t of PROBE_TOOLS) expect(p.tools[t], t).toMatch(/^\//)
    expect(p.systemd).toBe(true)
    expect(p.login).toMatchObject({ user: 'root', uid: 0, isRoot: true, sudo: 'root' })
  })

  it('reads datasets with encryption roots, key status, snapshot counts and the newest snapshot', () => {
    const p = parseProbe(stdout('nas-root'), AT)
    const ds = (name: string) => p.datasets.find((d) => d.name === name)
    expect(ds('tank')).toMatchObject({ type: 'filesystem', encryption: 'off', encryptionRoot: null, keyStatus: null })
    expect(ds('tank/probe-plain')).toMatchObject({ snapshotCount: 2, newestSnapshot: { name: 'two' }, encryption: 'off' })
    expect(ds('tank/probe-secret')).toMatchObject({
      encryption: 'aes-256-gcm',
      encryptionRoot: 'tank/probe-secret',
      keyStatus: 'available',
      snapshotCount: 1,
      newestSnapshot: { name: 's1' },
    })
    expect(ds('tank/probe-secret/child')).toMatchObject({ encryptionRoot: 'tank/probe-secret', snapshotCount: 1 })
    expect(ds('tank/probe-plain')!.newestSnapshot!.creation).toBeGreaterThan(1_700_000_000)
  })

  it('reads the off-site box as the receive user: not root, no sudo, its delegated rights', () => {
    const p = parseProbe(stdout('offsite-receive-user'), AT)
    expect(p.login).toMatchObject({ user: 'zfsreceive', isRoot: false, sudo: 'no' })
    expect(p.login.uid).toBeGreaterThan(0)
    expect(p.login.delegations).toContainEqual({ dataset: 'backup', who: 'user zfsreceive', permissions: ['create', 'mount', 'receive'] })
    expect(p.pools.map((x) => x.name)).toContain('backup')
  })

  it('reports a host without OpenZFS on the PATH as problems, keeping what it could read', () => {
    const p = parseProbe(stdout('nas-no-zfs-on-path'), AT)
    expect(p.zfs).toBeNull()
    expect(p.pools).toEqual([])
    expect(p.datasets).toEqual([])
    expect(p.problems.map((x) => x.section)).toEqual(expect.arrayContaining(['zfs-version', 'datasets']))
    expect(p.problems.find((x) => x.section === 'zfs-version')!.message).toContain('zfs: not found')
    expect(p.os.id).toBe('debian')
    expect(p.tools['zfs']).toBeNull()
  })

  it('refuses output that is not the probe’s', () => {
    expect(() => parseProbe('Welcome to my shell\n', AT)).toThrow(ProbeParseError)
  })

  it('reads zfs allow blocks for users, groups and everyone', () => {
    const text = '---- Permissions on tank/a ----\nLocal+Descendent permissions:\n\tgroup staff snapshot,hold\n\teveryone send\n'
    expect(parseAllow(text)).toEqual([
      { dataset: 'tank/a', who: 'group staff', permissions: ['snapshot', 'hold'] },
      { dataset: 'tank/a', who: 'everyone', permissions: ['send'] },
    ])
  })
})
