// Records written straight into a test app's config, for screens that show jobs and run
// history the services would otherwise only make with real hosts. They pass the
// config schema (ConfigStore.update checks), so a wrong shape fails the test here.
import type { Job, RunRecord } from '../../../src-main/shared/model'
import type { TestApp } from './test-app'

export function seedJob(testApp: TestApp, job: Partial<Job> & Pick<Job, 'id' | 'name'>): Job {
  const full: Job = {
    sourceHostId: 'nas-1',
    targetHostId: 'offsite-1',
    sources: [{ dataset: 'tank/photos', recursive: true }],
    exclusions: [],
    targetParent: 'backup/nas',
    intermediates: true,
    stallSeconds: 120,
    send: { raw: true, intermediates: true, largeBlocks: false, embedded: false, compressed: false },
    createdAt: '2025-05-01T08:00:00.000Z',
    ...job,
  }
  testApp.context.config.update((c) => {
    c.jobs.push(full)
  })
  return full
}

/** Appends runs oldest first: listRuns answers newest first, so the last one seeded leads. */
export function seedRuns(testApp: TestApp, runs: ReadonlyArray<Partial<RunRecord> & Pick<RunRecord, 'id' | 'jobId' | 'outcome'>>): void {
  testApp.context.config.update((c) => {
    for (const run of runs) c.runs.push({ startedAt: '2025-05-01T08:00:00.000Z', bytes: 0, datasets: 0, notes: [], transfers: [], ...run })
  })
}
