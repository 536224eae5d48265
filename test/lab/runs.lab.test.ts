// Replication runs through the API, as the renderer calls them, on the lab's real pools:
// the NAS sends over WireGuard to the delegated receive user. Full, incremental and raw
// encrypted runs with live progress; a run cut off (tunnel down, then the NAS pipeline
// killed) and resumed with equal checksums; a cancelled run whose snapshot vanished,
// discarded and planned again; a diverged target refused with nothing changed; two
// starts at once; the app closed mid-transfer and the run shown again after a restart.
// Needs the keychain: run under scripts/with-keyring.sh (npm run test:lab does).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshPools, labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { cleanUpTestApp, labJobInput, prepareOffsiteParent, runEnded as runEndedOn, runToEnd as runToEndOn, testAppHome, trustedLabHosts, type TestAppHome } from './app-setup'
import type { AppContext } from '../../src-main/services/app-context'
import { dispatch } from '../../src-main/services/dispatch'
import { jobHoldTag } from '../../src-main/core/replication/job-run'
import { until } from '../support/until'
import type { Result } from '../../src-main/shared/result'
import type { Host, Job, RunRecord } from '../../src-main/shared/model'
import type { EventPayload, PlanView, RunProgress } from '../../src-main/shared/contract'
import { apiCalls, eventWhere as eventWhereOn } from '../support/api-calls'

let lab: Lab
let ctx: AppContext
let home: TestAppHome
let nas: Host
let offsite: Host

const { call, callFails } = apiCalls(() => ctx)

const eventWhere = <T>(pick: (e: { name: string; payload: unknown }) => T | undefined, what: string, seconds = 600): Promise<T> =>
  eventWhereOn(ctx.events, pick, what, seconds)
const runEnded = (runId: string) => runEndedOn(ctx, runId)
const bytesAtLeast = (runId: string, bytes: number) =>
  eventWhere((e) => (e.name === 'progress' && (e.payload as RunProgress).runId === runId && (e.payload as RunProgress).bytesDone >= bytes ? (e.payload as RunProgress) : undefined), `${bytes} bytes of ${runId}`)
const runToEnd = (jobId: string) => runToEndOn(ctx, call, jobId)

const lines = async (host: 'nas' | 'offsite', cmd: string) => (await lab[host].run(cmd)).stdout.trim().split('\n').filter(Boolean)
const guids = (host: 'nas' | 'offsite', ds: string) => lines(host, `zfs list -Hp -t snapshot -o guid -s createtxg '${ds}'`)
const holds = (snap: string) => lines('nas', `zfs holds -H '${snap}' | cut -f2`)
/**
 * Until the off-site box has written at least `bytes` of a partial receive into `target`
 * (its hidden %recv clone): zfs send's own count runs ahead by whatever a buffer holds.
 */
const receivedAtLeast = (target: string, bytes: number) =>
  until(
    `${bytes} bytes received into ${target}`,
    async () => Number((await lab.offsite.run(`zfs get -Hp -o value used '${target}/%recv' 2>/dev/null || echo 0`)).stdout.trim()) >= bytes,
    300_000,
    1_000,
  )
const write = (ds: string, file: string, mib: number, snap: string) => lab.nas.run(`set -e; head -c ${mib}M /dev/urandom > '/${ds}/${file}'; zfs snapshot '${ds}@${snap}'`)

beforeAll(async () => {
  home = testAppHome('runs-lab')
  lab = await labHosts()
  await freshPools()
  await prepareTunnelAndReceiveUser()
  await prepareOffsiteParent(lab)
  await lab.nas.run('set -e; zfs create tank/photos; zfs create -o encryption=on -o keyformat=passphrase tank/secret', { stdin: 'a passphrase for the lab\n' })
  await write('tank/photos', 'a.bin', 3, 's1')
  await write('tank/photos', 'b.bin', 3, 's2')
  await write('tank/secret', 'a.bin', 2, 'k1')
  ctx = home.open()
  const hosts = await trustedLabHosts(call, lab)
  nas = hosts.nas
  offsite = hosts.offsite
})

afterAll(async () => {
  await lab?.nas.run('ip link set wg-backup up 2>/dev/null; true', { allowFail: true })
  await cleanUpTestApp(home, ctx)
})

