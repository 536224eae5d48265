// A job's id as it becomes part of unit names (zfs-offsite-<id>.timer), file paths,
// cron block markers and sanoid template names: checked once, here, before any of those.

declare const jobIdBrand: unique symbol
export type JobId = string & { readonly [jobIdBrand]: 'JobId' }

export type JobIdCheck = { readonly ok: true; readonly value: JobId } | { readonly ok: false; readonly reason: string }

/**
 * Lower-case letters, digits and dashes, beginning with a letter or digit, at most 64
 * (the config's id rule). "run-…" is refused: the app's one-off runs are the transient
 * units zfs-offsite-run-<runId>, and a job's timer must never share their names.
 */
export function checkJobId(id: string): JobIdCheck {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id)) return { ok: false, reason: 'A job id is 1 to 64 lower-case letters, digits and dashes, beginning with a letter or digit.' }
  if (id.startsWith('run-')) return { ok: false, reason: 'A job id cannot begin with “run-”: those names belong to one-off runs.' }
  return { ok: true, value: id as JobId }
}

export function jobId(id: string): JobId {
  const c = checkJobId(id)
  if (!c.ok) throw new Error(`${JSON.stringify(id)}: ${c.reason}`)
  return c.value
}
