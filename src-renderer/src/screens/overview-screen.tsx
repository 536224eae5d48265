// Overview: per job, how far behind the off-site copy is and what needs attention (read
// from both hosts by getOverview), notifications as they arrive, how many hosts and jobs
// there are and the newest runs; or the first step when there is nothing yet.
import { useEffect } from 'react'
import { api } from '../api'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { ScreenHeading } from '../components/screen-heading'
import { RunList } from '../components/run-list'
import { useApiQuery } from '../hooks/use-api-query'
import type { Navigate } from '../navigation/screens'
import type { Host, Job, RunRecord } from '../../../src-main/shared/model'
import { ok, type Result } from '../../../src-main/shared/result'
import { JobOverviewCard } from '../overview/job-overview-card'
import { NotificationLog } from '../overview/notification-log'
import '../overview/overview.css'

interface OverviewData {
  readonly hosts: Host[]
  readonly jobs: Job[]
  readonly runs: RunRecord[]
}

async function loadOverview(): Promise<Result<OverviewData>> {
  const [hosts, jobs, runs] = await Promise.all([api().listHosts(), api().listJobs(), api().listRuns({ limit: 10 })])
  if (!hosts.ok) return hosts
  if (!jobs.ok) return jobs
  if (!runs.ok) return runs
  return ok({ hosts: hosts.value, jobs: jobs.value, runs: runs.value })
}

export interface OverviewScreenProps {
  readonly navigate: Navigate
  readonly focusHeading: boolean
}

export function OverviewScreen({ navigate, focusHeading }: OverviewScreenProps) {
  const { state } = useApiQuery(loadOverview)
  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Overview</ScreenHeading>
      <NotificationLog />
      {state.status === 'loading' ? <LoadingNotice what="the overview" /> : null}
      {state.status === 'failed' ? <ErrorNotice error={state.error} /> : null}
      {state.status === 'ready' ? <OverviewBody data={state.value} navigate={navigate} /> : null}
    </>
  )
}

function OverviewBody({ data, navigate }: { readonly data: OverviewData; readonly navigate: Navigate }) {
  if (data.hosts.length === 0) {
    return (
      <EmptyState
        title="No off-site copy yet — start by adding your NAS"
        action={
          <button type="button" className="button button-primary" onClick={() => navigate('setup')}>
            Set up an off-site copy
          </button>
        }
      >
        <p>
          ZFS Offsite keeps a copy of your NAS somewhere else — a friend’s NAS, a rented server — so a fire, a theft or a
          failed pool does not take your files with it. The setup walks you through it: first tell the app where your NAS
          is, then the off-site box, and it prepares both step by step.
        </p>
      </EmptyState>
    )
  }
  const nasCount = data.hosts.filter((h) => h.role === 'nas').length
  const body = data.jobs.length > 0 ? <JobsOverview /> : null
  const offsiteCount = data.hosts.length - nasCount
  return (
    <>
      <div className="stat-row">
        <div className="stat">
          <span className="stat-value">{data.hosts.length}</span>
          <span className="stat-label">
            {data.hosts.length === 1 ? 'host' : 'hosts'} ({nasCount} NAS, {offsiteCount} off-site)
          </span>
        </div>
        <div className="stat">
          <span className="stat-value">{data.jobs.length}</span>
          <span className="stat-label">{data.jobs.length === 1 ? 'job' : 'jobs'}</span>
        </div>
      </div>
      {offsiteCount === 0 ? (
        <p className="lead">
          Next step: add the off-site box the copy will go to.{' '}
          <button type="button" className="button button-quiet" onClick={() => navigate('hosts')}>
            Go to Hosts
          </button>
        </p>
      ) : null}
      {body}
      <h2>Newest runs from this app</h2>
      {/* The NAS's timer runs are not in the app's history: each job above shows its last one. */}
      {data.runs.length === 0 ? <p className="hint">No copy has been started from this app yet.</p> : <RunList runs={data.runs} jobs={data.jobs} />}
    </>
  )
}

const getOverview = () => api().getOverview()

/** Every job as both hosts see it now; read again on request and when a run ends. */
function JobsOverview() {
  // A reading again keeps the last answer on screen; until a new answer replaces it, the
  // button says so and waits: a second click would discard the reading going on.
  const { state, reloading, reload } = useApiQuery(getOverview)
  const reading = state.status === 'loading' || reloading
  useEffect(
    () =>
      api().on('jobState', (e) => {
        if (e.state !== 'running' && e.state !== 'queued') reload()
      }),
    [reload],
  )
  return (
    <section aria-label="Backups" aria-busy={reading}>
      <div className="overview-toolbar">
        <button type="button" className="button" onClick={reload} disabled={reading}>
          {reading ? 'Reading the hosts…' : 'Check again'}
        </button>
      </div>
      {state.status === 'loading' ? <LoadingNotice what="what the NAS and the off-site box say" /> : null}
      {state.status === 'failed' ? <ErrorNotice error={state.error} /> : null}
      {state.status === 'ready' ? (
        <ul className="overview-jobs" aria-label="Backups, one per job">
          {state.value.map((job) => (
            <JobOverviewCard key={job.jobId} job={job} />
          ))}
        </ul>
      ) : null}
    </section>
  )
}
