// The Jobs API through dispatch, on the real config file: what a job stores, what it
// refuses (with the field named and nothing stored), and what may change afterwards.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Host, Job } from '../../../src-main/shared/model'
import { makeTestContext, type TestContext } from './app-context-fixture'
import { apiCalls } from '../../support/api-calls'

let t: TestContext
let nas: Host
let offsite: Host

const { call, callFails } = apiCalls(() => t.ctx)
const storedJobs = () => (JSON.parse(readFileSync(t.ctx.info.configFile, 'utf8')) as { jobs: Job[] }).jobs

const input = (extra: Record<string, unknown> = {}) => ({
  name: 'Photos',
  sourceHostId: nas.id,
  targetHostId: offsite.id,
  sources: [{ dataset: 'tank/photos', recursive: true }],
  exclusions: ['tank/photos/cache'],
  targetParent: 'backup/nas',
  raw: true,
  rateLimitBytesPerSecond: 2 * 1024 * 1024,
  receiver: { user: 'zfsreceive', address: '10.99.0.2' },
  ...extra,
})

beforeAll(async () => {
  t = makeTestContext()
  nas = await call<Host>('addHost', { label: 'NAS', role: 'nas', address: '127.0.0.1', port: 2201, user: 'root' })
  offsite = await call<Host>('addHost', { label: 'Friend', role: 'offsite', address: '127.0.0.1', port: 2202, user: 'root' })
})
afterAll(async () => t?.cleanup())

describe('jobs service', () => {
  let job: Job

  it('stores a job with the send flags fixed as it was made', async () => {
    job = await call<Job>('addJob', input())
    expect(job).toMatchObject({
      name: 'Photos',
      sources: [{ dataset: 'tank/photos', recursive: true }],
      exclusions: ['tank/photos/cache'],
      send: { raw: true, intermediates: true, largeBlocks: false, embedded: false, compressed: false },
      receiver: { user: 'zfsreceive', address: '10.99.0.2', port: 22 },
      stallSeconds: 120,
    })
    expect(storedJobs()).toEqual([job])
    expect(await call('listJobs', {})).toEqual([job])
  })

  it('keeps large blocks, embedded data and compression on a job that is not raw', async () => {
    const plain = await call<Job>('addJob', input({ name: 'Documents', raw: false, sources: [{ dataset: 'tank/docs', recursive: false }], exclusions: [] }))
    expect(plain.send).toEqual({ raw: false, intermediates: true, largeBlocks: true, embedded: true, compressed: true })
    await call('removeJob', { id: plain.id })
  })

  it('refuses a dataset name ZFS would not accept, names the field and stores nothing', async () => {
    const before = storedJobs()
    // Caught by the contract's schema (no @ in a dataset name)…
    const typed = await callFails('addJob', input({ name: 'Bad', sources: [{ dataset: 'tank/photos@monday', recursive: true }], exclusions: [] }))
    expect(typed.code).toBe('INVALID_INPUT')
    expect(typed.details).toMatch(/^sources\.0\.dataset: /)
    // …and by OpenZFS's own rules in core (no empty component).
    const err = await callFails('addJob', input({ name: 'Bad', sources: [{ dataset: 'tank//photos', recursive: true }], exclusions: [] }))
    expect(err.code).toBe('INVALID_INPUT')
    expect(err.details).toBe('sources.0.dataset')
    expect(err.cause).toMatch(/^“tank\/\/photos” is not a dataset name ZFS accepts: /)
    expect(storedJobs()).toEqual(before)
  })

  it('refuses hosts in the wrong role, an exclusion outside the sources and a second job of the same name', async () => {
    expect((await callFails('addJob', input({ name: 'Swapped', sourceHostId: offsite.id, targetHostId: nas.id }))).details).toBe('sourceHostId')
    expect((await callFails('addJob', input({ name: 'Elsewhere', exclusions: ['tank/other'] }))).details).toBe('exclusions.0')
    expect((await callFails('addJob', input())).code).toBe('ALREADY_EXISTS')
    expect(storedJobs()).toHaveLength(1)
  })

  it('changes the rate limit and receiver but never the send flags', async () => {
    const changed = await call<Job>('updateJob', { id: job.id, rateLimitBytesPerSecond: null, receiver: { user: 'backup', address: '10.99.0.6', port: 2222 } })
    expect(changed.rateLimitBytesPerSecond).toBeUndefined()
    expect(changed.receiver).toEqual({ user: 'backup', address: '10.99.0.6', port: 2222 })
    expect((await callFails('updateJob', { id: job.id, send: { raw: false } })).code).toBe('INVALID_INPUT')
    expect(storedJobs()[0]!.send.raw).toBe(true)
  })

  it('will not start a job the NAS cannot yet send for, and says what is missing', async () => {
    const bare = await call<Job>('addJob', input({ name: 'No receiver', receiver: undefined, sources: [{ dataset: 'tank/music', recursive: true }], exclusions: [] }))
    const err = await callFails('startRun', { jobId: bare.id })
    expect(err.code).toBe('JOB_NOT_READY')
    expect(await call('listRuns', { jobId: bare.id })).toEqual([])
  })

  it('keeps a host that a job uses, and removes the job, saying so when the NAS could not release the job’s hold', async () => {
    expect((await callFails('removeHost', { id: nas.id })).code).toBe('INVALID_INPUT')
    // The NAS here was never confirmed, so the app does not connect to it.
    const answer = await call<{ removed: string; notes: string[] }>('removeJob', { id: job.id })
    expect(answer.removed).toBe(job.id)
    expect(answer.notes).toHaveLength(1)
    expect(answer.notes[0]).toMatch(new RegExp(`^The job’s hold on the NAS could not be released \\(.+\\)\\. Its base snapshot stays until you release it: zfs release zfs-offsite-${job.id} <snapshot>`))
    expect(storedJobs().map((j) => j.name)).toEqual(['No receiver'])
  })
})
