// Keeps the runs heard since the app opened, one per job: the ones already going when it
// opened (listActiveRuns, so a restart reattaches), then the `progress` and `jobState`
// events. Lives at the shell so switching screens loses nothing.
import { useCallback, useEffect, useState } from 'react'
import { api } from '../api'
import { applyActiveRuns, applyCancelled, applyJobState, applyProgress, hasEnded, type LiveRun, type LiveRuns } from './live-runs'

export interface Transfers {
  readonly runs: readonly LiveRun[]
  /** Goes up each time a run ends, so the history can load it. */
  readonly endedCount: number
  /** Asks the services which runs are going now (on the NAS, maybe started before this window). */
  reattach(): void
  /** Records that cancelRun answered for this run. */
  markCancelled(jobId: string, runId: string): void
}

export function useTransfers(): Transfers {
  const [runs, setRuns] = useState<LiveRuns>(new Map())
  const [endedCount, setEndedCount] = useState(0)

  const reattach = useCallback(() => {
    void api()
      .listActiveRuns()
      .then((r) => {
        if (r.ok) setRuns((m) => applyActiveRuns(m, r.value, Date.now()))
      })
  }, [])

  useEffect(() => {
    const stopProgress = api().on('progress', (p) => setRuns((m) => applyProgress(m, p, Date.now())))
    const stopState = api().on('jobState', (s) => {
      setRuns((m) => applyJobState(m, s))
      if (hasEnded(s.state)) setEndedCount((n) => n + 1)
    })
    // Listening first, so nothing said while the answer is on its way is missed.
    reattach()
    return () => {
      stopProgress()
      stopState()
    }
  }, [reattach])

  const markCancelled = useCallback((jobId: string, runId: string) => {
    setRuns((m) => applyCancelled(m, jobId, runId))
    setEndedCount((n) => n + 1)
  }, [])

  return { runs: [...runs.values()], endedCount, reattach, markCancelled }
}
