// The job's block in /etc/sanoid/sanoid.conf: what it says, that merging and removing it
// leave the person's own sections byte for byte, and that a section of theirs over the
// same datasets is a conflict, never overwritten.
import { describe, expect, it } from 'vitest'
import {
  findSectionConflicts,
  mergeJobBlock,
  nasBlockText,
  offsiteBlockText,
  readJobBlock,
  removeJobBlock,
  type JobDataset,
  type SnapshotPolicy,
} from '../../../../src-main/core/sanoid/job-block'
import { parseSanoidConf, sectionRecursion } from '../../../../src-main/core/sanoid/sanoid-conf'

const JOB = '3f2b9c1e-7d4a-4e8b-9a61-2c5d8e0f1a23'
const OTHER = 'b0b0b0b0-1111-4222-8333-444455556666'
const policy: SnapshotPolicy = { counts: { frequently: 0, hourly: 24, daily: 30, weekly: 4, monthly: 12, yearly: 0 } }
const photos: JobDataset[] = [{ dataset: 'tank/photos', recursive: true }]

function ok<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; cause: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.cause}`)
  return r.value
}

// A person's own configuration, in the shape of sanoid's shipped example (comments, a
// template, tabs and spaces mixed, a CRLF line, no line break at the end).
const PERSON = [
  '######################################',
  '# This is my sanoid.conf',
  '######################################',
  '',
  '[tank/home]',
  '\tuse_template = production',
  '   recursive = yes',
  '',
  '; a note with a semicolon\r',
  '[template_production]',
  '\tfrequently = 0',
  '\thourly = 36',
  '\tdaily = 30',
  '\tmonthly = 3',
  '\tyearly = 0',
  '\tautosnap = yes',
  '\tautoprune = yes',
].join('\n')

describe('the NAS block', () => {
  it('names the job’s datasets with its own template and writes every count', () => {
    const text = ok(nasBlockText({ jobId: JOB, jobName: 'Photos', datasets: [...photos, { dataset: 'tank/docs', recursive: false }], policy }))
    expect(text).toBe(
      [
        `# BEGIN ZFS Offsite job ${JOB}: snapshots of “Photos”. Managed by the app; it replaces this block and leaves the rest of the file alone.`,
        '[tank/photos]',
        `\tuse_template = zfs-offsite-${JOB}`,
        '\trecursive = zfs',
        '',
        '[tank/docs]',
        `\tuse_template = zfs-offsite-${JOB}`,
        '\trecursive = no',
        '',
        `[template_zfs-offsite-${JOB}]`,
        '\tfrequently = 0',
        '\thourly = 24',
        '\tdaily = 30',
        '\tweekly = 4',
        '\tmonthly = 12',
        '\tyearly = 0',
        '\tautosnap = yes',
        '\tautoprune = yes',
        `# END ZFS Offsite job ${JOB}`,
        '',
      ].join('\n'),
    )
  })

  it('writes frequent_period only when frequent snapshots are kept', () => {
    const text = ok(nasBlockText({ jobId: JOB, jobName: 'P', datasets: photos, policy: { counts: { ...policy.counts, frequently: 4 }, frequentPeriodMinutes: 15 } }))
    expect(text).toContain('\tfrequently = 4\n')
    expect(text).toContain('\tfrequent_period = 15\n')
  })

  it('refuses counts that are not whole numbers, and a policy that keeps nothing', () => {
    const bad = nasBlockText({ jobId: JOB, jobName: 'P', datasets: photos, policy: { counts: { ...policy.counts, daily: -1 } } })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error.code).toBe('SANOID_POLICY_INVALID')
    const none = nasBlockText({ jobId: JOB, jobName: 'P', datasets: photos, policy: { counts: { frequently: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 } } })
    expect(none.ok).toBe(false)
  })

  it('refuses a dataset name ZFS would refuse before it reaches the file', () => {
    expect(() => nasBlockText({ jobId: JOB, jobName: 'P', datasets: [{ dataset: 'tank/x]\n[evil', recursive: false }], policy })).toThrow()
    expect(() => nasBlockText({ jobId: '../x', jobName: 'P', datasets: photos, policy })).toThrow()
  })

  it('keeps a job name with a line break on its one comment line', () => {
    const text = ok(nasBlockText({ jobId: JOB, jobName: 'two\n[lines]', datasets: photos, policy }))
    expect(parseSanoidConf(text).sections.map((s) => s.name)).toEqual(['tank/photos', `template_zfs-offsite-${JOB}`])
  })
})

