// The transfer rate over time as a small line chart (an SVG polyline, no chart library),
// with a text alternative that says what the line shows.
import { formatRate } from '../format/bytes'
import { formatDuration } from '../format/duration'
import { chartPoints, type RateSample } from '../transfers/rate-samples'

const WIDTH = 300
const HEIGHT = 60

export interface RateChartProps {
  /** Names what the rate belongs to, e.g. "Transfer rate of Photos". */
  readonly label: string
  readonly samples: readonly RateSample[]
}

export function describeRates(samples: readonly RateSample[]): string {
  const last = samples[samples.length - 1]
  const first = samples[0]
  if (!last || !first) return 'no readings yet'
  const peak = Math.max(...samples.map((s) => s.bytesPerSecond))
  const span = (last.at - first.at) / 1000
  return `${span > 0 ? `over the last ${formatDuration(span)}` : 'so far'}: now ${formatRate(last.bytesPerSecond)}, highest ${formatRate(peak)}`
}

export function RateChart({ label, samples }: RateChartProps) {
  const points = chartPoints(samples, WIDTH, HEIGHT)
  const [x = 0, y = HEIGHT] = points.split(',').map(Number)
  return (
    <figure className="rate-chart">
      <svg
        role="img"
        aria-label={`${label}, ${describeRates(samples)}`}
        viewBox={`0 -3 ${WIDTH} ${HEIGHT + 6}`}
        preserveAspectRatio="none"
        className="rate-chart-plot"
      >
        <line x1={0} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} className="rate-chart-axis" />
        <polyline points={points} className="rate-chart-line" vectorEffect="non-scaling-stroke" />
        {/* One reading is no line yet: mark it, so the chart does not look empty. */}
        {samples.length === 1 ? <line x1={x} y1={y} x2={x + 4} y2={y} className="rate-chart-line" vectorEffect="non-scaling-stroke" /> : null}
      </svg>
      <figcaption className="hint" aria-hidden="true">
        Rate {describeRates(samples)}
      </figcaption>
    </figure>
  )
}