describe('replication runs on the lab', () => {
  let photos: Job
  let secret: Job
  const jobInput = (name: string, dataset: string, extra: Record<string, unknown> = {}) => labJobInput(lab, { nas, offsite }, name, dataset, extra)

  it('plans a first send with its size and the time it takes at the rate limit', async () => {
    photos = await call<Job>('addJob', jobInput('Photos', 'tank/photos', { rateLimitBytesPerSecond: 1024 * 1024 }))
    expect(photos.send.raw).toBe(false)
    const plan = await call<PlanView>('planJob', { id: photos.id })
    expect(plan.runnable).toBe(true)
    expect(plan.datasets).toMatchObject([{ source: 'tank/photos', target: 'backup/nas/photos', action: 'full', snapshotsToSend: 2 }])
    const estimate = Number((await lab.nas.run(`zfs send -nvP -L -e -c -I tank/photos@s1 tank/photos@s2 | awk '$1=="size"{print $2}'`)).stdout)
    expect(plan.estimatedBytes).toBeGreaterThan(estimate)
    expect(plan.etaSeconds).toBe(Math.ceil(plan.estimatedBytes! / (1024 * 1024)))
  })

  it('sends the first copy with progress every second, verifies it and holds the new base', async () => {
    const { run, state, progress } = await runToEnd(photos.id)
    expect(state.state, JSON.stringify(run.error)).toBe('succeeded')
    expect(run).toMatchObject({ outcome: 'succeeded', datasets: 1 })
    expect(run.bytes).toBeGreaterThan(6 * 1024 * 1024)
    expect(await guids('offsite', 'backup/nas/photos')).toEqual(await guids('nas', 'tank/photos'))
    // Live progress: at least one event a second while sending, bytes never going back.
    const sending = progress.filter((p) => p.phase === 'sending')
    const seconds = (Date.parse(sending.at(-1)!.at!) - Date.parse(sending[0]!.at!)) / 1000
    expect(seconds).toBeGreaterThan(3)
    expect(sending.length).toBeGreaterThanOrEqual(Math.floor(seconds))
    for (let i = 1; i < sending.length; i++) expect(sending[i]!.bytesDone).toBeGreaterThanOrEqual(sending[i - 1]!.bytesDone)
    expect(sending.some((p) => p.rateBytesPerSecond > 0 && p.etaSeconds !== undefined)).toBe(true)
    expect(progress.at(-1)!.phase).toBe('done')
    expect(await holds('tank/photos@s2')).toEqual([jobHoldTag(photos.id)])
  })

  it('sends only what is new next time, and moves the hold to the new base', async () => {
    await write('tank/photos', 'c.bin', 1, 's3')
    const { run } = await runToEnd(photos.id)
    expect(run.outcome).toBe('succeeded')
    expect(run.transfers.map((t) => t.label)).toEqual(['changes from s2 to s3'])
    expect(await guids('offsite', 'backup/nas/photos')).toEqual(await guids('nas', 'tank/photos'))
    expect(await holds('tank/photos@s3')).toEqual([jobHoldTag(photos.id)])
    expect(await holds('tank/photos@s2')).toEqual([])
  })

  it('sends an encrypted dataset raw by default, first and then incrementally, and it stays locked off-site', async () => {
    secret = await call<Job>('addJob', jobInput('Secret', 'tank/secret'))
    expect(secret.send.raw).toBe(true)
    expect((await runToEnd(secret.id)).run.outcome).toBe('succeeded')
    await write('tank/secret', 'b.bin', 1, 'k2')
    const { run } = await runToEnd(secret.id)
    expect(run.outcome).toBe('succeeded')
    expect(run.transfers.map((t) => t.label)).toEqual(['changes from k1 to k2'])
    expect(await guids('offsite', 'backup/nas/secret')).toEqual(await guids('nas', 'tank/secret'))
    expect(await lines('offsite', 'zfs get -H -o value keystatus,encryptionroot backup/nas/secret')).toEqual(['unavailable', 'backup/nas/secret'])
  })

  it('refuses a diverged target with a preview of what a rollback would destroy, and changes nothing', async () => {
    await lab.offsite.run('zfs snapshot backup/nas/photos@made-offsite')
    await write('tank/photos', 'd.bin', 1, 's4')
    const before = await lines('offsite', 'zfs list -H -t snapshot -o name,guid -r backup/nas')
    const plan = await call<PlanView>('planJob', { id: photos.id })
    expect(plan.runnable).toBe(false)
    expect(plan.datasets[0]).toMatchObject({ action: 'diverged', blocking: true, rollbackWouldDestroy: ['made-offsite'] })
    const err = await callFails('startRun', { jobId: photos.id })
    expect(err.code).toBe('PLAN_BLOCKED')
    expect(err.details).toMatch(/would destroy: made-offsite/)
    expect(await lines('offsite', 'zfs list -H -t snapshot -o name,guid -r backup/nas')).toEqual(before)
    await lab.offsite.run('zfs destroy backup/nas/photos@made-offsite')
  })

  it('refuses a second start of a job that is already copying', async () => {
    const [a, b] = await Promise.all([dispatch(ctx.services, ctx.logger, 'startRun', { jobId: photos.id }), dispatch(ctx.services, ctx.logger, 'startRun', { jobId: photos.id })])
    const results = [a, b] as Result<RunRecord>[]
    const started = results.find((r) => r.ok)
    const refused = results.find((r) => !r.ok)
    expect(refused && !refused.ok && refused.error.code).toBe('JOB_BUSY')
    expect(started && started.ok).toBeTruthy()
    if (started?.ok && started.value.outcome === 'running') expect((await runEnded(started.value.id)).state).toBe('succeeded')
  })

  it('resumes a run cut off mid-stream (tunnel down, then the NAS pipeline killed), and the data checksums match', async () => {
    await call('updateJob', { id: photos.id, rateLimitBytesPerSecond: 256 * 1024 })
    await write('tank/photos', 'e.bin', 8, 's5')
    const started = await call<RunRecord>('startRun', { jobId: photos.id })
    const ended = runEnded(started.id)
    await receivedAtLeast('backup/nas/photos', 1024 * 1024)
    await lab.nas.run('ip link set wg-backup down')
    // Every stage before ssh: a buffer may hold the whole stream once zfs send is done.
    await lab.nas.run(`pkill -KILL -f '^zfs send'; pkill -KILL -x mbuffer; pkill -KILL -x pv; true`)
    expect((await ended).state).toBe('failed')
    const failed = (await call<RunRecord[]>('listRuns', { jobId: photos.id, limit: 5 }))[0]!
    expect(failed.error?.cause).toBeTruthy()
    await lab.nas.run('ip link set wg-backup up')
    // The off-site receive learns of the cut only when the tunnel carries the closed
    // connection's last packets again; then ZFS saves the partial state.
    // sshd there drops the dead session within a minute (ClientAliveInterval, set up with
    // the receive user); until then the old receive still holds the partial state.
    await until('the cut-off receive to end off-site', async () => (await lab.offsite.run('pgrep -u zfsreceive -x zfs', { allowFail: true })).code !== 0, 300_000, 1_000)
    expect(await lines('offsite', 'zfs get -H -o value receive_resume_token backup/nas/photos')).not.toEqual(['-'])

    await call('updateJob', { id: photos.id, rateLimitBytesPerSecond: null })
    const plan = await call<PlanView>('planJob', { id: photos.id })
    expect(plan.datasets[0]!.action).toBe('resume')
    const { run } = await runToEnd(photos.id)
    expect(run.outcome).toBe('succeeded')
    expect(run.notes.join(' ')).toMatch(/Resumed/)
    // Bytes add up across the two runs: the resumed transfer starts from what had arrived.
    expect(run.transfers[0]!.resumedFromBytes).toBeGreaterThan(0)
    expect(run.transfers[0]!.bytesDone).toBeGreaterThan(run.transfers[0]!.resumedFromBytes)
    expect(await guids('offsite', 'backup/nas/photos')).toEqual(await guids('nas', 'tank/photos'))
    const sums = async (host: 'nas' | 'offsite', dir: string) => lines(host, `cd '${dir}' && sha256sum *.bin`)
    await lab.offsite.run('zfs set readonly=on backup/nas/photos; zfs mount backup/nas/photos')
    try {
      expect(await sums('offsite', '/backup/nas/photos')).toEqual(await sums('nas', '/tank/photos'))
    } finally {
      await lab.offsite.run('zfs unmount backup/nas/photos')
    }
  })

  it('shows a cancelled run as paused; when its snapshot is gone, the stale partial copy is discarded and the job planned again', async () => {
    await call('updateJob', { id: photos.id, rateLimitBytesPerSecond: 256 * 1024 })
    await write('tank/photos', 'f.bin', 8, 's6')
    const started = await call<RunRecord>('startRun', { jobId: photos.id })
    const ended = runEnded(started.id)
    await receivedAtLeast('backup/nas/photos', 1024 * 1024)
    const cancelled = await call<RunRecord>('cancelRun', { runId: started.id })
    expect(cancelled.outcome).toBe('cancelled')
    expect(await ended).toMatchObject({ state: 'cancelled', message: expect.stringMatching(/^Paused — will resume/) })
    expect(await lines('nas', `pgrep -f '^zfs send' || true`)).toEqual([])

    await lab.nas.run('zfs destroy tank/photos@s6')
    const plan = await call<PlanView>('planJob', { id: photos.id })
    expect(plan.datasets[0]).toMatchObject({ action: 'abort-resume' })
    expect(plan.datasets[0]!.summary).toMatch(/s6.*no longer exists/)
    const { run } = await runToEnd(photos.id)
    expect(run.outcome).toBe('succeeded')
    // ZFS itself refuses the token (its snapshot is gone), and the note says why.
    expect(run.notes.join('\n')).toMatch(/Discarded an interrupted copy into backup\/nas\/photos: .*tank\/photos@s6.* no longer exists/)
    expect(await lines('offsite', 'zfs get -H -o value receive_resume_token backup/nas/photos')).toEqual(['-'])
    expect(await guids('offsite', 'backup/nas/photos')).toEqual(await guids('nas', 'tank/photos'))
  })

  it('keeps copying when the app closes mid-transfer, and the restarted app shows the run and its end', async () => {
    await call('updateJob', { id: photos.id, rateLimitBytesPerSecond: 1024 * 1024 })
    await write('tank/photos', 'g.bin', 4, 's7')
    const started = await call<RunRecord>('startRun', { jobId: photos.id })
    await bytesAtLeast(started.id, 512 * 1024)
    ctx.dispose()
    ctx = home.open()
    // The restarted app follows the run again from its state file on the NAS.
    const live = await call<RunProgress[]>('listActiveRuns', {})
    expect(live.map((p) => p.runId)).toEqual([started.id])
    const end = await runEnded(started.id)
    expect(end.state).toBe('succeeded')
    const run = (await call<RunRecord[]>('listRuns', { jobId: photos.id, limit: 5 })).find((r) => r.id === started.id)!
    expect(run.outcome).toBe('succeeded')
    expect(await guids('offsite', 'backup/nas/photos')).toEqual(await guids('nas', 'tank/photos'))
  })

  it('plans again when a snapshot is deleted on the NAS after the plan was made', async () => {
    await lab.nas.run('set -e; zfs create tank/photos/child; head -c 1M /dev/urandom > /tank/photos/child/a.bin; zfs snapshot tank/photos/child@c1')
    expect((await runToEnd(photos.id)).run.outcome).toBe('succeeded')
    // The parent goes first and slowly; the child's newest snapshot vanishes meanwhile.
    await call('updateJob', { id: photos.id, rateLimitBytesPerSecond: 256 * 1024 })
    await write('tank/photos', 'h.bin', 8, 's8')
    await lab.nas.run('set -e; head -c 1M /dev/urandom > /tank/photos/child/b.bin; zfs snapshot tank/photos/child@c2')
    const started = await call<RunRecord>('startRun', { jobId: photos.id })
    expect(started.transfers.map((t) => t.label)).toEqual(['changes from s7 to s8', 'changes from c1 to c2'])
    const followUp = eventWhere(
      (e) => (e.name === 'jobState' && (e.payload as EventPayload<'jobState'>).runId !== started.id && (e.payload as EventPayload<'jobState'>).state !== 'running' ? (e.payload as EventPayload<'jobState'>) : undefined),
      'the run planned again',
    )
    await receivedAtLeast('backup/nas/photos', 256 * 1024)
    await lab.nas.run('zfs destroy tank/photos/child@c2')
    const first = await runEnded(started.id)
    expect(first.state).toBe('failed')
    const again = await followUp
    expect(again.state).toBe('succeeded')
    const runs = await call<RunRecord[]>('listRuns', { jobId: photos.id, limit: 5 })
    expect(runs.find((r) => r.id === started.id)!.errorCode).toBe('ZFS_DATASET_MISSING')
    expect(runs.find((r) => r.id === again.runId)!.notes.join('\n')).toMatch(/Planned again after run .*tank\/photos\/child@c2/)
    expect(await guids('offsite', 'backup/nas/photos/child')).toEqual(await guids('nas', 'tank/photos/child'))
    expect(await guids('offsite', 'backup/nas/photos')).toEqual(await guids('nas', 'tank/photos'))
    await call('updateJob', { id: photos.id, rateLimitBytesPerSecond: null })
  })

  it('fails the run when zfs send fails even though ssh and the receive exit 0', async () => {
    // A zfs that sends the whole stream and then reports failure, first on root's PATH.
    await lab.nas.run('cat > /usr/local/sbin/zfs && chmod 755 /usr/local/sbin/zfs', {
      stdin: [
        '#!/bin/sh',
        'if [ "$1" = send ] && [ "$2" = -vP ]; then /usr/sbin/zfs "$@"; echo "zfs send: injected failure after the stream" >&2; exit 1; fi',
        'exec /usr/sbin/zfs "$@"',
        '',
      ].join('\n'),
    })
    try {
      await write('tank/photos', 'i.bin', 1, 's9')
      const { run } = await runToEnd(photos.id)
      expect(run.outcome).toBe('failed')
      expect(run.error?.code).toBe('RUN_FAILED')
      expect(run.error?.cause).toMatch(/zfs send on the NAS failed \(exit status 1\).*no error/)
      expect(run.error?.details).toMatch(/injected failure/)
      expect(await holds('tank/photos@s9')).toEqual([])
    } finally {
      await lab.nas.run('rm -f /usr/local/sbin/zfs')
    }
    // The stream did arrive: the next run finds nothing to send and holds the new base.
    const { run } = await runToEnd(photos.id)
    expect(run.outcome).toBe('succeeded')
    expect(run.notes).toContain('Already up to date: nothing to send.')
    expect(await holds('tank/photos@s9')).toEqual([jobHoldTag(photos.id)])
    expect(await holds('tank/photos@s8')).toEqual([])
  })

  it('stops with a clear error when the off-site pool is full, keeps a resumable state and leaves the source as it was', async () => {
    await lab.offsite.run(
      'set -e; truncate -s 64M /var/tmp/small.img; zpool create -O canmount=off small /var/tmp/small.img; zfs create -o canmount=off small/nas; zfs allow -u zfsreceive create,mount,receive small/nas',
    )
    try {
      await lab.nas.run('set -e; zfs create tank/big; head -c 80M /dev/urandom > /tank/big/a.bin; zfs snapshot tank/big@b1')
      const big = await call<Job>('addJob', { ...jobInput('Big', 'tank/big'), targetParent: 'small/nas' })
      const sourceBefore = await lines('nas', 'zfs list -Hp -t snapshot -o name,guid,userrefs -r tank/big')
      const { run } = await runToEnd(big.id)
      expect(run.outcome).toBe('failed')
      expect(run.error).toMatchObject({ code: 'ZFS_OUT_OF_SPACE', cause: 'The pool is full.' })
      expect(run.error?.fix).toMatch(/Free space/)
      expect(await lines('nas', 'zfs list -Hp -t snapshot -o name,guid,userrefs -r tank/big')).toEqual(sourceBefore)
      const plan = await call<PlanView>('planJob', { id: big.id })
      expect(plan.datasets[0]!.action).toBe('resume')
    } finally {
      await lab.offsite.run('zpool destroy -f small; rm -f /var/tmp/small.img', { allowFail: true })
    }
  })
})
