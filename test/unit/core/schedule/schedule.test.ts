// Schedules as systemd calendar values, cron times and plain words; the custom subset's
// edges; and every value checked by the real systemd-analyze (systemd 252, as on Debian 12).
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import {
  calendarSpec,
  checkSchedule,
  cronTime,
  describeSchedule,
  longestGapSeconds,
  nextRunAfter,
  onCalendarValue,
  parseOnCalendar,
  timesOfDay,
  type Schedule,
  type WallClock,
} from '../../../../src-main/core/schedule/schedule'

function value<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; cause: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.cause}`)
  return r.value
}

const berlin = { timeZone: 'Europe/Berlin' }

describe('presets', () => {
  it('runs nightly at the chosen hour and minute, said in the NAS’s time zone', () => {
    const s: Schedule = { kind: 'nightly', hour: 2, minute: 0 }
    expect(value(onCalendarValue(s))).toBe('*-*-* 02:00:00')
    expect(value(cronTime(s))).toBe('0 2 * * *')
    expect(value(describeSchedule(s, berlin)).summary).toBe('Every night at 02:00, NAS time (Europe/Berlin)')
    expect(value(describeSchedule({ kind: 'nightly', hour: 23, minute: 5 })).summary).toBe('Every night at 23:05, NAS time')
  })

  it('runs every N hours from midnight, and lists the times when N does not divide the day', () => {
    const six: Schedule = { kind: 'every-hours', hours: 6, minute: 0 }
    expect(value(onCalendarValue(six))).toBe('*-*-* 00,06,12,18:00:00')
    expect(value(cronTime(six))).toBe('0 */6 * * *')
    expect(value(describeSchedule(six, berlin))).toEqual({ summary: 'Every 6 hours', detail: 'at 00:00, 06:00, 12:00 and 18:00, NAS time (Europe/Berlin)' })
    const five: Schedule = { kind: 'every-hours', hours: 5, minute: 30 }
    expect(value(cronTime(five))).toBe('30 */5 * * *')
    expect(value(describeSchedule(five)).detail).toBe('at 00:30, 05:30, 10:30, 15:30 and 20:30, NAS time')
    // The last run of the day is 20:30, the next 00:30: a four-hour gap, not five.
    expect(value(longestGapSeconds(five))).toBe(5 * 3600)
  })

  it('says every hour and every 24 hours the way a person would', () => {
    const one: Schedule = { kind: 'every-hours', hours: 1, minute: 15 }
    expect(value(onCalendarValue(one))).toBe('*-*-* *:15:00')
    expect(value(cronTime(one))).toBe('15 * * * *')
    expect(value(describeSchedule(one)).summary).toBe('Every hour')
    expect(value(describeSchedule(one)).detail).toBe('every hour at 15 minutes past, NAS time')
    const day: Schedule = { kind: 'every-hours', hours: 24, minute: 0 }
    expect(value(onCalendarValue(day))).toBe('*-*-* 00:00:00')
    expect(value(describeSchedule(day, berlin)).summary).toBe('Every day at 00:00, NAS time (Europe/Berlin)')
  })

  it('refuses hours and minutes outside the clock, and N outside 1–24', () => {
    for (const s of [
      { kind: 'nightly', hour: 24, minute: 0 },
      { kind: 'nightly', hour: 2, minute: 60 },
      { kind: 'nightly', hour: 1.5, minute: 0 },
      { kind: 'every-hours', hours: 0, minute: 0 },
      { kind: 'every-hours', hours: 25, minute: 0 },
      { kind: 'every-hours', hours: 6, minute: -1 },
    ] as Schedule[]) {
      const r = checkSchedule(s)
      expect(r.ok, JSON.stringify(s)).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('SCHEDULE_INVALID')
    }
  })
})

describe('custom calendar expressions', () => {
  it('normalises the accepted subset to systemd’s own form', () => {
    const cases: [string, string, string][] = [
      ['Mon..Fri *-*-* 2:30', 'Mon..Fri *-*-* 02:30:00', '30 2 * * 1,2,3,4,5'],
      ['Mon,Wed,Fri 03:00', 'Mon,Wed,Fri *-*-* 03:00:00', '0 3 * * 1,3,5'],
      ['Sat,Sun *-*-* 10:00:00', 'Sat,Sun *-*-* 10:00:00', '0 10 * * 6,0'],
      ['*-*-01 04:00', '*-*-01 04:00:00', '0 4 1 * *'],
      ['*-1,7-1 05:45', '*-01,07-01 05:45:00', '45 5 1 1,7 *'],
      ['*-*-* 1/4:15', '*-*-* 01,05,09,13,17,21:15:00', '15 1-23/4 * * *'],
      ['*-*-* 2,14:00', '*-*-* 02,14:00:00', '0 2,14 * * *'],
      ['*-*-* *:0/30', '*-*-* *:00,30:00', '*/30 * * * *'],
      ['daily', '*-*-* 00:00:00', '0 0 * * *'],
      ['weekly', 'Mon *-*-* 00:00:00', '0 0 * * 1'],
      ['Mon..Sun 01:00', '*-*-* 01:00:00', '0 1 * * *'],
    ]
    for (const [input, calendar, cron] of cases) {
      const s: Schedule = { kind: 'custom', onCalendar: input }
      expect(value(onCalendarValue(s)), input).toBe(calendar)
      expect(value(cronTime(s)), input).toBe(cron)
    }
  })

  it('refuses what lies outside the subset, each with a cause and the form that works', () => {
    const refused = [
      '',
      '*-*-* 02:00:30', // seconds cron cannot say
      '2026-*-* 02:00', // years
      '*-*-* 02:00 Europe/Berlin', // time zones
      '*-*~01 02:00', // days from the month's end
      '*-*-* 02:*', // every minute
      '*-*-* 1..5:00', // ranges inside hours
      'Fri..Mon 02:00', // a range running backwards
      'Funday 02:00',
      '*-*-* 25:00',
      '*-13-01 02:00',
      '*-*-* 02:00; rm -rf /',
      'minutely',
    ]
    for (const input of refused) {
      const r = parseOnCalendar(input)
      expect(r.ok, input).toBe(false)
      if (!r.ok) {
        expect(r.error.code).toBe('SCHEDULE_INVALID')
        expect(r.error.fix).toMatch(/HOUR:MINUTE/)
      }
    }
  })

  it('says custom schedules in plain words', () => {
    expect(value(describeSchedule({ kind: 'custom', onCalendar: 'Mon..Fri 02:30' }, berlin)).summary).toBe('Monday to Friday, at 02:30, NAS time (Europe/Berlin)')
    expect(value(describeSchedule({ kind: 'custom', onCalendar: 'Sat,Sun 10:00' })).summary).toBe('On Saturday and Sunday, at 10:00, NAS time')
    expect(value(describeSchedule({ kind: 'custom', onCalendar: '*-*-1,15 03:00' })).summary).toBe('On the 1st and 15th of every month, at 03:00, NAS time')
    expect(value(describeSchedule({ kind: 'custom', onCalendar: '*-*-* 2,14:00' })).summary).toBe('Every day, at 02:00 and 14:00, NAS time')
    // Evenly spaced all round the clock: the step, not a count of times.
    expect(value(describeSchedule({ kind: 'custom', onCalendar: '*:0/2' })).summary).toBe('Every 2 minutes, NAS time')
    expect(value(describeSchedule({ kind: 'custom', onCalendar: '*:5/20' })).detail).toBe('every 20 minutes, from 00:05, NAS time')
    expect(value(describeSchedule({ kind: 'custom', onCalendar: 'Mon..Fri *:0/30' })).summary).toBe('Monday to Friday, every 30 minutes, NAS time')
    // Not even (a gap over midnight): counted.
    expect(value(describeSchedule({ kind: 'custom', onCalendar: '*-*-* 8,9,10,11,12,13,14:00' })).detail).toBe('7 times a day, from 08:00 to 14:00, NAS time')
  })

  it('has no cron line for weekdays combined with days of the month, and says so', () => {
    const s: Schedule = { kind: 'custom', onCalendar: 'Mon *-*-1..7 02:00' }
    expect(parseOnCalendar(s.onCalendar).ok).toBe(false) // ranges in days are outside the subset…
    const both: Schedule = { kind: 'custom', onCalendar: 'Mon *-*-1,2,3,4,5,6,7 02:00' }
    expect(value(onCalendarValue(both))).toBe('Mon *-*-01,02,03,04,05,06,07 02:00:00') // …a list is not: systemd runs it on the first Monday
    const r = cronTime(both)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('SCHEDULE_NO_CRON_EQUIVALENT')
      expect(r.error.cause).toMatch(/cron cannot/)
    }
  })
})

function systemdAnalyzeAvailable(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe.skipIf(!systemdAnalyzeAvailable())('checked by the real systemd-analyze calendar', () => {
  const schedules: Schedule[] = [
    { kind: 'nightly', hour: 2, minute: 0 },
    { kind: 'nightly', hour: 23, minute: 59 },
    ...[1, 2, 3, 5, 6, 7, 11, 12, 23, 24].map((hours): Schedule => ({ kind: 'every-hours', hours, minute: 10 })),
    ...['Mon..Fri 2:30', 'Mon,Wed,Fri 03:00', '*-*-01 04:00', '*-1,7-1 05:45', '*-*-* 1/4:15', '*-*-* *:0/30', 'weekly', 'Tue,Thu..Sat 6,18:05'].map((onCalendar): Schedule => ({ kind: 'custom', onCalendar })),
  ]

  it('accepts every value the app writes, already in its normalised form', () => {
    for (const s of schedules) {
      const calendar = value(onCalendarValue(s))
      const out = execFileSync('systemd-analyze', ['calendar', calendar], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } })
      expect(/Normalized form: (.*)/.exec(out)?.[1], calendar).toBe(calendar)
    }
  })

  it('fires at exactly the times of day the words and the cron line name', () => {
    for (const s of schedules) {
      const calendar = value(onCalendarValue(s))
      const spec = value(calendarSpec(s))
      if (spec.weekdays.length > 0 || spec.days.kind !== 'any' || spec.months.kind !== 'any') continue
      const out = execFileSync('systemd-analyze', ['calendar', '--iterations=48', '--base-time=2026-11-27 23:59:30', calendar], {
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
      })
      const fired = [...out.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} \d{4}-\d{2}-\d{2} (\d{2}):(\d{2}):00/g)].map((m) => Number(m[1]) * 60 + Number(m[2]))
      const expected = timesOfDay(spec)
      const firstDay = fired.slice(0, expected.length)
      expect(firstDay, calendar).toEqual(expected)
    }
  })
})

describe.skipIf(!systemdAnalyzeAvailable())('the next run on a host without systemd', () => {
  it('runs at 00:30 on the first of a month too, which systemd 252 skips for its own 00/5:30 form', () => {
    const calendar = value(onCalendarValue({ kind: 'every-hours', hours: 5, minute: 30 }))
    const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C' }
    const ours = execFileSync('systemd-analyze', ['calendar', '--base-time=2026-11-30 23:59:00', calendar], { encoding: 'utf8', env })
    // (systemd 252 itself answers 05:30 for `*-*-* 00/5:30:00` here; not asserted, a later systemd may fix it.)
    expect(ours).toMatch(/Next elapse: \w{3} 2026-12-01 00:30:00/)
  })

  it('is the same moment systemd-analyze names, for presets and custom days', () => {
    const schedules: Schedule[] = [
      { kind: 'nightly', hour: 2, minute: 0 },
      { kind: 'every-hours', hours: 5, minute: 30 },
      { kind: 'custom', onCalendar: 'Mon,Wed 06:15' },
      { kind: 'custom', onCalendar: '*-*-31 03:00' },
      { kind: 'custom', onCalendar: '*-2-29 01:00' },
      { kind: 'custom', onCalendar: 'Sat *-*-1,2,3,4,5,6,7 04:00' },
    ]
    const bases: WallClock[] = [
      { year: 2026, month: 11, day: 28, hour: 12, minute: 0 },
      { year: 2026, month: 12, day: 31, hour: 23, minute: 59 },
      { year: 2027, month: 2, day: 28, hour: 2, minute: 0 },
    ]
    for (const s of schedules) {
      const calendar = value(onCalendarValue(s))
      for (const b of bases) {
        const base = `${b.year}-${two(b.month)}-${two(b.day)} ${two(b.hour)}:${two(b.minute)}:00`
        const out = execFileSync('systemd-analyze', ['calendar', `--base-time=${base}`, calendar], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } })
        const m = /Next elapse: \w{3} (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):00/.exec(out)!
        const next = value(nextRunAfter(s, b))
        expect(next, `${calendar} after ${base}`).toEqual({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]) })
      }
    }
  })
})

const two = (n: number): string => String(n).padStart(2, '0')
