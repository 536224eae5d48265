// Preflight from two host probes, parsed from the lab's captured probe output
// (test/fixtures/probe/). Where a case needs a host the lab does not have (an older
// receiver, a feature turned off), the captured probe is taken and the one fact named in
// the test is changed — the older receiver's pool and version are the captured OpenZFS
// 2.1 output (test/fixtures/zfs-2.1/).
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { preflight, preflightSummary, type PreflightInput, type Finding } from '../../../../src-main/core/wizard/preflight'
import { parseProbe } from '../../../../src-main/core/hosts/probe'
import { parsePoolProperties } from '../../../../src-main/core/zfs/pool-properties'
import { parseZfsVersion } from '../../../../src-main/core/zfs/zfs-version'
import type { HostProbe } from '../../../../src-main/shared/model'
import { fixture } from '../../../support/fixtures'

const dir = resolve(import.meta.dirname, '../../../fixtures/probe')
const probe = (name: string): HostProbe => parseProbe(readFileSync(join(dir, `${name}.stdout`), 'utf8'), '2026-11-28T00:00:00.000Z')
const nas = probe('nas-root')
const offsite = probe('offsite-root')

const base: PreflightInput = {
  source: nas,
  target: offsite,
  sources: ['tank/probe-plain', 'tank/probe-secret'],
  recursive: true,
  targetParent: 'backup/nas',
  estimateBytes: 1024 * 1024,
  raw: true,
  tunnel: true,
}
const byId = (findings: Finding[], id: string) => findings.find((f) => f.id === id)

/** The lab's off-site box as if it ran OpenZFS 2.1: the pool and version captured from 2.1, renamed to its pool. */
function olderOffsite(): HostProbe {
  const pool = parsePoolProperties(fixture('zfs-2.1', 'zpool-get-all').stdout)
  const v = parseZfsVersion(fixture('zfs-2.1', 'zfs-version').stdout)
  return {
    ...offsite,
    zfs: { userland: v.userland.full, kernel: v.kernel?.full ?? null, major: v.userland.major, minor: v.userland.minor, patch: v.userland.patch },
    pools: [{ name: 'backup', health: pool.health, sizeBytes: pool.sizeBytes, freeBytes: pool.freeBytes, allocatedBytes: pool.allocatedBytes, features: Object.fromEntries(pool.features) }],
  }
}

function withFeature(p: HostProbe, pool: string, feature: string, state: 'disabled' | 'enabled' | 'active' | null): HostProbe {
  return {
    ...p,
    pools: p.pools.map((x) => {
      if (x.name !== pool) return x
      const features = { ...x.features }
      if (state === null) delete features[feature]
      else features[feature] = state
      return { ...x, features }
    }),
  }
}

describe('preflight between the lab’s NAS and off-site box', () => {
  it('finds nothing blocking, and says plainly which dataset the off-site box can read', () => {
    const findings = preflight(base)
    expect(preflightSummary(findings)).toEqual({ blockers: 0, warnings: 1 })
    expect(byId(findings, 'plaintext')!.title).toBe('Not encrypted on the NAS, so whoever runs the off-site box can read it: tank/probe-plain.')
    expect(byId(findings, 'encrypted')).toMatchObject({ severity: 'ok', detail: 'raw sends (-w) of tank/probe-secret, tank/probe-secret/child' })
    expect(byId(findings, 'resume')).toMatchObject({ severity: 'ok' })
    expect(byId(findings, 'versions')).toMatchObject({ severity: 'ok', title: 'OpenZFS 2.3.2-2~bpo12+2 on the NAS, 2.3.2-2~bpo12+2 on the off-site box.' })
    expect(byId(findings, 'space')).toMatchObject({ severity: 'ok' })
    expect(findings.filter((f) => f.id.startsWith('feature-'))).toEqual([])
  })

  it('warns that an encrypted dataset sent without raw is readable off-site', () => {
    expect(byId(preflight({ ...base, raw: false }), 'encrypted')).toMatchObject({ severity: 'warning', fix: 'Use raw sends for this job.' })
  })
})

