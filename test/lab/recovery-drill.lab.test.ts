// Disaster recovery through the API (issue 9), on the lab's real pools; what the Recovery
// screen's lab test (recovery-ui) does not prove. Keys and looks, on encrypted trees sent
// raw to the off-site box (one sent whole, so one encryption root; one dataset by dataset,
// so each its own root): the backups listed with snapshots, dates, sizes and keys; one
// passphrase counted per encryption root; a missing and a wrong passphrase refused by
// their codes with the fix before anything is loaded; a saved passphrase in no log line
// and no stored file; a read-only clone's look browsed (links out and paths above it
// refused), found again by a restarted app, ended with nothing left; a key loaded before
// a look left loaded. Download and drill, on a job's raw copy of an encrypted dataset
// whose passphrase is saved for the NAS dataset as a person would: files and a folder
// downloaded byte for byte, a link out skipped, a cancelled download copying nothing,
// the received dataset as it was; the fire drill passing with the passphrase saved for the
// NAS dataset (announced, listed, on the overview), and failing plainly with none saved.
// Needs the keychain: run it under scripts/with-keyring.sh (npm run test:lab does).
import { createHash, randomUUID } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshPools, labHosts, labScript, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { cleanUpTestApp, offsiteFootprint, runToEnd, testAppHome, trustedLabHosts, type OffsiteFootprint, type TestAppHome, labJobInput, prepareOffsiteParent } from './app-setup'
import type { AppContext } from '../../src-main/services/app-context'
import { apiCalls, eventWhere } from '../support/api-calls'
import type { Host, Job } from '../../src-main/shared/model'
import type { OverviewJob } from '../../src-main/shared/schedule'
import type { BackupList, DownloadResult, EndLook, FireDrill, Look, LookListing, RecoveryKeys, RecoveryProgress } from '../../src-main/shared/recovery'

const PASSPHRASE = 'the lab passphrase for the drill'
/** The passphrase of the trees sent by hand for the look tests (tank/keys). */
const KEYS_PASSPHRASE = 'the lab passphrase for recovery'
const WRONG = 'not the passphrase at all'

let lab: Lab
let ctx: AppContext
let home: TestAppHome
let downloadsDir: string
let nas: Host
let offsite: Host
let job: Job

const { call, callFails } = apiCalls(() => ctx)
const out = async (host: 'nas' | 'offsite', cmd: string) => (await lab[host].run(cmd)).stdout.trim()
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
const nasSha = async (path: string) => (await out('nas', `sha256sum '${path}'`)).split(' ')[0]

const footprint = () => offsiteFootprint(lab)

beforeAll(async () => {
  home = testAppHome('recovery-drill-lab', { progressTickMs: 100 })
  downloadsDir = home.downloadsDir
  lab = await labHosts()
  await freshPools()
  await prepareTunnelAndReceiveUser()
  await prepareOffsiteParent(lab)
  await lab.offsite.run('zfs create -o canmount=off -o readonly=on backup/looks')
  await lab.nas.run('set -e; zfs create -o encryption=on -o keyformat=passphrase tank/secret', { stdin: `${PASSPHRASE}\n` })
  await lab.nas.run('set -e; zfs create -o encryption=on -o keyformat=passphrase tank/keys', { stdin: `${KEYS_PASSPHRASE}\n` })
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
      'zfs create tank/keys/child',
      'mkdir -p /tank/keys/docs',
      'printf "minutes of the meeting\\n" > /tank/keys/docs/minutes.txt',
      'head -c 65536 /dev/urandom > /tank/keys/photo.bin',
      'ln -s /etc /tank/keys/etc-link',
      'zfs snapshot -r tank/keys@s1',
      'echo later > /tank/keys/later.txt',
      'zfs snapshot -r tank/keys@s2',
    ].join('\n'),
  )
  // For the look tests: a raw tree (one encryption root), and the same tree raw dataset by
  // dataset, which makes the child its own root. Received as root through this machine:
  // the delegated receive user's `zfs receive -u` of a -R stream exits 1 without a word
  // on OpenZFS 2.3.2 although every snapshot arrives (seen in this lab).
  const pipe = (send: string, receive: string) =>
    execFileSync('bash', ['-o', 'pipefail', '-c', `bash "$0" ssh nas "$1" | bash "$0" ssh offsite "$2"`, labScript, send, receive], { stdio: ['ignore', 'ignore', 'pipe'] })
  pipe('zfs send -w -R tank/keys@s2', 'zfs receive -u backup/looks/keys')
  pipe('zfs send -w tank/keys@s1', 'zfs receive -u backup/looks/solo')
  pipe('zfs send -w tank/keys/child@s1', 'zfs receive -u backup/looks/solo/child')
  ctx = home.open()
  ;({ nas, offsite } = await trustedLabHosts(call, lab))
  job = await call<Job>('addJob', labJobInput(lab, { nas, offsite }, 'Secret', 'tank/secret'))
  expect(job.send.raw).toBe(true)
  const { run } = await runToEnd(ctx, call, job.id, 300)
  expect(run.outcome, JSON.stringify(run.error)).toBe('succeeded')
  // As a person would: the NAS dataset's passphrase, saved once.
  await call('savePassphrase', { hostId: nas.id, dataset: 'tank/secret', passphrase: PASSPHRASE })
})

