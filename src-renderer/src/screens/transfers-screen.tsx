// Transfers: live progress of running copies, from the `progress` and `jobState` events.
import { api } from '../api'
import { EmptyState } from '../components/empty-state'
import { ProgressBar } from '../components/progress-bar'
import { ScreenHeading } from '../components/screen-heading'
import { StatusBadge, type Tone } from '../components/status-badge'
import { formatBytes, formatRate } from '../format/bytes'
import { formatDuration } from '../format/duration'
import { useApiQuery } from '../hooks/use-api-query'
import type { Transfer } from '../transfers/use-transfers'
import type { EventPayload } from '../../../src-main/shared/contract'

type Progress = EventPayload<'progress'>
type JobState = EventPayload<'jobState'>['state']

const PHASE: Record<Progress['phase'], string> = {
  planning: 'Planning what to send',
  estimating: 'Estimating the size',
  sending: 'Sending',
  verifying: 'Checking the copy',
  done: 'Done',
}

const STATE: Record<JobState, { text: string; tone: Tone }> = {
  idle: { text: 'Idle', tone: 'neutral' },
  queued: { text: 'Waiting to start', tone: 'neutral' },
  running: { text: 'Running', tone: 'neutral' },
  succeeded: { text: 'Finished', tone: 'ok' },
  failed: { text: 'Failed', tone: 'error' },
  cancelled: { text: 'Cancelled', tone: 'warn' },
}

const listJobs = () => api().listJobs()

export interface TransfersScreenProps {
  readonly transfers: readonly Transfer[]
  readonly focusHeading: boolean
}

export function TransfersScreen({ transfers, focusHeading }: TransfersScreenProps) {
  const jobs = useApiQuery(listJobs)
  const jobName = (id: string) => (jobs.state.status === 'ready' ? jobs.state.value.find((j) => j.id === id)?.name : undefined) ?? `Job ${id}`
  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Transfers</ScreenHeading>
      {transfers.length === 0 ? (
        <EmptyState title="Nothing is transferring">
          <p>When a job sends snapshots to the off-site box, its progress shows here: how much is sent, how fast, and how long is left.</p>
        </EmptyState>
      ) : (
        <ul className="item-list" aria-label="Transfers">
          {transfers.map((t) => (
            <TransferItem key={t.jobId} transfer={t} name={jobName(t.jobId)} />
          ))}
        </ul>
      )}
    </>
  )
}

function TransferItem({ transfer, name }: { readonly transfer: Transfer; readonly name: string }) {
  const p = transfer.progress
  const state = STATE[transfer.state ?? 'running']
  const percent = p?.bytesTotal ? (p.bytesDone / p.bytesTotal) * 100 : undefined
  const amount = p ? (p.bytesTotal ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}` : `${formatBytes(p.bytesDone)} sent`) : ''
  return (
    <li className="item">
      <div className="grow">
        <p className="item-title">
          {name} <StatusBadge tone={state.tone}>{state.text}</StatusBadge>
        </p>
        {p ? (
          <>
            <p className="item-meta">{PHASE[p.phase]}</p>
            <ProgressBar label={`Transfer of ${name}`} percent={percent} valueText={amount} />
            <p className="item-meta">
              {amount} · {formatRate(p.rateBytesPerSecond)}
              {p.etaSeconds !== undefined ? ` · about ${formatDuration(p.etaSeconds)} left` : ''}
            </p>
          </>
        ) : null}
      </div>
    </li>
  )
}
