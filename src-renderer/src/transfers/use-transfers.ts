// Keeps the transfers heard since the app opened, keyed by job, from the `progress` and
// `jobState` events. Lives at the shell so switching screens loses nothing.
import { useEffect, useState } from 'react'
import { api } from '../api'
import type { EventPayload } from '../../../src-main/shared/contract'

export interface Transfer {
  readonly jobId: string
  readonly progress?: EventPayload<'progress'>
  readonly state?: EventPayload<'jobState'>['state']
}

/** Transfers heard since the app opened, keyed by job. */
export function useTransfers(): Transfer[] {
  const [byJob, setByJob] = useState<ReadonlyMap<string, Transfer>>(new Map())
  useEffect(() => {
    const update = (jobId: string, change: (t: Transfer) => Transfer) =>
      setByJob((m) => new Map(m).set(jobId, change(m.get(jobId) ?? { jobId })))
    const stopProgress = api().on('progress', (p) => update(p.jobId, (t) => ({ ...t, progress: p, state: t.state ?? 'running' })))
    const stopState = api().on('jobState', (s) => update(s.jobId, (t) => ({ ...t, state: s.state })))
    return () => {
      stopProgress()
      stopState()
    }
  }, [])
  return [...byJob.values()]
}
