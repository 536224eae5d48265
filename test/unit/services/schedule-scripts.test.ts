// The scheduled run's script and the app's own files, run by the real bash, sh and flock:
// the job's lock shared with the app's runs (busy → 75), every source tried, a failure
// reported; files written only over the app's own and removed only when they are.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BUSY_EXIT } from '../../../src-main/core/replication/run-script'
import {
  fileMarker,
  parseHostFacts,
  putAppFileCommand,
  removeAppFilesCommand,
  RUN_LINE,
  disabledCronBlock,
  lastRunFromLines,
  scheduledRunCommand,
  scheduledRunScript,
} from '../../../src-main/services/schedule-scripts'
import { checkExecArgv, parseJournal, parseScheduleState } from '../../../src-main/core/schedule/timer-units'
import type { CommandSpec } from '../../../src-main/core/zfs/command'
import { CRON_FILE_HEADER, mergeCronBlock } from '../../../src-main/core/schedule/cron-block'

const JOB = '3f2b9c1e-7d4a-4e8b-9a61-2c5d8e0f1a23'
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'schedule-scripts-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function runScript(invocations: string[][], wrap: string[] = []): { code: number; out: string } {
  const path = join(dir, 'scheduled-run.sh')
  const sources = invocations.map((syncoid) => ({ syncoid, source: syncoid[1] ?? 'tank/x', target: 'backup/x', recursive: false, exclusions: [] }))
  writeFileSync(path, scheduledRunScript({ jobId: JOB, jobName: 'Photos', lockFile: join(dir, 'job.lock'), sources }))
  const r = spawnSync(wrap[0] ?? 'bash', [...wrap.slice(1), ...(wrap.length ? ['bash'] : []), path], { encoding: 'utf8' })
  return { code: r.status ?? -1, out: r.stdout + r.stderr }
}

function sh(spec: CommandSpec): { code: number; out: string; err: string } {
  const r = spawnSync(spec.argv[0]!, spec.argv.slice(1), { encoding: 'utf8', input: spec.stdin ?? '' })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr }
}

describe('the scheduled run', () => {
  it('is started by plain words a unit’s ExecStart carries', () => {
    expect(checkExecArgv(scheduledRunCommand(JOB))).toEqual(['/bin/bash', `/var/lib/zfs-offsite/jobs/${JOB}/scheduled-run.sh`])
  })

  it('runs every source under the job’s lock and lets the lock go', () => {
    const r = runScript([['/bin/echo', 'first'], ['/bin/echo', 'second']])
    expect(r.code).toBe(0)
    const lines = r.out.trim().split('\n')
    expect(lines[0]).toMatch(RUN_LINE)
    expect(lines.slice(1, 3)).toEqual(['first', 'second'])
    expect(RUN_LINE.exec(lines[3]!)?.slice(1, 4)).toEqual(['run-end', expect.stringMatching(/^\d+$/), 'succeeded'])
    expect(existsSync(join(dir, 'job.lock.owner'))).toBe(false)
    // Free again: flock -n takes it at once.
    expect(spawnSync('flock', ['-n', join(dir, 'job.lock'), 'true']).status).toBe(0)
  })

  it('goes on with the next source after a failure and ends failed', () => {
    const r = runScript([['/bin/false', 'tank/a', 'u@h:backup/a'], ['/bin/echo', 'second']])
    expect(r.code).toBe(1)
    expect(r.out).toContain('zfs-offsite: syncoid ended with status 1: tank/a')
    expect(r.out).toContain('second')
    expect(r.out).toMatch(/run-end at=\d+ outcome=failed/)
  })

  it('steps aside with 75 while another run holds the job’s lock, running nothing', () => {
    const r = runScript([['/bin/echo', 'must not run']], ['flock', '-n', join(dir, 'job.lock')])
    expect(r.code).toBe(BUSY_EXIT)
    expect(r.out).toMatch(/^zfs-offsite: busy at=\d+/)
    expect(r.out).not.toContain('must not run')
  })
})

describe('the app’s own files', () => {
  const text = `${fileMarker(JOB)} a drop-in.\n[Service]\nExecStartPre=/bin/true\n`

  it('writes, leaves an equal file alone, and never replaces a file without the job’s marker', () => {
    const f = join(dir, 'sub', 'x.conf')
    expect(sh(putAppFileCommand(f, JOB, text)).out.trim()).toBe('written')
    expect(readFileSync(f, 'utf8')).toBe(text)
    expect(sh(putAppFileCommand(f, JOB, text)).out.trim()).toBe('unchanged')
    writeFileSync(f, 'the person’s own\n')
    const refused = sh(putAppFileCommand(f, JOB, text))
    expect(refused.code).toBe(3)
    expect(readFileSync(f, 'utf8')).toBe('the person’s own\n')
  })

  it('finds the marker of a script on its second line', () => {
    const f = join(dir, 's.sh')
    const script = `#!/bin/sh\n${fileMarker(JOB)} hold.\ntrue\n`
    expect(sh(putAppFileCommand(f, JOB, script, '755')).out.trim()).toBe('written')
    expect(sh(putAppFileCommand(f, JOB, script.replace('true', 'false'), '755')).out.trim()).toBe('written')
    expect(() => putAppFileCommand(f, JOB, '#!/bin/sh\nno marker\n')).toThrow()
  })

  it('removes only the files that carry the marker, and their folder once empty', () => {
    const sub = join(dir, 'd')
    const mine = join(sub, 'mine.conf')
    expect(sh(putAppFileCommand(mine, JOB, text)).code).toBe(0)
    expect(sh(removeAppFilesCommand(JOB, [mine, join(sub, 'absent.conf')])).code).toBe(0)
    expect(existsSync(sub)).toBe(false)
    const theirs = join(dir, 'theirs.conf')
    writeFileSync(theirs, 'keep\n')
    expect(sh(removeAppFilesCommand(JOB, [theirs])).code).toBe(3)
    expect(existsSync(theirs)).toBe(true)
  })
})

