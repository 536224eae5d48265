// The Overview's plain words: the headline per job ("Off-site copy is 2 days behind"),
// and a run's outcome and origin.
import type { OverviewJob } from '../../../src-main/shared/schedule'
import type { Tone } from '../components/status-badge'
import { spanWords } from '../../../src-main/shared/span-words'

/** One line that says how the job stands. */
export function headline(job: OverviewJob): { text: string; tone: Tone } {
  const { lag } = job
  switch (lag.state) {
    case 'up-to-date':
      return { text: 'Off-site copy is up to date', tone: job.warnings.length > 0 ? 'warn' : 'ok' }
    case 'no-common':
      return { text: 'Off-site copy needs a full re-send', tone: 'error' }
    case 'nothing-yet':
      return job.unreachable.length > 0 && lag.newestOffsiteAt === null
        ? { text: 'How far behind the off-site copy is cannot be told right now', tone: 'warn' }
        : { text: 'Nothing copied off-site yet', tone: 'neutral' }
    case 'behind':
      if (lag.secondsBehind !== null) return { text: `Off-site copy is ${spanWords(lag.secondsBehind)} behind`, tone: 'warn' }
      return lag.ageSeconds !== null
        ? { text: `Newest off-site copy is ${spanWords(lag.ageSeconds)} old`, tone: 'warn' }
        : { text: 'How far behind the off-site copy is cannot be told right now', tone: 'warn' }
  }
}

const OUTCOME: Record<string, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Paused — will resume',
  busy: 'Skipped: another run held the job',
}

export function outcomeWords(outcome: string): string {
  return OUTCOME[outcome] ?? outcome
}

export function outcomeTone(outcome: string): Tone {
  return outcome === 'succeeded' ? 'ok' : outcome === 'failed' ? 'error' : outcome === 'running' ? 'neutral' : 'warn'
}

export const SOURCE_WORDS = { app: 'started from this app', timer: 'by the NAS’s timer' } as const

/** The short tag beside the horizon's words: a held base past (or near) the policy is kept, not at risk. */
export function horizonTag(h: NonNullable<OverviewJob['horizon']>): string {
  if (h.level === 'ok') return 'Safe'
  if (h.level === 'lost') return 'Chain lost'
  return h.held ? 'Held past policy' : 'Soon'
}

export function horizonTone(level: NonNullable<OverviewJob['horizon']>['level']): Tone {
  return level === 'ok' ? 'ok' : level === 'warning' ? 'warn' : 'error'
}

export function spaceTone(level: NonNullable<OverviewJob['space']>['level']): Tone {
  return level === 'ok' ? 'ok' : level === 'unknown' ? 'neutral' : level === 'warning' ? 'warn' : 'error'
}
