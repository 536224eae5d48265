// The fire drill's decisions (issue 9), without the hosts: which dataset and snapshot a
// job's drill checks, what the keychain's passphrase checks mean for the person (in the
// NAS's names, which are the ones they know), and which jobs are due on the interval.
import type { FireDrill, KeyCheck } from '../../shared/recovery'
import type { Job } from '../../shared/model'
import { replicationSpecs } from '../replication/job-run'
import type { DatasetName } from '../zfs/names'

/** The off-site dataset a job's drill looks at: the job's first target root. */
export function drillTarget(job: Job): { parent: DatasetName; targetRoot: DatasetName; sourceRoot: DatasetName } {
  const spec = replicationSpecs(job)[0]
  if (!spec) throw new Error(`job ${job.id} copies nothing`)
  return { parent: job.targetParent as DatasetName, targetRoot: spec.targetRoot, sourceRoot: spec.sourceRoot }
}

/** The NAS dataset an off-site dataset of the job is the copy of; the off-site name when none is. */
export function nasNameOf(job: Job, offsite: string): string {
  for (const spec of replicationSpecs(job)) {
    if (offsite === spec.targetRoot) return spec.sourceRoot
    if (spec.recursive && offsite.startsWith(`${spec.targetRoot}/`)) return `${spec.sourceRoot}${offsite.slice(spec.targetRoot.length)}`
  }
  return offsite
}

/**
 * A root's check as the drill counts it: a key already loaded on the off-site box cannot
 * be checked, and without a passphrase in the keychain it would not unlock anything
 * after a restart, so that counts as missing.
 */
export function drillOutcome(check: KeyCheck): KeyCheck['outcome'] {
  if (check.outcome === 'loaded' && check.source === 'none') return 'missing'
  return check.outcome
}

export interface KeyVerdict {
  readonly ok: boolean
  /** One sentence for the overview. */
  readonly words: string
  readonly fix: string
  /** The first root that failed, as the drill counts it. */
  readonly failed: KeyCheck | null
}

/** What the keychain's passphrase checks say, in plain words. */
export function keyVerdict(job: Job, roots: readonly KeyCheck[]): KeyVerdict {
  const bad = roots.find((r) => drillOutcome(r) !== 'unlocks' && drillOutcome(r) !== 'loaded') ?? null
  if (!bad) return { ok: true, words: '', fix: '', failed: null }
  const name = nasNameOf(job, bad.encryptionRoot)
  switch (drillOutcome(bad)) {
    case 'wrong':
      return {
        ok: false,
        failed: bad,
        words: `The passphrase saved for ${name} no longer unlocks the off-site copy: it was changed on the NAS. Save the new one in Keys.`,
        fix: `Save the passphrase ${name} has now in Keys, then run the fire drill again.`,
      }
    case 'missing':
      return {
        ok: false,
        failed: bad,
        words: `No passphrase for ${name} is saved in the keychain, so the off-site copy could not be unlocked after a disaster. Save it in Keys.`,
        fix: `Save the passphrase of ${name} in Keys, then run the fire drill again.`,
      }
    default:
      return {
        ok: false,
        failed: bad,
        words: `The passphrase for ${name} could not be checked on the off-site box: ${bad.error?.cause ?? 'the check failed.'}`,
        fix: bad.error?.fix ?? 'Check the off-site box, then run the fire drill again.',
      }
  }
}

/**
 * The words of a drill that passed. A key already loaded on the off-site box (a look open,
 * or loaded by hand) cannot be checked with `load-key -n`: the drill says its passphrase was
 * not checked this time, rather than claim it unlocks.
 */
export function passedWords(job: Job, sourceRoot: string, roots: readonly KeyCheck[], newest: { readonly name: string; readonly date: string }): string {
  const words = `The saved passphrases unlock the off-site copy of ${sourceRoot}, and its newest snapshot (${newest.name}, ${newest.date}) mounts read-only.`
  const unchecked = roots.filter((r) => r.outcome === 'loaded').map((r) => nasNameOf(job, r.encryptionRoot))
  if (unchecked.length === 0) return words
  const names = unchecked.join(', ')
  return `${words} The key of ${names} was already loaded on the off-site box, so its saved passphrase was not checked this time; run the drill again once it is unloaded (when no look is open).`
}

const DAY_MS = 86_400_000

/** The jobs whose last drill is `everyDays` old or older (or that never had one); none when the interval is off. */
export function drillsDue(jobs: readonly Job[], drills: readonly FireDrill[], everyDays: number | null, nowMs: number): string[] {
  if (everyDays === null) return []
  return jobs
    .filter((job) => {
      const last = drills.find((d) => d.jobId === job.id)
      return !last || nowMs - Date.parse(last.at) >= everyDays * DAY_MS
    })
    .map((job) => job.id)
}

/** The stored drills with this one in place of the job's last. */
export function withDrill(drills: readonly FireDrill[], drill: FireDrill): FireDrill[] {
  return [...drills.filter((d) => d.jobId !== drill.jobId), drill]
}
