// When a job's unattended replication runs on the NAS: the presets a person picks
// (nightly at a time, every N hours) and a custom systemd calendar expression from a
// small, checked subset; each as systemd's OnCalendar= value, as a cron time (for hosts
// without systemd) and in plain words. Times are the host's own local time: systemd and
// cron both read them in the system time zone, so the words name that zone.

export type Schedule =
  | { readonly kind: 'nightly'; readonly hour: number; readonly minute: number }
  /** At `minute` past every N-th hour of the day, counted from midnight (0/N in systemd, *\/N in cron). */
  | { readonly kind: 'every-hours'; readonly hours: number; readonly minute: number }
  | { readonly kind: 'custom'; readonly onCalendar: string }

export type ScheduleErrorCode = 'SCHEDULE_INVALID' | 'SCHEDULE_NO_CRON_EQUIVALENT'

/** An error value: code, a one-sentence cause and what fixes it (shaped like the shared AppError). */
export interface ScheduleError {
  readonly code: ScheduleErrorCode
  readonly cause: string
  readonly fix: string
  readonly details?: string
}

export type ScheduleResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ScheduleError }

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const
type Weekday = (typeof WEEKDAYS)[number]
/** cron's day-of-week numbers (0 = Sunday). */
const CRON_DOW: Record<Weekday, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 0 }

/**
 * A field of the custom subset: every value, a list, or a start with a repetition
 * (systemd's `a/n`: a, a+n, a+2n … up to the field's end).
 */
export type CalendarField =
  | { readonly kind: 'any' }
  | { readonly kind: 'list'; readonly values: readonly number[] }
  | { readonly kind: 'step'; readonly start: number; readonly step: number }

/** A parsed custom expression: `[WEEKDAYS] [*-MONTHS-DAYS] HOURS:MINUTES[:00]`. */
export interface CalendarSpec {
  /** Empty: every day of the week. */
  readonly weekdays: readonly Weekday[]
  readonly months: CalendarField
  readonly days: CalendarField
  readonly hours: CalendarField
  readonly minutes: CalendarField
}

function invalid(cause: string, fix: string, details?: string): { ok: false; error: ScheduleError } {
  return { ok: false, error: details === undefined ? { code: 'SCHEDULE_INVALID', cause, fix } : { code: 'SCHEDULE_INVALID', cause, fix, details } }
}

const CUSTOM_FIX =
  'Write it as systemd does, within what the app accepts: optional weekdays (Mon..Fri or Mon,Wed), an optional date *-MONTH-DAY with * or numbers, then HOUR:MINUTE, where each may be a number, a list (2,14) or a repetition (0/4); for example “Mon..Fri *-*-* 02:30” or “*-*-* 0/4:15”.'

function parseField(text: string, min: number, max: number, what: string, allowAny: boolean): ScheduleResult<CalendarField> {
  if (text === '*') {
    if (allowAny) return { ok: true, value: { kind: 'any' } }
    return invalid(`“*” is not accepted for the ${what}: the job would run every ${what === 'minute' ? 'minute' : what}.`, CUSTOM_FIX, text)
  }
  const num = (s: string): number | null => (/^\d{1,2}$/.test(s) ? Number(s) : null)
  const step = /^(\d{1,2})\/(\d{1,2})$/.exec(text)
  if (step) {
    const start = Number(step[1])
    const n = Number(step[2])
    if (start < min || start > max) return invalid(`The ${what} ${start} is outside ${min}–${max}.`, CUSTOM_FIX, text)
    if (n < 1 || n > max) return invalid(`The repetition “/${n}” of the ${what} must be between 1 and ${max}.`, CUSTOM_FIX, text)
    return { ok: true, value: { kind: 'step', start, step: n } }
  }
  const values: number[] = []
  for (const part of text.split(',')) {
    const v = num(part)
    if (v === null) return invalid(`“${text}” is not a ${what} the app accepts.`, CUSTOM_FIX, text)
    if (v < min || v > max) return invalid(`The ${what} ${v} is outside ${min}–${max}.`, CUSTOM_FIX, text)
    if (!values.includes(v)) values.push(v)
  }
  values.sort((a, b) => a - b)
  return { ok: true, value: { kind: 'list', values } }
}

