// Disaster recovery through the UI (issue 9), in Chromium through the web bridge, against
// the real services and the lab's real pools: a job copies an encrypted dataset with a
// child and files off-site; then the Recovery screen's flow says a passphrase is missing
// from the keychain and a typed one is wrong, each with nothing saved, loaded or mounted;
// the right ones are checked and saved; a read-only look is browsed and a file downloaded
// (checksum equal to the NAS's), and ending it leaves the received datasets as they were.
// A restore into a dataset that exists is refused with nothing changed (and through the
// API: refused at the start too, a new name beside it by default, a wrong passphrase
// refused before copying); then the NAS's dataset is destroyed and restored from the
// off-site box with progress every second (checksums and GUIDs equal, the passphrase in
// no plan or log line), and the job's next run is incremental for every dataset. Through
// the API, a restore cancelled part-way keeps what arrived and goes on from there when
// started again. Last, after the passphrase is changed on the NAS and replicated, the
// fire drill run from the Overview fails clearly, with a notification, the failure on
// the overview, and nothing left mounted or unlocked. (The API files prove the rest of
// recovery: recovery-drill.lab.test.ts.)
// Needs the built renderer (npm run build) and the keychain (scripts/with-keyring.sh).
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ensureUiPrerequisites } from './ui-prerequisites'
import { freshPools, labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from '../renderer/support/browser'
import { startTestApp, type TestApp } from '../renderer/support/test-app'
import { apiCalls, eventWhere } from '../support/api-calls'
import { datasetGuids, offsiteFootprint as offsiteFootprintOf, runToEnd as runToEndOn, trustedLabHosts, type OffsiteFootprint, labJobInput, prepareOffsiteParent } from './app-setup'
import type { EventPayload, PlanView } from '../../src-main/shared/contract'
import type { Host, Job, PassphraseRef } from '../../src-main/shared/model'
import type { FireDrill, RecoveryProgress, RestorePlan, RestoreResult } from '../../src-main/shared/recovery'
import type { OverviewJob } from '../../src-main/shared/schedule'

const PASSPHRASE = 'the lab passphrase for the recovery screen'
const WRONG = 'not the passphrase at all'
/** What the NAS's passphrase becomes for the last fire drill. */
const CHANGED = 'a new passphrase set on the NAS later'

let lab: Lab
let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page
let downloadsDir: string
let nas: Host
let offsite: Host
let job: Job
let original: string
/** The off-site encryption roots of the backup (a raw per-dataset send makes each child its own). */
let roots: string[]

const { call, callFails } = apiCalls(() => testApp.context)
const out = async (host: 'nas' | 'offsite', cmd: string) => (await lab[host].run(cmd)).stdout.trim()

/** What no refused step and no look may change on the off-site box. */
const offsiteFootprint = () => offsiteFootprintOf(lab)
const nasFootprint = () => datasetGuids(lab, 'nas')
/** sha256 of every file below a mounted dataset (children included), by path. */
const checksums = (dir: string) => out('nas', `cd '${dir}' && find . -type f -print0 | sort -z | xargs -0 sha256sum`)
/** Each snapshot below root by its name relative to root, with its GUID. */
const guids = (host: 'nas' | 'offsite', root: string) => out(host, `zfs list -Hp -t snapshot -o name,guid -s name -r '${root}' | sed 's|^${root}||'`)

const runToEnd = async (jobId: string) => (await runToEndOn(testApp.context, call, jobId, 300)).run

/** The off-site roots' passphrases as a person types them into a restore through the API. */
const typed = (passphrase: string) => roots.map((encryptionRoot) => ({ encryptionRoot, passphrase, save: false }))
/** A restore of the backup's s1 to the NAS through the API. */
const restoreInput = (extra: Record<string, unknown>) => ({ offsiteHostId: offsite.id, snapshot: 'backup/nas/secret@s1', recursive: true, targetHostId: nas.id, passphrases: typed(PASSPHRASE), ...extra })

/** The recoveryProgress events of one kind while they are collected, with the time each arrived. */
function progressOf(match: (p: RecoveryProgress) => boolean): { events: (RecoveryProgress & { seenAt: number })[]; stop: () => void } {
  const events: (RecoveryProgress & { seenAt: number })[] = []
  const stop = testApp.context.events.subscribe((e) => {
    if (e.name === 'recoveryProgress' && match(e.payload as RecoveryProgress)) events.push({ ...(e.payload as RecoveryProgress), seenAt: Date.now() })
  })
  return { events, stop }
}

beforeAll(async () => {
  ensureUiPrerequisites('recovery-ui.lab.test.ts')
  lab = await labHosts()
  await freshPools()
  await prepareTunnelAndReceiveUser()
  await prepareOffsiteParent(lab)
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
  downloadsDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-recovery-ui-downloads-'))
  testApp = await startTestApp({ downloadsDir })
  ;({ nas, offsite } = await trustedLabHosts(call, lab, { labels: { nas: 'Lab NAS', offsite: 'Lab off-site' } }))
  job = await call<Job>('addJob', labJobInput(lab, { nas, offsite }, 'Secret', 'tank/secret'))
  const run = await runToEnd(job.id)
  expect(run.outcome, JSON.stringify(run.error)).toBe('succeeded')
  roots = (await out('offsite', 'zfs get -H -o value encryptionroot -t filesystem -r backup/nas/secret | sort -u')).split('\n')
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
})

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
  if (downloadsDir) rmSync(downloadsDir, { recursive: true, force: true })
})

