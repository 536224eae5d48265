// The Overview's fire drill line: the job's last drill as stored, and a warning when it failed.
import { describe, expect, it } from 'vitest'
import { assembleOverview, type JobReadings } from '../../../src-main/services/overview-assembly'
import type { Job } from '../../../src-main/shared/model'
import type { FireDrill } from '../../../src-main/shared/recovery'
import { OverviewJobSchema } from '../../../src-main/shared/schedule'

const job: Job = {
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
}

const readings = (fireDrill?: FireDrill | null): JobReadings => ({
  job,
  now: Date.parse('2026-11-28T12:00:00Z') / 1000,
  roots: [],
  heldGuids: new Set(),
  schedule: null,
  appRuns: [],
  tunnel: null,
  availableBytes: null,
  spaceSamples: [],
  unreachable: [],
  ...(fireDrill === undefined ? {} : { fireDrill }),
})

const drill = (outcome: FireDrill['outcome'], words: string): FireDrill => ({
  jobId: 'secret',
  at: '2026-11-28T11:00:00.000Z',
  outcome,
  trigger: 'person',
  snapshot: 'backup/nas/secret@d1',
  roots: [],
  mountedReadOnly: outcome === 'passed',
  words,
  done: [],
})

describe('overview: fire drill', () => {
  it('shows no drill for a job that never had one', () => {
    expect(assembleOverview(readings()).fireDrill).toBeNull()
  })

  it('shows the last drill, and warns only when it failed', () => {
    const passed = assembleOverview(readings(drill('passed', 'All good.')))
    expect(passed.fireDrill).toEqual({ at: '2026-11-28T11:00:00.000Z', outcome: 'passed', words: 'All good.' })
    expect(passed.warnings.filter((w) => /fire drill/.test(w))).toEqual([])
    const failed = assembleOverview(readings(drill('failed', 'The passphrase saved for tank/secret no longer unlocks the off-site copy.')))
    expect(failed.fireDrill?.outcome).toBe('failed')
    expect(failed.warnings).toContain('The last fire drill failed: The passphrase saved for tank/secret no longer unlocks the off-site copy.')
    expect(OverviewJobSchema.parse(failed)).toEqual(failed)
  })
})
