// `zpool get -Hp all <pool>`: a pool's properties and feature flags in one call.
// Feature states: disabled (off), enabled (on, not used yet), active (in use on disk).
import type { CommandSpec } from './command'
import type { PoolName } from './names'

export type FeatureState = 'disabled' | 'enabled' | 'active'

export interface PoolProperties {
  readonly pool: PoolName
  readonly health: string
  readonly sizeBytes: number | null
  readonly freeBytes: number | null
  readonly allocatedBytes: number | null
  /** Every property as printed, '-' kept as null. */
  readonly properties: ReadonlyMap<string, string | null>
  readonly features: ReadonlyMap<string, FeatureState>
}

export function poolPropertiesCommand(pool: PoolName): CommandSpec {
  return { argv: ['zpool', 'get', '-Hp', 'all', pool], successCodes: [0] }
}

const toNumber = (v: string | null | undefined): number | null => (v === null || v === undefined || !/^\d+$/.test(v) ? null : Number(v))

export function parsePoolProperties(stdout: string): PoolProperties {
  const properties = new Map<string, string | null>()
  const features = new Map<string, FeatureState>()
  let pool = ''
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const f = line.split('\t')
    if (f.length < 3) throw new Error(`zpool get: unexpected line ${JSON.stringify(line)}`)
    pool = f[0]!
    const name = f[1]!
    const value = f[2] === '-' ? null : f[2]!
    properties.set(name, value)
    if (name.startsWith('feature@') && (value === 'disabled' || value === 'enabled' || value === 'active')) {
      features.set(name.slice('feature@'.length), value)
    }
  }
  if (pool === '') throw new Error('zpool get printed nothing')
  return {
    pool: pool as PoolName,
    health: properties.get('health') ?? 'UNKNOWN',
    sizeBytes: toNumber(properties.get('size')),
    freeBytes: toNumber(properties.get('free')),
    allocatedBytes: toNumber(properties.get('allocated')),
    properties,
    features,
  }
}

/**
 * Features the target pool lacks that are active on the source pool: a stream using
 * them may not be receivable there.
 */
export function missingFeatures(source: PoolProperties, target: PoolProperties): string[] {
  const missing: string[] = []
  for (const [name, state] of source.features) {
    if (state !== 'active') continue
    if (!target.features.has(name)) missing.push(name)
  }
  return missing.sort()
}
