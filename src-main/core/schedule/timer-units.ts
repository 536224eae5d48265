// A job's scheduled replication as two systemd units on the NAS: zfs-offsite-<jobId>.service
// (oneshot, runs the given command, logs to the journal under its own identifier) and
// zfs-offsite-<jobId>.timer (the schedule; Persistent=true, so a run missed while the NAS
// was off happens at boot). Install, enable, disable, remove, and read the state back.
import { BUSY_EXIT } from '../replication/run-script'
import type { CommandSpec } from '../zfs/command'
import { checkJobId, type JobId } from './job-id'
import { calendarSpec, onCalendarValue, timesOfDay, type Schedule, type ScheduleResult } from './schedule'

export const UNIT_DIR = '/etc/systemd/system'

export interface UnitNames {
  readonly service: string
  readonly timer: string
  /** SyslogIdentifier= of the service: `journalctl -t <this>` shows only the job's own output. */
  readonly identifier: string
}

export function unitNames(jobId: string): UnitNames {
  const id = checkedJobId(jobId)
  const base = `zfs-offsite-${id}`
  return { service: `${base}.service`, timer: `${base}.timer`, identifier: base }
}

function checkedJobId(jobId: string): JobId {
  const c = checkJobId(jobId)
  if (!c.ok) throw new Error(`${JSON.stringify(jobId)}: ${c.reason}`)
  return c.value
}

/** The first line of both unit files; the app replaces or removes only files that start with it. */
export function unitMarker(jobId: string): string {
  return `# Written by ZFS Offsite for job ${checkedJobId(jobId)}:`
}

/** A job name inside a comment or Description=: one line, and systemd's % specifiers escaped. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
}

/**
 * ExecStart= words. systemd splits them itself (not a shell) and expands % specifiers
 * and $VARIABLES inside them; rather than escape three syntaxes, the command is kept to
 * plain words (an absolute program and arguments of letters, digits and _ @ + : , . / = -).
 * Anything richer belongs in a script file the command runs.
 */
export function checkExecArgv(argv: readonly string[]): readonly string[] {
  if (argv.length === 0) throw new Error('an empty command')
  if (!argv[0]!.startsWith('/')) throw new Error('the program must be an absolute path')
  for (const a of argv) if (!/^[A-Za-z0-9_@+:,./=-]+$/.test(a)) throw new Error(`not a plain word for a unit or cron line: ${JSON.stringify(a)}`)
  return argv
}

export interface ScheduledUnitsInput {
  readonly jobId: string
  /** The person's name for the job, shown in the description. */
  readonly jobName: string
  readonly schedule: Schedule
  /** What one scheduled run executes, e.g. ['/bin/bash', '/var/lib/zfs-offsite/jobs/<id>/scheduled-run.sh']. */
  readonly command: readonly string[]
  /** Spreads runs of many jobs (and hosts) a little; default 120 s, less for runs closer together (defaultRandomizedDelay). */
  readonly randomizedDelaySeconds?: number
}

const MAX_DELAY_SECONDS = 120

/**
 * The random delay for a schedule: 120 s, but never more than a quarter of the shortest gap
 * between two runs. A delay near the gap would push a run past the next calendar time, so
 * runs would come at uneven intervals and later than the schedule the person was shown.
 */
export function defaultRandomizedDelay(schedule: Schedule): number {
  const spec = calendarSpec(schedule)
  if (!spec.ok) return MAX_DELAY_SECONDS
  const times = timesOfDay(spec.value)
  if (times.length < 2) return MAX_DELAY_SECONDS
  // Minutes after midnight, ascending; the gap over midnight counts too.
  let gap = times[0]! + 1440 - times[times.length - 1]!
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i]! - times[i - 1]!)
  return Math.min(MAX_DELAY_SECONDS, Math.floor((gap * 60) / 4))
}

export function serviceUnitText(input: ScheduledUnitsInput): string {
  const names = unitNames(input.jobId)
  const name = oneLine(input.jobName)
  return [
    `${unitMarker(input.jobId)} scheduled replication of “${name}”. Managed by the app; it replaces or removes this file.`,
    '[Unit]',
    `Description=ZFS Offsite: scheduled replication of ${name.replace(/%/g, '%%')}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${checkExecArgv(input.command).join(' ')}`,
    // A first full send can take days; oneshot has no start timeout by default, say so.
    'TimeoutStartSec=infinity',
    // The app's own run holds the job's lock: the scheduled run then steps aside with this
    // status, which is not a failure (the run state says "busy").
    `SuccessExitStatus=${BUSY_EXIT}`,
    'StandardOutput=journal',
    'StandardError=journal',
    `SyslogIdentifier=${names.identifier}`,
    '',
  ].join('\n')
}

