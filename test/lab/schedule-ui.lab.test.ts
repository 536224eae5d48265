// A job's schedule through the UI (issue 8's done-when), in Chromium through the web bridge,
// against the real services and the lab's two VMs: a short schedule set in the job card's
// schedule panel (its commands previewed first) fires on the NAS with the app closed and
// syncoid replicates; a fresh app's Overview shows that run, by the NAS's timer, its result
// and the next run. A scheduled run that fails (the receive user's key refused) while the
// app is open reaches the page as a notification when the Overview reads it. With the
// schedule turned off and the NAS keeping dailies for two days, the Overview warns of the
// retention horizon: first with the base kept by the hold the scheduled run moved to it,
// then, once a person released that hold, before sanoid prunes the base; removing the
// schedule in the panel leaves nothing behind on either host.
// Needs the built renderer (npm run build) and the keychain (scripts/with-keyring.sh).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { ensureUiPrerequisites } from './ui-prerequisites'
import { freshPools, labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { clearScheduleLeftovers, installReceiveWrapper, restorePlainReceiveKey, sanoidNameAgo, snapshotsInThePast } from './schedule-setup'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from '../renderer/support/browser'
import { readTextOrNull, startTestApp, type TestApp } from '../renderer/support/test-app'
import { apiCalls } from '../support/api-calls'
import { until } from '../support/until'
import { unitNames } from '../../src-main/core/schedule/timer-units'
import { holdScriptPath, pruneDropInPath, scheduledRunPath } from '../../src-main/services/schedule-scripts'
import type { Config, Host, Job } from '../../src-main/shared/model'
import type { OverviewJob } from '../../src-main/shared/schedule'

let lab: Lab
let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page
let job: Job
const { call } = apiCalls(() => testApp.context)

const NAME = 'Docs'
/** The one snapshot before the schedule: a daily of 18 hours ago, so two days of dailies keep it for 30 more hours. */
const BASE = sanoidNameAgo(18 * 3600, 'daily')
const WAIT_FOR_TIMER_MS = 7 * 60_000

/** The job's service on the NAS as systemd tells it (unix timestamps). */
async function serviceState(): Promise<{ result: string; active: string; startedAt: number | null; exitedAt: number | null }> {
  // allowFail: while waiting, a NAS too slow to answer (two labs share two cores) is "not yet", not a failure.
  const out = (await lab.nas.run(`systemctl show -p Result,ActiveState,ExecMainStartTimestamp,ExecMainExitTimestamp --timestamp=unix ${unitNames(job.id).service}`, { allowFail: true })).stdout
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(out)?.[1] ?? ''
  const at = (k: string) => (/^@(\d+)$/.exec(get(k)) ? Number(get(k).slice(1)) : null)
  return { result: get('Result'), active: get('ActiveState'), startedAt: at('ExecMainStartTimestamp'), exitedAt: at('ExecMainExitTimestamp') }
}

/** A run that started at or after `since` (NAS clock) and has ended, with `result` when given (systemd's Result=). */
async function runEndedSince(since: number, result?: (r: string) => boolean): Promise<boolean> {
  const s = await serviceState()
  const ended = s.startedAt !== null && s.startedAt >= since && s.exitedAt !== null && s.exitedAt >= s.startedAt && s.active !== 'activating'
  return ended && (result?.(s.result) ?? true)
}

const nasNow = async () => Number((await lab.nas.run('date +%s')).stdout.trim())

/** Puts the receive user's key line back; tried again while the box is slow to answer (two labs share two cores). */
async function acceptNasKeyAgain(): Promise<void> {
  await until(
    'the receive user’s key line to be back',
    async () => (await lab.offsite.run("sed -i 's/^#refused# //' /home/zfsreceive/.ssh/authorized_keys && ! grep -q '^#refused# ' /home/zfsreceive/.ssh/authorized_keys", { allowFail: true })).code === 0,
    180_000,
    2_000,
  )
}

async function openPage(): Promise<void> {
  browser ??= await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
}

/**
 * The job card's schedule panel, once it has read the schedule from the NAS (`ready`). A
 * read that failed (the NAS too slow to answer) is tried again by closing and opening the panel.
 */
async function schedulePanel(ready: (panel: Locator) => Locator): Promise<Locator> {
  await goTo(page, 'Jobs')
  const card = page.getByRole('list', { name: 'Jobs' }).getByRole('listitem', { name: NAME, exact: true })
  const toggle = card.getByRole('button', { name: `Schedule for ${NAME}` })
  const panel = card.getByRole('region', { name: `Schedule of ${NAME}` })
  if (!(await panel.isVisible())) await toggle.click()
  await until(
    'the schedule panel to show what the NAS reports',
    async () => {
      if (await ready(panel).isVisible()) return true
      if (await panel.locator('.notice-error').isVisible()) {
        await toggle.click()
        await panel.waitFor({ state: 'detached' })
        await toggle.click()
      }
      return false
    },
    240_000,
    500,
  )
  return panel
}

const overviewCard = () => page.getByRole('list', { name: 'Backups, one per job' }).getByRole('listitem', { name: NAME, exact: true })
const row = (term: string) => overviewCard().locator('.definition-row').filter({ has: page.getByRole('term').getByText(term, { exact: true }) }).getByRole('definition')

/** Reads the hosts again from the Overview ("Check again") until `check` holds for the card. */
async function overviewUntil(what: string, check: () => Promise<boolean>, deadlineMs = 120_000): Promise<void> {
  const again = page.getByRole('button', { name: 'Check again' })
  try {
    await until(
      what,
      async () => {
        await again.waitFor({ timeout: 120_000 })
        await overviewCard().waitFor({ timeout: 120_000 })
        if (await check()) return true
        await again.click()
        return false
      },
      deadlineMs,
      500,
    )
  } catch (err) {
    // What the page showed last, and what the services answer now, for the report.
    await page.screenshot({ path: screenshotPath('lab-schedule-overview-timeout'), fullPage: true })
    const shown = await overviewCard().innerText({ timeout: 5_000 }).catch(() => '(no card)')
    const answer = await call<OverviewJob[]>('getOverview', {}).catch((e: unknown) => String(e))
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nThe card showed:\n${shown}\ngetOverview now: ${JSON.stringify(answer)}`)
  }
}

beforeAll(async () => {
  ensureUiPrerequisites('schedule-ui.lab.test.ts')
  lab = await labHosts()
  await freshPools()
  await prepareTunnelAndReceiveUser()
  await clearScheduleLeftovers(lab)
  await installReceiveWrapper(lab, 'backup/nas')
  await lab.nas.run('set -e; zfs create tank/docs; head -c 2M /dev/urandom > /tank/docs/a.bin')
  await snapshotsInThePast(lab, 'tank/docs', [{ secondsAgo: 18 * 3600, name: BASE }])
  testApp = await startTestApp()
  // Hosts and job through the services (the Hosts screen and the job form have their own tests).
  const trusted = async (input: Record<string, unknown>, fingerprint: string) => {
    const host = await call<Host>('addHost', input)
    await call('connectHost', { id: host.id })
    return call<Host>('trustHostKey', { id: host.id, fingerprint })
  }
  const nas = await trusted({ label: 'Lab NAS', role: 'nas', address: '127.0.0.1', port: lab.nas.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.nas.privateKeyPath }, lab.nas.hostKeyFingerprint)
  const offsite = await trusted(
    { label: 'Lab off-site', role: 'offsite', address: '127.0.0.1', port: lab.offsite.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.offsite.privateKeyPath },
    lab.offsite.hostKeyFingerprint,
  )
  job = await call<Job>('addJob', {
    name: NAME,
    sourceHostId: nas.id,
    targetHostId: offsite.id,
    sources: [{ dataset: 'tank/docs', recursive: false }],
    targetParent: 'backup/nas',
    receiver: { user: 'zfsreceive', address: lab.offsite.tunnelIp },
  })
  await openPage()
}, 600_000)

afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
  if (lab) {
    await clearScheduleLeftovers(lab)
    await restorePlainReceiveKey(lab)
  }
}, 300_000)

describe('a schedule from the UI on the lab', () => {
  it('set in the job card’s panel, it fires on the NAS with the app closed, and a fresh app’s Overview shows that run by the timer, its result and the next run', async () => {
    const panel = await schedulePanel((p) => p.getByText('No schedule yet: backups run only when started from this app.', { exact: true }))
    // A short schedule: every two minutes, NAS time.
    await panel.getByRole('radio', { name: 'Custom calendar' }).check()
    await panel.getByLabel('Calendar (systemd OnCalendar)').fill('*:0/2')
    // sanoid on the NAS keeps two days of dailies and nothing else; the off-site box a week of dailies.
    for (const [kind, value] of [
      ['Every 15 minutes', '0'],
      ['Hourly', '0'],
      ['Daily', '2'],
      ['Weekly', '0'],
      ['Monthly', '0'],
      ['Yearly', '0'],
    ] as const) {
      await panel.getByLabel(`${kind} on the NAS`, { exact: true }).fill(value)
    }
    await panel.getByLabel('Daily off-site', { exact: true }).fill('7')

    // What this runs: the services' own preview; nothing is installed by looking.
    await panel.getByRole('button', { name: 'What this runs' }).click()
    const preview = panel.getByRole('region', { name: 'What this runs' })
    const commands = preview.getByRole('list', { name: 'Commands' }).getByRole('listitem')
    await commands.filter({ hasText: 'Install the job’s service and timer units' }).waitFor({ timeout: 120_000 })
    expect(await commands.filter({ hasText: 'OnCalendar=*-*-* *:00,02,04,' }).count()).toBe(1)
    expect(await commands.filter({ hasText: 'Put the job’s prune-only settings' }).count()).toBe(1)
    expect((await lab.nas.run(`test -e /etc/systemd/system/${unitNames(job.id).timer}`, { allowFail: true })).code).not.toBe(0)

    await panel.getByRole('button', { name: 'Save schedule' }).click()
    const readBack = panel.getByRole('definition').filter({ hasText: /^Every 2 minutes, NAS time/ })
    await readBack.waitFor({ timeout: 180_000 })
    expect(await readBack.getByText('On', { exact: true }).count()).toBe(1)
    await page.screenshot({ path: screenshotPath('lab-schedule-saved'), fullPage: true })
    expect((await lab.nas.run(`systemctl is-enabled ${unitNames(job.id).timer}`)).stdout.trim()).toBe('enabled')

    // The desktop goes away: page, bridge and services closed; the config stays as a person's would.
    const config = JSON.parse(readTextOrNull(testApp.configFile)!) as Config
    await app.close()
    await testApp.close()
    const closedAt = await nasNow()
    await until('a run of the timer that started after the app closed to end on the NAS', async () => runEndedSince(closedAt), WAIT_FOR_TIMER_MS, 5_000)
    const ran = await serviceState()
    expect(ran.result).toBe('success')
    const guid = async (h: 'nas' | 'offsite', snap: string) => (await lab[h].run(`zfs get -Hp -o value guid ${snap}`)).stdout.trim()
    expect(await guid('offsite', `backup/nas/docs@${BASE}`)).toBe(await guid('nas', `tank/docs@${BASE}`))

    // A fresh app with the same configuration opens on the Overview.
    const { schemaVersion: _v, ...rest } = config
    testApp = await startTestApp({ config: rest })
    await openPage()
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
    // The timer may have fired again meanwhile (every two minutes): read until the run shown has ended.
    await overviewUntil('the Overview to show the timer’s run as ended', async () => /Succeeded/.test((await row('Last run').textContent()) ?? ''), 240_000)
    const lastRun = (await row('Last run').textContent())!
    expect(lastRun).toContain('by the NAS’s timer')
    const [o] = await call<OverviewJob[]>('getOverview', {})
    expect(o!.lastRun).toMatchObject({ source: 'timer', outcome: 'succeeded' })
    // The run shown is one the NAS's timer started (at or after the first one).
    expect(Date.parse(o!.lastRun!.at) / 1000).toBeGreaterThanOrEqual(ran.startedAt!)
    expect(o!.nextRunAt).not.toBeNull()
    const next = Date.parse(o!.nextRunAt!)
    expect(next).toBeGreaterThan(Date.now() - 60_000)
    expect(next).toBeLessThan(Date.now() + 5 * 60_000)
    expect(await row('Next run').textContent()).not.toMatch(/^Not scheduled/)
    await page.screenshot({ path: screenshotPath('lab-schedule-overview-ran'), fullPage: true })
    expect(app.problems).toEqual([])
  }, 900_000)

  it('a scheduled run that fails while the app is open reaches the page as a notification, and the Overview shows the failure', async () => {
    // The desktop app starts its checks at launch; the page's own readings are reviewed too.
    testApp.context.notifier.start()
    const log = page.getByRole('log', { name: 'Notifications' })
    expect(await log.getByRole('listitem').count()).toBe(0)
    // The off-site box now refuses the NAS's key: every scheduled run fails at its ssh.
    const since = await nasNow()
    await lab.offsite.run("sed -i 's/^/#refused# /' /home/zfsreceive/.ssh/authorized_keys")
    try {
      // A run that started just before the refusal may still succeed: wait for one that failed.
      await until('a run of the timer to fail after the key was refused', async () => runEndedSince(since, (r) => r !== 'success'), WAIT_FOR_TIMER_MS, 5_000)
      // The person's Overview reads the hosts again; the failure is notified then.
      await overviewUntil('the Overview to show the failed run', async () => /Failed/.test((await row('Last run').textContent()) ?? ''), 240_000)
    } finally {
      await acceptNasKeyAgain()
    }
    expect(await row('Last run').textContent()).toContain('by the NAS’s timer')
    const note = log.getByRole('listitem').filter({ hasText: `Scheduled backup “${NAME}” failed` })
    await note.waitFor({ timeout: 30_000 })
    const [title, body] = await note.locator('p').allTextContents()
    expect(title).toBe(`Scheduled backup “${NAME}” failed`)
    expect(body).toMatch(/^The NAS’s timer ran it and it failed: /)
    // What syncoid printed, from the NAS's journal.
    expect(body).toMatch(/syncoid|ssh|Permission denied|CRITICAL/i)
    // Only failures of this job's timer were notified (once per failed run the Overview read).
    expect(await log.getByRole('listitem').filter({ hasNotText: `Scheduled backup “${NAME}” failed` }).count()).toBe(0)
    await page.screenshot({ path: screenshotPath('lab-schedule-failed-notified'), fullPage: true })
    expect(app.problems).toEqual([])
  }, 600_000)

  it('with the schedule turned off in the panel and two days of dailies on the NAS, the Overview warns of the retention horizon: kept by the scheduled run’s hold, then, with the hold released, before the base is pruned', async () => {
    const panel = await schedulePanel((p) => p.getByRole('button', { name: 'Turn off schedule' }))
    await panel.getByRole('button', { name: 'Turn off schedule' }).click()
    await panel.getByRole('button', { name: 'Turn on schedule' }).waitFor({ timeout: 120_000 })
    expect((await lab.nas.run(`systemctl is-enabled ${unitNames(job.id).timer}`, { allowFail: true })).stdout.trim()).toBe('disabled')

    // The last successful scheduled run held its base on the NAS with the job's tag, and nothing else.
    const tag = `zfs-offsite-${job.id}`
    const heldRows = (await lab.nas.run('zfs list -H -t snapshot -o name -r tank/docs | xargs -r zfs holds -H | cut -f 1,2')).stdout.trim().split('\n')
    expect(heldRows).toHaveLength(1)
    const [heldSnapshot, heldTag] = heldRows[0]!.split('\t')
    expect(heldTag).toBe(tag)

    await goTo(page, 'Overview')
    await overviewCard().waitFor({ timeout: 120_000 })
    const [o] = await call<OverviewJob[]>('getOverview', {})
    expect(o!.horizon).toMatchObject({ level: 'warning', held: true })
    // Two days after the newest common daily: 30 hours from now for the base, 2 days for a daily sanoid took since.
    const at = Date.parse(o!.horizon!.at!)
    expect(at).toBeGreaterThan(Date.now() + 24 * 3600_000)
    expect(at).toBeLessThanOrEqual(Date.now() + 48 * 3600_000 + 60_000)
    const warnings = overviewCard().getByRole('list', { name: `Warnings for ${NAME}` }).getByRole('listitem')
    await warnings.filter({ hasText: 'The schedule is turned off: backups run only when started from this app.' }).waitFor()
    expect(await row('Retention on the NAS').textContent()).toMatch(
      new RegExp(`^Held past policy ?In (\\d+ hours|2 days) the NAS’s snapshot policy would prune the last snapshot the off-site copy shares with it\\. The hold on ${heldSnapshot!.split('@')[1]!.replace(/[.]/g, '\\.')} keeps that one, so the next backup stays incremental`),
    )
    expect(await row('Next run').textContent()).toBe('Not scheduled: runs only when started from this app')
    await page.screenshot({ path: screenshotPath('lab-schedule-horizon-held'), fullPage: true })

    // Without the hold (a person released it), only sanoid's policy decides: the alarm before the base goes.
    await lab.nas.run(`zfs release ${tag} ${heldSnapshot}`)
    await overviewUntil('the Overview to warn that the last common snapshot will be pruned', async () =>
      (await warnings.filter({ hasText: /^In (\d+ hours|2 days) the last common snapshot is pruned on the NAS; then a full re-send is needed\. A backup before then avoids it\.$/ }).count()) === 1,
    )
    expect(await row('Retention on the NAS').textContent()).toMatch(/^Soon ?In /)
    const [unheld] = await call<OverviewJob[]>('getOverview', {})
    expect(unheld!.horizon).toMatchObject({ level: 'warning', held: false, at: o!.horizon!.at })
    await page.screenshot({ path: screenshotPath('lab-schedule-horizon'), fullPage: true })
    // Not pruned yet, and nothing holds it on the NAS now.
    expect((await lab.nas.run(`zfs list -H -o name tank/docs@${BASE}`)).stdout.trim()).toBe(`tank/docs@${BASE}`)
    expect((await lab.nas.run('zfs list -H -t snapshot -o name -r tank/docs | xargs -r zfs holds -H')).stdout.trim()).toBe('')
    expect(app.problems).toEqual([])
  }, 600_000)

  it('removed in the panel after a confirmation, the schedule leaves no unit, script, cron line, drop-in or sanoid block on either host', async () => {
    const panel = await schedulePanel((p) => p.getByRole('button', { name: 'Turn on schedule' }))
    await panel.getByRole('button', { name: 'Remove schedule' }).click()
    const dialog = page.getByRole('dialog', { name: `Remove the schedule of “${NAME}”?` })
    await dialog.getByRole('button', { name: 'Remove schedule' }).click()
    await panel.getByText('No schedule yet: backups run only when started from this app.', { exact: true }).waitFor({ timeout: 180_000 })
    expect((await lab.nas.run('ls /etc/systemd/system | grep zfs-offsite; ls /etc/cron.d | grep zfs-offsite; find /var/lib/zfs-offsite/jobs -mindepth 1 2>/dev/null; true')).stdout.trim()).toBe('')
    expect((await lab.nas.run(`test -e ${scheduledRunPath(job.id)}`, { allowFail: true })).code).not.toBe(0)
    expect((await lab.nas.run('cat /etc/sanoid/sanoid.conf 2>/dev/null; true')).stdout).not.toContain('ZFS Offsite')
    expect((await lab.offsite.run('cat /etc/sanoid/sanoid.conf 2>/dev/null; true')).stdout).not.toContain('ZFS Offsite')
    expect((await lab.offsite.run(`ls ${holdScriptPath(job.id)} ${pruneDropInPath(job.id)} 2>/dev/null; find /etc/systemd/system/sanoid-prune.service.d -mindepth 1 2>/dev/null; true`)).stdout.trim()).toBe('')
    expect((await lab.offsite.run('zfs list -H -t snapshot -o name -r backup/nas | xargs -r zfs holds -H | grep zfs-offsite; true')).stdout.trim()).toBe('')
    expect((await lab.nas.run(`systemctl show -p LoadState ${unitNames(job.id).timer}`)).stdout.trim()).toBe('LoadState=not-found')
    // The snapshots stay on both hosts.
    expect((await lab.offsite.run(`zfs list -H -o name backup/nas/docs@${BASE}`)).stdout.trim()).toBe(`backup/nas/docs@${BASE}`)
    expect(app.problems).toEqual([])
  }, 600_000)
})