describe('what a host has', () => {
  it('reads the probe’s words, and sanoid’s timer state', () => {
    expect(parseHostFacts('systemd\nsanoid\nsyncoid\napt\nflock\nsanoid-timer=disabled\n')).toEqual({ systemd: true, sanoid: true, syncoid: true, apt: true, flock: true, sanoidTimer: 'disabled' })
    expect(parseHostFacts('apt\nflock\n')).toEqual({ systemd: false, sanoid: false, syncoid: false, apt: true, flock: true, sanoidTimer: null })
    expect(parseHostFacts('systemd\nsanoid-timer=\n').sanoidTimer).toBe('not-found')
  })
})

describe('the last run from the script’s own lines', () => {
  it('reads a success, a failure with what syncoid printed, a busy exit, and one still going', () => {
    expect(lastRunFromLines([])).toBeNull()
    expect(lastRunFromLines(['zfs-offsite: run-start at=1796097600', 'Sending incremental tank/a@s1 ... s2', 'zfs-offsite: run-end at=1796097630 outcome=succeeded'])).toEqual({
      at: '2026-12-01T04:00:00.000Z',
      outcome: 'succeeded',
    })
    const failed = lastRunFromLines([
      'zfs-offsite: run-start at=1796097600',
      'ssh: connect to host 10.99.0.2 port 22: Network is unreachable',
      'zfs-offsite: syncoid ended with status 2: tank/a',
      'zfs-offsite: run-end at=1796097601 outcome=failed',
    ])
    expect(failed).toEqual({ at: '2026-12-01T04:00:00.000Z', outcome: 'failed', message: 'ssh: connect to host 10.99.0.2 port 22: Network is unreachable\nzfs-offsite: syncoid ended with status 2: tank/a' })
    expect(lastRunFromLines(['zfs-offsite: run-start at=1796097600', 'zfs-offsite: run-end at=1796097630 outcome=succeeded', 'zfs-offsite: busy at=1796184000 owner=run-x 42: another run'])).toEqual({ at: '2026-12-02T04:00:00.000Z', outcome: 'busy' })
    expect(lastRunFromLines(['zfs-offsite: run-start at=1796097600', 'Sending…'])).toEqual({ at: '2026-12-01T04:00:00.000Z', outcome: 'running' })
    // A success whose hold on the new base could not be placed carries that line.
    expect(
      lastRunFromLines([
        'zfs-offsite: run-start at=1796097600',
        'Sending incremental tank/a@s1 ... s2',
        'zfs-offsite: hold-failed tank/a@s2: zfs hold refused',
        'zfs-offsite: base-held tank/a/b@s2',
        'zfs-offsite: run-end at=1796097630 outcome=succeeded',
      ]),
    ).toEqual({ at: '2026-12-01T04:00:00.000Z', outcome: 'succeeded', message: 'tank/a@s2: zfs hold refused' })
  })
})

describe('a disabled cron block', () => {
  it('comments out the job’s line only, and enabling again gives the block back', () => {
    const input = { jobId: JOB, jobName: 'Photos', schedule: { kind: 'nightly' as const, hour: 2, minute: 0 }, command: scheduledRunCommand(JOB) }
    const other = `${CRON_FILE_HEADER}# BEGIN ZFS Offsite job other\n0 3 * * * root /bin/true\n# END ZFS Offsite job other\n`
    const merged = mergeCronBlock(other, input)
    if (!merged.ok) throw new Error(merged.error.cause)
    const disabled = disabledCronBlock(merged.value, JOB)
    const changed = disabled.split('\n').filter((l, i) => l !== merged.value.split('\n')[i])
    expect(changed).toEqual([expect.stringMatching(/^#disabled# 0 2 \* \* \* root \/bin\/bash /)])
    expect(disabled).toContain('0 3 * * * root /bin/true')
    const again = mergeCronBlock(disabled, input)
    expect(again.ok && again.value).toBe(merged.value)
  })
})

describe('captured from the lab (test/fixtures/schedule)', () => {
  const LAB_JOB = '10775b31-5176-4588-b552-34e8fd452f37'
  const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'schedule', name), 'utf8')
  it('reads the units’ state never run, succeeded, failed, busy and removed', () => {
    const state = (name: string) => parseScheduleState(LAB_JOB, fixture(`systemctl-show.${name}.txt`))
    expect(state('never-run')).toMatchObject({ installed: true, enabled: true, active: true, lastRun: { result: 'never' } })
    expect(state('never-run').nextRun).toEqual(expect.any(Number))
    expect(state('succeeded').lastRun).toMatchObject({ result: 'succeeded', exitStatus: 0 })
    expect(state('failed').lastRun).toMatchObject({ result: 'failed', systemdResult: 'exit-code' })
    expect(state('busy').lastRun).toMatchObject({ result: 'busy', exitStatus: 75 })
    expect(state('removed')).toMatchObject({ installed: false, enabled: false })
  })
  it('reads the last run from a real run’s journal', () => {
    expect(lastRunFromLines(parseJournal(fixture('journal.succeeded.json')).map((e) => e.message))).toMatchObject({ outcome: 'succeeded' })
    expect(lastRunFromLines(parseJournal(fixture('journal.failed.json')).map((e) => e.message))).toMatchObject({ outcome: 'failed', message: expect.stringContaining('syncoid ended with status') })
  })
})
