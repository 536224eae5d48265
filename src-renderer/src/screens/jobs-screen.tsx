// Jobs: what is copied from where to where. Until both hosts exist, says which to add;
// then lists the jobs (plan, start, remove after a confirmation) and the "New job" form.
import { useState } from 'react'
import { api } from '../api'
import { ConfirmDialog } from '../components/confirm-dialog'
import { DoneNotice } from '../components/done-notice'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { ScreenHeading } from '../components/screen-heading'
import { useApiQuery } from '../hooks/use-api-query'
import { useConfirmedRemoval } from '../hooks/use-confirmed-removal'
import type { Navigate } from '../navigation/screens'
import type { Host, HostProbe, Job } from '../../../src-main/shared/model'
import { ok, type Result } from '../../../src-main/shared/result'
import { JobCard } from './job-card'
import { JobForm } from './job-form'
import '../styles/jobs.css'

interface JobsData {
  readonly hosts: Host[]
  readonly jobs: Job[]
  /** What the last check of each host found (only hosts checked since the app started). */
  readonly probes: ReadonlyMap<string, HostProbe>
}

async function loadJobs(): Promise<Result<JobsData>> {
  const [hosts, jobs, states] = await Promise.all([api().listHosts(), api().listJobs(), api().listHostStates()])
  if (!hosts.ok) return hosts
  if (!jobs.ok) return jobs
  // Without the probes the form asks for a dataset name instead of offering a list.
  const probes = new Map(states.ok ? states.value.flatMap((s) => (s.probe ? [[s.id, s.probe] as const] : [])) : [])
  return ok({ hosts: hosts.value, jobs: jobs.value, probes })
}

export interface JobsScreenProps {
  readonly navigate: Navigate
  readonly focusHeading: boolean
}

export function JobsScreen({ navigate, focusHeading }: JobsScreenProps) {
  const jobs = useApiQuery(loadJobs)
  const [notice, setNotice] = useState<string | null>(null)
  const removal = useConfirmedRemoval(
    (job: Job) => api().removeJob({ id: job.id }),
    (job, answer) => {
      setNotice([`Removed the job “${job.name}”. The copies already on the off-site box were not touched.`, ...answer.notes].join(' '))
      jobs.reload()
    },
  )
  const confirming = removal.confirming

  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Jobs</ScreenHeading>
      <p className="lead">A job copies datasets from your NAS to the off-site box.</p>
      {jobs.state.status === 'loading' ? <LoadingNotice what="jobs" /> : null}
      {jobs.state.status === 'failed' ? <ErrorNotice error={jobs.state.error} /> : null}
      {removal.error ? <ErrorNotice error={removal.error} /> : null}
      <DoneNotice message={notice} />
      {jobs.state.status === 'ready' ? (
        <JobsBody
          data={jobs.state.value}
          navigate={navigate}
          onAdded={(job) => {
            setNotice(`Added the job “${job.name}”. Check its plan to see what the first copy will send.`)
            jobs.reload()
          }}
          onChanged={(job) => {
            setNotice(`Saved the changes to “${job.name}”.`)
            jobs.reload()
          }}
          onRemove={(job) => {
            setNotice(null)
            removal.ask(job)
          }}
        />
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={`Remove “${confirming.name}”?`}
          confirmLabel="Remove job"
          pending={removal.pending}
          onCancel={removal.cancel}
          onConfirm={removal.confirm}
        >
          <p>
            The app forgets this job. Nothing is deleted on the NAS or on the off-site box: the copies already made stay there. The job’s
            hold on its newest copied snapshot on the NAS is released, so the NAS’s own pruning may remove that snapshot later.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}

interface JobsBodyProps {
  readonly data: JobsData
  readonly navigate: Navigate
  onAdded(job: Job): void
  onChanged(job: Job): void
  onRemove(job: Job): void
}

function JobsBody({ data, navigate, onAdded, onChanged, onRemove }: JobsBodyProps) {
  const hasNas = data.hosts.some((h) => h.role === 'nas')
  const hasOffsite = data.hosts.some((h) => h.role === 'offsite')
  const hostLabel = (id: string) => data.hosts.find((h) => h.id === id)?.label ?? 'a removed host'

  if (data.jobs.length === 0 && !(hasNas && hasOffsite)) {
    const missing = !hasNas && !hasOffsite ? 'the NAS and the off-site box' : !hasNas ? 'the NAS' : 'the off-site box'
    return (
      <EmptyState
        title="No jobs yet"
        action={
          <button type="button" className="button button-primary" onClick={() => navigate('hosts')}>
            Go to Hosts
          </button>
        }
      >
        <p>A job needs somewhere to copy from and somewhere to copy to. First add {missing} on the Hosts screen.</p>
      </EmptyState>
    )
  }

  return (
    <>
      {data.jobs.length === 0 ? (
        <EmptyState title="No jobs yet">
          <p>Both hosts are in place. Make the first job with the form below: choose what to copy and where it goes.</p>
        </EmptyState>
      ) : (
        <ul className="item-list" aria-label="Jobs">
          {data.jobs.map((job) => (
            <JobCard
              key={job.id}
              job={job}
              hostLabel={hostLabel}
              onStarted={() => navigate('transfers')}
              onChanged={onChanged}
              onRemove={() => onRemove(job)}
            />
          ))}
        </ul>
      )}
      {hasNas && hasOffsite ? (
        <JobForm hosts={data.hosts} probes={data.probes} onAdded={onAdded} />
      ) : (
        <p className="hint">To make another job, add {hasNas ? 'an off-site box' : 'a NAS'} on the Hosts screen first.</p>
      )}
    </>
  )
}
