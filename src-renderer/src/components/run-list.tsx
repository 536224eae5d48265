// The newest runs of the jobs, with their outcome in words and colour.
import type { Job, RunRecord } from '../../../src-main/shared/model'
import { formatBytes } from '../format/bytes'
import { formatDateTime } from '../format/date-time'
import { OUTCOME_WORDS } from '../transfers/outcome-words'
import { StatusBadge } from './status-badge'

export function RunList({ runs, jobs }: { readonly runs: readonly RunRecord[]; readonly jobs: readonly Job[] }) {
  const jobName = (id: string) => jobs.find((j) => j.id === id)?.name ?? 'A removed job'
  return (
    <ul className="item-list" aria-label="Newest runs">
      {runs.map((run) => {
        const outcome = OUTCOME_WORDS[run.outcome]
        return (
          <li key={run.id} className="item">
            <div>
              <p className="item-title">{jobName(run.jobId)}</p>
              <p className="item-meta">
                Started {formatDateTime(run.startedAt)} · {formatBytes(run.bytes)}
                {run.error ? ` · ${run.error.cause}` : run.errorCode ? ` · ${run.errorCode}` : ''}
              </p>
            </div>
            <StatusBadge tone={outcome.tone}>{outcome.text}</StatusBadge>
          </li>
        )
      })}
    </ul>
  )
}
