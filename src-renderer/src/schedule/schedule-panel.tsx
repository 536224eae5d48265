// A job's schedule on its card: when the NAS copies (nightly at a time, every N hours, or
// a checked calendar), the snapshots sanoid keeps on the NAS (or "my own tool takes
// them"), what the off-site box keeps; read back from the NAS in words with the next and
// last run; "What this runs"; Save, turn on or off, and Remove after a confirmation.
// sanoid is installed only when the services say it is missing and the person agrees.
import { useCallback, useId, useState } from 'react'
import { api } from '../api'
import { ConfirmDialog } from '../components/confirm-dialog'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { StatusBadge } from '../components/status-badge'
import { TextField } from '../components/text-field'
import { formatDateTime } from '../format/date-time'
import { inputIssues } from '../forms/input-issues'
import { useApiAction } from '../hooks/use-api-action'
import { useApiQuery } from '../hooks/use-api-query'
import type { AppError } from '../../../src-main/shared/errors'
import type { Job } from '../../../src-main/shared/model'
import type { ScheduleStatus } from '../../../src-main/shared/schedule'
import { CountsFields } from './counts-fields'
import { draftKeyOfPath, draftOf, scheduleOf, type CountKind, type ScheduleDraft } from './schedule-draft'
import { SchedulePreview } from './schedule-preview'
import './schedule.css'

const KINDS: ReadonlyArray<{ value: ScheduleDraft['kind']; label: string }> = [
  { value: 'nightly', label: 'Every night at a time' },
  { value: 'every-hours', label: 'Every few hours' },
  { value: 'custom', label: 'Custom calendar' },
]

const LAST_RUN_WORDS = { running: 'Running', succeeded: 'Succeeded', failed: 'Failed', busy: 'Skipped: a run from the app held the job' } as const

