// Preflight before the first send, from the two host probes alone: OpenZFS on both
// sides, pool features a stream may need, resumable receive, encryption (said plainly
// when the off-site box would see the data), free space against the estimate, and the
// tools the tunnel and the runs need. Each finding is a sentence for the person, with a
// fix where there is one; blockers stop the wizard, warnings need a look.
import type { HostProbe, ProbedPool } from '../../shared/model'

export type Severity = 'blocker' | 'warning' | 'info' | 'ok'

export interface Finding {
  readonly id: string
  readonly severity: Severity
  /** One sentence in plain words. */
  readonly title: string
  /** The ZFS terms, for the details panel. */
  readonly detail: string
  readonly fix?: string
}

export interface PreflightInput {
  /** The NAS. */
  readonly source: HostProbe
  /** The off-site box. */
  readonly target: HostProbe
  /** The job's source datasets on the NAS. */
  readonly sources: readonly string[]
  /** With their children. */
  readonly recursive: boolean
  /** The parent dataset on the off-site box. */
  readonly targetParent: string
  /** Bytes the first send will carry (`zfs send -nvP`), or null when not estimated yet. */
  readonly estimateBytes: number | null
  /** Raw sends (-w) are planned. */
  readonly raw: boolean
  /** The wizard makes a WireGuard tunnel (not skipped). */
  readonly tunnel: boolean
}

/**
 * Pool features a send stream can carry and a receiving pool must support
 * (DMU_BACKUP_FEATURE_* in OpenZFS's zfs_ioctl.h): when one is active on the source
 * pool, a stream may need it. Other features (spacemaps, vdev layout, errlog) are local
 * to a pool and never matter to a receive.
 */
export const STREAM_FEATURES = [
  'embedded_data',
  'lz4_compress',
  'zstd_compress',
  'large_blocks',
  'large_dnode',
  'large_microzap',
  'encryption',
  'redacted_datasets',
  'longname',
] as const

