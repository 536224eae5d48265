import { describe, expect, it } from 'vitest'
import { drillOutcome, drillsDue, drillTarget, keyVerdict, nasNameOf, passedWords, withDrill } from '../../../../src-main/core/recovery/fire-drill-verdict'
import type { Job } from '../../../../src-main/shared/model'
import type { FireDrill, KeyCheck } from '../../../../src-main/shared/recovery'

const job = (change: Partial<Job> = {}): Job => ({
  id: 'secret',
  name: 'Secret',
  sourceHostId: 'nas-1',
  targetHostId: 'offsite-1',
  sources: [{ dataset: 'tank/secret', recursive: true }],
  exclusions: [],
  targetParent: 'backup/nas',
  intermediates: true,
  stallSeconds: 120,
  send: { raw: true, intermediates: true, largeBlocks: false, embedded: false, compressed: false },
  createdAt: '2026-11-01T00:00:00.000Z',
  ...change,
})

const check = (change: Partial<KeyCheck>): KeyCheck => ({
  encryptionRoot: 'backup/nas/secret',
  datasets: ['backup/nas/secret'],
  outcome: 'unlocks',
  source: 'keychain',
  saved: false,
  keychainDataset: 'backup/nas/secret',
  ...change,
})

const drill = (jobId: string, at: string): FireDrill => ({ jobId, at, outcome: 'passed', trigger: 'person', snapshot: null, roots: [], mountedReadOnly: true, words: '', done: [] })

describe('fire drill verdict', () => {
  it('checks the job’s first target under its parent, and names roots by their NAS dataset', () => {
    expect(drillTarget(job())).toEqual({ parent: 'backup/nas', targetRoot: 'backup/nas/secret', sourceRoot: 'tank/secret' })
    expect(nasNameOf(job(), 'backup/nas/secret/child')).toBe('tank/secret/child')
    expect(nasNameOf(job({ sources: [{ dataset: 'tank/secret', recursive: false }] }), 'backup/nas/secret/child')).toBe('backup/nas/secret/child')
  })

  it('says a passed drill did not check the passphrase of a key that was already loaded off-site', () => {
    const newest = { name: 'autosnap_2026-11-27_00:00:00_daily', date: '2026-11-27' }
    const plain = 'The saved passphrases unlock the off-site copy of tank/secret, and its newest snapshot (autosnap_2026-11-27_00:00:00_daily, 2026-11-27) mounts read-only.'
    expect(passedWords(job(), 'tank/secret', [check({})], newest)).toBe(plain)
    expect(passedWords(job(), 'tank/secret', [check({}), check({ encryptionRoot: 'backup/nas/secret/child', outcome: 'loaded' })], newest)).toBe(
      `${plain} The key of tank/secret/child was already loaded on the off-site box, so its saved passphrase was not checked this time; run the drill again once it is unloaded (when no look is open).`,
    )
  })

  it('passes when every root unlocks', () => {
    expect(keyVerdict(job(), [check({})])).toMatchObject({ ok: true, failed: null })
  })

  it('says a saved passphrase that no longer unlocks was changed on the NAS', () => {
    const v = keyVerdict(job(), [check({}), check({ encryptionRoot: 'backup/nas/secret/child', outcome: 'wrong' })])
    expect(v.ok).toBe(false)
    expect(v.words).toBe('The passphrase saved for tank/secret/child no longer unlocks the off-site copy: it was changed on the NAS. Save the new one in Keys.')
  })

  it('says a passphrase missing from the keychain is missing, also when the key happens to be loaded off-site', () => {
    expect(keyVerdict(job(), [check({ outcome: 'missing', source: 'none' })]).words).toMatch(/^No passphrase for tank\/secret is saved in the keychain/)
    expect(drillOutcome(check({ outcome: 'loaded', source: 'none' }))).toBe('missing')
    expect(drillOutcome(check({ outcome: 'loaded', source: 'keychain' }))).toBe('loaded')
  })

  it('runs a job’s drill on the interval once its last one is old enough, and never when the interval is off', () => {
    const now = Date.parse('2026-11-28T12:00:00Z')
    const jobs = [job({ id: 'a' }), job({ id: 'b' }), job({ id: 'c' })]
    const drills = [drill('a', '2026-11-27T12:00:00Z'), drill('b', '2026-11-20T12:00:00Z')]
    expect(drillsDue(jobs, drills, 7, now)).toEqual(['b', 'c'])
    expect(drillsDue(jobs, drills, 1, now)).toEqual(['a', 'b', 'c'])
    expect(drillsDue(jobs, drills, null, now)).toEqual([])
  })

  it('keeps one drill per job, the newest', () => {
    const kept = withDrill([drill('a', '1'), drill('b', '1')], drill('a', '2'))
    expect(kept.map((d) => `${d.jobId}${d.at}`)).toEqual(['b1', 'a2'])
  })
})
