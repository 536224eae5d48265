// One job on the Jobs screen: what it copies from where to where and how, its plan on
// request, starting a copy (then the Transfers screen), its schedule, and the remove button.
import { useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { JobPlanSummary } from '../components/job-plan-summary'
import { formatBytes, formatRate } from '../format/bytes'
import { useApiAction } from '../hooks/use-api-action'
import type { PlanView } from '../../../src-main/shared/contract'
import type { Job } from '../../../src-main/shared/model'
import { JobEditForm } from './job-edit-form'
import { SchedulePanel } from '../schedule/schedule-panel'

const MIB = 1024 * 1024

export interface JobCardProps {
  readonly job: Job
  hostLabel(id: string): string
  onStarted(): void
  onChanged(job: Job): void
  onRemove(): void
}

function mib(bytes: number): string {
  const value = bytes / MIB
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}

function howInWords(job: Job): string {
  const parts = [
    job.sources.every((s) => s.recursive) ? 'With child datasets' : job.sources.some((s) => s.recursive) ? 'Some with child datasets' : 'Without child datasets',
    job.send.raw ? 'encrypted data stays encrypted off-site (raw)' : 'sent as readable data (not raw)',
    job.send.intermediates ? 'every snapshot' : 'newest snapshot only',
    job.rateLimitBytesPerSecond ? `at most ${mib(job.rateLimitBytesPerSecond)} MiB/s (${formatRate(job.rateLimitBytesPerSecond)})` : 'no rate limit',
  ]
  if (job.bufferBytes) parts.push(`${formatBytes(job.bufferBytes)} buffer`)
  return parts.join(' · ')
}

export function JobCard({ job, hostLabel, onStarted, onChanged, onRemove }: JobCardProps) {
  const [plan, setPlan] = useState<PlanView | null>(null)
  const [editing, setEditing] = useState(false)
  const [scheduling, setScheduling] = useState(false)
  const planning = useApiAction()
  const starting = useApiAction()

  const checkPlan = async () => {
    const next = await planning.run(() => api().planJob({ id: job.id }))
    if (next) setPlan(next)
  }

  const start = async () => {
    const run = await starting.run(() => api().startRun({ jobId: job.id }))
    if (run) onStarted()
  }

  const busy = planning.pending || starting.pending
  return (
    <li className="item item-stacked" aria-label={job.name}>
      <div className="item-head">
        <div>
          <p className="item-title">{job.name}</p>
          <p className="item-meta">
            From {hostLabel(job.sourceHostId)}{' '}
            {job.sources.map((s, i) => (
              <span key={s.dataset}>
                {i > 0 ? ', ' : ''}
                <span className="mono">{s.dataset}</span>
              </span>
            ))}{' '}
            to {hostLabel(job.targetHostId)} under <span className="mono">{job.targetParent}</span>
          </p>
          <p className="item-meta">{howInWords(job)}</p>
          {job.exclusions.length > 0 ? (
            <p className="item-meta">
              Leaves out <span className="mono">{job.exclusions.join(', ')}</span>
            </p>
          ) : null}
          {job.receiver ? (
            <p className="item-meta">
              The NAS sends to <span className="mono">{`${job.receiver.user}@${job.receiver.address}:${job.receiver.port}`}</span>
            </p>
          ) : (
            <p className="item-meta">
              <strong>Not ready to start:</strong> the job does not say yet how the NAS reaches the off-site box. Set it with Edit.
            </p>
          )}
        </div>
        <div className="item-actions">
          <button type="button" className="button" onClick={() => void checkPlan()} disabled={busy} aria-label={`Check plan for ${job.name}`}>
            {planning.pending ? 'Checking…' : 'Check plan'}
          </button>
          <button type="button" className="button button-primary" onClick={() => void start()} disabled={busy} aria-label={`Start ${job.name}`}>
            {starting.pending ? 'Starting…' : 'Start'}
          </button>
          <button type="button" className="button" onClick={() => setEditing(true)} disabled={busy || editing} aria-label={`Edit ${job.name}`}>
            Edit
          </button>
          <button type="button" className="button" onClick={() => setScheduling((v) => !v)} aria-expanded={scheduling} aria-label={`Schedule for ${job.name}`}>
            Schedule
          </button>
          <button type="button" className="button" onClick={onRemove} disabled={busy} aria-label={`Remove ${job.name}`}>
            Remove
          </button>
        </div>
      </div>
      {planning.pending ? (
        <p role="status" className="item-meta">
          Asking the NAS and the off-site box what {job.name} would send…
        </p>
      ) : null}
      {planning.error ? <ErrorNotice error={planning.error} /> : null}
      {starting.error ? <ErrorNotice error={starting.error} /> : null}
      {editing ? (
        <JobEditForm
          job={job}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false)
            onChanged(saved)
          }}
        />
      ) : null}
      {plan ? <JobPlanSummary jobName={job.name} plan={plan} /> : null}
      {scheduling ? <SchedulePanel job={job} /> : null}
    </li>
  )
}