function parseWeekdays(text: string): ScheduleResult<Weekday[]> {
  const days: Weekday[] = []
  for (const item of text.split(',')) {
    const range = item.split('..')
    if (range.length > 2) return invalid(`“${item}” is not a weekday or a range like Mon..Fri.`, CUSTOM_FIX, text)
    const ends = range.map((d) => WEEKDAYS.indexOf(d as Weekday))
    if (ends.some((i) => i < 0)) return invalid(`“${item}” is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat or Sun.`, CUSTOM_FIX, text)
    const [a, b = a] = ends as [number, number?]
    if (b < a) return invalid(`The range “${item}” runs backwards; write it from Monday towards Sunday.`, CUSTOM_FIX, text)
    for (let i = a; i <= b; i++) if (!days.includes(WEEKDAYS[i]!)) days.push(WEEKDAYS[i]!)
  }
  days.sort((x, y) => WEEKDAYS.indexOf(x) - WEEKDAYS.indexOf(y))
  return { ok: true, value: days.length === 7 ? [] : days }
}

/**
 * The custom subset. Accepted: `[WEEKDAYS ][*-MONTHS-DAYS ]HOURS:MINUTES[:00]` and the
 * words hourly, daily, weekly. Not accepted, on purpose: seconds other than 0, years,
 * time zones, `~` (days from the month's end), ranges inside hours or minutes, and
 * `*` minutes (a run every minute). The subset is what cron can also say, apart from
 * weekdays combined with days of the month (see cronTime).
 */
export function parseOnCalendar(expression: string): ScheduleResult<CalendarSpec> {
  const text = expression.trim().replace(/\s+/g, ' ')
  if (text === '') return invalid('The custom schedule is empty.', CUSTOM_FIX)
  if (text.length > 120) return invalid('The custom schedule is too long.', CUSTOM_FIX)
  if (!/^[A-Za-z0-9*,./: -]+$/.test(text)) return invalid('The custom schedule holds characters systemd calendar times do not use.', CUSTOM_FIX, text)
  const any: CalendarField = { kind: 'any' }
  if (text === 'hourly') return { ok: true, value: { weekdays: [], months: any, days: any, hours: any, minutes: { kind: 'list', values: [0] } } }
  if (text === 'daily') return { ok: true, value: { weekdays: [], months: any, days: any, hours: { kind: 'list', values: [0] }, minutes: { kind: 'list', values: [0] } } }
  if (text === 'weekly') return { ok: true, value: { weekdays: ['Mon'], months: any, days: any, hours: { kind: 'list', values: [0] }, minutes: { kind: 'list', values: [0] } } }
  const words = text.split(' ')
  let weekdays: Weekday[] = []
  if (words.length > 1 && /^[A-Z]/.test(words[0]!)) {
    const w = parseWeekdays(words.shift()!)
    if (!w.ok) return w
    weekdays = w.value
  }
  let months: CalendarField = any
  let days: CalendarField = any
  if (words.length > 1) {
    const date = /^\*-([^-]+)-([^-]+)$/.exec(words.shift()!)
    if (!date) return invalid('The date part must be *-MONTH-DAY with * or numbers (years are not accepted).', CUSTOM_FIX, text)
    const m = parseField(date[1]!, 1, 12, 'month', true)
    if (!m.ok) return m
    const d = parseField(date[2]!, 1, 31, 'day of the month', true)
    if (!d.ok) return d
    months = m.value
    days = d.value
  }
  if (words.length !== 1) return invalid('The custom schedule has more parts than weekdays, a date and a time.', CUSTOM_FIX, text)
  const time = words[0]!.split(':')
  if (time.length < 2 || time.length > 3) return invalid('The time must be HOUR:MINUTE (seconds, when given, must be 00).', CUSTOM_FIX, text)
  if (time.length === 3 && !/^0{1,2}$/.test(time[2]!)) return invalid('Seconds other than 00 are not accepted: cron cannot say them.', CUSTOM_FIX, text)
  const hours = parseField(time[0]!, 0, 23, 'hour', true)
  if (!hours.ok) return hours
  const minutes = parseField(time[1]!, 0, 59, 'minute', false)
  if (!minutes.ok) return minutes
  return { ok: true, value: { weekdays, months, days, hours: hours.value, minutes: minutes.value } }
}

function checkNumber(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max
}