describe('a NAS newer than the off-site box', () => {
  it('says so, and compares only the features a stream can carry (none missing for the lab’s pools)', () => {
    const findings = preflight({ ...base, target: olderOffsite() })
    expect(byId(findings, 'versions')).toMatchObject({ severity: 'info' })
    expect(byId(findings, 'versions')!.title).toMatch(/newer OpenZFS \(2\.3\.2-2~bpo12\+2\) than the off-site box \(2\.1\.11-1\+deb12u1\)/)
    // Pool-local features the 2.1 pool lacks (head_errlog, vdev_zaps_v2) are not findings.
    expect(findings.filter((f) => f.id.startsWith('feature-'))).toEqual([])
    expect(preflightSummary(findings).blockers).toBe(0)
  })

  it('warns about a stream feature in use on the NAS that the older box does not know', () => {
    const findings = preflight({ ...base, source: withFeature(nas, 'tank', 'longname', 'active'), target: olderOffsite() })
    expect(byId(findings, 'feature-missing-longname')).toMatchObject({ severity: 'warning', fix: 'Upgrade OpenZFS on the off-site box to at least the NAS’s version.' })
  })

  it('blocks raw sends into a pool with encryption turned off, and says how to turn it on', () => {
    const findings = preflight({ ...base, target: withFeature(offsite, 'backup', 'encryption', 'disabled') })
    expect(byId(findings, 'feature-disabled-encryption')).toMatchObject({ severity: 'blocker', fix: 'On the off-site box: zpool set feature@encryption=enabled backup' })
    expect(byId(preflight({ ...base, raw: false, target: withFeature(offsite, 'backup', 'encryption', 'disabled') }), 'feature-disabled-encryption')!.severity).toBe('warning')
  })
})

describe('resume, space and tools', () => {
  it('blocks when the target pool cannot keep a partial receive', () => {
    expect(byId(preflight({ ...base, target: withFeature(offsite, 'backup', 'extensible_dataset', 'disabled') }), 'resume')).toMatchObject({
      severity: 'blocker',
      fix: 'On the off-site box: zpool set feature@extensible_dataset=enabled backup',
    })
    expect(byId(preflight({ ...base, target: withFeature(offsite, 'backup', 'extensible_dataset', null) }), 'resume')!.fix).toMatch(/Upgrade OpenZFS/)
  })

  it('compares the estimate with the free space of the target pool', () => {
    const free = offsite.pools.find((p) => p.name === 'backup')!.freeBytes!
    expect(byId(preflight({ ...base, estimateBytes: free + 1 }), 'space')).toMatchObject({ severity: 'blocker' })
    expect(byId(preflight({ ...base, estimateBytes: Math.floor(free * 0.9) }), 'space')).toMatchObject({ severity: 'warning' })
    expect(byId(preflight({ ...base, estimateBytes: null }), 'space')).toMatchObject({ severity: 'info' })
    expect(byId(preflight({ ...base, estimateBytes: free + 1 }), 'space')!.title).toMatch(/does not fit: the off-site pool has 3\.7 GiB free/)
  })

  it('blocks on a host without OpenZFS, from the captured probe of one', () => {
    const findings = preflight({ ...base, source: probe('nas-no-zfs-on-path') })
    expect(findings).toEqual([expect.objectContaining({ id: 'zfs-missing-nas', severity: 'blocker' })])
  })

  it('blocks when WireGuard is missing on a side and a tunnel is to be made, not otherwise', () => {
    const noWg: HostProbe = { ...offsite, tools: { ...offsite.tools, wg: null } }
    expect(byId(preflight({ ...base, target: noWg }), 'wg-missing-offsite')).toMatchObject({ severity: 'blocker', fix: 'Install it on the off-site box (wireguard-tools on Debian).' })
    expect(byId(preflight({ ...base, target: noWg, tunnel: false }), 'wg-missing-offsite')).toBeUndefined()
  })

  it('notes what a NAS without pv or mbuffer cannot do', () => {
    expect(byId(preflight(base), 'shaping-tools')).toBeUndefined()
    const bare: HostProbe = { ...nas, tools: { ...nas.tools, pv: null, mbuffer: null } }
    expect(byId(preflight({ ...base, source: bare }), 'shaping-tools')).toMatchObject({ severity: 'info', fix: 'Install pv and mbuffer on the NAS.' })
  })

  it('blocks on a parent in a pool the off-site box does not have, or a source the NAS does not have', () => {
    const findings = preflight({ ...base, targetParent: 'vault/nas', sources: ['tank/probe-plain', 'tank/gone'] })
    expect(byId(findings, 'target-pool-missing')).toMatchObject({ severity: 'blocker', detail: 'pools there: backup' })
    expect(byId(findings, 'source-missing')!.title).toBe('Not found on the NAS: tank/gone.')
  })
})
