// A download's or a restore's progress: a bar with bytes, rate and time left, what is
// being copied now, and Cancel while it runs.
import { ProgressBar } from '../components/progress-bar'
import { formatBytes, formatRate } from '../format/bytes'
import { formatDuration } from '../format/duration'
import type { RecoveryProgress } from '../../../src-main/shared/recovery'

const PHASE: Record<RecoveryProgress['phase'], string> = {
  preparing: 'Getting ready',
  copying: 'Copying',
  unlocking: 'Unlocking',
  verifying: 'Checking the copy',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Stopped',
}

export interface OperationProgressProps {
  /** Names the bar ("Download progress", "Restore progress"). */
  readonly label: string
  readonly progress: RecoveryProgress | null
  /** The call is still going. */
  readonly running: boolean
  readonly cancelling: boolean
  readonly cancelLabel: string
  onCancel(): void
}

export function OperationProgress({ label, progress: p, running, cancelling, cancelLabel, onCancel }: OperationProgressProps) {
  if (!running && !p) return null
  const done = p?.phase === 'done'
  // Done is whole even when the estimate was a little off (zfs send -nvP estimates the stream).
  const percent = done ? 100 : p?.bytesTotal ? (p.bytesDone / p.bytesTotal) * 100 : undefined
  const amount = p ? (p.bytesTotal !== null ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}` : `${formatBytes(p.bytesDone)} copied`) : 'Starting…'
  return (
    <div className="recovery-progress">
      <p className="item-meta">{p ? PHASE[p.phase] : 'Starting'}{p?.current ? <span className="mono"> · {p.current}</span> : null}</p>
      <ProgressBar label={label} percent={percent} valueText={amount} />
      <p className="item-meta">
        {amount}
        {running && p ? ` · ${formatRate(p.rateBytesPerSecond)}` : ''}
        {running && p?.etaSeconds !== null && p?.etaSeconds !== undefined ? ` · about ${formatDuration(p.etaSeconds)} left` : ''}
      </p>
      {running ? (
        <div className="button-row">
          <button type="button" className="button" onClick={onCancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : cancelLabel}
          </button>
        </div>
      ) : null}
    </div>
  )
}