const poolOf = (dataset: string) => dataset.split('/')[0]!

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`
const gib = (n: number) => `${(n / 1024 / 1024 / 1024).toFixed(1)} GiB`
const size = (n: number) => (n >= 1024 * 1024 * 1024 ? gib(n) : mib(n))

function compare(a: NonNullable<HostProbe['zfs']>, b: NonNullable<HostProbe['zfs']>): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch
}

function featureFindings(source: ProbedPool, target: ProbedPool, raw: boolean): Finding[] {
  const out: Finding[] = []
  for (const feature of STREAM_FEATURES) {
    if (source.features[feature] !== 'active') continue
    const there = target.features[feature]
    if (there === 'enabled' || there === 'active') continue
    // Raw sends of encrypted data cannot be received without encryption on the target pool.
    const blocking = feature === 'encryption' && raw
    if (there === undefined) {
      out.push({
        id: `feature-missing-${feature}`,
        severity: blocking ? 'blocker' : 'warning',
        title: `The off-site box’s ZFS does not know “${feature}”, which the NAS’s pool ${source.name} uses; copies that rely on it cannot be received.`,
        detail: `feature@${feature} is active on ${source.name} and unknown to pool ${target.name}.`,
        fix: 'Upgrade OpenZFS on the off-site box to at least the NAS’s version.',
      })
    } else {
      out.push({
        id: `feature-disabled-${feature}`,
        severity: blocking ? 'blocker' : 'warning',
        title: `The off-site pool ${target.name} has “${feature}” turned off, which the NAS’s pool ${source.name} uses; copies that rely on it would be refused.`,
        detail: `feature@${feature} is active on ${source.name} and disabled on ${target.name}.`,
        fix: `On the off-site box: zpool set feature@${feature}=enabled ${target.name}`,
      })
    }
  }
  return out
}

/** The datasets the job carries: the sources, and their children when recursive. */
function carried(probe: HostProbe, sources: readonly string[], recursive: boolean) {
  return probe.datasets.filter((d) => sources.some((s) => d.name === s || (recursive && d.name.startsWith(`${s}/`))))
}

export function preflight(input: PreflightInput): Finding[] {
  const { source, target } = input
  const findings: Finding[] = []

  // OpenZFS on both sides.
  if (source.zfs === null || target.zfs === null) {
    for (const [probe, who] of [
      [source, 'the NAS'],
      [target, 'the off-site box'],
    ] as const) {
      if (probe.zfs === null) {
        findings.push({ id: `zfs-missing-${who === 'the NAS' ? 'nas' : 'offsite'}`, severity: 'blocker', title: `OpenZFS was not found on ${who}.`, detail: 'zfs version did not answer.', fix: `Install OpenZFS on ${who} (zfsutils-linux on Debian).` })
      }
    }
    return findings
  }
  const newer = compare(source.zfs, target.zfs) > 0
  findings.push(
    newer
      ? {
          id: 'versions',
          severity: 'info',
          title: `The NAS runs a newer OpenZFS (${source.zfs.userland}) than the off-site box (${target.zfs.userland}): copies can only use what the older one knows, checked below.`,
          detail: `sender ${source.zfs.userland}, receiver ${target.zfs.userland}`,
        }
      : { id: 'versions', severity: 'ok', title: `OpenZFS ${source.zfs.userland} on the NAS, ${target.zfs.userland} on the off-site box.`, detail: 'The receiver is as new as the sender or newer.' },
  )

  // The target pool and the datasets.
  const targetPool = target.pools.find((p) => p.name === poolOf(input.targetParent))
  if (!targetPool) {
    findings.push({
      id: 'target-pool-missing',
      severity: 'blocker',
      title: `The off-site box has no pool named ${poolOf(input.targetParent)}.`,
      detail: `pools there: ${target.pools.map((p) => p.name).join(', ') || 'none'}`,
      fix: 'Choose a parent dataset in one of its pools, or create a pool first.',
    })
  }
  const missing = input.sources.filter((s) => !source.datasets.some((d) => d.name === s))
  if (missing.length > 0) {
    findings.push({ id: 'source-missing', severity: 'blocker', title: `Not found on the NAS: ${missing.join(', ')}.`, detail: 'Not in the probe’s dataset list.', fix: 'Refresh the NAS’s details, or choose other datasets.' })
  }
  const datasets = carried(source, input.sources, input.recursive)

  // Pool features a stream may need.
  if (targetPool) {
    const sourcePools = new Set(input.sources.map(poolOf))
    for (const p of source.pools.filter((x) => sourcePools.has(x.name))) findings.push(...featureFindings(p, targetPool, input.raw))

    // Resumable receive (-s) keeps its token in an extensible dataset.
    const ext = targetPool.features['extensible_dataset']
    if (ext === 'enabled' || ext === 'active') {
      findings.push({ id: 'resume', severity: 'ok', title: 'An interrupted copy can continue where it stopped.', detail: `feature@extensible_dataset is ${ext} on ${targetPool.name}.` })
    } else {
      findings.push({
        id: 'resume',
        severity: 'blocker',
        title: `The off-site pool ${targetPool.name} cannot keep a partly received copy, so an interrupted copy would start over — and the app’s resumable receive is refused.`,
        detail: `feature@extensible_dataset is ${ext ?? 'unknown'} on ${targetPool.name}; zfs receive -s needs it.`,
        fix: ext === 'disabled' ? `On the off-site box: zpool set feature@extensible_dataset=enabled ${targetPool.name}` : 'Upgrade OpenZFS on the off-site box.',
      })
    }

    // Space against the estimate.
    if (input.estimateBytes === null || targetPool.freeBytes === null) {
      findings.push({ id: 'space', severity: 'info', title: 'The size of the first copy is not known yet; it is estimated before it starts.', detail: `free on ${targetPool.name}: ${targetPool.freeBytes === null ? 'unknown' : size(targetPool.freeBytes)}` })
    } else if (input.estimateBytes > targetPool.freeBytes) {
      findings.push({
        id: 'space',
        severity: 'blocker',
        title: `The first copy (about ${size(input.estimateBytes)}) does not fit: the off-site pool has ${size(targetPool.freeBytes)} free.`,
        detail: `estimate ${input.estimateBytes} B, free ${targetPool.freeBytes} B on ${targetPool.name}`,
        fix: 'Free space or add disks on the off-site box, or copy fewer datasets.',
      })
    } else if (input.estimateBytes > 0.8 * targetPool.freeBytes) {
      findings.push({
        id: 'space',
        severity: 'warning',
        title: `The first copy (about ${size(input.estimateBytes)}) leaves little room: the off-site pool has ${size(targetPool.freeBytes)} free, and later copies need more.`,
        detail: `estimate ${input.estimateBytes} B, free ${targetPool.freeBytes} B on ${targetPool.name}; a pool over about 80% full slows down.`,
      })
    } else {
      findings.push({ id: 'space', severity: 'ok', title: `The first copy (about ${size(input.estimateBytes)}) fits in the ${size(targetPool.freeBytes)} free off-site.`, detail: `estimate ${input.estimateBytes} B, free ${targetPool.freeBytes} B` })
    }
  }

  // Encryption: who can read the copy.
  const plain = datasets.filter((d) => d.encryption === 'off')
  const encrypted = datasets.filter((d) => d.encryption !== 'off')
  if (plain.length > 0) {
    findings.push({
      id: 'plaintext',
      severity: 'warning',
      title: `Not encrypted on the NAS, so whoever runs the off-site box can read it: ${plain.map((d) => d.name).join(', ')}.`,
      detail: 'encryption=off: the stream and the copy off-site hold the data as it is.',
      fix: 'To keep it private, move the data into an encrypted dataset on the NAS first (zfs create -o encryption=on -o keyformat=passphrase …), then copy that.',
    })
  }
  if (encrypted.length > 0) {
    findings.push(
      input.raw
        ? { id: 'encrypted', severity: 'ok', title: 'Encrypted data stays encrypted off-site; the key never leaves the NAS.', detail: `raw sends (-w) of ${encrypted.map((d) => d.name).join(', ')}` }
        : {
            id: 'encrypted',
            severity: 'warning',
            title: `Encrypted on the NAS but sent decrypted, so the off-site box can read it: ${encrypted.map((d) => d.name).join(', ')}.`,
            detail: 'A non-raw send of an encrypted dataset carries the data decrypted (sanoid#548).',
            fix: 'Use raw sends for this job.',
          },
    )
  }
  if (input.raw) {
    findings.push({ id: 'compression', severity: 'info', title: 'Raw copies travel as stored on the NAS (compressed and encrypted), so no compression step is added.', detail: 'zfs send -w carries blocks as they are on disk.' })
  }

  // Tools.
  const has = (probe: HostProbe, tool: string) => typeof probe.tools[tool] === 'string' && probe.tools[tool] !== ''
  if (input.tunnel) {
    for (const [probe, who, id] of [
      [source, 'the NAS', 'nas'],
      [target, 'the off-site box', 'offsite'],
    ] as const) {
      if (!has(probe, 'wg')) {
        findings.push({ id: `wg-missing-${id}`, severity: 'blocker', title: `WireGuard is not installed on ${who}.`, detail: 'wg was not found on the PATH.', fix: `Install it on ${who} (wireguard-tools on Debian).` })
      }
    }
  }
  if (!source.systemd && !has(source, 'setsid')) {
    findings.push({ id: 'detach-missing', severity: 'blocker', title: 'The NAS can start a copy that outlives the app neither with systemd nor with setsid.', detail: 'no systemd, no setsid', fix: 'Install util-linux on the NAS.' })
  }
  const shaping = [has(source, 'pv') ? null : 'pv', has(source, 'mbuffer') ? null : 'mbuffer'].filter((t): t is string => t !== null)
  if (shaping.length > 0) {
    findings.push({
      id: 'shaping-tools',
      severity: 'info',
      title: shaping.length === 2 ? 'Without pv or mbuffer on the NAS, copies cannot be slowed down to spare the internet line.' : `${shaping[0]} is not installed on the NAS; ${shaping[0] === 'pv' ? 'a rate limit is applied by mbuffer instead' : 'the copy has no buffer to smooth bursts'}.`,
      detail: `missing on the NAS: ${shaping.join(', ')}`,
      fix: `Install ${shaping.join(' and ')} on the NAS.`,
    })
  }
  return findings
}

export function preflightSummary(findings: readonly Finding[]): { readonly blockers: number; readonly warnings: number } {
  return { blockers: findings.filter((f) => f.severity === 'blocker').length, warnings: findings.filter((f) => f.severity === 'warning').length }
}