export function timerUnitText(input: ScheduledUnitsInput): ScheduleResult<string> {
  const calendar = onCalendarValue(input.schedule)
  if (!calendar.ok) return calendar
  const names = unitNames(input.jobId)
  const delay = input.randomizedDelaySeconds ?? defaultRandomizedDelay(input.schedule)
  if (!Number.isInteger(delay) || delay < 0 || delay > 3600) throw new Error('RandomizedDelaySec must be 0–3600 seconds')
  const name = oneLine(input.jobName)
  return {
    ok: true,
    value: [
      `${unitMarker(input.jobId)} the schedule of “${name}”. Managed by the app; it replaces or removes this file.`,
      '[Unit]',
      `Description=ZFS Offsite: schedule of ${name.replace(/%/g, '%%')}`,
      '',
      '[Timer]',
      `OnCalendar=${calendar.value}`,
      // A run missed while the NAS was off (or asleep) happens once at the next boot.
      'Persistent=true',
      `RandomizedDelaySec=${delay}`,
      `Unit=${names.service}`,
      '',
      '[Install]',
      'WantedBy=timers.target',
      '',
    ].join('\n'),
  }
}

const INSTALL_SCRIPT = [
  'set -e',
  'marker=$2',
  'svc="$1/$3.service"; tmr="$1/$3.timer"',
  // Both files are checked before either is written: never half a schedule.
  'for f in "$svc" "$tmr"; do',
  '  if [ -e "$f" ]; then case "$(head -n 1 "$f")" in "$marker"*) ;; *) echo "$f was not written by ZFS Offsite; not replaced" >&2; exit 3 ;; esac; fi',
  'done',
  'state=unchanged',
  'put() {',
  '  if [ -e "$1" ] && printf %s "$2" | cmp -s - "$1"; then return 0; fi',
  '  if [ -e "$1" ]; then [ "$state" = created ] || state=replaced; else state=created; fi',
  '  printf %s "$2" > "$1.zfs-offsite-new"',
  '  chmod 644 "$1.zfs-offsite-new"',
  '  mv -f "$1.zfs-offsite-new" "$1"',
  '}',
  'umask 022',
  'put "$svc" "$4"',
  'put "$tmr" "$5"',
  '[ "$state" = unchanged ] || systemctl daemon-reload',
  'echo "$state"',
].join('\n')

/** Writes both unit files (only over the app's own) and reloads systemd; prints created, replaced or unchanged. Does not enable. */
export function installUnitsCommand(input: ScheduledUnitsInput, dir: string = UNIT_DIR): ScheduleResult<CommandSpec> {
  const timer = timerUnitText(input)
  if (!timer.ok) return timer
  const names = unitNames(input.jobId)
  return {
    ok: true,
    value: { argv: ['sh', '-c', INSTALL_SCRIPT, 'sh', dir, unitMarker(input.jobId), names.identifier, serviceUnitText(input), timer.value], successCodes: [0] },
  }
}

export function parseInstallUnits(stdout: string): 'created' | 'replaced' | 'unchanged' {
  const word = stdout.trim().split('\n').at(-1)?.trim()
  if (word === 'created' || word === 'replaced' || word === 'unchanged') return word
  throw new Error(`not the output of the unit install: ${JSON.stringify(stdout.slice(0, 80))}`)
}

/**
 * Enables the timer at boot and (re)starts it, so a changed OnCalendar takes effect now.
 * Starting a timer does not start the service (except a Persistent run missed before).
 */
export function enableTimerCommand(jobId: string): CommandSpec {
  const { timer } = unitNames(jobId)
  return { argv: ['sh', '-c', 'systemctl enable "$1" && systemctl restart "$1"', 'sh', timer], successCodes: [0] }
}

/** Stops the schedule; a run already going continues to its end. */
export function disableTimerCommand(jobId: string): CommandSpec {
  return { argv: ['systemctl', 'disable', '--now', unitNames(jobId).timer], successCodes: [0] }
}

