// The schedule form's entries as typed, and the job schedule they make. Only what cannot
// be sent is refused here (a time that is not HH:MM, a count that is not a number); the
// ranges are the contract's, so the services' own messages are shown for them.
import type { JobSchedule } from '../../../src-main/shared/schedule'

export const COUNT_KINDS = ['frequently', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const
export type CountKind = (typeof COUNT_KINDS)[number]
export type CountsDraft = Record<CountKind, string>

export const COUNT_LABELS: Record<CountKind, string> = {
  frequently: 'Every 15 minutes',
  hourly: 'Hourly',
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
  yearly: 'Yearly',
}

export interface ScheduleDraft {
  readonly kind: JobSchedule['schedule']['kind']
  /** "02:00" for a nightly run. */
  readonly time: string
  readonly everyHours: string
  readonly minute: string
  readonly onCalendar: string
  /** The person's own tool takes the NAS's snapshots (no sanoid block for this job). */
  readonly ownSnapshots: boolean
  readonly nas: CountsDraft
  readonly offsite: CountsDraft
  readonly enabled: boolean
}

const counts = (c: Record<CountKind, number>): CountsDraft =>
  Object.fromEntries(COUNT_KINDS.map((k) => [k, String(c[k])])) as CountsDraft

/** A sensible start: nightly at 02:00, two days of hourlies, a month of dailies, … on the NAS; off-site a day of hourlies (it keeps some of every kind the NAS sends, or it would prune each on arrival) and longer of the rest. */
export const DEFAULT_NAS = { frequently: 0, hourly: 48, daily: 30, weekly: 8, monthly: 12, yearly: 0 }
export const DEFAULT_OFFSITE = { frequently: 0, hourly: 24, daily: 30, weekly: 8, monthly: 24, yearly: 2 }

export function draftOf(schedule: JobSchedule | null | undefined): ScheduleDraft {
  const s = schedule?.schedule
  const pad = (n: number) => String(n).padStart(2, '0')
  return {
    kind: s?.kind ?? 'nightly',
    time: s?.kind === 'nightly' ? `${pad(s.hour)}:${pad(s.minute)}` : '02:00',
    everyHours: s?.kind === 'every-hours' ? String(s.hours) : '6',
    minute: s?.kind === 'every-hours' ? String(s.minute) : '0',
    onCalendar: s?.kind === 'custom' ? s.onCalendar : '',
    ownSnapshots: schedule ? schedule.nasSnapshots === null : false,
    nas: counts(schedule?.nasSnapshots ?? DEFAULT_NAS),
    offsite: counts(schedule?.offsiteRetention ?? DEFAULT_OFFSITE),
    enabled: schedule?.enabled ?? true,
  }
}

/** Field key → why it cannot be sent. Keys: time, everyHours, minute, nas.<kind>, offsite.<kind>. */
export type DraftProblems = Record<string, string>

function whole(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null
}

export function scheduleOf(draft: ScheduleDraft): { ok: true; value: JobSchedule } | { ok: false; problems: DraftProblems } {
  const problems: DraftProblems = {}
  let schedule: JobSchedule['schedule'] | null = null
  if (draft.kind === 'nightly') {
    const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(draft.time)
    if (!m) problems['time'] = 'Enter the time as hours and minutes, for example 02:30.'
    else schedule = { kind: 'nightly', hour: Number(m[1]), minute: Number(m[2]) }
  } else if (draft.kind === 'every-hours') {
    const hours = whole(draft.everyHours)
    const minute = whole(draft.minute)
    if (hours === null) problems['everyHours'] = 'Enter a whole number of hours, for example 6.'
    if (minute === null) problems['minute'] = 'Enter the minute past the hour, 0 to 59.'
    if (hours !== null && minute !== null) schedule = { kind: 'every-hours', hours, minute }
  } else {
    schedule = { kind: 'custom', onCalendar: draft.onCalendar }
  }
  const read = (group: 'nas' | 'offsite', c: CountsDraft): Record<CountKind, number> => {
    const out = {} as Record<CountKind, number>
    for (const k of COUNT_KINDS) {
      const n = whole(c[k])
      if (n === null) problems[`${group}.${k}`] = 'Enter how many to keep, 0 or more.'
      out[k] = n ?? 0
    }
    return out
  }
  const nas = draft.ownSnapshots ? null : read('nas', draft.nas)
  const offsite = read('offsite', draft.offsite)
  if (Object.keys(problems).length > 0 || schedule === null) return { ok: false, problems }
  return { ok: true, value: { schedule, nasSnapshots: nas, offsiteRetention: offsite, enabled: draft.enabled } }
}

/** Where the contract puts a field of the draft, inside setJobSchedule's or previewJobSchedule's input. */
export function draftKeyOfPath(path: string, kind: ScheduleDraft['kind']): string | null {
  const p = path.replace(/^schedule\./, '')
  if (p === 'schedule.minute') return kind === 'every-hours' ? 'minute' : 'time'
  if (p === 'schedule.hour') return 'time'
  if (p === 'schedule.hours') return 'everyHours'
  if (p === 'schedule.onCalendar') return 'onCalendar'
  const m = /^(nasSnapshots|offsiteRetention)\.(\w+)$/.exec(p)
  if (m) return `${m[1] === 'nasSnapshots' ? 'nas' : 'offsite'}.${m[2]}`
  return null
}
