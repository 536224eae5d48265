// Disaster recovery's download and fire drill through the API (issue 9), on the lab's real
// pools: a job copies an encrypted dataset with files to the off-site box (raw), its
// passphrase saved in the keychain for the NAS dataset as a person would. Files and a
// folder are downloaded from a read-only look byte for byte, a link out is skipped, and
// the received dataset is as it was afterwards. The fire drill passes with the saved
// passphrase, fails plainly when the keychain has none, and fails (with a notification)
// after the passphrase was changed on the NAS and the change replicated; each time
// nothing is left mounted or loaded.
// Needs the keychain: run it under scripts/with-keyring.sh (npm run test:lab does).
import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshPools, labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { createAppContext, type AppContext } from '../../src-main/services/app-context'
import { openConfBackend } from '../../src-main/adapters/config/conf-backend'
import { KeytarSecretStore } from '../../src-main/adapters/secrets/keytar-secret-store'
import { Redactor } from '../../src-main/core/logging/redactor'
import { apiCalls, eventWhere } from '../support/api-calls'
import type { EventPayload } from '../../src-main/shared/contract'
import type { Host, Job, RunRecord } from '../../src-main/shared/model'
import type { OverviewJob } from '../../src-main/shared/schedule'
import type { DownloadResult, EndLook, FireDrill, Look, RecoveryProgress } from '../../src-main/shared/recovery'

const PASSPHRASE = 'the lab passphrase for the drill'
const CHANGED = 'a new passphrase set on the NAS'

let lab: Lab
let ctx: AppContext
let dataDir: string
let downloadsDir: string
let keychainService: string
let nas: Host
let offsite: Host
let job: Job

const { call, callFails } = apiCalls(() => ctx)
const out = async (host: 'nas' | 'offsite', cmd: string) => (await lab[host].run(cmd)).stdout.trim()
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
const nasSha = async (path: string) => (await out('nas', `sha256sum '${path}'`)).split(' ')[0]

/** What must not change on the off-site box: every dataset and snapshot with its GUID, keys, mounts, look folders. */
const footprint = async () => ({
  datasets: await out('offsite', 'zfs list -Hp -t all -o name,guid -r backup'),
  keys: await out('offsite', 'zfs get -H -o name,value keystatus -t filesystem -r backup/nas'),
  mounted: await out('offsite', "zfs list -H -o name,mounted -t filesystem -r backup | awk '$2 == \"yes\"'"),
  lookFolders: await out('offsite', 'ls -A /var/lib/zfs-offsite/look 2>/dev/null; true'),
})

async function replicate(): Promise<RunRecord> {
  const started = await call<RunRecord>('startRun', { jobId: job.id })
  expect(started.outcome).toBe('running')
  const ended = eventWhere(
    ctx.events,
    (e) => (e.name === 'jobState' && (e.payload as EventPayload<'jobState'>).runId === started.id && (e.payload as EventPayload<'jobState'>).state !== 'running' ? e.payload : undefined),
    `the end of run ${started.id}`,
    300,
  )
  await ended
  return (await call<RunRecord[]>('listRuns', { jobId: job.id, limit: 10 })).find((r) => r.id === started.id)!
}

