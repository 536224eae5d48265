// The job's timer and service units: their text checked by the real systemd-analyze
// verify, and the install/remove scripts run by the real sh on a scratch folder, with a
// stand-in systemctl that only records what it was asked (no systemd runs here).
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkJobId } from '../../../../src-main/core/schedule/job-id'
import {
  checkExecArgv,
  disableTimerCommand,
  enableTimerCommand,
  installUnitsCommand,
  journalCommand,
  parseInstallUnits,
  parseJournal,
  parseRemoveUnits,
  parseScheduleState,
  parseUnixTimestamp,
  removeUnitsCommand,
  scheduleStateCommand,
  serviceUnitText,
  timerUnitText,
  unitNames,
  type ScheduledUnitsInput,
} from '../../../../src-main/core/schedule/timer-units'
import type { CommandSpec } from '../../../../src-main/core/zfs/command'
import { FIXTURES } from '../../../support/fixtures'

const JOB = '3f2b9c1e-7d4a-4e8b-9a61-2c5d8e0f1a23'
const input: ScheduledUnitsInput = {
  jobId: JOB,
  jobName: 'Photos 100% safe',
  schedule: { kind: 'nightly', hour: 2, minute: 0 },
  command: ['/bin/bash', `/var/lib/zfs-offsite/jobs/${JOB}/scheduled-run.sh`],
}

function timerText(i: ScheduledUnitsInput = input): string {
  const r = timerUnitText(i)
  if (!r.ok) throw new Error(r.error.cause)
  return r.value
}

describe('job ids', () => {
  it('refuses an id that could escape a unit name or a path before it reaches one', () => {
    for (const bad of ['', '../etc', 'a/b', 'Job', 'a b', 'x'.repeat(65), '-a', 'run-123', 'a.timer', 'a\nb']) {
      expect(checkJobId(bad).ok, JSON.stringify(bad)).toBe(false)
      expect(() => unitNames(bad)).toThrow()
      expect(() => removeUnitsCommand(bad)).toThrow()
    }
    expect(unitNames(JOB)).toEqual({ service: `zfs-offsite-${JOB}.service`, timer: `zfs-offsite-${JOB}.timer`, identifier: `zfs-offsite-${JOB}` })
  })
})

describe('unit text', () => {
  it('runs the command once per trigger, logging to the journal under the job’s own identifier', () => {
    const text = serviceUnitText(input)
    expect(text.split('\n')[0]).toMatch(new RegExp(`^# Written by ZFS Offsite for job ${JOB}: `))
    expect(text).toContain('\nType=oneshot\n')
    expect(text).toContain(`\nExecStart=/bin/bash /var/lib/zfs-offsite/jobs/${JOB}/scheduled-run.sh\n`)
    expect(text).toContain(`\nSyslogIdentifier=zfs-offsite-${JOB}\n`)
    expect(text).toContain('\nStandardOutput=journal\n')
    expect(text).toContain('\nSuccessExitStatus=75\n')
    // systemd expands % in Description=: the person's “100%” must stay a percent sign.
    expect(text).toContain('Description=ZFS Offsite: scheduled replication of Photos 100%% safe\n')
  })

  it('catches up a run missed while the NAS was off, with a small random delay', () => {
    const text = timerText()
    expect(text).toContain('\nOnCalendar=*-*-* 02:00:00\n')
    expect(text).toContain('\nPersistent=true\n')
    expect(text).toContain('\nRandomizedDelaySec=120\n')
    expect(text).toContain(`\nUnit=zfs-offsite-${JOB}.service\n`)
    expect(text).toContain('\nWantedBy=timers.target\n')
  })

  it('keeps the random delay under a quarter of the shortest gap between runs, so a run never slips past the next one', () => {
    const delay = (schedule: ScheduledUnitsInput['schedule']) => /\nRandomizedDelaySec=(\d+)\n/.exec(timerText({ ...input, schedule }))![1]
    expect(delay({ kind: 'every-hours', hours: 1, minute: 0 })).toBe('120')
    // Every two minutes: 30 s at most. The gap over midnight counts (23:50 and 00:00 are 10 minutes apart).
    expect(delay({ kind: 'custom', onCalendar: '*:0/2' })).toBe('30')
    expect(delay({ kind: 'custom', onCalendar: '*-*-* 0,23:0,50' })).toBe('120')
    expect(delay({ kind: 'custom', onCalendar: '*-*-* 0,23:50,56' })).toBe('90')
  })

  it('refuses a command systemd or cron would read differently from the shell', () => {
    for (const argv of [[], ['bash', 'x'], ['/bin/sh', '-c', 'a b'], ['/bin/echo', '$HOME'], ['/bin/echo', '100%'], ['/bin/echo', ';'], ['/bin/echo', "it's"]]) {
      expect(() => checkExecArgv(argv), JSON.stringify(argv)).toThrow()
    }
    expect(checkExecArgv(['/usr/bin/flock', '-n', '/run/lock/x', '/bin/true'])).toHaveLength(4)
  })

  it('refuses an invalid schedule as an error value, not a unit', () => {
    const r = timerUnitText({ ...input, schedule: { kind: 'custom', onCalendar: '*-*-* 02:00:30' } })
    expect(r.ok).toBe(false)
    expect(installUnitsCommand({ ...input, schedule: { kind: 'every-hours', hours: 0, minute: 0 } }).ok).toBe(false)
  })
})

