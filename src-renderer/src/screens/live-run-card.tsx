// One run as it happens: progress bar with bytes, rate and time left, a warning when no
// data has moved for a while, each dataset's share, the rate over time, and Cancel
// (which pauses: the next run resumes from ZFS's resume token).
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { ProgressBar } from '../components/progress-bar'
import { RateChart } from '../components/rate-chart'
import { StatusBadge } from '../components/status-badge'
import { formatBytes, formatRate } from '../format/bytes'
import { formatDuration } from '../format/duration'
import { useApiAction } from '../hooks/use-api-action'
import { hasEnded, type LiveRun } from '../transfers/live-runs'
import { STATE_WORDS } from '../transfers/outcome-words'
import type { RunProgress } from '../../../src-main/shared/contract'

const PHASE: Record<RunProgress['phase'], string> = {
  planning: 'Working out what to send',
  estimating: 'Estimating the size',
  sending: 'Sending',
  verifying: 'Checking the copy on the off-site box',
  done: 'Done',
}

type DatasetStatus = RunProgress['datasets'][number]['status']

const DATASET_STATUS: Record<DatasetStatus, string> = {
  waiting: 'Waiting',
  running: 'Sending',
  succeeded: 'Copied',
  failed: 'Failed',
}

function amountInWords(done: number, total: number | null | undefined): string {
  return total ? `${formatBytes(done)} of ${formatBytes(total)}` : `${formatBytes(done)} sent`
}

export interface LiveRunCardProps {
  readonly run: LiveRun
  readonly name: string
  onCancelled(runId: string): void
}

export function LiveRunCard({ run, name, onCancelled }: LiveRunCardProps) {
  const cancelling = useApiAction()
  const p = run.progress
  const state = STATE_WORDS[run.state]
  const percent = p?.bytesTotal ? (p.bytesDone / p.bytesTotal) * 100 : run.state === 'succeeded' ? 100 : undefined
  const amount = p ? amountInWords(p.bytesDone, p.bytesTotal) : ''
  const going = !hasEnded(run.state) && run.state !== 'idle'

  const cancel = async (runId: string) => {
    const record = await cancelling.run(() => api().cancelRun({ runId }))
    if (record) onCancelled(runId)
  }

  return (
    <li className="item item-stacked live-run" aria-label={name}>
      <div className="live-run-head">
        <p className="item-title">
          {name} <StatusBadge tone={state.tone}>{state.text}</StatusBadge>
        </p>
        {going && run.runId !== undefined ? (
          <button
            type="button"
            className="button"
            onClick={() => run.runId !== undefined && void cancel(run.runId)}
            disabled={cancelling.pending}
            aria-label={`Cancel the transfer of ${name}`}
          >
            {cancelling.pending ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      {run.message ? <p className="item-meta">{run.message}</p> : null}
      {run.state === 'cancelled' && !run.message ? (
        <p className="item-meta">Nothing sent so far is lost: the next run of this job continues from where this one stopped.</p>
      ) : null}
      {cancelling.error ? <ErrorNotice error={cancelling.error} /> : null}
      {p ? (
        <>
          {going ? <p className="item-meta">{PHASE[p.phase]}</p> : null}
          <ProgressBar label={`Transfer of ${name}`} percent={percent} valueText={amount} />
          <p className="item-meta">
            {amount}
            {going ? ` · ${formatRate(p.rateBytesPerSecond)}` : ''}
            {going && p.etaSeconds !== undefined ? ` · about ${formatDuration(p.etaSeconds)} left` : ''}
          </p>
          {going && p.stalled ? (
            <div className="notice notice-warn">
              <p className="notice-title" role="alert">
                No data has moved for {formatDuration(p.secondsSinceLastByte)}.
              </p>
              <p>
                The copy may be stuck: check that the off-site box and the tunnel to it are up. If you cancel, the next run resumes from where
                this one stopped.
              </p>
            </div>
          ) : null}
          {p.datasets.length > 0 ? (
            <table className="data-table run-datasets" aria-label={`Datasets in the transfer of ${name}`}>
              <thead>
                <tr>
                  <th scope="col">Dataset</th>
                  <th scope="col">Status</th>
                  <th scope="col">Sent</th>
                </tr>
              </thead>
              <tbody>
                {p.datasets.map((d) => (
                  <tr key={d.index}>
                    <td>
                      {d.label}
                      <span className="hint mono">
                        {' '}
                        {d.source} → {d.target}
                      </span>
                    </td>
                    <td>{DATASET_STATUS[d.status]}</td>
                    <td>{amountInWords(d.bytesDone, d.bytesTotal)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <RateChart label={`Transfer rate of ${name}`} samples={run.samples} />
        </>
      ) : null}
    </li>
  )
}
