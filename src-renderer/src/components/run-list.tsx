// The newest runs of the jobs, with their outcome in words and colour.
import type { Job, RunRecord } from '../../../src-main/shared/model'
import { formatBytes } from '../format/bytes'
import { formatDateTime } from '../format/date-time'
import { StatusBadge, type Tone } from './status-badge'

const OUTCOME: Record<RunRecord['outcome'], { text: string; tone: Tone }> = {
  running: { text: 'Running', tone: 'neutral' },
  succeeded: { text: 'Succeeded', tone: 'ok' },
  failed: { text: 'Failed', tone: 'error' },
  cancelled: { text: 'Cancelled', tone: 'warn' },
}

export function RunList({ runs, jobs }: { readonly runs: readonly RunRecord[]; readonly jobs: readonly Job[] }) {
  const jobName = (id: string) => jobs.find((j) => j.id === id)?.name ?? 'A removed job'
  return (
    <ul className="item-list" aria-label="Newest runs">
      {runs.map((run) => {
        const outcome = OUTCOME[run.outcome]
        return (
          <li key={run.id} className="item">
            <div>
              <p className="item-title">{jobName(run.jobId)}</p>
              <p className="item-meta">
                Started {formatDateTime(run.startedAt)} · {formatBytes(run.bytes)}
                {run.errorCode ? ` · ${run.errorCode}` : ''}
              </p>
            </div>
            <StatusBadge tone={outcome.tone}>{outcome.text}</StatusBadge>
          </li>
        )
      })}
    </ul>
  )
}
