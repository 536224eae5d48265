// Disaster recovery through the UI (issue 9), in Chromium through the web bridge, against
// the real services and the lab's real pools: a job copies an encrypted dataset with a
// child and files off-site; then the Recovery screen's flow says a passphrase is missing
// from the keychain and a typed one is wrong, each with nothing loaded or mounted; the
// right ones are checked and saved; a read-only look is browsed and a file downloaded
// (checksum equal to the NAS's), and ending it leaves the received datasets as they were.
// A restore into a dataset that exists is refused with nothing changed; then the NAS's
// dataset is destroyed and restored from the off-site box with progress (checksums and
// GUIDs equal, the job's next run incremental), and the fire drill passes on the Overview.
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
import type { EventPayload, PlanView } from '../../src-main/shared/contract'
import type { Host, Job, PassphraseRef, RunRecord } from '../../src-main/shared/model'

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

const { call } = apiCalls(() => testApp.context)
const out = async (host: 'nas' | 'offsite', cmd: string) => (await lab[host].run(cmd)).stdout.trim()
const offsiteKeys = () => out('offsite', 'zfs get -H -o name,value keystatus -t filesystem -r backup/nas')

/** What no refused step and no look may change on the off-site box. */
const offsiteFootprint = async () => ({
  datasets: await out('offsite', 'zfs list -Hp -t all -o name,guid -r backup'),
  keys: await offsiteKeys(),
  mounted: await out('offsite', "zfs list -H -o name,mounted -t filesystem -r backup | awk '$2 == \"yes\"'"),
  lookFolders: await out('offsite', 'ls -A /var/lib/zfs-offsite/look 2>/dev/null; true'),
})
const nasFootprint = () => out('nas', 'zfs list -Hp -t all -o name,guid -r tank')
/** sha256 of every file below a mounted dataset (children included), by path. */
const checksums = (dir: string) => out('nas', `cd '${dir}' && find . -type f -print0 | sort -z | xargs -0 sha256sum`)
/** Each snapshot below root by its name relative to root, with its GUID. */
const guids = (host: 'nas' | 'offsite', root: string) => out(host, `zfs list -Hp -t snapshot -o name,guid -s name -r '${root}' | sed 's|^${root}||'`)

async function runToEnd(jobId: string): Promise<RunRecord> {
  const started = await call<RunRecord>('startRun', { jobId })
  if (started.outcome !== 'running') return started
  await eventWhere(
    testApp.context.events,
    (e) => (e.name === 'jobState' && (e.payload as EventPayload<'jobState'>).runId === started.id && (e.payload as EventPayload<'jobState'>).state !== 'running' ? true : undefined),
    `the end of ${started.id}`,
    300,
  )
  return (await call<RunRecord[]>('listRuns', { jobId, limit: 20 })).find((r) => r.id === started.id)!
}

beforeAll(async () => {
  ensureUiPrerequisites('recovery-ui.lab.test.ts')
  lab = await labHosts()
  await freshPools()
  await prepareTunnelAndReceiveUser()
  await Promise.all([
    lab.nas.run(`systemctl stop 'zfs-offsite-run-*' 2>/dev/null; rm -rf /var/lib/zfs-offsite/runs /run/lock/zfs-offsite-*; true`),
    lab.offsite.run('set -e; rm -rf /var/lib/zfs-offsite/look; zfs create -o canmount=off backup/nas; zfs allow -u zfsreceive create,mount,receive backup/nas'),
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
  downloadsDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-recovery-ui-downloads-'))
  testApp = await startTestApp({ downloadsDir })
  const { services } = testApp.context
  const trusted = async (input: Parameters<typeof services.addHost>[0], fingerprint: string): Promise<Host> => {
    const host = await services.addHost(input)
    await services.connectHost({ id: host.id })
    return services.trustHostKey({ id: host.id, fingerprint })
  }
  nas = await trusted(
    { label: 'Lab NAS', role: 'nas', address: '127.0.0.1', port: lab.nas.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.nas.privateKeyPath, reachedThroughNas: false },
    lab.nas.hostKeyFingerprint,
  )
  offsite = await trusted(
    { label: 'Lab off-site', role: 'offsite', address: '127.0.0.1', port: lab.offsite.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.offsite.privateKeyPath, reachedThroughNas: false },
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
  let before: Awaited<ReturnType<typeof offsiteFootprint>>

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

  it('restores the destroyed dataset under its own name with progress; checksums and GUIDs equal, and the job’s next run is incremental', async () => {
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
    await page.screenshot({ path: screenshotPath('lab-recovery-restored'), fullPage: true })
    expect(seen.some((v) => v > 0 && v < 100)).toBe(true)
    expect(await bar.getAttribute('aria-valuenow')).toBe('100')
    expect(await finished.textContent()).toContain('later backups go on incrementally')

    expect(await checksums('/tank/secret')).toBe(original)
    expect(await guids('nas', 'tank/secret')).toBe(await guids('offsite', 'backup/nas/secret'))
    await lab.nas.run('set -e; echo after the restore > /tank/secret/after.txt; zfs snapshot -r tank/secret@s2')
    const plan = await call<PlanView>('planJob', { id: job.id })
    expect(plan.datasets.map((d) => [d.source, d.action])).toEqual([
      ['tank/secret', 'incremental'],
      ['tank/secret/child', 'incremental'],
    ])
  })

  it('the fire drill passes on the Overview with the keychain’s passphrases and leaves nothing mounted or unlocked', async () => {
    const keysBefore = await offsiteKeys()
    await fireDrillOnOverview('Passed')
    await page.screenshot({ path: screenshotPath('lab-recovery-fire-drill'), fullPage: true })
    expect(await offsiteKeys()).toBe(keysBefore)
    expect(await out('offsite', 'zfs list -H -o name -r backup/nas | grep -c zfs-offsite-look; true')).toBe('0')
    expect(app.problems).toEqual([])
  })

  it('after the passphrase is changed on the NAS and replicated, the fire drill fails clearly on the Overview, with a notification, and leaves nothing mounted or unlocked', async () => {
    await lab.nas.run('zfs change-key tank/secret', { stdin: `${CHANGED}\n` })
    await lab.nas.run('set -e; echo after the change > /tank/secret/changed.txt; zfs snapshot -r tank/secret@s3')
    const run = await runToEnd(job.id)
    expect(run.outcome, JSON.stringify(run.error)).toBe('succeeded')
    // The new passphrase opens the off-site copy now; the one the screen saved does not.
    expect((await lab.offsite.run('zfs load-key -n backup/nas/secret', { stdin: `${CHANGED}\n`, allowFail: true })).code).toBe(0)
    const keysBefore = await offsiteKeys()
    const card = await fireDrillOnOverview('Failed')
    expect(await card.textContent()).toMatch(/no longer unlocks the off-site copy: it was changed on the NAS/)
    const note = page.getByRole('log', { name: 'Notifications' }).getByRole('listitem').filter({ hasText: 'Fire drill for “Secret” failed' })
    await note.waitFor({ timeout: 30_000 })
    expect(await note.textContent()).toMatch(/no longer unlocks the off-site copy/)
    await page.screenshot({ path: screenshotPath('lab-recovery-fire-drill-failed'), fullPage: true })
    expect(await offsiteKeys()).toBe(keysBefore)
    expect(await out('offsite', 'zfs list -H -o name -r backup/nas | grep -c zfs-offsite-look; true')).toBe('0')
    expect(app.problems).toEqual([])
  })
})
