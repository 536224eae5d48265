// The runs so far, newest first: when, which job, the outcome in words, how much and for
// how long. A failed run says its cause and fix first; the raw stderr and the run's
// notes sit under "Details". Reloads whenever a run ends.
import { useEffect } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { StatusBadge } from '../components/status-badge'
import { formatBytes } from '../format/bytes'
import { formatDateTime } from '../format/date-time'
import { formatDuration } from '../format/duration'
import { useApiQuery } from '../hooks/use-api-query'
import { OUTCOME_WORDS } from '../transfers/outcome-words'
import type { RunRecord } from '../../../src-main/shared/model'

const HISTORY_LENGTH = 50
const listRuns = () => api().listRuns({ limit: HISTORY_LENGTH })

export interface RunHistoryProps {
  jobName(id: string): string
  /** Goes up when a run ends: the history then loads again. */
  readonly endedCount: number
  /** Runs shown live above, left out here while they are still running. */
  readonly liveRunIds: ReadonlySet<string>
}

export function RunHistory({ jobName, endedCount, liveRunIds }: RunHistoryProps) {
  const runs = useApiQuery(listRuns)
  const { reload } = runs
  useEffect(() => {
    if (endedCount > 0) reload()
  }, [endedCount, reload])

  if (runs.state.status === 'loading') return <LoadingNotice what="the history" />
  if (runs.state.status === 'failed') return <ErrorNotice error={runs.state.error} />
  const shown = runs.state.value.filter((r) => !(r.outcome === 'running' && liveRunIds.has(r.id)))
  if (shown.length === 0) return <p className="hint">No copy has run yet.</p>
  return (
    <ol className="item-list" aria-label="Past transfers, newest first">
      {shown.map((run) => (
        <RunHistoryItem key={run.id} run={run} name={jobName(run.jobId)} />
      ))}
    </ol>
  )
}

function durationInWords(run: RunRecord): string {
  if (!run.endedAt) return run.outcome === 'running' ? 'still running' : 'end not recorded'
  const seconds = (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000
  return `took ${formatDuration(seconds)}`
}

function RunHistoryItem({ run, name }: { readonly run: RunRecord; readonly name: string }) {
  const outcome = OUTCOME_WORDS[run.outcome]
  const when = formatDateTime(run.startedAt)
  const hasDetails = run.error !== undefined || run.notes.length > 0
  return (
    <li className="item item-stacked run-record" aria-label={`${name}, ${when}`}>
      <div className="grow">
        <p className="item-title">
          {name} <StatusBadge tone={outcome.tone}>{outcome.text}</StatusBadge>
        </p>
        <p className="item-meta">
          {when} · {durationInWords(run)} · {formatBytes(run.bytes)} · {run.datasets} {run.datasets === 1 ? 'dataset' : 'datasets'}
        </p>
        {run.outcome === 'cancelled' ? <p className="item-meta">The next run continues from where this one stopped.</p> : null}
        {run.error ? (
          <div className="notice notice-error">
            <p className="notice-title">{run.error.cause}</p>
            <p>{run.error.fix}</p>
          </div>
        ) : null}
        {hasDetails ? (
          <details className="run-details">
            <summary>Details</summary>
            {run.error ? (
              <>
                <p className="hint">
                  Error code <span className="mono">{run.error.code}</span>
                </p>
                {run.error.details ? (
                  <pre className="mono run-stderr" aria-label="What the tools printed">
                    {run.error.details}
                  </pre>
                ) : null}
              </>
            ) : null}
            {run.notes.length > 0 ? (
              <ul className="run-notes" aria-label="Notes from this run">
                {run.notes.map((n, i) => (
                  <li key={i}>{n}</li>
                ))}
              </ul>
            ) : null}
          </details>
        ) : null}
      </div>
    </li>
  )
}
