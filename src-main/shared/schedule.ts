// Unattended work for a job (issue 8), as the contract carries it: when the NAS replicates
// (a systemd timer, or cron without systemd), which snapshots sanoid takes and keeps on the
// NAS, and how many the off-site box keeps (pruned there, by its own root). Stored on the
// job; the core (src-main/core/schedule, core/sanoid) turns it into units and config blocks.
import { z } from 'zod'

const hour = z.number().int().min(0, 'An hour is 0 to 23.').max(23, 'An hour is 0 to 23.')
const minute = z.number().int().min(0, 'A minute is 0 to 59.').max(59, 'A minute is 0 to 59.')

export const ScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('nightly'), hour, minute }).strict(),
  z.object({ kind: z.literal('every-hours'), hours: z.number().int().min(1).max(24), minute }).strict(),
  /** A systemd calendar expression from the checked subset in core/schedule/schedule.ts. */
  z.object({ kind: z.literal('custom'), onCalendar: z.string().trim().min(1).max(200) }).strict(),
])
export type ScheduleInput = z.infer<typeof ScheduleSchema>

const count = z.number().int().min(0).max(10_000)
/** How many snapshots of each kind to keep (sanoid's types); 0 keeps none of that kind. */
export const SnapshotCountsSchema = z
  .object({ frequently: count, hourly: count, daily: count, weekly: count, monthly: count, yearly: count })
  .strict()
export type SnapshotCountsInput = z.infer<typeof SnapshotCountsSchema>

export const JobScheduleSchema = z.object({
  schedule: ScheduleSchema,
  /** Snapshots on the NAS taken and pruned by sanoid with these counts; null when the person's own tool takes them. */
  nasSnapshots: SnapshotCountsSchema.nullable(),
  /** What the off-site box keeps; pruned there by sanoid as root, never by the NAS's key. */
  offsiteRetention: SnapshotCountsSchema,
  enabled: z.boolean(),
})
export type JobSchedule = z.infer<typeof JobScheduleSchema>

export const LastScheduledRunSchema = z.object({
  at: z.string(),
  outcome: z.enum(['running', 'succeeded', 'failed', 'busy']),
  /** The run's last journal (or log file) lines when it failed. */
  message: z.string().optional(),
})

/** A job's schedule as read back from the NAS. */
export const ScheduleStatusSchema = z.object({
  jobId: z.string(),
  /** Null when the job has no schedule. */
  schedule: JobScheduleSchema.nullable(),
  mechanism: z.enum(['systemd', 'cron']).nullable(),
  /** "Every night at 02:00, NAS time (Europe/Berlin)". */
  words: z.object({ summary: z.string(), detail: z.string() }).nullable(),
  timeZone: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  lastRun: LastScheduledRunSchema.nullable(),
})
export type ScheduleStatus = z.infer<typeof ScheduleStatusSchema>

/** One job on the Overview: how far behind the off-site copy is and what needs attention. */
export const OverviewJobSchema = z.object({
  jobId: z.string(),
  name: z.string(),
  lag: z.object({
    state: z.enum(['nothing-yet', 'up-to-date', 'behind', 'no-common']),
    newestOffsiteAt: z.string().nullable(),
    ageSeconds: z.number().nullable(),
    snapshotsBehind: z.number().int(),
    secondsBehind: z.number().nullable(),
    words: z.string(),
  }),
  lastRun: z.object({ at: z.string(), outcome: z.string(), source: z.enum(['app', 'timer']), message: z.string().optional() }).nullable(),
  nextRunAt: z.string().nullable(),
  pendingResume: z.boolean(),
  tunnel: z.object({ latestHandshakeAt: z.string().nullable(), healthy: z.boolean(), words: z.string() }).nullable(),
  space: z.object({ freeBytes: z.number(), daysLeft: z.number().nullable(), level: z.enum(['ok', 'warning', 'critical', 'unknown']), words: z.string() }).nullable(),
  /** held: a hold on the NAS keeps the last common snapshot, so the chain cannot break; `at` is then when the policy alone would prune it. */
  horizon: z.object({ level: z.enum(['ok', 'warning', 'critical', 'lost']), at: z.string().nullable(), words: z.string(), held: z.boolean().default(false) }).nullable(),
  /** The last fire drill: do the stored passphrases still unlock the copy, and does it mount? */
  fireDrill: z.object({ at: z.string(), outcome: z.enum(['passed', 'failed']), words: z.string() }).nullable().default(null),
  /** Plain-language warnings, most urgent first. */
  warnings: z.array(z.string()),
  /** A host that could not be reached while reading; the rest is what could be read. */
  unreachable: z.array(z.string()).default([]),
})
export type OverviewJob = z.infer<typeof OverviewJobSchema>

/** A desktop notification the main process shows (and the bridge forwards to tests). */
export const NotificationSchema = z.object({
  kind: z.enum(['run-failed', 'copy-old', 'fire-drill-failed']),
  jobId: z.string(),
  title: z.string(),
  body: z.string(),
})