export function SchedulePanel({ job }: { readonly job: Job }) {
  const load = useCallback(() => api().getJobSchedule({ jobId: job.id }), [job.id])
  const status = useApiQuery(load)
  const [current, setCurrent] = useState<ScheduleStatus | null>(null)
  const [draft, setDraft] = useState<ScheduleDraft>(() => draftOf(job.schedule))
  const [touched, setTouched] = useState(false)
  const [problems, setProblems] = useState<Record<string, string>>({})
  const [refusal, setRefusal] = useState<AppError | null>(null)
  /** Where the refusal came from: the preview shows its own, the form shows Save's. */
  const [refusedBy, setRefusedBy] = useState<'save' | 'preview'>('save')
  const [installMissing, setInstallMissing] = useState(false)
  const [sanoidMissing, setSanoidMissing] = useState<AppError | null>(null)
  const [confirmRemove, setConfirmRemove] = useState(false)
  const saving = useApiAction()
  const switching = useApiAction()
  const removing = useApiAction()
  const noticeId = useId()
  const kindName = useId()

  const read: ScheduleStatus | null = current ?? (status.state.status === 'ready' ? status.state.value : null)
  // Once the NAS answered and the person has not typed yet, the form shows what is installed.
  if (!touched && status.state.status === 'ready' && status.state.value.schedule && current === null) {
    const fromHost = draftOf(status.state.value.schedule)
    if (JSON.stringify(fromHost) !== JSON.stringify(draft)) setDraft(fromHost)
  }

  const change = (next: Partial<ScheduleDraft>) => {
    setTouched(true)
    setDraft((d) => ({ ...d, ...next }))
  }
  const changeCount = (group: 'nas' | 'offsite', kind: CountKind, value: string) => {
    setTouched(true)
    setDraft((d) => ({ ...d, [group]: { ...d[group], [kind]: value } }))
  }

  const built = scheduleOf(draft)
  const fieldProblems: Record<string, string> = { ...problems }
  for (const issue of inputIssues(refusal)) {
    const key = draftKeyOfPath(issue.path, draft.kind)
    if (key && !fieldProblems[key]) fieldProblems[key] = issue.message
  }

  const refused = (error: AppError | null, by: 'save' | 'preview' = 'save') => {
    setRefusal(error)
    setRefusedBy(by)
    if (error?.code === 'SANOID_MISSING') setSanoidMissing(error)
  }

  const save = async () => {
    setProblems({})
    if (!built.ok) {
      setProblems(built.problems)
      setRefusal(null)
      return
    }
    setRefusal(null)
    const value = built.value
    const answer = await saving.run(async () => {
      const r = await api().setJobSchedule({ jobId: job.id, schedule: value, installMissing })
      // The refusal stays with the form, so the fields it names are marked.
      if (!r.ok) refused(r.error)
      return r
    })
    if (answer) {
      setCurrent(answer)
      setSanoidMissing(null)
      setTouched(false)
    }
  }

  const setEnabled = async (enabled: boolean) => {
    const answer = await switching.run(() => api().setJobScheduleEnabled({ jobId: job.id, enabled }))
    if (answer) {
      setCurrent(answer)
      setDraft((d) => ({ ...d, enabled }))
    }
  }

  const remove = async () => {
    const answer = await removing.run(() => api().removeJobSchedule({ jobId: job.id }))
    setConfirmRemove(false)
    if (answer) {
      setCurrent(answer)
      setDraft(draftOf(null))
      setTouched(false)
    }
  }

  const installed = read?.schedule ?? null
  const busy = saving.pending || switching.pending || removing.pending
  return (
    <section className="schedule-panel" aria-label={`Schedule of ${job.name}`}>
      <h3>Schedule</h3>
      <p className="hint">
        Backups run on the NAS by themselves (a systemd timer, or cron), so they happen while this computer is off. sanoid takes and prunes
        the snapshots on the NAS; the off-site box prunes its own copies.
      </p>

      {status.state.status === 'loading' && current === null ? <LoadingNotice what="the schedule from the NAS" /> : null}
      {status.state.status === 'failed' && current === null ? (
        <ErrorNotice error={status.state.error}>
          <p>The schedule stored in this app is shown below; saving needs the NAS.</p>
        </ErrorNotice>
      ) : null}
      {read ? <ReadBack status={read} /> : null}

      <fieldset>
        <legend>When the NAS copies</legend>
        {KINDS.map((k) => (
          <div key={k.value} className="radio">
            <input type="radio" id={`${kindName}-${k.value}`} name={kindName} value={k.value} checked={draft.kind === k.value} onChange={() => change({ kind: k.value })} />
            <label htmlFor={`${kindName}-${k.value}`}>{k.label}</label>
          </div>
        ))}
        {draft.kind === 'nightly' ? (
          <TextField label="Time of day (NAS time)" value={draft.time} onChange={(time) => change({ time })} hint="Hours and minutes, for example 02:30." error={fieldProblems['time']} />
        ) : null}
        {draft.kind === 'every-hours' ? (
          <div className="schedule-row">
            <TextField label="Every how many hours" value={draft.everyHours} onChange={(everyHours) => change({ everyHours })} error={fieldProblems['everyHours']} inputProps={{ inputMode: 'numeric' }} />
            <TextField label="Minutes past the hour" value={draft.minute} onChange={(minute) => change({ minute })} error={fieldProblems['minute']} inputProps={{ inputMode: 'numeric' }} />
          </div>
        ) : null}
        {draft.kind === 'custom' ? (
          <TextField
            label="Calendar (systemd OnCalendar)"
            value={draft.onCalendar}
            onChange={(onCalendar) => change({ onCalendar })}
            hint="For example Mon..Fri *-*-* 01:30 or *-*-* 00/6:15. The NAS checks it before anything is written."
            error={fieldProblems['onCalendar']}
          />
        ) : null}
      </fieldset>

      <div className="checkbox">
        <input id={`${kindName}-own`} type="checkbox" checked={draft.ownSnapshots} onChange={(e) => change({ ownSnapshots: e.target.checked })} />
        <label htmlFor={`${kindName}-own`}>My own tool takes snapshots on the NAS (sanoid does not take or prune them for this job)</label>
      </div>
      {draft.ownSnapshots ? null : (
        <CountsFields
          legend="Snapshots kept on the NAS"
          where="on the NAS"
          hint="sanoid takes these on the NAS and removes the oldest beyond each count. 0 keeps none of that kind."
          counts={draft.nas}
          group="nas"
          problems={fieldProblems}
          onChange={(k, v) => changeCount('nas', k, v)}
        />
      )}
      <CountsFields
        legend="Copies kept off-site"
        where="off-site"
        hint="The off-site box prunes its own copies to these counts; the newest copy the NAS still has is always kept."
        counts={draft.offsite}
        group="offsite"
        problems={fieldProblems}
        onChange={(k, v) => changeCount('offsite', k, v)}
      />

      {sanoidMissing ? (
        <div className="notice notice-warn">
          <p className="notice-title">{sanoidMissing.cause}</p>
          <p>{sanoidMissing.fix}</p>
          <div className="checkbox">
            <input id={`${kindName}-install`} type="checkbox" checked={installMissing} onChange={(e) => setInstallMissing(e.target.checked)} />
            <label htmlFor={`${kindName}-install`}>Install sanoid (it brings syncoid) from the distribution’s packages</label>
          </div>
        </div>
      ) : null}

      <SchedulePreview jobId={job.id} schedule={built.ok ? built.value : null} onRefused={(e) => refused(e, 'preview')} />

      {Object.keys(problems).length > 0 ? (
        <p className="field-error" role="alert">
          Some entries cannot be used yet; they are marked above.
        </p>
      ) : null}
      {refusal && refusedBy === 'save' && refusal.code !== 'SANOID_MISSING' ? <ErrorNotice id={noticeId} error={refusal} /> : null}
      {switching.error ? <ErrorNotice error={switching.error} /> : null}
      {removing.error ? <ErrorNotice error={removing.error} /> : null}

      <div className="button-row">
        <button type="button" className="button button-primary" onClick={() => void save()} disabled={busy || (sanoidMissing !== null && !installMissing)}>
          {saving.pending ? 'Saving…' : 'Save schedule'}
        </button>
        {installed ? (
          <button type="button" className="button" onClick={() => void setEnabled(!installed.enabled)} disabled={busy}>
            {installed.enabled ? 'Turn off schedule' : 'Turn on schedule'}
          </button>
        ) : null}
        {installed || job.schedule ? (
          <button type="button" className="button" onClick={() => setConfirmRemove(true)} disabled={busy}>
            Remove schedule
          </button>
        ) : null}
      </div>

      {confirmRemove ? (
        <ConfirmDialog title={`Remove the schedule of “${job.name}”?`} confirmLabel="Remove schedule" pending={removing.pending} onConfirm={() => void remove()} onCancel={() => setConfirmRemove(false)}>
          <p>This removes, for this job only:</p>
          <ul>
            <li>the timer (or cron lines) on the NAS that runs the backup;</li>
            <li>this job’s sanoid settings on the NAS and its pruning settings on the off-site box.</li>
          </ul>
          <p>Snapshots stay where they are, on both hosts. Backups then run only when started from this app.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}

function ReadBack({ status }: { readonly status: ScheduleStatus }) {
  if (!status.schedule) return <p className="item-meta">No schedule yet: backups run only when started from this app.</p>
  return (
    <dl className="definition-list" aria-label="Schedule as the NAS reports it">
      <div className="definition-row">
        <dt>Runs</dt>
        <dd>
          {status.words ? (
            <>
              {status.words.summary} <span className="hint">{status.words.detail}</span>
            </>
          ) : (
            'Unknown'
          )}{' '}
          <StatusBadge tone={status.schedule.enabled ? 'ok' : 'warn'}>{status.schedule.enabled ? 'On' : 'Off'}</StatusBadge>
        </dd>
      </div>
      <div className="definition-row">
        <dt>Next run</dt>
        <dd>{status.nextRunAt ? `${formatDateTime(status.nextRunAt)}${status.timeZone ? ` (NAS time zone ${status.timeZone})` : ''}` : 'None planned'}</dd>
      </div>
      <div className="definition-row">
        <dt>Last scheduled run</dt>
        <dd>
          {status.lastRun ? (
            <>
              <StatusBadge tone={status.lastRun.outcome === 'succeeded' ? 'ok' : status.lastRun.outcome === 'failed' ? 'error' : 'neutral'}>{LAST_RUN_WORDS[status.lastRun.outcome]}</StatusBadge>{' '}
              {formatDateTime(status.lastRun.at)}
              {status.lastRun.message ? <pre className="mono command-text">{status.lastRun.message}</pre> : null}
            </>
          ) : (
            'None yet'
          )}
        </dd>
      </div>
      {status.mechanism ? (
        <div className="definition-row">
          <dt>On the NAS</dt>
          <dd>{status.mechanism === 'systemd' ? 'a systemd timer (its runs are in the journal)' : 'a cron line (its runs are in a log file)'}</dd>
        </div>
      ) : null}
    </dl>
  )
}
