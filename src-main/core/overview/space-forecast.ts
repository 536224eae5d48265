// Free space on the off-site box and how long it lasts at the current growth, from a few
// (time, used) samples of the job's target dataset. The growth is a least-squares line
// through the samples, so one large first send or one prune does not decide it alone.
import { bytesWords } from './words'
import { spanWords } from '../../shared/span-words'

export interface SpaceSample {
  /** Seconds since the epoch. */
  readonly at: number
  /** Bytes used (zfs `used` of the job's target dataset). */
  readonly used: number
}

export interface SpaceInput {
  /** Bytes still free for the target (zfs `available`). */
  readonly available: number
  readonly samples: readonly SpaceSample[]
  /** Warn when space lasts less than this; default 30 days. */
  readonly warnWithinSeconds?: number
  /** Alarm when it lasts less than this; default 7 days. */
  readonly criticalWithinSeconds?: number
}

export type SpaceLevel = 'ok' | 'warning' | 'critical' | 'unknown'

export interface SpaceForecast {
  readonly level: SpaceLevel
  readonly availableBytes: number
  /** Null until the samples span at least an hour. */
  readonly growthBytesPerDay: number | null
  /** How long the free space lasts at that growth; null when it is not growing (or unknown). */
  readonly lastsSeconds: number | null
  readonly words: string
}

const DAY = 86400
/** Samples closer together than this say nothing about growth. */
const MIN_SPAN = 3600

/** Bytes per second by least squares; null with fewer than two samples or too short a span. */
export function growthRate(samples: readonly SpaceSample[]): number | null {
  if (samples.length < 2) return null
  const t0 = Math.min(...samples.map((s) => s.at))
  const span = Math.max(...samples.map((s) => s.at)) - t0
  if (span < MIN_SPAN) return null
  const n = samples.length
  const mx = samples.reduce((a, s) => a + (s.at - t0), 0) / n
  const my = samples.reduce((a, s) => a + s.used, 0) / n
  let num = 0
  let den = 0
  for (const s of samples) {
    num += (s.at - t0 - mx) * (s.used - my)
    den += (s.at - t0 - mx) ** 2
  }
  return den === 0 ? null : num / den
}

export function spaceForecast(input: SpaceInput): SpaceForecast {
  const free = `${bytesWords(input.available)} free on the off-site box`
  const rate = growthRate(input.samples)
  if (rate === null) return { level: 'unknown', availableBytes: input.available, growthBytesPerDay: null, lastsSeconds: null, words: `${free}; how fast it fills is known after a few backups.` }
  const perDay = rate * DAY
  // Less than a kilobyte a day is no growth worth forecasting.
  if (perDay < 1000) return { level: 'ok', availableBytes: input.available, growthBytesPerDay: perDay, lastsSeconds: null, words: `${free}; the backup is not growing.` }
  const lasts = input.available / rate
  const warn = input.warnWithinSeconds ?? 30 * DAY
  const critical = input.criticalWithinSeconds ?? 7 * DAY
  const level: SpaceLevel = lasts <= critical ? 'critical' : lasts <= warn ? 'warning' : 'ok'
  return {
    level,
    availableBytes: input.available,
    growthBytesPerDay: perDay,
    lastsSeconds: lasts,
    words: `${free}; at the current growth (${bytesWords(perDay)} a day) it lasts about ${spanWords(lasts)}.`,
  }
}
