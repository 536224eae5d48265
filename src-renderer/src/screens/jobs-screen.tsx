// Jobs: what is copied from where to where. Until both hosts exist, says which to add.
import { api } from '../api'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { ScreenHeading } from '../components/screen-heading'
import { useApiQuery } from '../hooks/use-api-query'
import type { Navigate } from '../navigation/screens'
import type { Host, Job } from '../../../src-main/shared/model'
import { ok, type Result } from '../../../src-main/shared/result'

interface JobsData {
  readonly hosts: Host[]
  readonly jobs: Job[]
}

async function loadJobs(): Promise<Result<JobsData>> {
  const [hosts, jobs] = await Promise.all([api().listHosts(), api().listJobs()])
  if (!hosts.ok) return hosts
  if (!jobs.ok) return jobs
  return ok({ hosts: hosts.value, jobs: jobs.value })
}

export interface JobsScreenProps {
  readonly navigate: Navigate
  readonly focusHeading: boolean
}

export function JobsScreen({ navigate, focusHeading }: JobsScreenProps) {
  const { state } = useApiQuery(loadJobs)
  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Jobs</ScreenHeading>
      <p className="lead">A job copies datasets from your NAS to the off-site box, on a schedule.</p>
      {state.status === 'loading' ? <LoadingNotice what="jobs" /> : null}
      {state.status === 'failed' ? <ErrorNotice error={state.error} /> : null}
      {state.status === 'ready' ? <JobsBody data={state.value} navigate={navigate} /> : null}
    </>
  )
}

function JobsBody({ data, navigate }: { readonly data: JobsData; readonly navigate: Navigate }) {
  const hasNas = data.hosts.some((h) => h.role === 'nas')
  const hasOffsite = data.hosts.some((h) => h.role === 'offsite')
  const goToHosts = (
    <button type="button" className="button button-primary" onClick={() => navigate('hosts')}>
      Go to Hosts
    </button>
  )

  if (data.jobs.length === 0 && !(hasNas && hasOffsite)) {
    const missing = !hasNas && !hasOffsite ? 'the NAS and the off-site box' : !hasNas ? 'the NAS' : 'the off-site box'
    return (
      <EmptyState title="No jobs yet" action={goToHosts}>
        <p>A job needs somewhere to copy from and somewhere to copy to. First add {missing} on the Hosts screen.</p>
      </EmptyState>
    )
  }
  if (data.jobs.length === 0) {
    return (
      <EmptyState title="No jobs yet">
        <p>
          Both hosts are in place. Setting up a job — choosing datasets, a schedule and how long copies are kept — is not available in
          this version yet.
        </p>
      </EmptyState>
    )
  }

  const hostLabel = (id: string) => data.hosts.find((h) => h.id === id)?.label ?? 'a removed host'
  return (
    <ul className="item-list" aria-label="Jobs">
      {data.jobs.map((job) => (
        <li key={job.id} className="item">
          <div>
            <p className="item-title">{job.name}</p>
            <p className="item-meta">
              From {hostLabel(job.sourceHostId)} <span className="mono">{job.sourceDataset}</span> to {hostLabel(job.targetHostId)}{' '}
              <span className="mono">{job.targetParent}</span>
            </p>
            <p className="item-meta">
              {job.recursive ? 'Includes child datasets' : 'This dataset only'} ·{' '}
              {job.raw ? 'Sent encrypted (raw)' : 'Sent as stored'}
            </p>
          </div>
        </li>
      ))}
    </ul>
  )
}