describe('merging into the person’s file', () => {
  const block = ok(nasBlockText({ jobId: JOB, jobName: 'Photos', datasets: photos, policy }))

  it('leaves the person’s own sanoid sections byte for byte, and takes only its own block out again', () => {
    const merged = ok(mergeJobBlock(PERSON, JOB, photos, block))
    expect(merged.startsWith(PERSON + '\n')).toBe(true)
    expect(merged.endsWith(block)).toBe(true)
    expect(ok(removeJobBlock(merged, JOB))).toBe(PERSON + '\n')
  })

  it('replaces its block where it stands when the policy changes, keeping what follows', () => {
    const merged = ok(mergeJobBlock(PERSON + '\n', JOB, photos, block))
    const after = merged + '\n[tank/media]\n\tuse_template = production\n'
    const changed = ok(nasBlockText({ jobId: JOB, jobName: 'Photos', datasets: photos, policy: { counts: { ...policy.counts, daily: 7 } } }))
    const remerged = ok(mergeJobBlock(after, JOB, photos, changed))
    expect(remerged).toBe(PERSON + '\n' + changed + '\n[tank/media]\n\tuse_template = production\n')
    expect(ok(readJobBlock(remerged, JOB))).toEqual({ datasets: photos, counts: { ...policy.counts, daily: 7 }, autosnap: true })
  })

  it('starts a missing file with the block alone, and keeps two jobs’ blocks apart', () => {
    const first = ok(mergeJobBlock(null, JOB, photos, block))
    expect(first).toBe(block)
    const docs: JobDataset[] = [{ dataset: 'tank/docs', recursive: false }]
    const both = ok(mergeJobBlock(first, OTHER, docs, ok(nasBlockText({ jobId: OTHER, jobName: 'Docs', datasets: docs, policy }))))
    expect(ok(removeJobBlock(both, OTHER))).toBe(block)
  })

  it('refuses to add settings for a dataset the person already configures', () => {
    const r = mergeJobBlock(PERSON, JOB, [{ dataset: 'tank/home', recursive: false }], ok(nasBlockText({ jobId: JOB, jobName: 'H', datasets: [{ dataset: 'tank/home', recursive: false }], policy })))
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('SANOID_SECTION_CONFLICT')
      expect(r.error.cause).toBe('Your sanoid configuration already manages snapshots of tank/home ([tank/home] on line 5), so the app will not add its own settings for it.')
      expect(r.error.fix).toMatch(/\/etc\/sanoid\/sanoid\.conf/)
    }
  })

  it('finds a parent with recursion, a child under a recursive job dataset, and a path= section', () => {
    const text = ['[tank]', '\trecursive = yes', '[tank/photos/raw]', '\thourly = 1', '[mine]', '\tpath = tank/docs', '[tank/media]', '\trecursive = no', ''].join('\n')
    const conflicts = ok(findSectionConflicts(text, JOB, [...photos, { dataset: 'tank/docs', recursive: false }, { dataset: 'tank/media/films', recursive: false }]))
    expect(conflicts.map((c) => [c.section, c.dataset, c.how])).toEqual([
      ['tank', 'tank/photos', 'parent with recursion'],
      ['tank', 'tank/docs', 'parent with recursion'],
      ['tank', 'tank/media/films', 'parent with recursion'],
      ['tank/photos/raw', 'tank/photos', 'child of a recursive job dataset'],
      ['mine', 'tank/docs', 'same dataset'],
    ])
  })

  it('reads recursion the way sanoid does, and a trailing comment generously', () => {
    const conf = parseSanoidConf('[a]\nrecursive = zfs\n[b]\nrecursive = Yes\n[c]\nrecursive = no\n[d]\n[e]\nrecursive = yes # all\n[f]\nrecursive = 1\n')
    expect(conf.sections.map(sectionRecursion)).toEqual(['zfs', 'yes', 'no', 'no', 'yes', 'yes'])
  })

  it('treats another job’s block over the same dataset as a conflict too, but not its own old block', () => {
    const other = ok(mergeJobBlock(null, OTHER, photos, ok(nasBlockText({ jobId: OTHER, jobName: 'Other', datasets: photos, policy }))))
    expect(mergeJobBlock(other, JOB, photos, block).ok).toBe(false)
    const own = ok(mergeJobBlock(null, JOB, photos, block))
    expect(ok(mergeJobBlock(own, JOB, photos, block))).toBe(own)
  })

  it('refuses a template of the person’s that has the job’s template name', () => {
    const text = `[template_zfs-offsite-${JOB}]\n\thourly = 1\n`
    const r = mergeJobBlock(text, JOB, photos, block)
    expect(r.ok).toBe(false)
  })

  it('refuses a file whose markers were damaged by hand', () => {
    const merged = ok(mergeJobBlock(PERSON, JOB, photos, block))
    const broken = merged.replace(`# END ZFS Offsite job ${JOB}\n`, '')
    const r = mergeJobBlock(broken, JOB, photos, block)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('MARKED_BLOCK_DAMAGED')
    expect(removeJobBlock(broken, JOB).ok).toBe(false)
  })
})

describe('the off-site box’s prune-only block', () => {
  const received: JobDataset[] = [{ dataset: 'backup/nas/photos', recursive: true }]

  it('prunes without taking snapshots', () => {
    const text = ok(offsiteBlockText({ jobId: JOB, jobName: 'Photos', datasets: received, policy: { counts: { ...policy.counts, daily: 90 } }, sourcePolicy: policy }))
    expect(text).toContain('[backup/nas/photos]\n')
    expect(text).toContain(`\tuse_template = zfs-offsite-${JOB}-prune\n`)
    expect(text).toContain('\trecursive = yes\n')
    expect(text).toContain('\tautosnap = no\n\tautoprune = yes\n')
    expect(text).toContain('\tdaily = 90\n')
  })

  it('refuses to keep none of a type the NAS takes: sanoid would delete them all, the incremental base among them', () => {
    const r = offsiteBlockText({ jobId: JOB, jobName: 'P', datasets: received, policy: { counts: { ...policy.counts, hourly: 0 } }, sourcePolicy: policy })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('SANOID_PRUNE_UNSAFE')
      expect(r.error.fix).toMatch(/at least one hourly/)
    }
  })
})
