// A labelled progress bar. With a known total it reports a percentage; without one it
// is indeterminate (no aria-valuenow), as ARIA asks.
export interface ProgressBarProps {
  readonly label: string
  /** 0–100, or undefined when the total is not known yet. */
  readonly percent: number | undefined
  /** What a screen reader says instead of the bare number, e.g. "1.2 GB of 3.0 GB". */
  readonly valueText?: string
}

export function ProgressBar({ label, percent, valueText }: ProgressBarProps) {
  const known = percent !== undefined && Number.isFinite(percent)
  const clamped = known ? Math.min(100, Math.max(0, percent)) : 0
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={known ? Math.round(clamped) : undefined}
      aria-valuetext={valueText}
      className={known ? 'progress-track' : 'progress-track progress-indeterminate'}
    >
      <div className="progress-fill" style={known ? { width: `${clamped}%` } : undefined} />
    </div>
  )
}
