// "What this runs" for a schedule: the exact commands setJobSchedule would run on which
// host, and the schedule in words, from the services' own preview (nothing is changed).
import { useId, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { StatusBadge } from '../components/status-badge'
import type { AppError } from '../../../src-main/shared/errors'
import type { MethodOutput } from '../../../src-main/shared/contract'
import type { JobSchedule } from '../../../src-main/shared/schedule'
import type { Result } from '../../../src-main/shared/result'

type Preview = MethodOutput<'previewJobSchedule'>

const KIND_WORDS = { check: 'reads only', change: 'changes the host', verify: 'verifies' } as const
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
              <ol className="command-list" aria-label="Commands">
                {shown.preview.commands.map((c, i) => (
                  <li key={i} className="command">
                    <p className="command-head">
                      <span className="command-host">on {HOST_WORDS[c.host]}</span> · {c.purpose}{' '}
                      <StatusBadge tone={c.kind === 'change' ? 'warn' : 'neutral'}>{KIND_WORDS[c.kind]}</StatusBadge>
                    </p>
                    <pre className="mono command-text">{c.command}</pre>
                    {c.input !== undefined ? (
                      <details>
                        <summary>What the command is given to read</summary>
                        <pre className="mono command-text">{c.input}</pre>
                      </details>
                    ) : null}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