const flow = () => page.getByRole('region', { name: 'Disaster recovery' })
const step = (name: string) => flow().getByRole('region', { name })

/** Step 1 with what a job copies to filled in: read the backups, keep the first one's newest snapshot, go on. */
async function chooseTheBackup(): Promise<void> {
  const start = step('1. Choose the backup')
  expect(await start.getByLabel('Where the backups are on the off-site box').inputValue()).toBe('backup/nas')
  await start.getByRole('button', { name: 'Show the backups' }).click()
  await start.getByLabel('Backup', { exact: true }).waitFor({ timeout: 60_000 })
  expect(await start.getByLabel('Backup', { exact: true }).inputValue()).toBe('backup/nas/secret')
  expect(await start.getByRole('radio', { name: /^s1 — / }).isChecked()).toBe(true)
  await start.getByRole('button', { name: 'Next: check the passphrases' }).click()
}

/** Runs the job's fire drill from its Overview card and waits for the outcome; answers the card. */
async function fireDrillOnOverview(outcome: 'Passed' | 'Failed') {
  await goTo(page, 'Overview')
  const card = page.getByRole('list', { name: 'Backups, one per job' }).getByRole('listitem', { name: 'Secret', exact: true })
  await card.waitFor({ timeout: 60_000 })
  await card.getByRole('button', { name: 'Run fire drill for Secret' }).click()
  await card.getByRole('status', { name: 'Fire drill of Secret' }).getByText(outcome, { exact: true }).waitFor({ timeout: 120_000 })
  return card
}

