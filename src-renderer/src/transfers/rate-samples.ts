// The transfer rate over time, kept in memory for the rate chart: one sample per
// progress report, oldest dropped once the window is full.

export interface RateSample {
  /** Milliseconds since the epoch: the report's own time when it has one. */
  readonly at: number
  readonly bytesPerSecond: number
}

/** Ten minutes of reports at the services' one a second. */
export const MAX_SAMPLES = 600

export function addRateSample(samples: readonly RateSample[], next: RateSample, max = MAX_SAMPLES): RateSample[] {
  const last = samples[samples.length - 1]
  // A report for the same instant replaces the last one; one from the past (a late
  // reply to listActiveRuns) would draw the line backwards and is dropped.
  if (last && next.at < last.at) return [...samples]
  const kept = last && next.at === last.at ? samples.slice(0, -1) : samples
  return [...kept, next].slice(-max)
}

/** The polyline's points in a width × height box: time left to right, rate bottom to top. */
export function chartPoints(samples: readonly RateSample[], width: number, height: number): string {
  if (samples.length === 0) return ''
  const first = samples[0]?.at ?? 0
  const span = (samples[samples.length - 1]?.at ?? first) - first
  const peak = Math.max(...samples.map((s) => s.bytesPerSecond))
  return samples
    .map((s, i) => {
      const x = span > 0 ? ((s.at - first) / span) * width : samples.length > 1 ? (i / (samples.length - 1)) * width : 0
      const y = peak > 0 ? height - (s.bytesPerSecond / peak) * height : height
      return `${round(x)},${round(y)}`
    })
    .join(' ')
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}
