// The app's own part of /etc/sanoid/sanoid.conf, one marked block per job: on the NAS,
// the job's datasets with a template that takes and prunes snapshots by the job's policy;
// on the off-site box, the received datasets with a prune-only template. Merging replaces
// only the job's block; every other line stays byte for byte. A dataset the person's own
// sections already cover (the same one, or a parent with recursion, or a child under a
// recursive job dataset) is a conflict: sanoid 2.1.0 reads sections in no fixed order,
// so two sections over one dataset give whichever settings it happened to read last.
import { checkJobId, type JobId } from '../schedule/job-id'
import { findBlock, mergeBlock, removeBlock, type BlockMarkers, type MarkedBlockError } from '../schedule/marked-block'
import { checkDatasetName, type DatasetName } from '../zfs/names'
import { isTemplate, parseSanoidConf, sectionDataset, sectionRecursion, type ConfSection } from './sanoid-conf'
import { SNAPSHOT_TYPES, type SnapshotType } from './snapshot-name'

export const SANOID_CONF = '/etc/sanoid/sanoid.conf'

/** How many snapshots of each type to keep; 0 takes none of that type (and sanoid prunes any it finds). */
export type SnapshotCounts = { readonly [T in SnapshotType]: number }

export interface SnapshotPolicy {
  readonly counts: SnapshotCounts
  /** Minutes between "frequently" snapshots (sanoid's frequent_period; default 15). */
  readonly frequentPeriodMinutes?: number
}

export type SanoidErrorCode = 'SANOID_SECTION_CONFLICT' | 'SANOID_POLICY_INVALID' | 'SANOID_PRUNE_UNSAFE'

export interface SanoidError {
  readonly code: SanoidErrorCode
  readonly cause: string
  readonly fix: string
  readonly details?: string
}

export type SanoidResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SanoidError | MarkedBlockError }

export interface JobDataset {
  readonly dataset: string
  /** The job copies the children too: sanoid snapshots them with one `zfs snapshot -r` (recursive = zfs). */
  readonly recursive: boolean
}

function checked(jobId: string): JobId {
  const c = checkJobId(jobId)
  if (!c.ok) throw new Error(`${JSON.stringify(jobId)}: ${c.reason}`)
  return c.value
}

export function sanoidMarkers(jobId: string): BlockMarkers {
  const id = checked(jobId)
  return { begin: `# BEGIN ZFS Offsite job ${id}`, end: `# END ZFS Offsite job ${id}` }
}

/** The job's template names: sanoid reads `[template_<name>]` for `use_template = <name>`. */
export function templateName(jobId: string, role: 'snapshots' | 'prune'): string {
  const id = checked(jobId)
  return role === 'snapshots' ? `zfs-offsite-${id}` : `zfs-offsite-${id}-prune`
}

export function checkPolicy(policy: SnapshotPolicy): { ok: true } | { ok: false; error: SanoidError } {
  for (const t of SNAPSHOT_TYPES) {
    const n = policy.counts[t]
    if (!Number.isInteger(n) || n < 0 || n > 10_000) {
      return { ok: false, error: { code: 'SANOID_POLICY_INVALID', cause: `The number of ${t} snapshots to keep must be a whole number from 0 to 10000.`, fix: 'Correct the number in the job’s snapshot settings.', details: `${t}=${String(n)}` } }
    }
  }
  const fp = policy.frequentPeriodMinutes ?? 15
  if (!Number.isInteger(fp) || fp < 1 || fp > 59) {
    return { ok: false, error: { code: 'SANOID_POLICY_INVALID', cause: 'Frequent snapshots need a period of 1 to 59 minutes.', fix: 'Pick a period that divides the hour, such as 15 minutes.', details: `frequent_period=${String(fp)}` } }
  }
  if (SNAPSHOT_TYPES.every((t) => policy.counts[t] === 0)) {
    return { ok: false, error: { code: 'SANOID_POLICY_INVALID', cause: 'The policy keeps no snapshots at all.', fix: 'Keep at least some hourly or daily snapshots.' } }
  }
  return { ok: true }
}

function checkDatasets(datasets: readonly JobDataset[]): DatasetName[] {
  if (datasets.length === 0) throw new Error('a job block names at least one dataset')
  return datasets.map((d) => {
    const c = checkDatasetName(d.dataset)
    if (!c.ok) throw new Error(`${JSON.stringify(d.dataset)}: ${c.reason}`)
    return c.value
  })
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
}

