// Restore to a NAS through the API (issue 9), on the lab's real pools: an encrypted dataset
// with a child and files, copied off-site by a job as the app makes it. A target that
// exists and a wrong passphrase are refused with nothing changed on either host; then the
// NAS's dataset is destroyed and restored under its own name from the off-site box (raw,
// relayed through this computer) with live progress, equal file checksums and equal
// GUIDs, and the job's next run from the restored NAS is incremental. Last, a restore
// cancelled part-way keeps what arrived and goes on from there when started again.
// Needs the keychain: run under scripts/with-keyring.sh (npm run test:lab does).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshPools, labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { createAppContext, type AppContext } from '../../src-main/services/app-context'
import { openConfBackend } from '../../src-main/adapters/config/conf-backend'
import { KeytarSecretStore } from '../../src-main/adapters/secrets/keytar-secret-store'
import { Redactor } from '../../src-main/core/logging/redactor'
import type { Host, Job, RunRecord } from '../../src-main/shared/model'
import type { EventPayload, PlanView } from '../../src-main/shared/contract'
import type { RecoveryProgress, RestorePlan, RestoreResult } from '../../src-main/shared/recovery'
import { apiCalls, eventWhere as eventWhereOn } from '../support/api-calls'

const PASSPHRASE = 'the lab passphrase for restores'

let lab: Lab
let ctx: AppContext
let dataDir: string
let keychainService: string
let nas: Host
let offsite: Host
let job: Job

const { call, callFails } = apiCalls(() => ctx)
const out = async (host: 'nas' | 'offsite', cmd: string) => (await lab[host].run(cmd)).stdout.trim()
const eventWhere = <T>(pick: (e: { name: string; payload: unknown }) => T | undefined, what: string, seconds = 300): Promise<T> => eventWhereOn(ctx.events, pick, what, seconds)

/** Every dataset and snapshot with its GUID on both hosts: what a refused restore must leave as it was. */
const footprint = async () => ({
  nas: await out('nas', 'zfs list -Hp -t all -o name,guid -r tank'),
  offsite: await out('offsite', 'zfs list -Hp -t all -o name,guid -r backup'),
})
/** sha256 of every file below a mounted dataset (children included), by path. */
const checksums = (dir: string) => out('nas', `cd '${dir}' && find . -type f -print0 | sort -z | xargs -0 sha256sum`)
/** Each snapshot below root by its name relative to root, with its GUID. */
const guids = (host: 'nas' | 'offsite', root: string) => out(host, `zfs list -Hp -t snapshot -o name,guid -s name -r '${root}' | sed 's|^${root}||'`)

/** The offsite roots' passphrases as the person types them (each raw-received child may be its own root). */
const typed = (passphrase: string) => [
  { encryptionRoot: 'backup/nas/secret', passphrase, save: false },
  { encryptionRoot: 'backup/nas/secret/child', passphrase, save: false },
]

async function runToEnd(jobId: string): Promise<RunRecord> {
  const started = await call<RunRecord>('startRun', { jobId })
  if (started.outcome !== 'running') return started
  await eventWhere(
    (e) => (e.name === 'jobState' && (e.payload as EventPayload<'jobState'>).runId === started.id && (e.payload as EventPayload<'jobState'>).state !== 'running' ? true : undefined),
    `the end of ${started.id}`,
  )
  return (await call<RunRecord[]>('listRuns', { jobId, limit: 20 })).find((r) => r.id === started.id)!
}

function progressOf(operationId: string): { events: RecoveryProgress[]; stop: () => void } {
  const events: RecoveryProgress[] = []
  const stop = ctx.events.subscribe((e) => {
    if (e.name === 'recoveryProgress' && (e.payload as RecoveryProgress).operationId === operationId) events.push({ ...(e.payload as RecoveryProgress), at: Date.now() } as RecoveryProgress)
  })
  return { events, stop }
}

let original: string

beforeAll(async () => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error('recovery-restore.lab.test.ts needs the keychain: run it under scripts/with-keyring.sh')
  lab = await labHosts()
  await freshPools()
  await prepareTunnelAndReceiveUser()
  await Promise.all([
    lab.nas.run(`systemctl stop 'zfs-offsite-run-*' 2>/dev/null; rm -rf /var/lib/zfs-offsite/runs /run/lock/zfs-offsite-*; true`),
    lab.offsite.run('set -e; zfs create -o canmount=off backup/nas; zfs allow -u zfsreceive create,mount,receive backup/nas'),
  ])
  await lab.nas.run('set -e; zfs create -o encryption=on -o keyformat=passphrase tank/secret', { stdin: `${PASSPHRASE}\n` })
  await lab.nas.run(
    [
      'set -e',
      'zfs create tank/secret/child',
      'mkdir -p /tank/secret/docs',
      'printf "minutes of the meeting\\n" > /tank/secret/docs/minutes.txt',
      'head -c 4M /dev/urandom > /tank/secret/photo.bin',
      'head -c 1M /dev/urandom > /tank/secret/child/video.bin',
      'zfs snapshot -r tank/secret@s1',
    ].join('\n'),
  )
  original = await checksums('/tank/secret')
  dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-restore-lab-'))
  keychainService = `zfs-offsite-test-${randomUUID()}`
  ctx = createAppContext({ dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService })
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
  const run = await runToEnd(job.id)
  expect(run.outcome, JSON.stringify(run.error)).toBe('succeeded')
  expect(await guids('offsite', 'backup/nas/secret')).toBe(await guids('nas', 'tank/secret'))
})

