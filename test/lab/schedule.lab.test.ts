// A job's schedule through the API, as the renderer calls it, on the lab's real hosts:
// the timer fires on the NAS with the app gone and syncoid replicates through the
// receive-only wrapper over WireGuard; a fresh app reads that run back from systemd and
// the journal, and the job's hold on the NAS has moved to the new base; sanoid prunes on
// the off-site box and keeps the newest received snapshot
// (held) although its prune-only counts alone would remove it; disable, then remove,
// leaves no unit, cron line, drop-in, script or sanoid block on either host.
// Needs the keychain: run it under scripts/with-keyring.sh (npm run test:lab does).
// CAPTURE_FIXTURES=1 writes what the hosts printed into test/fixtures/schedule/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshPools, labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { cleanUpTestApp, labJobInput, testAppHome, trustedLabHosts, type TestAppHome } from './app-setup'
import { clearScheduleLeftovers, installReceiveWrapper, restorePlainReceiveKey, sanoidNameAgo, snapshotsInThePast } from './schedule-setup'
import type { AppContext } from '../../src-main/services/app-context'
import { scheduleStateCommand, unitNames } from '../../src-main/core/schedule/timer-units'
import { shellJoin } from '../../src-main/core/shell/quote'
import { holdScriptPath, pruneDropInPath, scheduledRunPath } from '../../src-main/services/schedule-scripts'
import { until } from '../support/until'
import { apiCalls } from '../support/api-calls'
import type { Job } from '../../src-main/shared/model'
import type { ScheduleStatus } from '../../src-main/shared/schedule'

let lab: Lab
let home: TestAppHome
let ctx: AppContext
let job: Job

const open = () => home.open()
const { call, callFails } = apiCalls(() => ctx)

const FIXTURES = join(__dirname, '..', 'fixtures', 'schedule')
const capture = (name: string, text: string): void => {
  if (process.env.CAPTURE_FIXTURES !== '1') return
  mkdirSync(FIXTURES, { recursive: true })
  writeFileSync(join(FIXTURES, name), text)
}

const lines = async (host: 'nas' | 'offsite', cmd: string) => (await lab[host].run(cmd)).stdout.trim().split('\n').filter(Boolean)
const snapshots = (host: 'nas' | 'offsite', ds: string) => lines(host, `zfs list -Hp -t snapshot -o name,guid,creation -s createtxg '${ds}' 2>/dev/null || true`)
const nameOf = (row: string) => row.split('\t')[0]!.split('@')[1]!
const exists = async (host: 'nas' | 'offsite', path: string) => (await lab[host].run(`test -e '${path}'`, { allowFail: true })).code === 0

/** sanoid's name for a snapshot of `daysAgo` days back, of the given type. */
const sanoidName = (daysAgo: number, type: string) => sanoidNameAgo(daysAgo * 86400, type)

const NONE = { frequently: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }

beforeAll(async () => {
  home = testAppHome('schedule-lab')
  lab = await labHosts()
  await freshPools()
  await prepareTunnelAndReceiveUser()
  // Leftovers of an earlier run of this file (units, sanoid blocks, scripts) go first.
  await clearScheduleLeftovers(lab)
  // The wizard's receive-only wrapper as the receive user's forced command (prepareTunnelAndReceiveUser gives a plain key).
  await installReceiveWrapper(lab, 'backup/nas')
  // Snapshots named as sanoid names them, made days ago on the NAS's clock (sanoid prunes by the
  // creation time, which a receive keeps): three dailies, then the newest, an hourly.
  await lab.nas.run('set -e; zfs create tank/photos; head -c 2M /dev/urandom > /tank/photos/a.bin')
  await snapshotsInThePast(
    lab,
    'tank/photos',
    ([[4, 'daily'], [3, 'daily'], [2, 'daily'], [1, 'hourly']] as const).map(([days, type]) => ({ secondsAgo: days * 86400, name: sanoidName(days, type) })),
  )
  ctx = open()
  const hosts = await trustedLabHosts(call, lab)
  job = await call<Job>('addJob', labJobInput(lab, hosts, 'Photos', 'tank/photos'))
  // Where an earlier run of the app's left its hold (the tag is the job's): the scheduled run must move it forward.
  await lab.nas.run(`zfs hold zfs-offsite-${job.id} "$(zfs list -H -o name -t snapshot -s createtxg tank/photos | head -n 1)"`)
}, 600_000)

afterAll(async () => {
  if (lab) {
    await lab.nas.run(`date -s @${Math.floor(Date.now() / 1000)} >/dev/null; ip link set wg-backup up 2>/dev/null; systemctl stop zfs-offsite-lock-holder 2>/dev/null; true`, { allowFail: true })
    await restorePlainReceiveKey(lab)
  }
  await cleanUpTestApp(home, ctx)
})