function templateLines(name: string, policy: SnapshotPolicy, autosnap: boolean): string[] {
  return [
    `[template_${name}]`,
    // Every count is written, frequently too: a person's [template_default] would otherwise fill in its own.
    ...SNAPSHOT_TYPES.map((t) => `\t${t} = ${policy.counts[t]}`),
    ...(policy.counts.frequently > 0 ? [`\tfrequent_period = ${policy.frequentPeriodMinutes ?? 15}`] : []),
    `\tautosnap = ${autosnap ? 'yes' : 'no'}`,
    '\tautoprune = yes',
  ]
}

export interface NasBlockInput {
  readonly jobId: string
  readonly jobName: string
  readonly datasets: readonly JobDataset[]
  readonly policy: SnapshotPolicy
}

/** The NAS's block: the job's datasets, snapshotted and pruned by the job's template. */
export function nasBlockText(input: NasBlockInput): SanoidResult<string> {
  const p = checkPolicy(input.policy)
  if (!p.ok) return p
  const names = checkDatasets(input.datasets)
  const m = sanoidMarkers(input.jobId)
  const tpl = templateName(input.jobId, 'snapshots')
  const lines = [`${m.begin}: snapshots of “${oneLine(input.jobName)}”. Managed by the app; it replaces this block and leaves the rest of the file alone.`]
  input.datasets.forEach((d, i) => {
    // recursive = zfs: one atomic `zfs snapshot -r` with the same name on every child, which
    // is what a recursive replication needs (sanoid's `yes` snapshots children one by one).
    lines.push(`[${names[i]}]`, `\tuse_template = ${tpl}`, `\trecursive = ${d.recursive ? 'zfs' : 'no'}`, '')
  })
  lines.push(...templateLines(tpl, input.policy, true), m.end, '')
  return { ok: true, value: lines.join('\n') }
}

export interface OffsiteBlockInput {
  readonly jobId: string
  readonly jobName: string
  /** The received datasets on the off-site box (below the job's target parent). */
  readonly datasets: readonly JobDataset[]
  /** How many to keep there. */
  readonly policy: SnapshotPolicy
  /** The NAS's policy: every type the NAS takes must be kept at least once here. */
  readonly sourcePolicy: SnapshotPolicy
}

/**
 * The off-site box's block: prune only (autosnap = no). Safe by construction: sanoid never
 * prunes the newest snapshot of a type whose count is at least 1 (it removes oldest first
 * and only while more than the count remain), and the newest snapshot the box shares with
 * the NAS is the newest of its type there (the NAS prunes oldest first too). So every type
 * the NAS takes needs a count of at least 1 here; 0 would make sanoid remove them all,
 * the incremental base among them.
 */
export function offsiteBlockText(input: OffsiteBlockInput): SanoidResult<string> {
  const p = checkPolicy(input.policy)
  if (!p.ok) return p
  const unsafe = SNAPSHOT_TYPES.filter((t) => input.sourcePolicy.counts[t] > 0 && input.policy.counts[t] < 1)
  if (unsafe.length > 0) {
    return {
      ok: false,
      error: {
        code: 'SANOID_PRUNE_UNSAFE',
        cause: `The off-site box would delete every ${unsafe.join(', ')} snapshot it receives, the one the next backup builds on among them.`,
        fix: `Keep at least one ${unsafe.join(', ')} snapshot on the off-site box, or stop taking them on the NAS.`,
        details: unsafe.map((t) => `${t}=0`).join(' '),
      },
    }
  }
  const names = checkDatasets(input.datasets)
  const m = sanoidMarkers(input.jobId)
  const tpl = templateName(input.jobId, 'prune')
  const lines = [`${m.begin}: pruning of the copies of “${oneLine(input.jobName)}”. Managed by the app; it replaces this block and leaves the rest of the file alone.`]
  input.datasets.forEach((d, i) => {
    lines.push(`[${names[i]}]`, `\tuse_template = ${tpl}`, `\trecursive = ${d.recursive ? 'yes' : 'no'}`, '')
  })
  lines.push(...templateLines(tpl, input.policy, false), m.end, '')
  return { ok: true, value: lines.join('\n') }
}

export interface SectionConflict {
  /** The person's section (or another job's) that covers one of the job's datasets. */
  readonly section: string
  readonly line: number
  readonly dataset: string
  readonly how: 'same dataset' | 'parent with recursion' | 'child of a recursive job dataset' | 'same template name'
}

function isBelow(child: string, parent: string): boolean {
  return child.startsWith(parent + '/')
}

/**
 * Sections outside the job's own block that would also apply to the job's datasets.
 * (The job's block itself, if present, is left out: it is about to be replaced.)
 */