/** Checks a schedule as a whole; a custom one must parse. */
export function checkSchedule(schedule: Schedule): ScheduleResult<Schedule> {
  switch (schedule.kind) {
    case 'nightly':
      if (!checkNumber(schedule.hour, 0, 23) || !checkNumber(schedule.minute, 0, 59)) return invalid('The time of day is not a valid hour and minute.', 'Pick an hour from 0 to 23 and a minute from 0 to 59.')
      return { ok: true, value: schedule }
    case 'every-hours':
      if (!checkNumber(schedule.hours, 1, 24)) return invalid('“Every N hours” needs N from 1 to 24.', 'Pick a whole number of hours between 1 and 24.')
      if (!checkNumber(schedule.minute, 0, 59)) return invalid('The minute past the hour is not from 0 to 59.', 'Pick a minute from 0 to 59.')
      return { ok: true, value: schedule }
    case 'custom': {
      const p = parseOnCalendar(schedule.onCalendar)
      return p.ok ? { ok: true, value: schedule } : p
    }
  }
}

/** The preset or custom schedule as the subset's parsed form. */
export function calendarSpec(schedule: Schedule): ScheduleResult<CalendarSpec> {
  const checked = checkSchedule(schedule)
  if (!checked.ok) return checked
  const any: CalendarField = { kind: 'any' }
  switch (schedule.kind) {
    case 'nightly':
      return { ok: true, value: { weekdays: [], months: any, days: any, hours: { kind: 'list', values: [schedule.hour] }, minutes: { kind: 'list', values: [schedule.minute] } } }
    case 'every-hours': {
      const hours: CalendarField = schedule.hours === 1 ? any : schedule.hours === 24 ? { kind: 'list', values: [0] } : { kind: 'step', start: 0, step: schedule.hours }
      return { ok: true, value: { weekdays: [], months: any, days: any, hours, minutes: { kind: 'list', values: [schedule.minute] } } }
    }
    case 'custom':
      return parseOnCalendar(schedule.onCalendar)
  }
}

const two = (n: number): string => String(n).padStart(2, '0')

function systemdField(f: CalendarField, max: number): string {
  switch (f.kind) {
    case 'any':
      return '*'
    case 'list':
      return f.values.map(two).join(',')
    case 'step':
      // Written out as a list, never as systemd's own a/n: systemd 252 (Debian 12) skips the
      // 00 of `00/5:30` on the first day of a month (seen with systemd-analyze calendar
      // --base-time=2026-11-30 23:59:00: next elapse 05:30, not 00:30). A list has no such gap.
      return expand(f, 0, max).map(two).join(',')
  }
}

function weekdayText(days: readonly Weekday[]): string {
  // Consecutive runs of three or more as ranges (Mon..Fri), the rest listed.
  const idx = days.map((d) => WEEKDAYS.indexOf(d))
  const parts: string[] = []
  for (let i = 0; i < idx.length; ) {
    let j = i
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++
    if (j - i >= 2) parts.push(`${WEEKDAYS[idx[i]!]}..${WEEKDAYS[idx[j]!]}`)
    else for (let k = i; k <= j; k++) parts.push(WEEKDAYS[idx[k]!]!)
    i = j + 1
  }
  return parts.join(',')
}

/** The normalised `OnCalendar=` value, e.g. `*-*-* 02:00:00` or `Mon..Fri *-*-* 00,04,08,12,16,20:15:00`. */
export function onCalendarValue(schedule: Schedule): ScheduleResult<string> {
  const spec = calendarSpec(schedule)
  if (!spec.ok) return spec
  const s = spec.value
  const days = s.weekdays.length > 0 ? `${weekdayText(s.weekdays)} ` : ''
  const date = `*-${systemdField(s.months, 12)}-${systemdField(s.days, 31)}`
  return { ok: true, value: `${days}${date} ${systemdField(s.hours, 23)}:${systemdField(s.minutes, 59)}:00` }
}

function cronField(f: CalendarField, max: number): string {
  switch (f.kind) {
    case 'any':
      return '*'
    case 'list':
      return f.values.join(',')
    case 'step':
      // systemd's a/n runs a, a+n, … to the field's end; cron says the same with a-max/n.
      return f.start === 0 ? `*/${f.step}` : `${f.start}-${max}/${f.step}`
  }
}

/**
 * The five cron time fields (minute hour day-of-month month day-of-week). cron runs a
 * line when EITHER a restricted day of the month OR a restricted weekday matches,
 * systemd only when both do: that combination has no cron equivalent and is an error.
 */
