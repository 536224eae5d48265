// Following a run through its state file, with the real transport: a local OpenSSH server
// stands in for the NAS, and the test writes the state file the run script would write
// (its lines carry zfs send's captured progress output). Proves reattaching after a
// restart, progress from the file, a stall after the job's stall time, a script that
// died without writing its end, and how a failed, cancelled or busy run ends up in the
// history (a run still going carries this test's own pid, which is alive). ZFS itself
// is in the lab tests.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppContext, type AppContext } from '../../../src-main/services/app-context'
import { openConfBackend } from '../../../src-main/adapters/config/conf-backend'
import { fingerprintOfPublicKeyLine } from '../../../src-main/adapters/ssh/host-key'
import type { EventPayload, RunProgress } from '../../../src-main/shared/contract'
import type { Job, RunRecord } from '../../../src-main/shared/model'
import { FIXTURES } from '../../support/fixtures'
import { startLocalSshd, type LocalSshd } from '../adapters/ssh/local-sshd'
import { eventWhere } from '../../support/api-calls'

let sshd: LocalSshd
let dataDir: string
let keychainService: string
let ctx: AppContext | undefined
let nasId: string
let job: Job

const progressLines = readFileSync(join(FIXTURES, 'zfs-2.3', 'send-progress-vP.stderr'), 'utf8').trim().split('\n')
let clock = 1_795_000_000_000_000
const line = (...fields: (string | number)[]) => `${(clock += 1000)}\t${fields.join('\t')}\n`

const open = () => createAppContext({ dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService, progressTickMs: 200, runLivenessMs: 500 })

const event = <T>(c: AppContext, pick: (e: { name: string; payload: unknown }) => T | undefined, what: string, seconds = 30): Promise<T> =>
  eventWhere(c.events, pick, what, seconds)
const ended = (c: AppContext, runId: string) =>
  event(c, (e) => (e.name === 'jobState' && (e.payload as EventPayload<'jobState'>).runId === runId ? (e.payload as EventPayload<'jobState'>) : undefined), `the end of ${runId}`)
const progressWhere = (c: AppContext, test: (p: RunProgress) => boolean, what: string) =>
  event(c, (e) => (e.name === 'progress' && test(e.payload as RunProgress) ? (e.payload as RunProgress) : undefined), what)

/** A run the store says is going, with its state file (as the run script starts it). */
function seedRun(runId: string, first: string): string {
  const stateDir = join(dataDir, 'nas-runs', runId)
  mkdirSync(stateDir, { recursive: true })
  writeFileSync(join(stateDir, 'state.tsv'), first)
  const run: RunRecord = {
    id: runId,
    jobId: job.id,
    startedAt: new Date().toISOString(),
    outcome: 'running',
    bytes: 0,
    datasets: 1,
    notes: [],
    transfers: [{ source: 'tank/plain', target: 'backup/nas/plain', label: 'full copy of tank/plain@c', status: 'waiting', bytesDone: 0, bytesTotal: null, resumedFromBytes: 0, expectNewestGuid: null }],
    nasHostId: nasId,
    stateDir,
    systemd: false,
  }
  const seeding = open()
  seeding.config.update((c) => {
    c.runs.push(run)
  })
  seeding.dispose()
  return join(stateDir, 'state.tsv')
}

beforeAll(async () => {
  sshd = await startLocalSshd()
  dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-follow-'))
  keychainService = `zfs-offsite-test-${randomUUID()}`
  const setup = open()
  const s = setup.services
  const nas = await s.addHost({ label: 'NAS', role: 'nas', address: '127.0.0.1', port: sshd.port, user: sshd.user, auth: 'key-file', keyFilePath: join(sshd.dir, 'user'), reachedThroughNas: false })
  await s.connectHost({ id: nas.id })
  await s.trustHostKey({ id: nas.id, fingerprint: fingerprintOfPublicKeyLine(sshd.hostKeyPub) })
  const off = await s.addHost({ label: 'Off-site', role: 'offsite', address: 'localhost', port: sshd.port, user: sshd.user, auth: 'key-file', keyFilePath: join(sshd.dir, 'user'), reachedThroughNas: false })
  nasId = nas.id
  job = await s.addJob({
    name: 'Plain',
    sourceHostId: nas.id,
    targetHostId: off.id,
    sources: [{ dataset: 'tank/plain', recursive: false }],
    exclusions: [],
    targetParent: 'backup/nas',
    raw: false,
    intermediates: true,
    stallSeconds: 10,
  })
  setup.dispose()
})