beforeAll(async () => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error('recovery-drill.lab.test.ts needs the keychain: run it under scripts/with-keyring.sh')
  lab = await labHosts()
  await freshPools()
  await prepareTunnelAndReceiveUser()
  await Promise.all([
    lab.nas.run(`systemctl stop 'zfs-offsite-run-*' 2>/dev/null; rm -rf /var/lib/zfs-offsite/runs /run/lock/zfs-offsite-*; true`),
    lab.offsite.run('set -e; zfs create -o canmount=off backup/nas; zfs allow -u zfsreceive create,mount,receive backup/nas; rm -rf /var/lib/zfs-offsite/look'),
  ])
  await lab.nas.run('set -e; zfs create -o encryption=on -o keyformat=passphrase tank/secret', { stdin: `${PASSPHRASE}\n` })
  await lab.nas.run(
    [
      'set -e',
      'mkdir -p /tank/secret/docs/deep',
      'printf "minutes of the meeting\\n" > /tank/secret/docs/minutes.txt',
      'head -c 1048576 /dev/urandom > /tank/secret/docs/deep/notes.bin',
      'head -c 2097152 /dev/urandom > /tank/secret/photo.bin',
      'ln -s /etc /tank/secret/docs/etc-link',
      'ln -s /etc /tank/secret/etc-link',
      'zfs snapshot tank/secret@d1',
    ].join('\n'),
  )
  dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-drill-lab-'))
  downloadsDir = join(dataDir, 'downloads')
  keychainService = `zfs-offsite-test-${randomUUID()}`
  ctx = createAppContext({ dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService, downloadsDir, progressTickMs: 100 })
  const trusted = async (input: Record<string, unknown>, fingerprint: string) => {
    const host = await call<Host>('addHost', input)
    expect(await call('connectHost', { id: host.id })).toMatchObject({ state: 'unconfirmed', fingerprint })
    return call<Host>('trustHostKey', { id: host.id, fingerprint })
  }
  nas = await trusted({ label: 'NAS', role: 'nas', address: '127.0.0.1', port: lab.nas.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.nas.privateKeyPath }, lab.nas.hostKeyFingerprint)
  offsite = await trusted(
    { label: 'Off-site', role: 'offsite', address: '127.0.0.1', port: lab.offsite.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.offsite.privateKeyPath },
    lab.offsite.hostKeyFingerprint,
  )
  job = await call<Job>('addJob', {
    name: 'Secret',
    sourceHostId: nas.id,
    targetHostId: offsite.id,
    sources: [{ dataset: 'tank/secret', recursive: true }],
    targetParent: 'backup/nas',
    receiver: { user: 'zfsreceive', address: lab.offsite.tunnelIp },
  })
  expect(job.send.raw).toBe(true)
  const run = await replicate()
  expect(run.outcome, JSON.stringify(run.error)).toBe('succeeded')
  // As a person would: the NAS dataset's passphrase, saved once.
  await call('savePassphrase', { hostId: nas.id, dataset: 'tank/secret', passphrase: PASSPHRASE })
})