export function cronTime(schedule: Schedule): ScheduleResult<string> {
  const spec = calendarSpec(schedule)
  if (!spec.ok) return spec
  const s = spec.value
  if (s.weekdays.length > 0 && s.days.kind !== 'any') {
    return {
      ok: false,
      error: {
        code: 'SCHEDULE_NO_CRON_EQUIVALENT',
        cause: 'This host has no systemd, and cron cannot run a job only on days that are both certain weekdays and certain days of the month.',
        fix: 'Choose either weekdays or days of the month for this host, or one of the presets.',
        details: schedule.kind === 'custom' ? schedule.onCalendar : undefined,
      },
    }
  }
  const dow = s.weekdays.length > 0 ? s.weekdays.map((d) => CRON_DOW[d]).join(',') : '*'
  return { ok: true, value: [cronField(s.minutes, 59), cronField(s.hours, 23), cronField(s.days, 31), cronField(s.months, 12), dow].join(' ') }
}

function expand(f: CalendarField, min: number, max: number): number[] {
  switch (f.kind) {
    case 'any':
      return Array.from({ length: max - min + 1 }, (_, i) => min + i)
    case 'list':
      return [...f.values]
    case 'step': {
      const out: number[] = []
      for (let v = f.start; v <= max; v += f.step) out.push(v)
      return out
    }
  }
}

/** Every time of day the schedule runs at, as minutes after midnight, ascending. */
export function timesOfDay(spec: CalendarSpec): number[] {
  const out: number[] = []
  for (const h of expand(spec.hours, 0, 23)) for (const m of expand(spec.minutes, 0, 59)) out.push(h * 60 + m)
  return out.sort((a, b) => a - b)
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

const clock = (minutes: number): string => `${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`

const DAY_NAMES: Record<Weekday, string> = { Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday' }
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13
  const suffix = teen ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th'
  return `${n}${suffix}`
}

export interface DescribeOptions {
  /** Whose clock: "NAS" by default. */
  readonly hostLabel?: string
  /** The host's time zone as it reports it (e.g. Europe/Berlin), when known. */
  readonly timeZone?: string | null
}

export interface ScheduleWords {
  /** "Every night at 02:00, NAS time (Europe/Berlin)", "Every 6 hours". */
  readonly summary: string
  /** The times of day, and whose clock: "at 00:00, 06:00, 12:00 and 18:00, NAS time (Europe/Berlin)". */
  readonly detail: string
}

/**
 * Times of day one step apart all round the clock, in words ("every 2 minutes", "every
 * hour at 15 minutes past"); null when they are not (then the times are counted instead).
 */
function evenlySpaced(times: readonly number[]): string | null {
  if (times.length < 2) return null
  const step = times[1]! - times[0]!
  for (let i = 2; i < times.length; i++) if (times[i]! - times[i - 1]! !== step) return null
  if (24 * 60 - times[times.length - 1]! + times[0]! !== step) return null
  if (step % 60 === 0) {
    const hours = step / 60
    const past = times[0]! % 60
    return `every ${hours === 1 ? 'hour' : `${hours} hours`} ${past === 0 ? 'on the hour' : `at ${past} minutes past`}`
  }
  return `every ${step} minutes${times[0] === 0 ? '' : `, from ${clock(times[0]!)}`}`
}

/** The schedule in plain words, in the host's time. */
export function describeSchedule(schedule: Schedule, options: DescribeOptions = {}): ScheduleResult<ScheduleWords> {
  const spec = calendarSpec(schedule)
  if (!spec.ok) return spec
  const s = spec.value
  const zone = `${options.hostLabel ?? 'NAS'} time${options.timeZone ? ` (${options.timeZone})` : ''}`
  const times = timesOfDay(s)
  const even = evenlySpaced(times)
  const timeList = times.length <= 6 ? `at ${listWords(times.map(clock))}` : (even ?? `${times.length} times a day, from ${clock(times[0]!)} to ${clock(times[times.length - 1]!)}`)
  const detail = `${timeList}, ${zone}`
  if (schedule.kind === 'nightly') return { ok: true, value: { summary: `Every night at ${clock(times[0]!)}, ${zone}`, detail } }
  if (schedule.kind === 'every-hours') {
    const summary = schedule.hours === 1 ? 'Every hour' : schedule.hours === 24 ? `Every day at ${clock(times[0]!)}, ${zone}` : `Every ${schedule.hours} hours`
    return { ok: true, value: { summary, detail } }
  }
  const parts: string[] = []
  if (s.weekdays.length === 0 && s.days.kind === 'any') parts.push('Every day')
  if (s.weekdays.length > 0) {
    const w = weekdayText(s.weekdays)
    const range = /^(\w{3})\.\.(\w{3})$/.exec(w)
    parts.push(range ? `${DAY_NAMES[range[1] as Weekday]} to ${DAY_NAMES[range[2] as Weekday]}` : `On ${listWords(s.weekdays.map((d) => DAY_NAMES[d]))}`)
  }
  if (s.days.kind !== 'any') {
    const d = expand(s.days, 1, 31)
    parts.push(`${parts.length > 0 ? 'on' : 'On'} the ${listWords(d.map(ordinal))}`)
  }
  if (s.months.kind !== 'any') parts.push(`in ${listWords(expand(s.months, 1, 12).map((m) => MONTH_NAMES[m - 1]!))}`)
  else if (s.days.kind !== 'any') parts.push('of every month')
  // "Every 2 minutes", not "Every day, every 2 minutes".
  if (times.length > 6 && even && parts.length === 1 && parts[0] === 'Every day') return { ok: true, value: { summary: `${even[0]!.toUpperCase()}${even.slice(1)}, ${zone}`, detail } }
  return { ok: true, value: { summary: `${parts.join(' ')}, ${timeList}, ${zone}`, detail } }
}

/** Roughly how long between runs, for the overview's "behind" judgement (the longest gap in a day). */
export function longestGapSeconds(schedule: Schedule): ScheduleResult<number> {
  const spec = calendarSpec(schedule)
  if (!spec.ok) return spec
  const s = spec.value
  const times = timesOfDay(s)
  let gap = 24 * 60 - times[times.length - 1]! + times[0]!
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!)
  let days = 1
  if (s.weekdays.length > 0) {
    const idx = s.weekdays.map((d) => WEEKDAYS.indexOf(d))
    days = 7 - idx[idx.length - 1]! + idx[0]!
    for (let i = 1; i < idx.length; i++) days = Math.max(days, idx[i]! - idx[i - 1]!)
  } else if (s.days.kind !== 'any' || s.months.kind !== 'any') {
    // A rough bound is all the overview needs: a month between chosen days, a year between chosen months.
    days = s.months.kind !== 'any' ? 366 : 31
  }
  return { ok: true, value: days > 1 ? (days - 1) * 86400 + gap * 60 : gap * 60 }
}

