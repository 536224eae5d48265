// "What this runs" for a schedule: the exact commands setJobSchedule would run on which
// host, and the schedule in words, from the services' own preview (nothing is changed).
import { useId, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { CommandList } from '../components/command-list'
import type { AppError } from '../../../src-main/shared/errors'
import type { MethodOutput } from '../../../src-main/shared/contract'
import type { JobSchedule } from '../../../src-main/shared/schedule'
import type { Result } from '../../../src-main/shared/result'

type Preview = MethodOutput<'previewJobSchedule'>

const HOST_WORDS = { nas: 'the NAS', offsite: 'the off-site box' } as const

export interface SchedulePreviewProps {
  readonly jobId: string
  /** What would be saved; null while the form cannot be sent. */
  readonly schedule: JobSchedule | null
  /** A refusal goes to the form too, so it can mark the fields. */
  onRefused(error: AppError): void
}

export function SchedulePreview({ jobId, schedule, onRefused }: SchedulePreviewProps) {
  const [open, setOpen] = useState(false)
  const [shown, setShown] = useState<{ key: string; preview: Preview } | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  const [pending, setPending] = useState(false)
  const panelId = useId()
  const key = schedule === null ? null : JSON.stringify(schedule)

  const load = async () => {
    if (schedule === null || key === null) return
    setPending(true)
    setError(null)
    let r: Result<Preview>
    try {
      r = await api().previewJobSchedule({ jobId, schedule })
    } finally {
      setPending(false)
    }
    if (r.ok) setShown({ key, preview: r.value })
    else {
      setError(r.error)
      onRefused(r.error)
    }
  }

  const toggle = () => {
    const next = !open
    setOpen(next)
    if (next && key !== null && shown?.key !== key) void load()
  }

  return (
    <div className="what-this-runs">
      <button type="button" className="button button-quiet" aria-expanded={open} aria-controls={panelId} onClick={toggle}>
        What this runs
      </button>
      {open ? (
        <div id={panelId} role="region" aria-label="What this runs" className="what-this-runs-panel">
          {schedule === null ? <p className="hint">Correct the marked entries to see the exact commands.</p> : null}
          {pending ? <LoadingNotice what="the commands" /> : null}
          {error ? <ErrorNotice error={error} /> : null}
          {shown && key !== null && shown.key !== key && !pending ? (
            <p className="hint">
              These are the commands for what was entered before.{' '}
              <button type="button" className="button button-quiet" onClick={() => void load()}>
                Show the commands for the current entries
              </button>
            </p>
          ) : null}
          {shown ? (
            <>
              <p>
                <strong>{shown.preview.words.summary}</strong> {shown.preview.words.detail}
              </p>
              <CommandList commands={shown.preview.commands} hosts={HOST_WORDS} />
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
