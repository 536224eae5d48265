// The fire drill of one job: do the keychain's passphrases still unlock the off-site copy,
// and does its newest snapshot mount read-only? Shows the last result (from the overview,
// then from each drill that ends, whoever started it) and runs one on request.
import { useEffect, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { StatusBadge } from '../components/status-badge'
import { formatDateTime } from '../format/date-time'
import { useApiAction } from '../hooks/use-api-action'
import type { FireDrill } from '../../../src-main/shared/recovery'
import './recovery.css'

export interface FireDrillSummary {
  readonly at: string
  readonly outcome: 'passed' | 'failed'
  readonly words: string
}

export interface FireDrillLineProps {
  readonly jobId: string
  readonly jobName: string
  readonly last: FireDrillSummary | null
}

/** The last drill in words, and the button that runs one. */
export function FireDrillLine({ jobId, jobName, last }: FireDrillLineProps) {
  const [latest, setLatest] = useState<FireDrill | null>(null)
  const action = useApiAction()

  useEffect(
    () =>
      api().on('fireDrill', (d) => {
        if (d.jobId === jobId) setLatest(d)
      }),
    [jobId],
  )

  const run = async () => {
    const drill = await action.run(() => api().runFireDrill({ jobId }))
    if (drill) setLatest(drill)
  }

  const shown: FireDrillSummary | null = latest ?? last
  // A failed drill's own error says the same words with the fix: shown once, there.
  const withError = latest?.outcome === 'failed' && latest.error !== undefined
  return (
    <div className="fire-drill">
      <p role="status" aria-label={`Fire drill of ${jobName}`}>
        {shown ? (
          <>
            <StatusBadge tone={shown.outcome === 'passed' ? 'ok' : 'error'}>{shown.outcome === 'passed' ? 'Passed' : 'Failed'}</StatusBadge>{' '}
            <span>
              {withError ? '' : `${shown.words} `}({formatDateTime(shown.at)})
            </span>
          </>
        ) : (
          'No fire drill yet: it checks that your saved passphrases still open the off-site copy, and that it mounts read-only.'
        )}
      </p>
      {withError && latest.error ? <ErrorNotice error={latest.error} /> : null}
      {action.error ? <ErrorNotice error={action.error} /> : null}
      <button type="button" className="button" onClick={() => void run()} disabled={action.pending} aria-busy={action.pending} aria-label={`Run fire drill for ${jobName}`}>
        {action.pending ? 'Running the fire drill…' : 'Run fire drill'}
      </button>
    </div>
  )
}