/** A moment on the host's wall clock (its local time zone), as plain fields. */
export interface WallClock {
  readonly year: number
  /** 1–12. */
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
}

function matches(f: CalendarField, v: number, min: number, max: number): boolean {
  return expand(f, min, max).includes(v)
}

/**
 * The first run strictly after `after`, on the same wall clock: for hosts where nothing
 * can be asked (cron keeps no "next run"). Daylight-saving shifts are not modelled: the
 * caller turns the result into an instant with the host's UTC offset, and the answer is
 * right except in the hour the clocks change. Null when nothing matches within four years.
 */
export function nextRunAfter(schedule: Schedule, after: WallClock): ScheduleResult<WallClock | null> {
  const spec = calendarSpec(schedule)
  if (!spec.ok) return spec
  const s = spec.value
  const times = timesOfDay(s)
  const start = Date.UTC(after.year, after.month - 1, after.day)
  const nowMinutes = after.hour * 60 + after.minute
  for (let i = 0; i <= 4 * 366; i++) {
    const d = new Date(start + i * 86400_000)
    const month = d.getUTCMonth() + 1
    const day = d.getUTCDate()
    const weekday = WEEKDAYS[(d.getUTCDay() + 6) % 7]!
    if (!matches(s.months, month, 1, 12) || !matches(s.days, day, 1, 31)) continue
    if (s.weekdays.length > 0 && !s.weekdays.includes(weekday)) continue
    const t = times.find((m) => i > 0 || m > nowMinutes)
    if (t === undefined) continue
    return { ok: true, value: { year: d.getUTCFullYear(), month, day, hour: Math.floor(t / 60), minute: t % 60 } }
  }
  return { ok: true, value: null }
}