afterAll(async () => {
  ctx?.dispose()
  if (keychainService) {
    const keychain = new KeytarSecretStore(new Redactor(), keychainService)
    for (const account of await keychain.list()) await keychain.delete(account)
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('restore to a NAS', () => {
  const restore = (extra: Record<string, unknown>) => ({
    offsiteHostId: offsite.id,
    snapshot: 'backup/nas/secret@s1',
    recursive: true,
    targetHostId: nas.id,
    passphrases: typed(PASSPHRASE),
    ...extra,
  })

  it('refuses a target dataset that exists, says which, and changes nothing on either host', async () => {
    const before = await footprint()
    const plan = await call<RestorePlan>('previewRestore', restore({ targetDataset: 'tank/secret' }))
    expect(plan.blockers[0]).toMatchObject({ code: 'RECOVERY_TARGET_EXISTS' })
    expect(plan.blockers[0]!.cause).toContain('tank/secret')
    expect(plan.blockers[0]!.fix).toMatch(/new dataset name/)
    const error = await callFails('startRestore', restore({ targetDataset: 'tank/secret', operationId: 'restore-exists' }))
    expect(error.code).toBe('RECOVERY_TARGET_EXISTS')
    expect(error.cause).toContain('tank/secret')
    // With no name given and the original taken, the default is a new name beside it.
    const byDefault = await call<RestorePlan>('previewRestore', restore({ targetDataset: null }))
    expect(byDefault.targetDataset).toBe(`tank/secret-restored-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`)
    expect(byDefault.blockers).toEqual([])
    expect(await footprint()).toEqual(before)
  })

  it('refuses a wrong passphrase before copying anything, and unlocks or mounts nothing', async () => {
    const before = await footprint()
    const error = await callFails('startRestore', restore({ targetDataset: 'tank/elsewhere', passphrases: typed('not the passphrase at all'), operationId: 'restore-wrong-key' }))
    expect(error.code).toBe('ZFS_KEY_INCORRECT')
    expect(error.cause).toMatch(/passphrase for backup\/nas\/secret.* is wrong/)
    expect(await footprint()).toEqual(before)
    expect(await out('offsite', 'zfs get -H -o value keystatus backup/nas/secret')).toBe('unavailable')
  })

  it('restores a destroyed dataset under its own name with progress every second, equal checksums and equal GUIDs', async () => {
    await lab.nas.run(`set -e; zfs holds -rH tank/secret@s1 | while IFS="$(printf '\\t')" read -r snap tag rest; do zfs release "$tag" "$snap"; done; zfs destroy -r tank/secret`)
    expect(await out('nas', 'zfs list -H -o name -r tank')).toBe('tank')

    const plan = await call<RestorePlan>('previewRestore', restore({ targetDataset: null }))
    expect(plan.targetDataset).toBe('tank/secret')
    expect(plan.blockers).toEqual([])
    expect(plan.datasets).toMatchObject([
      { source: 'backup/nas/secret@s1', target: 'tank/secret', raw: true, resume: false },
      { source: 'backup/nas/secret/child@s1', target: 'tank/secret/child', raw: true, resume: false },
    ])
    expect(plan.estimatedBytes).toBeGreaterThan(5 * 1024 * 1024)
    expect(plan.words.join(' ')).toMatch(/passes through this computer.*keep this computer awake/)
    expect(plan.commands.filter((c) => c.kind === 'change').map((c) => `${c.host}: ${c.command}`)).toEqual(
      expect.arrayContaining(["offsite: zfs send -w backup/nas/secret@s1", 'nas: zfs receive -s -u tank/secret', 'nas: zfs mount tank/secret']),
    )
    expect(JSON.stringify(plan)).not.toContain(PASSPHRASE)

    const progress = progressOf('restore-home')
    let result: RestoreResult
    try {
      // Limited so the copy lasts a few seconds and its progress can be watched.
      result = await call<RestoreResult>('startRestore', restore({ targetDataset: null, operationId: 'restore-home', rateLimitBytesPerSecond: 1536 * 1024 }))
    } finally {
      progress.stop()
    }
    expect(result.targetDataset).toBe('tank/secret')
    expect(result.datasets).toMatchObject([
      { target: 'tank/secret', snapshot: 'tank/secret@s1', sameGuid: true, mounted: true, mountpoint: '/tank/secret' },
      { target: 'tank/secret/child', snapshot: 'tank/secret/child@s1', sameGuid: true, mounted: true, mountpoint: '/tank/secret/child' },
    ])
    expect(await checksums('/tank/secret')).toBe(original)
    expect(await guids('nas', 'tank/secret')).toBe(await guids('offsite', 'backup/nas/secret'))
    expect(result.datasets[0]!.guid).toBe(await out('offsite', 'zfs get -Hp -o value guid backup/nas/secret@s1'))

    const copying = progress.events.filter((p) => p.phase === 'copying')
    const at = (p: RecoveryProgress) => (p as RecoveryProgress & { at: number }).at
    const seconds = (at(copying.at(-1)!) - at(copying[0]!)) / 1000
    expect(seconds).toBeGreaterThan(2)
    expect(copying.length).toBeGreaterThanOrEqual(Math.floor(seconds))
    for (let i = 1; i < copying.length; i++) expect(copying[i]!.bytesDone).toBeGreaterThanOrEqual(copying[i - 1]!.bytesDone)
    expect(copying.some((p) => p.bytesTotal !== null && p.rateBytesPerSecond > 0)).toBe(true)
    expect(progress.events.at(-1)).toMatchObject({ phase: 'done' })
    const logged = JSON.stringify(await ctx.logger.recent(1000))
    expect(logged).not.toContain(PASSPHRASE)
    expect(logged).toMatch(/restore started/)
  })

  it('the job’s next run from the restored NAS is incremental for every dataset, not a full copy', async () => {
    await lab.nas.run('set -e; echo after the restore > /tank/secret/after.txt; echo child too > /tank/secret/child/after.txt; zfs snapshot -r tank/secret@s2')
    const plan = await call<PlanView>('planJob', { id: job.id })
    expect(plan.runnable).toBe(true)
    expect(plan.datasets.map((d) => [d.source, d.action])).toEqual([
      ['tank/secret', 'incremental'],
      ['tank/secret/child', 'incremental'],
    ])
    const run = await runToEnd(job.id)
    expect(run.outcome, JSON.stringify(run.error)).toBe('succeeded')
    expect(run.transfers.map((t) => t.label)).toEqual(['changes from s1 to s2', 'changes from s1 to s2'])
    expect(await guids('offsite', 'backup/nas/secret')).toBe(await guids('nas', 'tank/secret'))
  })

  it('a restore cancelled part-way keeps what arrived, and started again goes on from there', async () => {
    const progress = progressOf('restore-cut')
    const cutInput = restore({ targetDataset: 'tank/again', mount: false, operationId: 'restore-cut', rateLimitBytesPerSecond: 512 * 1024 })
    const started = callFails('startRestore', cutInput)
    await eventWhere(
      (e) => (e.name === 'recoveryProgress' && (e.payload as RecoveryProgress).operationId === 'restore-cut' && (e.payload as RecoveryProgress).bytesDone >= 1024 * 1024 ? true : undefined),
      '1 MiB of the restore relayed',
    )
    expect(await call('cancelRecoveryOperation', { operationId: 'restore-cut' })).toEqual({ operationId: 'restore-cut', cancelled: true })
    const error = await started
    progress.stop()
    expect(error.code).toBe('RECOVERY_CANCELLED')
    expect(error.fix).toMatch(/Start the restore again to go on from here/)
    expect(progress.events.at(-1)).toMatchObject({ phase: 'cancelled' })
    expect(await out('nas', `pgrep -f '^zfs receive' || true`)).toBe('')
    expect(await out('offsite', `pgrep -f '^zfs send' || true`)).toBe('')
    expect(await out('nas', 'zfs get -H -o value receive_resume_token tank/again')).not.toBe('-')

    const plan = await call<RestorePlan>('previewRestore', restore({ targetDataset: 'tank/again' }))
    expect(plan.blockers).toEqual([])
    expect(plan.datasets[0]).toMatchObject({ target: 'tank/again', resume: true })
    expect(plan.words.join(' ')).toMatch(/stopped before; it goes on from where it stopped/)
    const result = await call<RestoreResult>('startRestore', restore({ targetDataset: 'tank/again', operationId: 'restore-again' }))
    expect(result.done[0]).toMatch(/^Finished the stopped copy of backup\/nas\/secret@s1/)
    expect(result.datasets.every((d) => d.sameGuid && d.mounted)).toBe(true)
    expect(await checksums('/tank/again')).toBe(original)
  })
})