afterAll(async () => {
  ctx?.dispose()
  await sshd?.dispose()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('following a run on the NAS', () => {
  it('reattaches after a restart, shows progress from the state file, and keeps a failure with its cause', async () => {
    const file = seedRun('run-failing', line('run-start', 'run-failing', process.pid, process.pid, 1) + line('step-start', 0, 'tank/plain', 'backup/nas/plain', 'full copy of tank/plain@c'))
    ctx?.dispose()
    ctx = open()
    const c = ctx
    expect((await c.services.listActiveRuns({})).map((p) => p.runId)).toEqual(['run-failing'])

    const moving = progressWhere(c, (p) => p.runId === 'run-failing' && p.bytesDone > 0, 'progress with bytes')
    appendFileSync(file, progressLines.slice(0, 3).map((l) => line('progress', 0, l)).join(''))
    const p = await moving
    expect(p.bytesTotal).toBe(4256112)
    expect(p.bytesDone).toBe(1579480)
    expect(p.datasets).toMatchObject([{ index: 0, source: 'tank/plain', status: 'running', bytesDone: 1579480, bytesTotal: 4256112 }])

    const end = ended(c, 'run-failing')
    appendFileSync(file, line('stderr', 0, 'cannot receive new filesystem stream: out of space') + line('step-end', 0, '0 1') + line('run-end', 'failed'))
    expect(await end).toMatchObject({ state: 'failed', message: 'The pool is full.' })
    const [run] = await c.services.listRuns({ jobId: job.id, limit: 1 })
    expect(run).toMatchObject({ id: 'run-failing', outcome: 'failed', errorCode: 'ZFS_OUT_OF_SPACE', error: { cause: 'The pool is full.' } })
    expect(run!.error!.details).toMatch(/out of space/)
    expect(run!.transfers[0]).toMatchObject({ status: 'failed', bytesDone: 1579480 })
    expect(await c.services.listActiveRuns({})).toEqual([])
  })

  it('reports a stall once no byte has moved for the job’s stall time, and a cancel as paused', async () => {
    const file = seedRun('run-stalling', line('run-start', 'run-stalling', process.pid, process.pid, 1) + line('step-start', 0, 'tank/plain', 'backup/nas/plain', 'full copy of tank/plain@c'))
    ctx?.dispose()
    ctx = open()
    const c = ctx
    appendFileSync(file, progressLines.slice(0, 3).map((l) => line('progress', 0, l)).join(''))
    const stalled = await progressWhere(c, (p) => p.runId === 'run-stalling' && p.stalled, 'a stalled report')
    expect(stalled.secondsSinceLastByte).toBeGreaterThanOrEqual(job.stallSeconds)
    expect(stalled.bytesDone).toBe(1579480)

    const end = ended(c, 'run-stalling')
    appendFileSync(file, line('step-end', 0, '143 0') + line('run-end', 'cancelled'))
    expect(await end).toMatchObject({ state: 'cancelled', message: expect.stringMatching(/^Paused — will resume/) })
    const [run] = await c.services.listRuns({ jobId: job.id, limit: 1 })
    expect(run).toMatchObject({ id: 'run-stalling', outcome: 'cancelled' })
    expect(run!.error).toBeUndefined()
  }, 60_000)

  it('reports a run whose script died on the NAS without writing its end as failed, resumable', async () => {
    // A pid that is not running: the script was killed, or the NAS restarted.
    seedRun('run-killed', line('run-start', 'run-killed', 999_999_999, 999_999_999, 1) + line('step-start', 0, 'tank/plain', 'backup/nas/plain', 'full copy of tank/plain@c'))
    ctx?.dispose()
    ctx = open()
    const end = await ended(ctx, 'run-killed')
    expect(end.state).toBe('failed')
    const [run] = await ctx.services.listRuns({ jobId: job.id, limit: 1 })
    expect(run).toMatchObject({ outcome: 'failed', errorCode: 'RUN_FAILED' })
    expect(run!.error!.cause).toMatch(/stopped on the NAS before it finished/)
    expect(run!.error!.fix).toMatch(/continues where it stopped/)
  })

  it('says so when the off-site box is still receiving an earlier, cut-off copy', async () => {
    // What the lab's receive printed (libzfs: EBUSY while the target holds a resume token).
    const busy = 'cannot receive resume stream: destination backup/nas/plain contains partially-complete state from "zfs receive -s".'
    seedRun(
      'run-overlap',
      line('run-start', 'run-overlap', process.pid, process.pid, 1) +
        line('step-start', 0, 'tank/plain', 'backup/nas/plain', 'resume tank/plain@c') +
        line('stderr', 0, busy) +
        line('step-end', 0, '141 1') +
        line('run-end', 'failed'),
    )
    ctx?.dispose()
    ctx = open()
    expect((await ended(ctx, 'run-overlap')).state).toBe('failed')
    const [run] = await ctx.services.listRuns({ jobId: job.id, limit: 1 })
    expect(run!.error).toMatchObject({ code: 'RUN_FAILED', cause: 'The off-site box is still receiving an earlier, interrupted copy into backup/nas/plain.', details: busy })
  })

  it('records a run refused by the NAS lock as busy, naming who holds it', async () => {
    seedRun('run-refused', line('busy', 'run-other 777'))
    ctx?.dispose()
    ctx = open()
    const end = await ended(ctx, 'run-refused')
    expect(end.state).toBe('busy')
    const [run] = await ctx.services.listRuns({ jobId: job.id, limit: 1 })
    expect(run).toMatchObject({ outcome: 'busy', errorCode: 'JOB_BUSY' })
    expect(run!.error!.cause).toContain('run-other 777')
  })
})
