// getOverview and the notifier over the real transport: a local OpenSSH server stands in
// for the NAS (it has no ZFS, so its listing fails the way a host without zfs answers),
// the off-site box is a closed port (refused at once). The overview names the unreachable
// box, says what the NAS could not answer, and still answers for the job. A failed run's
// jobState event becomes one notification, with the run's cause and fix, unless the
// person turned failure notifications off. ZFS itself is in the lab tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppContext, type AppContext } from '../../../src-main/services/app-context'
import { openConfBackend } from '../../../src-main/adapters/config/conf-backend'
import { fingerprintOfPublicKeyLine } from '../../../src-main/adapters/ssh/host-key'
import type { EventPayload } from '../../../src-main/shared/contract'
import type { Job } from '../../../src-main/shared/model'
import { OverviewJobSchema } from '../../../src-main/shared/schedule'
import { apiCalls, eventWhere } from '../../support/api-calls'
import { freePort, startLocalSshd, type LocalSshd } from '../adapters/ssh/local-sshd'

let sshd: LocalSshd
let dataDir: string
let ctx: AppContext
let job: Job
let closedPort: number
const { call } = apiCalls(() => ctx)

beforeAll(async () => {
  sshd = await startLocalSshd()
  dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-overview-'))
  ctx = createAppContext({ dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService: `zfs-offsite-test-${randomUUID()}` })
  const s = ctx.services
  const nas = await s.addHost({ label: 'Home NAS', role: 'nas', address: '127.0.0.1', port: sshd.port, user: sshd.user, auth: 'key-file', keyFilePath: join(sshd.dir, 'user'), reachedThroughNas: false })
  await s.connectHost({ id: nas.id })
  await s.trustHostKey({ id: nas.id, fingerprint: fingerprintOfPublicKeyLine(sshd.hostKeyPub) })
  closedPort = await freePort()
  const off = await s.addHost({ label: 'Friend’s box', role: 'offsite', address: '127.0.0.1', port: closedPort, user: sshd.user, auth: 'key-file', keyFilePath: join(sshd.dir, 'user'), reachedThroughNas: false })
  // Pinned as if confirmed earlier: the box is known but switched off now.
  ctx.config.update((c) => {
    const h = c.hosts.find((x) => x.id === off.id)!
    h.pinnedHostKey = fingerprintOfPublicKeyLine(sshd.hostKeyPub)
  })
  job = await s.addJob({
    name: 'Photos',
    sourceHostId: nas.id,
    targetHostId: off.id,
    sources: [{ dataset: 'tank/plain', recursive: false }],
    exclusions: [],
    targetParent: 'backup/nas',
    raw: false,
    intermediates: true,
    stallSeconds: 120,
  })
  ctx.config.update((c) => {
    c.runs.push({
      id: 'run-failed',
      jobId: job.id,
      startedAt: '2026-11-27T02:00:00.000Z',
      endedAt: '2026-11-27T02:01:00.000Z',
      outcome: 'failed',
      bytes: 0,
      datasets: 1,
      notes: [],
      transfers: [],
      errorCode: 'ZFS_OUT_OF_SPACE',
      error: { code: 'ZFS_OUT_OF_SPACE', cause: 'The pool is full.', fix: 'Free space on the off-site box, or give it a bigger disk.' },
    })
  })
}, 60_000)

afterAll(async () => {
  ctx?.dispose()
  await sshd?.dispose()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('the overview over SSH', () => {
  it('names the unreachable off-site box, says what the reached NAS could not answer, and keeps the last run', async () => {
    const [o, ...rest] = await call<unknown[]>('getOverview', {})
    expect(rest).toEqual([])
    const overview = OverviewJobSchema.parse(o)
    expect(overview).toMatchObject({ jobId: job.id, name: 'Photos', unreachable: ['Friend’s box'], pendingResume: false, space: null, tunnel: null, horizon: null })
    expect(overview.lag.words).toBe('How far behind the off-site copy is cannot be told: the off-site box could not be read.')
    expect(overview.lastRun).toEqual({ at: '2026-11-27T02:01:00.000Z', outcome: 'failed', source: 'app', message: 'The pool is full. Free space on the off-site box, or give it a bigger disk.' })
    expect(overview.warnings).toEqual([
      `Friend’s box could not be reached: Nothing answers SSH at Friend’s box (127.0.0.1 port ${closedPort}). What is shown is what could be read.`,
      'Could not read the datasets under tank/plain on Home NAS: “zfs” is not installed on this host.',
      'The last backup (started from this app) failed: The pool is full. Free space on the off-site box, or give it a bigger disk.',
    ])
  }, 60_000)
})

describe('notifications', () => {
  const notification = (seconds = 10) =>
    eventWhere(ctx.events, (e) => (e.name === 'notification' ? (e.payload as EventPayload<'notification'>) : undefined), 'a notification', seconds)

  it('turns a failed run’s end into one notification with its cause and fix', async () => {
    const next = notification()
    ctx.events.emit('jobState', { jobId: job.id, runId: 'run-failed', state: 'failed', message: 'The pool is full.' })
    expect(await next).toEqual({ kind: 'run-failed', jobId: job.id, title: 'Backup “Photos” failed', body: 'The pool is full. Free space on the off-site box, or give it a bigger disk.' })

    // The same run's end again raises nothing; a later run's does.
    const seen: unknown[] = []
    const stop = ctx.events.subscribe((e) => {
      if (e.name === 'notification') seen.push(e.payload)
    })
    ctx.events.emit('jobState', { jobId: job.id, runId: 'run-failed', state: 'failed' })
    ctx.events.emit('jobState', { jobId: job.id, runId: 'run-other', state: 'failed', message: 'Copying tank/plain failed.' })
    stop()
    expect(seen).toEqual([{ kind: 'run-failed', jobId: job.id, title: 'Backup “Photos” failed', body: 'Copying tank/plain failed.' }])
  })

  it('stays quiet about failures when the person turned that off, and about other outcomes', async () => {
    await call('updateSettings', { notifyOnFailure: false })
    const seen: unknown[] = []
    const stop = ctx.events.subscribe((e) => {
      if (e.name === 'notification') seen.push(e.payload)
    })
    ctx.events.emit('jobState', { jobId: job.id, runId: 'run-quiet', state: 'failed' })
    await call('updateSettings', { notifyOnFailure: true })
    ctx.events.emit('jobState', { jobId: job.id, runId: 'run-ok', state: 'succeeded' })
    ctx.events.emit('jobState', { jobId: job.id, runId: 'run-paused', state: 'cancelled' })
    stop()
    expect(seen).toEqual([])
  })

  it('a check with the off-site box unreachable raises nothing: the copy’s age is not known', async () => {
    await call('updateSettings', { notifyWhenOlderThanHours: 1 })
    const seen: unknown[] = []
    const stop = ctx.events.subscribe((e) => {
      if (e.name === 'notification') seen.push(e.payload)
    })
    await ctx.notifier.checkNow()
    stop()
    expect(seen).toEqual([])
  }, 60_000)
})