function systemdAnalyzeAvailable(): boolean {
  return spawnSync('systemd-analyze', ['--version']).status === 0
}

describe.skipIf(!systemdAnalyzeAvailable())('checked by the real systemd-analyze verify', () => {
  it('finds nothing wrong with either unit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'units-'))
    try {
      const names = unitNames(JOB)
      writeFileSync(join(dir, names.service), serviceUnitText({ ...input, command: ['/bin/true', '--flag=x', 'a,b'] }))
      writeFileSync(join(dir, names.timer), timerText({ ...input, schedule: { kind: 'custom', onCalendar: 'Mon..Fri 1/4:15' } }))
      const r = spawnSync('systemd-analyze', ['verify', join(dir, names.timer), join(dir, names.service)], { encoding: 'utf8' })
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('install and remove, run by the real sh', () => {
  let dir: string
  let bin: string
  let log: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unit-dir-'))
    bin = mkdtempSync(join(tmpdir(), 'fake-bin-'))
    log = join(bin, 'calls.log')
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "systemctl $*" >> '${log}'\n`)
    chmodSync(join(bin, 'systemctl'), 0o755)
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(bin, { recursive: true, force: true })
  })

  function run(cmd: CommandSpec): { code: number; stdout: string; stderr: string } {
    const r = spawnSync(cmd.argv[0]!, cmd.argv.slice(1), { input: cmd.stdin ?? '', encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } })
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
  }
  const calls = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [])
  const install = (i: ScheduledUnitsInput = input): CommandSpec => {
    const r = installUnitsCommand(i, dir)
    if (!r.ok) throw new Error(r.error.cause)
    return r.value
  }
  const names = unitNames(JOB)

  it('writes both units, reloads systemd once, and changes nothing on a second run', () => {
    const first = run(install())
    expect(first.code).toBe(0)
    expect(parseInstallUnits(first.stdout)).toBe('created')
    expect(readFileSync(join(dir, names.service), 'utf8')).toBe(serviceUnitText(input))
    expect(readFileSync(join(dir, names.timer), 'utf8')).toBe(timerText())
    expect(calls()).toEqual(['systemctl daemon-reload'])
    expect(parseInstallUnits(run(install()).stdout)).toBe('unchanged')
    expect(calls()).toEqual(['systemctl daemon-reload'])
    const changed = { ...input, schedule: { kind: 'every-hours', hours: 6, minute: 0 } } as const
    expect(parseInstallUnits(run(install(changed)).stdout)).toBe('replaced')
    expect(readFileSync(join(dir, names.timer), 'utf8')).toContain('OnCalendar=*-*-* 00,06,12,18:00:00')
  })

  it('never overwrites a unit file of the same name that it did not write, and then writes neither', () => {
    writeFileSync(join(dir, names.timer), '[Timer]\nOnCalendar=hourly\n')
    const r = run(install())
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/was not written by ZFS Offsite; not replaced/)
    expect(readFileSync(join(dir, names.timer), 'utf8')).toBe('[Timer]\nOnCalendar=hourly\n')
    expect(existsSync(join(dir, names.service))).toBe(false)
    expect(calls()).toEqual([])
  })

  it('removes both units cleanly: disabled, stopped, deleted, reloaded, failed state reset', () => {
    run(install())
    const r = run(removeUnitsCommand(JOB, dir))
    expect(r.code).toBe(0)
    expect(parseRemoveUnits(r.stdout)).toBe('removed')
    expect(existsSync(join(dir, names.service)) || existsSync(join(dir, names.timer))).toBe(false)
    expect(calls().slice(1)).toEqual([
      `systemctl disable --now zfs-offsite-${JOB}.timer`,
      `systemctl stop zfs-offsite-${JOB}.service`,
      'systemctl daemon-reload',
      `systemctl reset-failed zfs-offsite-${JOB}.service zfs-offsite-${JOB}.timer`,
    ])
    expect(parseRemoveUnits(run(removeUnitsCommand(JOB, dir)).stdout)).toBe('absent')
  })

  it('refuses to remove a unit of the same name that it did not write', () => {
    writeFileSync(join(dir, names.service), '[Service]\nExecStart=/bin/true\n')
    const r = run(removeUnitsCommand(JOB, dir))
    expect(r.code).toBe(3)
    expect(existsSync(join(dir, names.service))).toBe(true)
  })
})

describe('enable, disable and reading the state back', () => {
  it('enables and re-arms the timer, and disables it now and at boot', () => {
    expect(enableTimerCommand(JOB).argv).toEqual(['sh', '-c', 'systemctl enable "$1" && systemctl restart "$1"', 'sh', `zfs-offsite-${JOB}.timer`])
    expect(disableTimerCommand(JOB).argv).toEqual(['systemctl', 'disable', '--now', `zfs-offsite-${JOB}.timer`])
  })

  it('asks for both units’ properties with unix timestamps under TZ=UTC, options systemctl 252 accepts', () => {
    const cmd = scheduleStateCommand(JOB)
    expect(cmd.argv.slice(0, 4)).toEqual(['env', 'TZ=UTC', 'systemctl', 'show'])
    expect(cmd.argv).toContain('--timestamp=unix')
    expect(cmd.argv.slice(-2)).toEqual([`zfs-offsite-${JOB}.timer`, `zfs-offsite-${JOB}.service`])
    if (spawnSync('systemctl', ['--version']).status === 0) {
      // Where no systemd runs, systemctl still parses its options first: a value it does not
      // know is refused before it tries to connect.
      expect(spawnSync('systemctl', ['show', '--timestamp=bogus', 'x.timer'], { encoding: 'utf8' }).stderr).toMatch(/Invalid value/)
      expect(spawnSync('systemctl', cmd.argv.slice(3), { encoding: 'utf8' }).stderr).not.toMatch(/Invalid value|unrecognized/)
    }
  })

  it('reads --timestamp=unix values, and unset ones as none', () => {
    expect(parseUnixTimestamp('@1796184000')).toBe(1796184000)
    for (const unset of ['', 'n/a', '0', '@0', undefined]) expect(parseUnixTimestamp(unset)).toBeNull()
    // A timer's date as systemd 252 prints it under TZ=UTC (test/fixtures/schedule).
    expect(parseUnixTimestamp('Sun 2026-11-29 11:23:51 UTC')).toBe(Date.UTC(2026, 10, 29, 11, 23, 51) / 1000)
    // Any other zone cannot be read back: refused, never guessed.
    expect(() => parseUnixTimestamp('Sat 2026-11-28 02:00:00 CET')).toThrow()
  })

  it('reads the state captured on the lab’s systemd 252: never run, succeeded, failed, busy (exit 75), removed', () => {
    const LAB_JOB = '10775b31-5176-4588-b552-34e8fd452f37'
    const state = (name: string) => parseScheduleState(LAB_JOB, readFileSync(join(FIXTURES, 'schedule', `systemctl-show.${name}.txt`), 'utf8'))
    expect(state('never-run')).toMatchObject({ installed: true, enabled: true, active: true, lastRun: { result: 'never', startedAt: null } })
    expect(state('never-run').nextRun).toBe(Date.UTC(2026, 10, 28, 11, 24, 56) / 1000)
    expect(state('succeeded').lastRun).toMatchObject({ result: 'succeeded', systemdResult: 'success', exitStatus: 0 })
    expect(state('failed').lastRun).toMatchObject({ result: 'failed', systemdResult: 'exit-code' })
    const busy = state('busy')
    expect(busy.lastRun).toEqual({ result: 'busy', systemdResult: 'success', exitStatus: 75, startedAt: 1795865207, endedAt: 1795865208 })
    expect(busy.nextRun).toBe(Date.UTC(2026, 10, 29, 11, 23, 51) / 1000)
    expect(busy.lastTrigger).toBe(Date.UTC(2026, 10, 28, 11, 24, 17) / 1000)
    expect(state('removed')).toMatchObject({ installed: false, enabled: false })
  })
})

describe('the journal', () => {
  it('asks only for the job’s own lines, as JSON, from a given moment', () => {
    expect(journalCommand({ jobId: JOB, since: 1796097600, lines: 50 }).argv).toEqual([
      'journalctl',
      '--no-pager',
      '--output=json',
      `--identifier=zfs-offsite-${JOB}`,
      '--lines=50',
      '--since=@1796097600',
    ])
  })

  // journalctl's JSON export format (systemd.journal-fields(7), journalctl(1)): string
  // fields, and a byte array for a value that is not printable UTF-8. Hand-written lines;
  // a lab capture is a missing fixture.
  it('reads string messages, byte-array messages, and skips lines that are not entries', () => {
    const out = [
      JSON.stringify({ __REALTIME_TIMESTAMP: '1796097610123456', MESSAGE: 'run-start', PRIORITY: '6', _PID: '4242', _SYSTEMD_INVOCATION_ID: 'abc' }),
      JSON.stringify({ __REALTIME_TIMESTAMP: '1796097611000000', MESSAGE: [104, 105, 27], PRIORITY: '3' }),
      '-- No entries --',
      '',
    ].join('\n')
    expect(parseJournal(out)).toEqual([
      { realtimeUsec: 1796097610123456, message: 'run-start', priority: 6, pid: 4242, invocationId: 'abc' },
      { realtimeUsec: 1796097611000000, message: 'hi\u001b', priority: 3, pid: null, invocationId: null },
    ])
  })
})
