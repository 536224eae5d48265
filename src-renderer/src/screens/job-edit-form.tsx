// Changing a job: its name, what it leaves out, its rate limit and buffer, and how the
// NAS reaches the off-site box. What it copies and the send flags stay as made: a
// stream's flags must not change between runs of one job.
import { useId, useState, type FormEvent } from 'react'
import { api } from '../api'
import { TextField } from '../components/text-field'
import { useApiAction } from '../hooks/use-api-action'
import { draftOfJob, jobFieldIssues, toJobChanges, type JobDraft, type JobField } from '../jobs/job-draft'
import type { Job } from '../../../src-main/shared/model'
import { FIELD_LABELS, FieldErrorNotice, ReceiverFields, ShapingFields } from './job-form-parts'

export interface JobEditFormProps {
  readonly job: Job
  onSaved(job: Job): void
  onCancel(): void
}

export function JobEditForm({ job, onSaved, onCancel }: JobEditFormProps) {
  const [draft, setDraft] = useState<JobDraft>(() => draftOfJob(job))
  const action = useApiAction()
  const titleId = useId()
  const issues = jobFieldIssues(action.error)
  const labelOf = (field: JobField) => FIELD_LABELS[field]

  const set = <K extends keyof JobDraft>(key: K, value: JobDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }))
    if (action.error) action.clearError()
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const saved = await action.run(() => api().updateJob(toJobChanges(job.id, draft)))
    if (saved) onSaved(saved)
  }

  return (
    <form className="form job-edit-form" aria-labelledby={titleId} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={titleId}>{`Change “${job.name}”`}</h3>
      <p className="hint">What it copies and how it is sent stay as the job was made; make a new job to change those.</p>
      <TextField label={FIELD_LABELS.name} value={draft.name} onChange={(v) => set('name', v)} error={issues.get('name')} />
      {draft.recursive ? (
        <TextField
          label={FIELD_LABELS.exclusions}
          multiline
          value={draft.exclusions}
          onChange={(v) => set('exclusions', v)}
          error={issues.get('exclusions')}
          hint="Optional. Child datasets not to copy, one per line."
        />
      ) : null}
      <ShapingFields draft={draft} set={set} issues={issues} />
      <ReceiverFields draft={draft} set={set} issues={issues} />
      {action.error ? <FieldErrorNotice error={action.error} issues={issues} labelOf={labelOf} /> : null}
      <div className="button-row">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {action.pending ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  )
}
