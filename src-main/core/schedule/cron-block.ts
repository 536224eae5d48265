// A job's schedule on a host without systemd: its own marked block in /etc/cron.d/zfs-offsite,
// added, replaced or removed without touching any other line, with the run's output
// appended to a log file per job. The file itself is the app's; when its last block goes,
// the file goes too.
import { shellJoin } from '../shell/quote'
import { checkJobId, type JobId } from './job-id'
import type { CommandSpec } from '../zfs/command'
import { mergeBlock, removeBlock, splitLines, type BlockMarkers, type BlockResult, type MarkedBlockError } from './marked-block'
import { cronTime, type Schedule, type ScheduleError, type ScheduleResult } from './schedule'
import { checkExecArgv } from './timer-units'

/** cron ignores files in /etc/cron.d whose names hold a dot; this one has none. */
export const CRON_FILE = '/etc/cron.d/zfs-offsite'
export const CRON_LOG_DIR = '/var/log/zfs-offsite'

/** The file's own head, written when the app creates it. cron.d lines need a PATH with zfs (/usr/sbin, /sbin). */
export const CRON_FILE_HEADER = [
  '# Written by ZFS Offsite: scheduled replication on a host without systemd.',
  '# Each job’s lines sit between its BEGIN and END lines; the app replaces or removes only those.',
  'SHELL=/bin/sh',
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  '',
].join('\n')

function checked(jobId: string): JobId {
  const c = checkJobId(jobId)
  if (!c.ok) throw new Error(`${JSON.stringify(jobId)}: ${c.reason}`)
  return c.value
}

export function cronMarkers(jobId: string): BlockMarkers {
  const id = checked(jobId)
  return { begin: `# BEGIN ZFS Offsite job ${id}`, end: `# END ZFS Offsite job ${id}` }
}

export function cronLogPath(jobId: string): string {
  return `${CRON_LOG_DIR}/${checked(jobId)}.log`
}

export interface CronBlockInput {
  readonly jobId: string
  readonly jobName: string
  readonly schedule: Schedule
  /** The same plain words as the systemd unit's ExecStart (see checkExecArgv). */
  readonly command: readonly string[]
}

/** The job's block: markers, and one line run as root with its output appended to the job's log. */
export function cronBlockText(input: CronBlockInput): ScheduleResult<string> {
  const time = cronTime(input.schedule)
  if (!time.ok) return time
  const m = cronMarkers(input.jobId)
  const name = input.jobName.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  // No % can reach the line (cron would turn it into a line break): the command's words
  // are plain (checkExecArgv) and the log path is the app's own.
  const line = `${time.value} root ${shellJoin(checkExecArgv(input.command))} >> ${cronLogPath(input.jobId)} 2>&1`
  return { ok: true, value: `${m.begin}: scheduled replication of “${name}”\n${line}\n${m.end}\n` }
}

/** The file's text with the job's block put in (or replaced); a new file begins with the app's header. */
export function mergeCronBlock(existing: string | null, input: CronBlockInput): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: ScheduleError | MarkedBlockError } {
  const block = cronBlockText(input)
  if (!block.ok) return block
  return mergeBlock(existing ?? CRON_FILE_HEADER, cronMarkers(input.jobId), block.value, CRON_FILE)
}

/**
 * The file's text without the job's block; null when nothing but the app's own header
 * would be left (the file is then removed).
 */
export function removeCronBlock(existing: string | null, jobId: string): BlockResult<string | null> {
  if (existing === null) return { ok: true, value: null }
  const r = removeBlock(existing, cronMarkers(jobId), CRON_FILE)
  if (!r.ok) return r
  return { ok: true, value: r.value === CRON_FILE_HEADER ? null : r.value }
}

/** Job ids that have a block in the file (for "what is scheduled here"). */
export function cronJobIds(text: string): string[] {
  const ids: string[] = []
  for (const line of splitLines(text)) {
    const m = /^# BEGIN ZFS Offsite job ([a-z0-9-]+)(?:[: ]|\r?\n|$)/.exec(line)
    if (m && !ids.includes(m[1]!)) ids.push(m[1]!)
  }
  return ids
}

/** Before the first block: the log folder, readable by root and adm only (logs may name datasets). */
export function cronLogDirCommand(): CommandSpec {
  return { argv: ['sh', '-c', 'mkdir -p -- "$1" && chmod 750 -- "$1"', 'sh', CRON_LOG_DIR], successCodes: [0] }
}

/** With the job's block: its log file goes too. */
export function removeCronLogCommand(jobId: string): CommandSpec {
  return { argv: ['rm', '-f', '--', cronLogPath(jobId)], successCodes: [0] }
}