afterAll(async () => {
  ctx?.dispose()
  if (keychainService) {
    const keychain = new KeytarSecretStore(new Redactor(), keychainService)
    for (const account of await keychain.list()) await keychain.delete(account)
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('disaster recovery: download from a look, and the fire drill', () => {
  it('downloads a file and a folder from a read-only look, skips a link out, and leaves the received dataset as it was', async () => {
    const before = await footprint()
    expect(before.keys).toContain('backup/nas/secret\tunavailable')
    const look = await call<Look>('startLook', { hostId: offsite.id, parent: 'backup/nas', snapshot: 'backup/nas/secret@d1' })
    expect(look).toMatchObject({ mounted: true, keysLoaded: ['backup/nas/secret'] })

    const operationId = `dl-${randomUUID().slice(0, 8)}`
    const progress: RecoveryProgress[] = []
    const stop = ctx.events.subscribe((e) => {
      if (e.name === 'recoveryProgress' && (e.payload as RecoveryProgress).operationId === operationId) progress.push(e.payload as RecoveryProgress)
    })
    let result: DownloadResult
    try {
      result = await call<DownloadResult>('downloadFromLook', { hostId: offsite.id, lookId: look.lookId, paths: ['docs', 'photo.bin', 'etc-link'], operationId })
    } finally {
      stop()
    }
    expect(result.folder).toBe(join(downloadsDir, 'secret@d1'))
    expect(result.files).toBe(3)
    expect(result.bytes).toBe(1048576 + 2097152 + 'minutes of the meeting\n'.length)
    for (const f of ['docs/minutes.txt', 'docs/deep/notes.bin', 'photo.bin']) expect(sha256(join(result.folder, f)), f).toBe(await nasSha(`/tank/secret/${f}`))
    expect(result.skipped).toEqual([
      { path: 'docs/etc-link', reason: 'A symbolic link (to /etc); links are not followed.' },
      { path: 'etc-link', reason: 'A symbolic link (to /etc); links are not followed.' },
    ])
    expect(readdirSync(result.folder).sort()).toEqual(['docs', 'photo.bin'])
    expect(readdirSync(join(result.folder, 'docs')).sort()).toEqual(['deep', 'minutes.txt'])
    // The snapshot's own times, not the download's.
    expect(Math.floor(statSync(join(result.folder, 'docs/minutes.txt')).mtimeMs / 1000)).toBe(Number(await out('nas', 'stat -c %Y /tank/secret/docs/minutes.txt')))
    // Progress: a total from the sizes read first, bytes never going back, a last event that says done.
    const last = progress.at(-1)!
    expect(last).toMatchObject({ kind: 'download', phase: 'done', bytesDone: result.bytes, bytesTotal: result.bytes })
    expect(last.message).toContain(result.folder)
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone)

    // A second download of the same snapshot makes a new folder; the first stays as it was.
    const again = await call<DownloadResult>('downloadFromLook', { hostId: offsite.id, lookId: look.lookId, paths: ['docs/minutes.txt'], operationId: `dl-${randomUUID().slice(0, 8)}` })
    expect(again).toMatchObject({ folder: join(downloadsDir, 'secret@d1 (2)'), files: 1 })
    expect(readdirSync(join(again.folder, 'docs'))).toEqual(['minutes.txt'])
    // A path through the link out is refused, and nothing is copied for it.
    const refused = await callFails('downloadFromLook', { hostId: offsite.id, lookId: look.lookId, paths: ['etc-link/passwd'], operationId: `dl-${randomUUID().slice(0, 8)}` })
    expect(refused.code).toBe('RECOVERY_PATH_REFUSED')
    // Cancelled as soon as it starts: it says nothing was copied and leaves no folder.
    const cancelledId = `dl-${randomUUID().slice(0, 8)}`
    const stopCancel = ctx.events.subscribe((e) => {
      if (e.name === 'recoveryProgress' && (e.payload as RecoveryProgress).operationId === cancelledId) void call('cancelRecoveryOperation', { operationId: cancelledId })
    })
    try {
      const cancelled = await callFails('downloadFromLook', { hostId: offsite.id, lookId: look.lookId, paths: ['photo.bin'], operationId: cancelledId })
      expect(cancelled).toMatchObject({ code: 'RECOVERY_CANCELLED', cause: 'The download was cancelled. Nothing was copied.' })
    } finally {
      stopCancel()
    }
    expect(readdirSync(downloadsDir).sort()).toEqual(['secret@d1', 'secret@d1 (2)'])

    const ended = await call<EndLook>('endLook', { hostId: offsite.id, lookId: look.lookId })
    expect(ended.keysUnloaded).toEqual(['backup/nas/secret'])
    // Same snapshots with the same GUIDs, no clone, nothing mounted, key unloaded, no folder.
    expect(await footprint()).toEqual(before)
  })

  it('passes the fire drill with the keychain passphrase, shows it on the overview, and leaves nothing loaded or mounted', async () => {
    const before = await footprint()
    const announced = eventWhere(ctx.events, (e) => (e.name === 'fireDrill' ? (e.payload as FireDrill) : undefined), 'the fireDrill event', 120)
    const drill = await call<FireDrill>('runFireDrill', { jobId: job.id })
    expect(drill, drill.words).toMatchObject({ jobId: job.id, outcome: 'passed', trigger: 'person', snapshot: 'backup/nas/secret@d1', mountedReadOnly: true })
    expect(drill.roots).toMatchObject([{ encryptionRoot: 'backup/nas/secret', outcome: 'unlocks', source: 'keychain' }])
    expect(drill.words).toMatch(/unlock the off-site copy of tank\/secret/)
    expect(await announced).toEqual(drill)
    expect(await call<FireDrill[]>('listFireDrills', {})).toEqual([drill])
    const overview = (await call<OverviewJob[]>('getOverview', {})).find((j) => j.jobId === job.id)
    expect(overview?.fireDrill).toEqual({ at: drill.at, outcome: 'passed', words: drill.words })
    expect(overview?.warnings.some((w) => /fire drill/.test(w))).toBe(false)
    expect(await footprint()).toEqual(before)
  })

  it('fails the drill plainly when the keychain has no passphrase, and changes nothing', async () => {
    const before = await footprint()
    await call('forgetPassphrase', { hostId: nas.id, dataset: 'tank/secret' })
    try {
      const drill = await call<FireDrill>('runFireDrill', { jobId: job.id })
      expect(drill).toMatchObject({ outcome: 'failed', mountedReadOnly: false, error: { code: 'FIRE_DRILL_FAILED' } })
      expect(drill.roots).toMatchObject([{ encryptionRoot: 'backup/nas/secret', outcome: 'missing', source: 'none' }])
      expect(drill.words).toBe('No passphrase for tank/secret is saved in the keychain, so the off-site copy could not be unlocked after a disaster. Save it in Keys.')
      expect(await footprint()).toEqual(before)
    } finally {
      await call('savePassphrase', { hostId: nas.id, dataset: 'tank/secret', passphrase: PASSPHRASE })
    }
  })

  it('fails the drill clearly after the passphrase was changed on the NAS and replicated, with a notification', async () => {
    await lab.nas.run('zfs change-key tank/secret', { stdin: `${CHANGED}\n` })
    await lab.nas.run('set -e; echo after the change > /tank/secret/later.txt; zfs snapshot tank/secret@d2')
    const run = await replicate()
    expect(run.outcome, JSON.stringify(run.error)).toBe('succeeded')
    expect(await out('offsite', 'zfs list -H -o name -t snapshot backup/nas/secret')).toContain('backup/nas/secret@d2')
    // The new passphrase unlocks the off-site copy now; the saved one does not.
    expect((await lab.offsite.run('zfs load-key -n backup/nas/secret', { stdin: `${CHANGED}\n`, allowFail: true })).code).toBe(0)
    const before = await footprint()
    const notified = eventWhere(
      ctx.events,
      (e) => (e.name === 'notification' && (e.payload as EventPayload<'notification'>).kind === 'fire-drill-failed' ? (e.payload as EventPayload<'notification'>) : undefined),
      'the fire-drill-failed notification',
      120,
    )
    const drill = await call<FireDrill>('runFireDrill', { jobId: job.id })
    expect(drill).toMatchObject({ outcome: 'failed', snapshot: 'backup/nas/secret@d2', mountedReadOnly: false, error: { code: 'FIRE_DRILL_FAILED' } })
    expect(drill.roots).toMatchObject([{ encryptionRoot: 'backup/nas/secret', outcome: 'wrong', source: 'keychain' }])
    expect(drill.words).toBe('The passphrase saved for tank/secret no longer unlocks the off-site copy: it was changed on the NAS. Save the new one in Keys.')
    expect(await notified).toMatchObject({ jobId: job.id, title: 'Fire drill for “Secret” failed', body: drill.words })
    const overview = (await call<OverviewJob[]>('getOverview', {})).find((j) => j.jobId === job.id)
    expect(overview?.fireDrill).toMatchObject({ outcome: 'failed', words: drill.words })
    expect(overview?.warnings).toContain(`The last fire drill failed: ${drill.words}`)
    expect(await footprint()).toEqual(before)
    expect(before.keys).toContain('backup/nas/secret\tunavailable')
    expect(before.lookFolders).toBe('')
  })
})