afterAll(() => cleanUpTestApp(home, ctx))

describe('disaster recovery: keys and a read-only look', () => {
  let before: OffsiteFootprint

  it('lists the backups with their snapshots, dates, sizes and keys', async () => {
    const list = await call<BackupList>('listBackups', { hostId: offsite.id, parent: 'backup/looks' })
    const keys = list.datasets.find((d) => d.name === 'backup/looks/keys')
    expect(keys).toMatchObject({ encrypted: true, encryptionRoot: 'backup/looks/keys', keyStatus: 'unavailable', partiallyReceived: false })
    expect(keys?.snapshots.map((s) => s.name)).toEqual(['s1', 's2'])
    const guids = (await out('offsite', 'zfs list -Hp -t snapshot -o guid -s createtxg backup/looks/keys')).split('\n')
    expect(keys?.snapshots.map((s) => s.guid)).toEqual(guids)
    const nasCreation = Number(await out('nas', 'zfs get -Hp -o value creation tank/keys@s2'))
    expect(keys?.snapshots[1]?.createdAt).toBe(new Date(nasCreation * 1000).toISOString())
    expect(keys?.snapshots[1]?.referencedBytes).toBeGreaterThan(65536)
    expect(list.datasets.find((d) => d.name === 'backup/looks/solo/child')).toMatchObject({ encryptionRoot: 'backup/looks/solo/child' })
    expect(list.looks).toEqual([])
    before = await footprint()
  })

  it('counts one passphrase per encryption root a restore needs', async () => {
    const tree = await call<RecoveryKeys>('checkRecoveryKeys', { hostId: offsite.id, snapshot: 'backup/looks/keys@s1', recursive: true, passphrases: [] })
    expect(tree.passphrasesNeeded).toBe(1)
    expect(tree.roots[0]?.datasets).toEqual(['backup/looks/keys', 'backup/looks/keys/child'])
    const solo = await call<RecoveryKeys>('checkRecoveryKeys', { hostId: offsite.id, snapshot: 'backup/looks/solo@s1', recursive: true, passphrases: [] })
    expect(solo.passphrasesNeeded).toBe(2)
    expect(solo.roots.map((r) => r.encryptionRoot)).toEqual(['backup/looks/solo', 'backup/looks/solo/child'])
  })

  // What the screen shows for these (and that nothing is saved, loaded or mounted) is proven by recovery-ui.
  it('refuses a look with a passphrase missing from the keychain or a wrong one, by its code and with the fix, before loading anything', async () => {
    const missing = await call<RecoveryKeys>('checkRecoveryKeys', { hostId: offsite.id, snapshot: 'backup/looks/keys@s2', passphrases: [] })
    expect(missing.allUnlock).toBe(false)
    expect(missing.roots[0]).toMatchObject({ outcome: 'missing', source: 'none', error: { code: 'RECOVERY_PASSPHRASE_MISSING' } })
    const notThere = await callFails('startLook', { hostId: offsite.id, parent: 'backup/looks', snapshot: 'backup/looks/keys@s2' })
    expect(notThere.code).toBe('RECOVERY_PASSPHRASE_MISSING')
    expect(notThere.fix).toMatch(/Type the passphrase/)

    const typed = [{ encryptionRoot: 'backup/looks/keys', passphrase: WRONG, save: true }]
    const wrong = await call<RecoveryKeys>('checkRecoveryKeys', { hostId: offsite.id, snapshot: 'backup/looks/keys@s2', passphrases: typed })
    expect(wrong.roots[0]).toMatchObject({ outcome: 'wrong', source: 'typed', saved: false, error: { code: 'ZFS_KEY_INCORRECT' } })
    const refused = await callFails('startLook', { hostId: offsite.id, parent: 'backup/looks', snapshot: 'backup/looks/keys@s2', passphrases: typed })
    expect(refused.code).toBe('ZFS_KEY_INCORRECT')
    expect(refused.cause).toContain('backup/looks/keys')
    expect(await footprint()).toEqual(before)
  })

  it('saves the right passphrase when asked, finds it in the keychain next time, and writes it to no log line and no stored file', async () => {
    const keys = await call<RecoveryKeys>('checkRecoveryKeys', {
      hostId: offsite.id,
      snapshot: 'backup/looks/keys@s2',
      passphrases: [{ encryptionRoot: 'backup/looks/keys', passphrase: KEYS_PASSPHRASE, save: true }],
    })
    expect(keys).toMatchObject({ passphrasesNeeded: 1, allUnlock: true })
    expect(keys.roots[0]).toMatchObject({ outcome: 'unlocks', source: 'typed', saved: true })
    // Now from the keychain alone.
    const again = await call<RecoveryKeys>('checkRecoveryKeys', { hostId: offsite.id, snapshot: 'backup/looks/keys@s2', passphrases: [] })
    expect(again.roots[0]).toMatchObject({ outcome: 'unlocks', source: 'keychain' })
    expect(await footprint()).toEqual(before)
    expect(JSON.stringify(await ctx.logger.recent(1000))).not.toContain(KEYS_PASSPHRASE)
    expect(readFileSync(ctx.info.configFile, 'utf8')).not.toContain(KEYS_PASSPHRASE)
  })

  it('looks read-only at a snapshot, browses its files, and leaves the received dataset as it was', async () => {
    const look = await call<Look>('startLook', { hostId: offsite.id, parent: 'backup/looks', snapshot: 'backup/looks/keys@s1' })
    expect(look).toMatchObject({ mounted: true, keysLoaded: ['backup/looks/keys'], snapshot: 'backup/looks/keys@s1' })
    expect(look.clone).toBe(`backup/looks/.zfs-offsite-look-${look.lookId}`)
    expect(look.mountpoint).toBe(`/var/lib/zfs-offsite/look/${look.lookId}`)
    // On the VM: a read-only clone of s1, mounted there; the received dataset still unmounted.
    expect(await out('offsite', `zfs get -H -o value readonly,mounted,origin,canmount ${look.clone}`)).toBe(['on', 'yes', 'backup/looks/keys@s1', 'noauto'].join('\n'))
    expect(await out('offsite', 'zfs get -H -o value mounted backup/looks/keys')).toBe('no')
    expect((await lab.offsite.run(`touch ${look.mountpoint}/new-file`, { allowFail: true })).stderr).toMatch(/Read-only file system/)

    const root = await call<LookListing>('browseLook', { hostId: offsite.id, lookId: look.lookId, path: '' })
    expect(root.entries.map((e) => [e.name, e.kind])).toEqual([
      ['child', 'directory'],
      ['docs', 'directory'],
      ['etc-link', 'symlink'],
      ['photo.bin', 'file'],
    ])
    expect(root.entries.find((e) => e.name === 'photo.bin')?.sizeBytes).toBe(65536)
    expect(root.entries.find((e) => e.name === 'etc-link')?.linkTarget).toBe('/etc')
    const docs = await call<LookListing>('browseLook', { hostId: offsite.id, lookId: look.lookId, path: 'docs' })
    expect(docs.entries).toMatchObject([{ name: 'minutes.txt', kind: 'file', sizeBytes: 'minutes of the meeting\n'.length }])
    // The snapshot's own time, not the look's.
    const mtime = Number(await out('nas', 'stat -c %Y /tank/keys/docs/minutes.txt'))
    expect(Math.floor(Date.parse(docs.entries[0]!.modifiedAt) / 1000)).toBe(mtime)

    expect((await callFails('browseLook', { hostId: offsite.id, lookId: look.lookId, path: 'etc-link' })).code).toBe('RECOVERY_PATH_REFUSED')
    expect((await callFails('browseLook', { hostId: offsite.id, lookId: look.lookId, path: 'docs/../..' })).code).toBe('INVALID_INPUT')
    expect((await callFails('browseLook', { hostId: offsite.id, lookId: look.lookId, path: 'docs/minutes.txt' })).code).toBe('RECOVERY_PATH_REFUSED')
    expect((await callFails('browseLook', { hostId: offsite.id, lookId: look.lookId, path: 'nothing-here' })).code).toBe('NOT_FOUND')

    // A restarted app finds the look again from ZFS itself.
    ctx.dispose()
    ctx = home.open()
    const listed = await call<BackupList>('listBackups', { hostId: offsite.id, parent: 'backup/looks' })
    expect(listed.looks).toEqual([look])
    expect(listed.datasets.map((d) => d.name)).not.toContain(look.clone)

    const ended = await call<EndLook>('endLook', { hostId: offsite.id, lookId: look.lookId })
    expect(ended).toMatchObject({ lookId: look.lookId, keysUnloaded: ['backup/looks/keys'], keysLeftLoaded: [] })
    expect(ended.done.length).toBe(4)
    expect(await footprint()).toEqual(before)
    expect((await call<BackupList>('listBackups', { hostId: offsite.id, parent: 'backup/looks' })).looks).toEqual([])
    expect((await callFails('endLook', { hostId: offsite.id, lookId: look.lookId })).code).toBe('RECOVERY_LOOK_NOT_FOUND')
  })

  it('leaves a key loaded that was loaded before the look', async () => {
    await lab.offsite.run('zfs load-key backup/looks/keys', { stdin: `${KEYS_PASSPHRASE}\n` })
    try {
      const look = await call<Look>('startLook', { hostId: offsite.id, parent: 'backup/looks', snapshot: 'backup/looks/keys@s2' })
      expect(look.keysLoaded).toEqual([])
      const root = await call<LookListing>('browseLook', { hostId: offsite.id, lookId: look.lookId, path: '' })
      expect(root.entries.map((e) => e.name)).toContain('later.txt')
      const ended = await call<EndLook>('endLook', { hostId: offsite.id, lookId: look.lookId })
      expect(ended).toMatchObject({ keysUnloaded: [], keysLeftLoaded: ['backup/looks/keys'] })
      expect(await out('offsite', 'zfs get -H -o value keystatus backup/looks/keys')).toBe('available')
      expect(await out('offsite', 'zfs list -H -o name -r backup/looks | grep -c zfs-offsite-look; true')).toBe('0')
    } finally {
      await lab.offsite.run('zfs unload-key backup/looks/keys', { allowFail: true })
    }
    expect(await footprint()).toEqual(before)
  })
})


// The fire drill run from the Overview, failing after the passphrase was changed on the NAS and replicated, is proven by recovery-ui.
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

  it('passes the fire drill with the passphrase saved for the NAS dataset, announces it, lists it and shows it on the overview, and leaves nothing loaded or mounted', async () => {
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
})