const REMOVE_SCRIPT = [
  'set -e',
  'marker=$2',
  'svc="$1/$3.service"; tmr="$1/$3.timer"',
  'for f in "$svc" "$tmr"; do',
  '  if [ -e "$f" ]; then case "$(head -n 1 "$f")" in "$marker"*) ;; *) echo "$f was not written by ZFS Offsite; not removed" >&2; exit 3 ;; esac; fi',
  'done',
  'if [ ! -e "$svc" ] && [ ! -e "$tmr" ]; then echo absent; exit 0; fi',
  // A run in progress is stopped: its partial receive stays on the off-site box and the next run resumes it.
  'systemctl disable --now "$3.timer" >/dev/null 2>&1 || true',
  'systemctl stop "$3.service" >/dev/null 2>&1 || true',
  'rm -f -- "$svc" "$tmr"',
  'systemctl daemon-reload',
  // A failed last run would otherwise stay listed by `systemctl --failed` after the unit is gone.
  'systemctl reset-failed "$3.service" "$3.timer" >/dev/null 2>&1 || true',
  'echo removed',
].join('\n')

/** Disables, stops, deletes both files (only the app's own) and reloads; prints removed or absent. */
export function removeUnitsCommand(jobId: string, dir: string = UNIT_DIR): CommandSpec {
  return { argv: ['sh', '-c', REMOVE_SCRIPT, 'sh', dir, unitMarker(jobId), unitNames(jobId).identifier], successCodes: [0] }
}

export function parseRemoveUnits(stdout: string): 'removed' | 'absent' {
  const word = stdout.trim().split('\n').at(-1)?.trim()
  if (word === 'removed' || word === 'absent') return word
  throw new Error(`not the output of the unit removal: ${JSON.stringify(stdout.slice(0, 80))}`)
}

const TIMER_PROPERTIES = ['Id', 'LoadState', 'ActiveState', 'UnitFileState', 'NextElapseUSecRealtime', 'LastTriggerUSec']
const SERVICE_PROPERTIES = ['Id', 'LoadState', 'ActiveState', 'SubState', 'Result', 'ExecMainCode', 'ExecMainStatus', 'ExecMainStartTimestamp', 'ExecMainExitTimestamp']

/**
 * Both units' state in one call. `--timestamp=unix` (systemd ≥ 251; Debian 12 has 252)
 * prints every timestamp as `@<seconds>`, whatever the host's locale and time zone.
 * `systemctl show` exits 0 for a unit that does not exist (LoadState=not-found).
 */
export function scheduleStateCommand(jobId: string): CommandSpec {
  const names = unitNames(jobId)
  const props = [...new Set([...TIMER_PROPERTIES, ...SERVICE_PROPERTIES])].join(',')
  // systemd 252 (Debian 12) gives @seconds for the service's ExecMain*Timestamp only; the
  // timer's NextElapseUSecRealtime and LastTriggerUSec stay local dates, whose zone
  // abbreviation cannot be read back (seen in the lab). Under TZ=UTC they can.
  return { argv: ['env', 'TZ=UTC', 'systemctl', 'show', `--property=${props}`, '--timestamp=unix', names.timer, names.service], successCodes: [0] }
}

/** `systemctl show` output: blocks of Key=Value lines, one per unit, separated by an empty line. */
export function parseSystemctlShow(stdout: string): Map<string, Map<string, string>> {
  const units = new Map<string, Map<string, string>>()
  for (const block of stdout.split(/\n\s*\n/)) {
    const props = new Map<string, string>()
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=')
      if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1).trimEnd())
    }
    const id = props.get('Id')
    if (id) units.set(id, props)
  }
  return units
}