export function findSectionConflicts(text: string, jobId: string, datasets: readonly JobDataset[]): SanoidResult<SectionConflict[]> {
  checkDatasets(datasets)
  const m = sanoidMarkers(jobId)
  const span = findBlock(text, m, SANOID_CONF)
  if (!span.ok) return span
  const own = span.value
  const inOwnBlock = (s: ConfSection): boolean => own !== null && s.line - 1 >= own.first && s.line - 1 <= own.last
  const conf = parseSanoidConf(text)
  const ourTemplates = new Set([`template_${templateName(jobId, 'snapshots')}`, `template_${templateName(jobId, 'prune')}`])
  const conflicts: SectionConflict[] = []
  for (const s of conf.sections) {
    if (inOwnBlock(s)) continue
    if (isTemplate(s)) {
      if (ourTemplates.has(s.name)) conflicts.push({ section: s.name, line: s.line, dataset: s.name, how: 'same template name' })
      continue
    }
    const theirs = sectionDataset(s)
    const theirsRecursive = sectionRecursion(s) !== 'no'
    for (const d of datasets) {
      if (theirs === d.dataset) conflicts.push({ section: s.name, line: s.line, dataset: d.dataset, how: 'same dataset' })
      else if (theirsRecursive && isBelow(d.dataset, theirs)) conflicts.push({ section: s.name, line: s.line, dataset: d.dataset, how: 'parent with recursion' })
      else if (d.recursive && isBelow(theirs, d.dataset)) conflicts.push({ section: s.name, line: s.line, dataset: d.dataset, how: 'child of a recursive job dataset' })
    }
  }
  return { ok: true, value: conflicts }
}

function conflictError(conflicts: readonly SectionConflict[]): SanoidError {
  const first = conflicts[0]!
  const where = conflicts.map((c) => `[${c.section}] (line ${c.line}): ${c.how} ${c.dataset}`).join('; ')
  return {
    code: 'SANOID_SECTION_CONFLICT',
    cause: `Your sanoid configuration already manages snapshots of ${first.dataset} ([${first.section}] on line ${first.line}), so the app will not add its own settings for it.`,
    fix: 'Either let the app use your existing sanoid snapshots (no snapshot policy in the job), or remove or narrow that section in /etc/sanoid/sanoid.conf and try again.',
    details: where,
  }
}

/**
 * The file's text with the job's block in place (new or replaced); a conflict with any
 * other section is an error and nothing changes. A missing file (null) becomes the block alone.
 */
export function mergeJobBlock(existing: string | null, jobId: string, datasets: readonly JobDataset[], block: string): SanoidResult<string> {
  const text = existing ?? ''
  const conflicts = findSectionConflicts(text, jobId, datasets)
  if (!conflicts.ok) return conflicts
  if (conflicts.value.length > 0) return { ok: false, error: conflictError(conflicts.value) }
  return mergeBlock(text, sanoidMarkers(jobId), block, SANOID_CONF)
}

/** The file's text without the job's block (unchanged when there is none). */
export function removeJobBlock(existing: string | null, jobId: string): SanoidResult<string | null> {
  if (existing === null) return { ok: true, value: null }
  return removeBlock(existing, sanoidMarkers(jobId), SANOID_CONF)
}

/** The datasets and counts the job's block holds now, read back (for "what is configured"). */
export function readJobBlock(text: string, jobId: string): SanoidResult<{ datasets: JobDataset[]; counts: Partial<Record<SnapshotType, number>>; autosnap: boolean } | null> {
  const span = findBlock(text, sanoidMarkers(jobId), SANOID_CONF)
  if (!span.ok) return span
  if (span.value === null) return { ok: true, value: null }
  const { first, last } = span.value
  const conf = parseSanoidConf(text)
  const inside = conf.sections.filter((s) => s.line - 1 > first && s.line - 1 < last)
  const datasets = inside.filter((s) => !isTemplate(s)).map((s) => ({ dataset: sectionDataset(s), recursive: sectionRecursion(s) !== 'no' }))
  const tpl = inside.find(isTemplate)
  const counts: Partial<Record<SnapshotType, number>> = {}
  for (const t of SNAPSHOT_TYPES) {
    const v = tpl?.keys.get(t)
    if (v !== undefined && /^\d+$/.test(v)) counts[t] = Number(v)
  }
  return { ok: true, value: { datasets, counts, autosnap: (tpl?.keys.get('autosnap') ?? '').toLowerCase() === 'yes' } }
}
