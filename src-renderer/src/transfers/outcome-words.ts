// How a run's outcome and a job's state read on screen, in words and a colour to match.
// A cancelled run is not lost: the next run resumes from ZFS's resume token.
import type { RunOutcomeName } from '../../../src-main/shared/model'
import type { Tone } from '../components/status-badge'
import type { JobStateName } from './live-runs'

export interface Words {
  readonly text: string
  readonly tone: Tone
}

export const PAUSED = 'Paused — will resume'

export const OUTCOME_WORDS: Record<RunOutcomeName, Words> = {
  running: { text: 'Running', tone: 'neutral' },
  succeeded: { text: 'Copied', tone: 'ok' },
  failed: { text: 'Failed', tone: 'error' },
  cancelled: { text: PAUSED, tone: 'warn' },
  busy: { text: 'Skipped — another copy was running', tone: 'warn' },
}

export const STATE_WORDS: Record<JobStateName, Words> = {
  idle: { text: 'Idle', tone: 'neutral' },
  queued: { text: 'Waiting to start', tone: 'neutral' },
  running: { text: 'Running', tone: 'neutral' },
  succeeded: { text: 'Finished', tone: 'ok' },
  failed: { text: 'Failed', tone: 'error' },
  cancelled: { text: PAUSED, tone: 'warn' },
  busy: { text: 'Skipped — another copy was running', tone: 'warn' },
}
