// Transfers: the runs going now (reattached when the screen opens, then live from the
// `progress` and `jobState` events) and the history of runs below them.
import { useEffect } from 'react'
import { api } from '../api'
import { EmptyState } from '../components/empty-state'
import { ScreenHeading } from '../components/screen-heading'
import { useApiQuery } from '../hooks/use-api-query'
import type { Transfers } from '../transfers/use-transfers'
import { LiveRunCard } from './live-run-card'
import { RunHistory } from './run-history'
import '../styles/transfers.css'

const listJobs = () => api().listJobs()

export interface TransfersScreenProps {
  readonly transfers: Transfers
  readonly focusHeading: boolean
}

export function TransfersScreen({ transfers, focusHeading }: TransfersScreenProps) {
  const jobs = useApiQuery(listJobs)
  const { reattach, markCancelled, runs, endedCount } = transfers
  useEffect(() => reattach(), [reattach])

  const jobName = (id: string) => {
    if (jobs.state.status !== 'ready') return `Job ${id}`
    return jobs.state.value.find((j) => j.id === id)?.name ?? 'A removed job'
  }
  const liveRunIds = new Set(runs.flatMap((r) => (r.runId === undefined ? [] : [r.runId])))
  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Transfers</ScreenHeading>
      {runs.length === 0 ? (
        <EmptyState title="Nothing is transferring">
          <p>When a job sends snapshots to the off-site box, its progress shows here: how much is sent, how fast, and how long is left.</p>
        </EmptyState>
      ) : (
        <ul className="item-list" aria-label="Transfers">
          {runs.map((run) => (
            <LiveRunCard key={run.jobId} run={run} name={jobName(run.jobId)} onCancelled={(runId) => markCancelled(run.jobId, runId)} />
          ))}
        </ul>
      )}
      <h2>History</h2>
      <RunHistory jobName={jobName} endedCount={endedCount} liveRunIds={liveRunIds} />
    </>
  )
}
