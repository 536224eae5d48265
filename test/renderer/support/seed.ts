// Records for a test app's config, for screens that show jobs and run history the
// services would otherwise only make with real hosts: written into a running app's
// config, or handed to startTestApp({ config }) as the file an earlier session left.
// They pass the config schema (ConfigStore checks), so a wrong shape fails the test.
import type { Host, Job, RunRecord } from '../../../src-main/shared/model'
import type { TestApp } from './test-app'

export function hostRecord(host: Partial<Host> & Pick<Host, 'id' | 'label' | 'role'>): Host {
  return { address: '192.168.1.20', port: 22, user: 'backup', auth: 'app-key', reachedThroughNas: false, createdAt: '2025-05-01T08:00:00.000Z', ...host }
}

export function jobRecord(job: Partial<Job> & Pick<Job, 'id' | 'name'>): Job {
  return {
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
}

export function runRecord(run: Partial<RunRecord> & Pick<RunRecord, 'id' | 'jobId' | 'outcome'>): RunRecord {
  return { startedAt: '2025-05-01T08:00:00.000Z', bytes: 0, datasets: 0, notes: [], transfers: [], ...run }
}

export function seedJob(testApp: TestApp, job: Partial<Job> & Pick<Job, 'id' | 'name'>): Job {
  const full = jobRecord(job)
  testApp.context.config.update((c) => {
    c.jobs.push(full)
  })
  return full
}

/** Appends runs oldest first: listRuns answers newest first, so the last one seeded leads. */
export function seedRuns(testApp: TestApp, runs: ReadonlyArray<Partial<RunRecord> & Pick<RunRecord, 'id' | 'jobId' | 'outcome'>>): void {
  testApp.context.config.update((c) => {
    for (const run of runs) c.runs.push(runRecord(run))
  })
}