describe('disaster recovery through the Recovery screen', () => {
  let before: OffsiteFootprint

  it('says a passphrase is missing from the keychain, with the fix, and loads or mounts nothing', async () => {
    before = await offsiteFootprint()
    await goTo(page, 'Recovery')
    await chooseTheBackup()
    const keys = step('2. Check the passphrases')
    const needed = `This restore needs ${roots.length} ${roots.length === 1 ? 'passphrase' : 'passphrases'}.`
    await keys.getByText(needed, { exact: true }).waitFor({ timeout: 60_000 })
    const alert = keys.getByRole('alert').filter({ hasText: 'No passphrase for backup/nas/secret is in the keychain.' })
    expect(await alert.textContent()).toContain('Type the passphrase of backup/nas/secret')
    for (const root of roots) await keys.getByLabel(`Passphrase for ${root}`, { exact: true }).waitFor()
    expect(await keys.getByRole('button', { name: 'Look at the files (read-only)' }).isEnabled()).toBe(false)
    expect(await keys.getByRole('button', { name: 'Restore to a NAS' }).isEnabled()).toBe(false)
    expect(await offsiteFootprint()).toEqual(before)
  })

  it('says a typed passphrase is wrong, saves nothing, empties the field and loads or mounts nothing', async () => {
    const keys = step('2. Check the passphrases')
    const field = keys.getByLabel('Passphrase for backup/nas/secret', { exact: true })
    expect(await field.getAttribute('type')).toBe('password')
    for (const root of roots) await keys.getByLabel(`Passphrase for ${root}`, { exact: true }).fill(WRONG)
    await keys.getByLabel('Save the passphrase for backup/nas/secret to the keychain once it is found right', { exact: true }).check()
    await keys.getByRole('button', { name: 'Check passphrases' }).click()
    await keys.getByRole('table', { name: 'Passphrases this backup needs' }).getByText('Wrong passphrase').first().waitFor({ timeout: 60_000 })
    const alert = keys.getByRole('alert').filter({ hasText: 'backup/nas/secret' }).first()
    expect(await alert.textContent()).toMatch(/passphrase/i)
    expect(await field.inputValue()).toBe('')
    expect(await page.content()).not.toContain(WRONG)
    expect(await call<PassphraseRef[]>('listPassphrases', {})).toEqual([])
    expect(await offsiteFootprint()).toEqual(before)
  })

  it('checks the right passphrases without loading them and saves them to the keychain', async () => {
    const keys = step('2. Check the passphrases')
    for (const root of roots) {
      await keys.getByLabel(`Passphrase for ${root}`, { exact: true }).fill(PASSPHRASE)
      await keys.getByLabel(`Save the passphrase for ${root} to the keychain once it is found right`, { exact: true }).check()
    }
    await keys.getByRole('button', { name: 'Check passphrases' }).click()
    await keys.getByText(/and every one unlocks it\.$/).waitFor({ timeout: 60_000 })
    const saved = await call<PassphraseRef[]>('listPassphrases', {})
    expect(saved.map((r) => r.dataset).sort()).toEqual([...roots].sort())
    // The screen's own list of saved passphrases shows them too.
    for (const root of roots) await page.getByRole('list', { name: 'Saved passphrases' }).getByText(root, { exact: true }).waitFor()
    expect(await page.content()).not.toContain(PASSPHRASE)
    expect(await offsiteFootprint()).toEqual(before)
  })

  it('opens a read-only look, browses it, downloads a file equal to the NAS’s, and ending it leaves the backup as it was', async () => {
    await step('2. Check the passphrases').getByRole('button', { name: 'Look at the files (read-only)' }).click()
    const look = step('3. Look at the files')
    await look.getByRole('button', { name: 'Open a read-only look' }).click()
    const files = look.getByRole('table', { name: 'Files in the backup' })
    await files.getByText('photo.bin', { exact: true }).waitFor({ timeout: 60_000 })
    // On the off-site box: one read-only clone mounted, the received dataset itself not.
    const clones = (await out('offsite', "zfs list -H -o name,readonly,mounted -r backup/nas | grep zfs-offsite-look; true")).split('\n')
    expect(clones).toHaveLength(1)
    expect(clones[0]).toMatch(/\ton\tyes$/)

    await files.getByRole('button', { name: 'Open the folder docs' }).click()
    await files.getByText('minutes.txt', { exact: true }).waitFor()
    expect(await look.getByText('Folder: /docs').count()).toBe(1)
    await look.getByRole('button', { name: 'Up one folder' }).click()
    await files.getByLabel('Choose photo.bin').check()
    await look.getByRole('button', { name: 'Download the chosen item' }).click()
    const done = look.getByRole('status').filter({ hasText: 'Downloaded 1 file' })
    await done.waitFor({ timeout: 120_000 })
    const folder = join(downloadsDir, 'secret@s1')
    expect(await done.textContent()).toContain(folder)
    const sha = createHash('sha256').update(readFileSync(join(folder, 'photo.bin'))).digest('hex')
    expect(sha).toBe((await out('nas', 'sha256sum /tank/secret/photo.bin')).split(' ')[0])
    expect(await look.getByRole('progressbar', { name: 'Download progress' }).getAttribute('aria-valuenow')).toBe('100')
    await page.screenshot({ path: screenshotPath('lab-recovery-look'), fullPage: true })

    await look.getByRole('button', { name: 'End the look' }).click()
    const dialog = page.getByRole('dialog', { name: 'End the look?' })
    await dialog.getByRole('button', { name: 'End look' }).click()
    const cleanup = step('4. Clean up')
    await cleanup.getByRole('status', { name: 'The look is ended' }).waitFor({ timeout: 60_000 })
    expect(await cleanup.getByRole('list', { name: 'What was done' }).textContent()).toContain('Locked backup/nas/secret again')
    expect(await offsiteFootprint()).toEqual(before)
  })

  it('refuses to restore into a dataset that exists on the NAS, says which, and changes nothing', async () => {
    await step('4. Clean up').getByRole('button', { name: 'Start over' }).click()
    await chooseTheBackup()
    const keys = step('2. Check the passphrases')
    // From the keychain now.
    await keys.getByText(/and every one unlocks it\.$/).waitFor({ timeout: 60_000 })
    await keys.getByRole('button', { name: 'Restore to a NAS' }).click()
    const restore = step('3. Restore to a NAS')
    const nasBefore = await nasFootprint()
    expect(await restore.getByLabel('NAS to restore to').inputValue()).toBe(nas.id)
    await restore.getByLabel('New dataset on the NAS').fill('tank/secret')
    await restore.getByRole('button', { name: 'Preview the restore' }).click()
    const preview = restore.getByRole('region', { name: 'Restore preview' })
    const blocker = preview.getByRole('alert').filter({ hasText: 'tank/secret' })
    await blocker.waitFor({ timeout: 60_000 })
    expect(await blocker.textContent()).toMatch(/new dataset name/)
    expect(await preview.getByRole('button', { name: 'Restore', exact: true }).isEnabled()).toBe(false)
    expect(await nasFootprint()).toBe(nasBefore)
    expect(await offsiteFootprint()).toEqual(before)
  })

  it('through the API, refuses to start a restore into a dataset that exists or with a wrong passphrase before copying anything, names a new dataset beside it by default, and changes nothing on either host', async () => {
    const nasBefore = await nasFootprint()
    const exists = await callFails('startRestore', restoreInput({ targetDataset: 'tank/secret', operationId: 'restore-exists' }))
    expect(exists.code).toBe('RECOVERY_TARGET_EXISTS')
    expect(exists.cause).toContain('tank/secret')
    // With no name given and the original taken, the default is a new name beside it.
    const byDefault = await call<RestorePlan>('previewRestore', restoreInput({ targetDataset: null }))
    expect(byDefault.targetDataset).toBe(`tank/secret-restored-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`)
    expect(byDefault.blockers).toEqual([])
    const wrong = await callFails('startRestore', restoreInput({ targetDataset: 'tank/elsewhere', passphrases: typed(WRONG), operationId: 'restore-wrong-key' }))
    expect(wrong.code).toBe('ZFS_KEY_INCORRECT')
    expect(wrong.cause).toMatch(/passphrase for backup\/nas\/secret.* is wrong/)
    expect(await nasFootprint()).toBe(nasBefore)
    expect(await offsiteFootprint()).toEqual(before)
    expect(await out('offsite', 'zfs get -H -o value keystatus backup/nas/secret')).toBe('unavailable')
  })

  it('restores the destroyed dataset under its own name with progress every second, raw and mounted; checksums and GUIDs equal, the passphrase in no plan or log line, and the job’s next run is incremental for every dataset', async () => {
    await lab.nas.run(`set -e; zfs holds -rH tank/secret@s1 | while IFS="$(printf '\\t')" read -r snap tag rest; do zfs release "$tag" "$snap"; done; zfs destroy -r tank/secret`)
    expect(await out('nas', 'zfs list -H -o name -r tank')).toBe('tank')

    const restore = step('3. Restore to a NAS')
    await restore.getByLabel('New dataset on the NAS').fill('')
    // About five seconds for the 5 MiB: long enough to watch the bar move.
    await restore.getByLabel('Speed limit (MiB/s)').fill('1')
    await restore.getByRole('button', { name: 'Preview the restore' }).click()
    const preview = restore.getByRole('region', { name: 'Restore preview' })
    const table = preview.getByRole('table', { name: 'Datasets to restore' })
    await table.getByText('tank/secret', { exact: true }).waitFor({ timeout: 60_000 })
    expect(await preview.getByRole('alert').count()).toBe(0)
    await preview.getByRole('button', { name: 'What this runs' }).click()
    const commands = await preview.getByRole('region', { name: 'What this runs' }).textContent()
    expect(commands).toContain('zfs send -w backup/nas/secret@s1')
    expect(commands).toContain('zfs receive -s -u tank/secret')
    // What the screen previewed, as the API plans it: raw for each dataset, relayed through this computer, no passphrase in it.
    const plan = await call<RestorePlan>('previewRestore', restoreInput({ targetDataset: null, passphrases: [] }))
    expect(plan.targetDataset).toBe('tank/secret')
    expect(plan.blockers).toEqual([])
    expect(plan.datasets).toMatchObject([
      { source: 'backup/nas/secret@s1', target: 'tank/secret', raw: true, resume: false },
      { source: 'backup/nas/secret/child@s1', target: 'tank/secret/child', raw: true, resume: false },
    ])
    expect(plan.estimatedBytes).toBeGreaterThan(5 * 1024 * 1024)
    expect(plan.words.join(' ')).toMatch(/passes through this computer.*keep this computer awake/)
    expect(plan.commands.filter((c) => c.kind === 'change').map((c) => `${c.host}: ${c.command}`)).toEqual(
      expect.arrayContaining(['offsite: zfs send -w backup/nas/secret@s1', 'nas: zfs receive -s -u tank/secret', 'nas: zfs mount tank/secret']),
    )
    expect(JSON.stringify(plan)).not.toContain(PASSPHRASE)

    const progress = progressOf((p) => p.kind === 'restore')
    await preview.getByRole('button', { name: 'Restore', exact: true }).click()
    await page.getByRole('dialog', { name: 'Restore to tank/secret on Lab NAS?' }).getByRole('button', { name: 'Start restore' }).click()
    const bar = restore.getByRole('progressbar', { name: 'Restore progress' })
    await bar.waitFor({ timeout: 60_000 })
    const finished = restore.getByRole('status', { name: 'Restore finished' })
    const seen: number[] = []
    await expect
      .poll(
        async () => {
          const v = Number(await bar.getAttribute('aria-valuenow'))
          if (Number.isFinite(v) && v > 0 && seen.at(-1) !== v) seen.push(v)
          return finished.count()
        },
        { timeout: 300_000, interval: 200 },
      )
      .toBe(1)
    progress.stop()
    await page.screenshot({ path: screenshotPath('lab-recovery-restored'), fullPage: true })
    expect(seen.some((v) => v > 0 && v < 100)).toBe(true)
    expect(await bar.getAttribute('aria-valuenow')).toBe('100')
    expect(await finished.textContent()).toContain('later backups go on incrementally')

    expect(await checksums('/tank/secret')).toBe(original)
    expect(await guids('nas', 'tank/secret')).toBe(await guids('offsite', 'backup/nas/secret'))
    expect(await out('nas', 'zfs get -H -o value mounted,mountpoint tank/secret tank/secret/child')).toBe(['yes', '/tank/secret', 'yes', '/tank/secret/child'].join('\n'))
    // Progress at least once a second while copying, bytes never going back, a last event that says done.
    const copying = progress.events.filter((p) => p.phase === 'copying')
    const seconds = (copying.at(-1)!.seenAt - copying[0]!.seenAt) / 1000
    expect(seconds).toBeGreaterThan(2)
    expect(copying.length).toBeGreaterThanOrEqual(Math.floor(seconds))
    for (let i = 1; i < copying.length; i++) expect(copying[i]!.bytesDone).toBeGreaterThanOrEqual(copying[i - 1]!.bytesDone)
    expect(copying.some((p) => p.bytesTotal !== null && p.rateBytesPerSecond > 0)).toBe(true)
    expect(progress.events.at(-1)).toMatchObject({ phase: 'done' })
    const logged = JSON.stringify(await testApp.context.logger.recent(1000))
    expect(logged).not.toContain(PASSPHRASE)
    expect(logged).toMatch(/restore started/)

    await lab.nas.run('set -e; echo after the restore > /tank/secret/after.txt; echo child too > /tank/secret/child/after.txt; zfs snapshot -r tank/secret@s2')
    const next = await call<PlanView>('planJob', { id: job.id })
    expect(next.runnable).toBe(true)
    expect(next.datasets.map((d) => [d.source, d.action])).toEqual([
      ['tank/secret', 'incremental'],
      ['tank/secret/child', 'incremental'],
    ])
    const run = await runToEnd(job.id)
    expect(run.outcome, JSON.stringify(run.error)).toBe('succeeded')
    expect(run.transfers.map((t) => t.label)).toEqual(['changes from s1 to s2', 'changes from s1 to s2'])
    expect(await guids('offsite', 'backup/nas/secret')).toBe(await guids('nas', 'tank/secret'))
  })

  it('through the API, a restore cancelled part-way keeps what arrived, and started again goes on from there', async () => {
    const progress = progressOf((p) => p.operationId === 'restore-cut')
    const started = callFails('startRestore', restoreInput({ targetDataset: 'tank/again', mount: false, operationId: 'restore-cut', rateLimitBytesPerSecond: 512 * 1024 }))
    await eventWhere(
      testApp.context.events,
      (e) => (e.name === 'recoveryProgress' && (e.payload as RecoveryProgress).operationId === 'restore-cut' && (e.payload as RecoveryProgress).bytesDone >= 1024 * 1024 ? true : undefined),
      '1 MiB of the restore relayed',
      300,
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

    const plan = await call<RestorePlan>('previewRestore', restoreInput({ targetDataset: 'tank/again' }))
    expect(plan.blockers).toEqual([])
    expect(plan.datasets[0]).toMatchObject({ target: 'tank/again', resume: true })
    expect(plan.words.join(' ')).toMatch(/stopped before; it goes on from where it stopped/)
    const result = await call<RestoreResult>('startRestore', restoreInput({ targetDataset: 'tank/again', operationId: 'restore-again' }))
    expect(result.done[0]).toMatch(/^Finished the stopped copy of backup\/nas\/secret@s1/)
    expect(result.datasets.every((d) => d.sameGuid && d.mounted)).toBe(true)
    expect(await checksums('/tank/again')).toBe(original)
  })

  it('after the passphrase is changed on the NAS and replicated, the fire drill fails clearly on the Overview, with a notification, and leaves nothing mounted or unlocked', async () => {
    await lab.nas.run('zfs change-key tank/secret', { stdin: `${CHANGED}\n` })
    await lab.nas.run('set -e; echo after the change > /tank/secret/changed.txt; zfs snapshot -r tank/secret@s3')
    const run = await runToEnd(job.id)
    expect(run.outcome, JSON.stringify(run.error)).toBe('succeeded')
    // The new passphrase opens the off-site copy now; the one the screen saved does not.
    expect((await lab.offsite.run('zfs load-key -n backup/nas/secret', { stdin: `${CHANGED}\n`, allowFail: true })).code).toBe(0)
    const footprintBefore = await offsiteFootprint()
    const notified = eventWhere(
      testApp.context.events,
      (e) => (e.name === 'notification' && (e.payload as EventPayload<'notification'>).kind === 'fire-drill-failed' ? (e.payload as EventPayload<'notification'>) : undefined),
      'the fire-drill-failed notification',
      180,
    )
    const card = await fireDrillOnOverview('Failed')
    expect(await card.textContent()).toMatch(/no longer unlocks the off-site copy: it was changed on the NAS/)
    const note = page.getByRole('log', { name: 'Notifications' }).getByRole('listitem').filter({ hasText: 'Fire drill for “Secret” failed' })
    await note.waitFor({ timeout: 30_000 })
    expect(await note.textContent()).toMatch(/no longer unlocks the off-site copy/)
    await page.screenshot({ path: screenshotPath('lab-recovery-fire-drill-failed'), fullPage: true })
    // What the services recorded for it.
    const drill = (await call<FireDrill[]>('listFireDrills', {})).find((d) => d.jobId === job.id)!
    expect(drill).toMatchObject({ outcome: 'failed', trigger: 'person', snapshot: 'backup/nas/secret@s3', mountedReadOnly: false, error: { code: 'FIRE_DRILL_FAILED' } })
    expect(drill.roots).toEqual(expect.arrayContaining([expect.objectContaining({ encryptionRoot: 'backup/nas/secret', outcome: 'wrong', source: 'keychain' })]))
    expect(drill.words).toBe('The passphrase saved for tank/secret no longer unlocks the off-site copy: it was changed on the NAS. Save the new one in Keys.')
    expect(await notified).toMatchObject({ jobId: job.id, title: 'Fire drill for “Secret” failed', body: drill.words })
    const overview = (await call<OverviewJob[]>('getOverview', {})).find((j) => j.jobId === job.id)
    expect(overview?.fireDrill).toMatchObject({ outcome: 'failed', words: drill.words })
    expect(overview?.warnings).toContain(`The last fire drill failed: ${drill.words}`)
    // Nothing mounted or unlocked, no clone and no look folder left.
    expect(await offsiteFootprint()).toEqual(footprintBefore)
    expect(footprintBefore.keys).toContain('backup/nas/secret\tunavailable')
    expect(footprintBefore.lookFolders).toBe('')
    expect(app.problems).toEqual([])
  })
})