describe('a schedule on the lab', () => {
  const names = () => unitNames(job.id)
  const show = async () => (await lab.nas.run(shellJoin(scheduleStateCommand(job.id).argv))).stdout
  let nightly: { kind: 'nightly'; hour: number; minute: number }

  it('refuses off-site retention that would delete what the NAS takes, with nothing changed', async () => {
    const e = await callFails('setJobSchedule', {
      jobId: job.id,
      schedule: { schedule: { kind: 'nightly', hour: 2, minute: 0 }, nasSnapshots: { ...NONE, hourly: 24, daily: 7 }, offsiteRetention: { ...NONE, daily: 30 }, enabled: true },
    })
    expect(e.code).toBe('SANOID_PRUNE_UNSAFE')
    expect(await exists('nas', `/etc/systemd/system/${names().timer}`)).toBe(false)
    expect(await exists('offsite', '/etc/sanoid/sanoid.conf')).toBe(false)
    expect((await call<Job[]>('listJobs', {})).find((j) => j.id === job.id)!.schedule).toBeUndefined()
  })

  it('previews the exact commands and files for both hosts, changing nothing', async () => {
    const [h, m] = (await lab.nas.run("date -d '+2 min' '+%H %M'")).stdout.trim().split(' ').map(Number) as [number, number]
    nightly = { kind: 'nightly', hour: h, minute: m }
    const preview = await call<{ commands: { host: string; kind: string; purpose: string; command: string; input?: string }[]; words: { summary: string } }>('previewJobSchedule', {
      jobId: job.id,
      schedule: { schedule: nightly, nasSnapshots: null, offsiteRetention: { ...NONE, daily: 1 }, enabled: true },
    })
    const pad = (n: number) => String(n).padStart(2, '0')
    expect(preview.words.summary).toBe(`Every night at ${pad(h)}:${pad(m)}, NAS time (Etc/UTC)`)
    const changes = preview.commands.filter((c) => c.kind === 'change')
    expect(changes.map((c) => c.host)).toContain('offsite')
    const units = changes.find((c) => c.purpose.includes('service and timer units'))!
    expect(units.command).toContain(`ExecStart=/bin/bash ${scheduledRunPath(job.id)}`)
    expect(units.command).toContain(`OnCalendar=*-*-* ${pad(h)}:${pad(m)}:00`)
    const script = changes.find((c) => c.purpose.includes('scheduled run executes'))!
    expect(script.input).toContain("/usr/sbin/syncoid --no-sync-snap --no-rollback --no-privilege-elevation '--compress=none' '--recvoptions=u'")
    expect(script.input).toContain(`flock -n 9`)
    expect(changes.find((c) => c.host === 'offsite' && c.purpose.includes('prune-only'))!.input).toContain('autosnap = no')
    expect(await exists('nas', `/etc/systemd/system/${names().timer}`)).toBe(false)
    expect(await exists('nas', scheduledRunPath(job.id))).toBe(false)
  })

  it('sets the schedule: units and script on the NAS, prune-only block and hold on the off-site box; a second call changes nothing', async () => {
    const schedule = { schedule: nightly, nasSnapshots: null, offsiteRetention: { ...NONE, daily: 1 }, enabled: true }
    const status = await call<ScheduleStatus>('setJobSchedule', { jobId: job.id, schedule })
    expect(status).toMatchObject({ mechanism: 'systemd', timeZone: 'Etc/UTC', lastRun: null, schedule })
    expect(status.nextRunAt).not.toBeNull()
    const next = Date.parse(status.nextRunAt!)
    expect(next).toBeGreaterThan(Date.now() - 60_000)
    expect(next).toBeLessThan(Date.now() + 6 * 60_000)
    capture('systemctl-show.never-run.txt', await show())
    const before = (await lab.nas.run(`md5sum /etc/systemd/system/${names().service} /etc/systemd/system/${names().timer} ${scheduledRunPath(job.id)}; md5sum /etc/sanoid/sanoid.conf 2>&1; true`)).stdout
    const offBefore = (await lab.offsite.run(`md5sum /etc/sanoid/sanoid.conf ${holdScriptPath(job.id)} ${pruneDropInPath(job.id)}`)).stdout
    await call<ScheduleStatus>('setJobSchedule', { jobId: job.id, schedule })
    expect((await lab.nas.run(`md5sum /etc/systemd/system/${names().service} /etc/systemd/system/${names().timer} ${scheduledRunPath(job.id)}; md5sum /etc/sanoid/sanoid.conf 2>&1; true`)).stdout).toBe(before)
    expect((await lab.offsite.run(`md5sum /etc/sanoid/sanoid.conf ${holdScriptPath(job.id)} ${pruneDropInPath(job.id)}`)).stdout).toBe(offBefore)
    expect((await lab.offsite.run('systemctl is-enabled sanoid.timer')).stdout.trim()).toBe('enabled')
    expect((await lab.nas.run(`systemctl is-enabled ${names().timer}`)).stdout.trim()).toBe('enabled')
    const conf = (await lab.offsite.run('cat /etc/sanoid/sanoid.conf')).stdout
    expect(conf).toContain('[backup/nas/photos]')
    capture('sanoid-version.txt', (await lab.offsite.run('sanoid --version')).stdout)
    capture('timedatectl.txt', (await lab.nas.run('timedatectl; echo; timedatectl show')).stdout)
  })

  it('fires on the NAS with the app gone, replicates with syncoid, moves the job’s hold on the NAS to the new base, and a fresh app reads the run back', async () => {
    ctx.dispose()
    // Only the VM is watched now: the service ran and ended (ExecMainExitTimestamp set).
    await until(
      'the timer’s run to end on the NAS',
      async () => /ExecMainExitTimestamp=@\d+/.test((await lab.nas.run(`systemctl show -p ExecMainExitTimestamp --timestamp=unix ${names().service}`)).stdout),
      9 * 60_000,
      5_000,
    )
    const shown = await show()
    capture('systemctl-show.succeeded.txt', shown)
    capture('journal.succeeded.json', (await lab.nas.run(`journalctl --no-pager --output=json --identifier=${names().identifier}`)).stdout)
    ctx = open()
    const status = await call<ScheduleStatus>('getJobSchedule', { jobId: job.id })
    expect(status.lastRun, shown).toMatchObject({ outcome: 'succeeded' })
    expect(Date.parse(status.nextRunAt!)).toBeGreaterThan(Date.now() + 22 * 3600_000)
    const src = await snapshots('nas', 'tank/photos')
    const dst = await snapshots('offsite', 'backup/nas/photos')
    expect(dst.map((r) => r.split('\t').slice(0, 2).join('\t').replace('backup/nas/', 'tank/'))).toEqual(src.map((r) => r.split('\t').slice(0, 2).join('\t')))
    expect(await lines('offsite', "zfs get -H -o value mounted backup/nas/photos")).toEqual(['no'])
    // The job's hold moved on the NAS from the base an earlier run left to the newest snapshot that arrived.
    const newest = src.at(-1)!.split('\t')[0]!
    expect(await lines('nas', 'zfs list -H -o name -t snapshot -r tank/photos | xargs zfs holds -H | cut -f 1,2')).toEqual([`${newest}\tzfs-offsite-${job.id}`])
    expect((await lab.nas.run(`journalctl --no-pager -o cat --identifier=${names().identifier}`)).stdout).toContain(`zfs-offsite: base-held ${newest}`)
  })

  it('prunes on the off-site box and keeps the newest received snapshot, held, although the counts alone would remove it', async () => {
    const newest = nameOf((await snapshots('offsite', 'backup/nas/photos')).at(-1)!)
    expect(newest).toMatch(/_hourly$/)
    await lab.offsite.run('rm -f /var/cache/sanoid/snapshots.txt')
    // The policy alone (read-only, holds not looked at): every hourly goes, the newest among them.
    const dry = (await lab.offsite.run('TZ=UTC sanoid --prune-snapshots --readonly --verbose --force-update')).stdout
    expect(dry).toContain(`INFO: pruning backup/nas/photos@${newest}`)
    // sanoid's prune as Debian runs it (sanoid-prune.service, with the app's drop-in first), as root on the box.
    await lab.offsite.run('rm -f /var/cache/sanoid/snapshots.txt; systemctl start sanoid-prune.service')
    const log = (await lab.offsite.run('journalctl --no-pager -u sanoid-prune.service -n 40 -o cat')).stdout
    expect(log).toContain(`could not remove backup/nas/photos@${newest}`)
    expect((await lines('offsite', `zfs holds -H 'backup/nas/photos@${newest}' | cut -f2`))).toEqual([`zfs-offsite-${job.id}`])
    // And sanoid run by hand as root: the hold still protects it.
    await lab.offsite.run('TZ=UTC sanoid --prune-snapshots --verbose --force-update', { allowFail: true })
    const left = (await snapshots('offsite', 'backup/nas/photos')).map(nameOf)
    // The newest daily (the count of 1) and the held hourly; the two older dailies are gone.
    expect(left).toHaveLength(2)
    expect(left[0]!.slice(0, 19)).toBe(sanoidName(2, 'daily').slice(0, 19))
    expect(left[0]).toMatch(/_daily$/)
    expect(left[1]).toBe(newest)
    // The NAS still has the base: the next incremental has what it needs.
    expect((await snapshots('nas', 'tank/photos')).map(nameOf)).toContain(newest)
  })

  it('reads a failed run and a busy one (the job’s lock held) back from systemd', async () => {
    await lab.nas.run('ip link set wg-backup down')
    try {
      await lab.nas.run(`systemctl start ${names().service}`, { allowFail: true })
    } finally {
      await lab.nas.run('ip link set wg-backup up')
    }
    capture('systemctl-show.failed.txt', await show())
    capture('journal.failed.json', (await lab.nas.run(`journalctl --no-pager --output=json --identifier=${names().identifier} -n 30`)).stdout)
    const failed = await call<ScheduleStatus>('getJobSchedule', { jobId: job.id })
    expect(failed.lastRun).toMatchObject({ outcome: 'failed' })
    expect(failed.lastRun!.message).toMatch(/syncoid|ssh|connect/i)
    // The app's own runs hold this lock while they copy: the timer's run steps aside with 75.
    await lab.nas.run(`systemd-run --unit=zfs-offsite-lock-holder flock /run/lock/zfs-offsite-${job.id}.lock sleep 600`)
    try {
      await until('the lock to be held', async () => (await lab.nas.run(`flock -n /run/lock/zfs-offsite-${job.id}.lock true`, { allowFail: true })).code !== 0, 30_000, 200)
      await lab.nas.run(`systemctl start ${names().service}`)
    } finally {
      await lab.nas.run('systemctl stop zfs-offsite-lock-holder', { allowFail: true })
    }
    capture('systemctl-show.busy.txt', await show())
    expect((await call<ScheduleStatus>('getJobSchedule', { jobId: job.id })).lastRun).toMatchObject({ outcome: 'busy' })
  })

  it('disables, then removes, leaving no unit, script, drop-in or sanoid block on either host; then the job goes and its hold on the NAS with it', async () => {
    const disabled = await call<ScheduleStatus>('setJobScheduleEnabled', { jobId: job.id, enabled: false })
    expect(disabled.schedule!.enabled).toBe(false)
    expect(disabled.nextRunAt).toBeNull()
    expect((await lab.nas.run(`systemctl is-enabled ${names().timer}`, { allowFail: true })).stdout.trim()).toBe('disabled')
    // The job itself is not removed while its schedule is on the NAS.
    expect((await callFails('removeJob', { id: job.id })).code).toBe('JOB_HAS_SCHEDULE')
    const removed = await call<ScheduleStatus>('removeJobSchedule', { jobId: job.id })
    expect(removed.schedule).toBeNull()
    capture('systemctl-show.removed.txt', await show())
    expect((await lab.nas.run(`ls /etc/systemd/system | grep zfs-offsite; ls /etc/cron.d | grep zfs-offsite; find /var/lib/zfs-offsite/jobs -mindepth 1 2>/dev/null; true`)).stdout.trim()).toBe('')
    expect((await lab.nas.run('cat /etc/sanoid/sanoid.conf 2>/dev/null; true')).stdout).not.toContain('ZFS Offsite')
    expect((await lab.offsite.run('cat /etc/sanoid/sanoid.conf 2>/dev/null; true')).stdout).not.toContain('ZFS Offsite')
    expect((await lab.offsite.run('find /etc/systemd/system/sanoid-prune.service.d /var/lib/zfs-offsite/jobs -mindepth 1 2>/dev/null; true')).stdout.trim()).toBe('')
    expect((await lab.offsite.run(`zfs list -H -t snapshot -o name -r backup/nas | xargs -r zfs holds -H | grep zfs-offsite; true`)).stdout.trim()).toBe('')
    expect((await snapshots('offsite', 'backup/nas/photos')).length).toBe(2)
    expect(/LoadState=not-found/.test(await show())).toBe(true)
    // Removing again changes nothing and fails nothing.
    expect((await call<ScheduleStatus>('removeJobSchedule', { jobId: job.id })).schedule).toBeNull()
    // Then the job: its hold on the NAS is released, the NAS's snapshots stay.
    const nasSnapshots = await snapshots('nas', 'tank/photos')
    expect(await lines('nas', 'zfs list -H -o name -t snapshot -r tank/photos | xargs zfs holds -H | cut -f 2')).toEqual([`zfs-offsite-${job.id}`])
    expect(await call('removeJob', { id: job.id })).toEqual({ removed: job.id, notes: [] })
    expect(await lines('nas', 'zfs list -H -o name -t snapshot -r tank/photos | xargs zfs holds -H')).toEqual([])
    expect(await snapshots('nas', 'tank/photos')).toEqual(nasSnapshots)
  })
})
