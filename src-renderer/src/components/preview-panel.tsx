// The collapsible "What this runs" panel: what the services' own preview says would run
// for what is entered now (so what is shown is what runs). Loaded when opened, and again
// on request once the entries changed; a refusal is shown in the panel and handed on.
import { useId, useState, type ReactNode } from 'react'
import { ErrorNotice } from './error-notice'
import { LoadingNotice } from './loading-notice'
import { useApiAction } from '../hooks/use-api-action'
import type { AppError } from '../../../src-main/shared/errors'
import type { Result } from '../../../src-main/shared/result'

export interface PreviewPanelProps<T> {
  /** What is entered now (compared by value to know when the shown preview is old); null while it cannot be sent. */
  readonly input: unknown
  /** Asks the services for the preview of `input`. */
  load(): Promise<Result<T>>
  /** Shown while `input` is null. */
  readonly incomplete: string
  /** The preview, shown. */
  render(value: T): ReactNode
  /** A refusal goes to the form too, so it can mark the fields. */
  onRefused?(error: AppError): void
}

export function PreviewPanel<T>({ input, load, incomplete, render, onRefused }: PreviewPanelProps<T>) {
  const [open, setOpen] = useState(false)
  const [shown, setShown] = useState<{ key: string; value: T } | null>(null)
  const action = useApiAction()
  const panelId = useId()
  const key = input === null ? null : JSON.stringify(input)

  const fetchPreview = async () => {
    if (key === null) return
    let refused: AppError | null = null
    const value = await action.run(async () => {
      const r = await load()
      if (!r.ok) refused = r.error
      return r
    })
    if (value !== null) setShown({ key, value })
    else if (refused) onRefused?.(refused)
  }

  const toggle = () => {
    const next = !open
    setOpen(next)
    if (next && key !== null && shown?.key !== key) void fetchPreview()
  }

  return (
    <div className="what-this-runs">
      <button type="button" className="button button-quiet" aria-expanded={open} aria-controls={panelId} onClick={toggle}>
        What this runs
      </button>
      {open ? (
        <div id={panelId} role="region" aria-label="What this runs" className="what-this-runs-panel">
          {key === null ? <p className="hint">{incomplete}</p> : null}
          {action.pending ? <LoadingNotice what="the commands" /> : null}
          {action.error ? <ErrorNotice error={action.error} /> : null}
          {shown && key !== null && shown.key !== key && !action.pending ? (
            <p className="hint">
              These are the commands for what was entered before.{' '}
              <button type="button" className="button button-quiet" onClick={() => void fetchPreview()}>
                Show the commands for the current entries
              </button>
            </p>
          ) : null}
          {shown ? render(shown.value) : null}
        </div>
      ) : null}
    </div>
  )
}