/** A timestamp property: `@<seconds>`; unset as empty, "n/a" or 0. Seconds since the epoch, or null. */
export function parseUnixTimestamp(value: string | undefined): number | null {
  if (value === undefined) return null
  const v = value.trim()
  if (v === '' || v === 'n/a' || v === '0' || v === '@0') return null
  const m = /^@(\d+)$/.exec(v)
  if (m) return Number(m[1])
  // A timer's date under TZ=UTC (see scheduleStateCommand): "Sun 2026-11-29 11:23:51 UTC".
  const d = /^\w{3} (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? UTC$/.exec(v)
  if (!d) throw new Error(`not a --timestamp=unix value or a UTC date: ${JSON.stringify(v)}`)
  const [y, mo, day, h, mi, sec] = d.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  return Date.UTC(y, mo - 1, day, h, mi, sec) / 1000
}

export type LastRunResult = 'never' | 'running' | 'succeeded' | 'busy' | 'failed'

export interface ScheduleState {
  /** Both unit files are known to systemd. */
  readonly installed: boolean
  /** The timer starts at boot. */
  readonly enabled: boolean
  /** The timer is armed now. */
  readonly active: boolean
  /** Seconds since the epoch. */
  readonly nextRun: number | null
  readonly lastTrigger: number | null
  readonly lastRun: {
    readonly result: LastRunResult
    /** systemd's Result= of the service (success, exit-code, signal, timeout…), for details. */
    readonly systemdResult: string | null
    readonly exitStatus: number | null
    readonly startedAt: number | null
    readonly endedAt: number | null
  }
}

export function parseScheduleState(jobId: string, stdout: string): ScheduleState {
  const names = unitNames(jobId)
  const units = parseSystemctlShow(stdout)
  const timer = units.get(names.timer)
  const service = units.get(names.service)
  if (!timer || !service) throw new Error('systemctl show did not describe both of the job’s units')
  const installed = timer.get('LoadState') === 'loaded' && service.get('LoadState') === 'loaded'
  const unitFileState = timer.get('UnitFileState') ?? ''
  const startedAt = parseUnixTimestamp(service.get('ExecMainStartTimestamp'))
  const endedAt = parseUnixTimestamp(service.get('ExecMainExitTimestamp'))
  const statusText = service.get('ExecMainStatus') ?? ''
  const exitStatus = /^\d+$/.test(statusText) ? Number(statusText) : null
  const systemdResult = service.get('Result') || null
  const serviceActive = service.get('ActiveState') ?? ''
  let result: LastRunResult
  if (serviceActive === 'activating' || serviceActive === 'active' || serviceActive === 'deactivating') result = 'running'
  else if (startedAt === null) result = 'never'
  else if (systemdResult === 'success') result = exitStatus === BUSY_EXIT ? 'busy' : 'succeeded'
  else result = 'failed'
  return {
    installed,
    enabled: unitFileState === 'enabled' || unitFileState === 'enabled-runtime',
    active: timer.get('ActiveState') === 'active',
    nextRun: parseUnixTimestamp(timer.get('NextElapseUSecRealtime')),
    lastTrigger: parseUnixTimestamp(timer.get('LastTriggerUSec')),
    lastRun: { result, systemdResult, exitStatus, startedAt, endedAt },
  }
}

export interface JournalQuery {
  readonly jobId: string
  /** Seconds since the epoch; only entries from then on. */
  readonly since?: number
  /** The newest this many entries. */
  readonly lines?: number
}

/**
 * The job's own output in the journal, one JSON object per line (journalctl -o json,
 * a documented export format). Filtered by SyslogIdentifier, so only what the job's
 * command printed comes back, not systemd's own lines about the unit.
 */
export function journalCommand(q: JournalQuery): CommandSpec {
  const { identifier } = unitNames(q.jobId)
  const lines = q.lines ?? 200
  if (!Number.isInteger(lines) || lines < 1 || lines > 10_000) throw new Error('lines must be 1–10000')
  const argv = ['journalctl', '--no-pager', '--output=json', `--identifier=${identifier}`, `--lines=${lines}`]
  if (q.since !== undefined) {
    if (!Number.isInteger(q.since) || q.since < 0) throw new Error('since is whole seconds since the epoch')
    argv.push(`--since=@${q.since}`)
  }
  // Exit 1 with "-- No entries --" on some versions when nothing matches; an empty answer is not an error.
  return { argv, successCodes: [0, 1] }
}

export interface JournalEntry {
  /** Microseconds since the epoch (__REALTIME_TIMESTAMP). */
  readonly realtimeUsec: number
  readonly message: string
  /** syslog priority 0 (emergency) … 7 (debug); 6 when absent. */
  readonly priority: number
  readonly pid: number | null
  /** One per start of the service: groups the lines of one run. */
  readonly invocationId: string | null
}

function fieldText(value: unknown): string | null {
  if (typeof value === 'string') return value
  // journalctl -o json prints a field that is not valid UTF-8 (or holds control bytes) as an array of byte values.
  if (Array.isArray(value) && value.every((b) => typeof b === 'number')) return new TextDecoder().decode(new Uint8Array(value as number[]))
  return null
}

/** Parses journalctl -o json: lines that are not JSON objects (such as "-- No entries --") are skipped. */
export function parseJournal(stdout: string): JournalEntry[] {
  const out: JournalEntry[] = []
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue
    const o = JSON.parse(line) as Record<string, unknown>
    const ts = fieldText(o['__REALTIME_TIMESTAMP'])
    const message = fieldText(o['MESSAGE'])
    if (ts === null || !/^\d+$/.test(ts) || message === null) continue
    const prio = fieldText(o['PRIORITY'])
    const pid = fieldText(o['_PID'])
    out.push({
      realtimeUsec: Number(ts),
      message,
      priority: prio !== null && /^[0-7]$/.test(prio) ? Number(prio) : 6,
      pid: pid !== null && /^\d+$/.test(pid) ? Number(pid) : null,
      invocationId: fieldText(o['_SYSTEMD_INVOCATION_ID']),
    })
  }
  return out
}
