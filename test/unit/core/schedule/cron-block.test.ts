// The cron variant: one marked block per job in /etc/cron.d/zfs-offsite, merged and
// removed without touching any other byte; and the compare-and-swap write run by the
// real sh, so an edit made between reading and writing is never lost.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CRON_FILE_HEADER, cronBlockText, cronJobIds, mergeCronBlock, removeCronBlock, type CronBlockInput } from '../../../../src-main/core/schedule/cron-block'
import { mergeBlock, parseReadFile, parseReplaceFile, readFileCommand, removeBlock, replaceFileCommand } from '../../../../src-main/core/schedule/marked-block'
import type { CommandSpec } from '../../../../src-main/core/zfs/command'

const A = '3f2b9c1e-7d4a-4e8b-9a61-2c5d8e0f1a23'
const B = 'b0b0b0b0-1111-4222-8333-444455556666'
const job = (id: string, hour = 2): CronBlockInput => ({
  jobId: id,
  jobName: `Job ${id.slice(0, 4)}`,
  schedule: { kind: 'nightly', hour, minute: 0 },
  command: ['/bin/bash', `/var/lib/zfs-offsite/jobs/${id}/scheduled-run.sh`],
})

function ok<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; cause: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.cause}`)
  return r.value
}

describe('the job’s cron block', () => {
  it('runs the command as root at the schedule’s time and appends its output to the job’s log', () => {
    expect(ok(cronBlockText(job(A)))).toBe(
      [
        `# BEGIN ZFS Offsite job ${A}: scheduled replication of “Job 3f2b”`,
        `0 2 * * * root /bin/bash /var/lib/zfs-offsite/jobs/${A}/scheduled-run.sh >> /var/log/zfs-offsite/${A}.log 2>&1`,
        `# END ZFS Offsite job ${A}`,
        '',
      ].join('\n'),
    )
  })

  it('starts a new file with the app’s header (a PATH that has zfs) and the block', () => {
    const text = ok(mergeCronBlock(null, job(A)))
    expect(text.startsWith(CRON_FILE_HEADER)).toBe(true)
    expect(text).toContain('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n')
    expect(cronJobIds(text)).toEqual([A])
  })

  it('replaces only its own block and leaves every other line byte for byte', () => {
    const person = '# my own line\r\n30 4 * * * root /usr/local/bin/my-backup --weird  spacing\n'
    const withA = ok(mergeCronBlock(person, job(A)))
    const withAB = ok(mergeCronBlock(withA, job(B)))
    const movedA = ok(mergeCronBlock(withAB, job(A, 5)))
    expect(movedA.startsWith(person)).toBe(true)
    expect(movedA.indexOf(A)).toBeLessThan(movedA.indexOf(B)) // replaced in place, not moved to the end
    expect(movedA).toContain('0 5 * * * root /bin/bash')
    expect(movedA).not.toContain('0 2 * * * root /bin/bash /var/lib/zfs-offsite/jobs/3f2b')
    expect(ok(removeCronBlock(ok(removeCronBlock(movedA, A)), B))).toBe(person)
  })

  it('puts its block on a line of its own after a last line without a line break', () => {
    const text = ok(mergeCronBlock('MAILTO=me', job(A)))
    expect(text.startsWith('MAILTO=me\n# BEGIN ZFS Offsite job')).toBe(true)
  })

  it('removes the file once only the app’s header is left', () => {
    const one = ok(mergeCronBlock(null, job(A)))
    expect(ok(removeCronBlock(one, A))).toBeNull()
    expect(ok(removeCronBlock(null, A))).toBeNull()
    expect(ok(removeCronBlock(one, B))).toBe(one)
  })

  it('does not guess at markers damaged by hand: an END missing, twice BEGIN', () => {
    const text = ok(mergeCronBlock(null, job(A)))
    const noEnd = text.replace(`# END ZFS Offsite job ${A}\n`, '')
    const r = mergeCronBlock(noEnd, job(A))
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('MARKED_BLOCK_DAMAGED')
      expect(r.error.cause).toMatch(/BEGIN line has no END line/)
    }
    const twice = text + ok(cronBlockText(job(A)))
    expect(removeCronBlock(twice, A).ok).toBe(false)
  })

  it('does not take another job’s block whose id merely begins with this one', () => {
    const long = `${A.slice(0, 8)}-extra`
    const short = A.slice(0, 8)
    const text = ok(mergeCronBlock(null, job(long)))
    expect(ok(removeCronBlock(text, short))).toBe(text)
  })

  it('says when a custom schedule has no cron equivalent', () => {
    const r = mergeCronBlock(null, { ...job(A), schedule: { kind: 'custom', onCalendar: 'Mon *-*-1,15 02:00' } })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('SCHEDULE_NO_CRON_EQUIVALENT')
  })

  it('keeps a block’s own line endings and the text around it through merge and remove', () => {
    const m = { begin: '# BEGIN X', end: '# END X' }
    const around = 'a\n\n# BEGIN Y\nkeep\n# END Y\nz'
    const merged = ok(mergeBlock(around, m, '# BEGIN X: note\nline\n# END X\n'))
    expect(merged).toBe(`${around}\n# BEGIN X: note\nline\n# END X\n`)
    expect(ok(removeBlock(merged, m))).toBe(`${around}\n`)
  })
})

describe('reading and writing the file on the host, by the real sh', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cron-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  const run = (cmd: CommandSpec): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync(cmd.argv[0]!, cmd.argv.slice(1), { input: cmd.stdin ?? '', encoding: 'utf8' })
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
  }

  it('tells a missing file from an empty one', () => {
    const f = join(dir, 'zfs-offsite')
    expect(parseReadFile(run(readFileCommand(f)).stdout)).toBeNull()
    writeFileSync(f, '')
    expect(parseReadFile(run(readFileCommand(f)).stdout)).toBe('')
    writeFileSync(f, 'x\ny')
    expect(parseReadFile(run(readFileCommand(f)).stdout)).toBe('x\ny')
  })

  it('writes only when the file is still what was read, and removes it when asked', () => {
    const f = join(dir, 'sub', 'zfs-offsite')
    const first = ok(mergeCronBlock(null, job(A)))
    expect(parseReplaceFile(run(replaceFileCommand(f, null, first)).stdout)).toBe('written')
    expect(readFileSync(f, 'utf8')).toBe(first)
    // Someone edits the file after the app read it: the app's write is refused, their edit stays.
    writeFileSync(f, first + '# a person’s note\n')
    const stale = run(replaceFileCommand(f, first, ok(mergeCronBlock(first, job(B)))))
    expect(stale.code).toBe(4)
    expect(stale.stderr).toMatch(/changed since it was read; nothing written/)
    expect(readFileSync(f, 'utf8')).toBe(first + '# a person’s note\n')
    // Written while the app thought it absent: refused too.
    expect(run(replaceFileCommand(f, null, first)).code).toBe(4)
    const now = readFileSync(f, 'utf8')
    expect(parseReplaceFile(run(replaceFileCommand(f, now, null)).stdout)).toBe('removed')
    expect(existsSync(f)).toBe(false)
  })

  it('writes text with quotes, dollars and backslashes exactly', () => {
    const f = join(dir, 'odd')
    const odd = `a 'quoted' "x" $HOME \\n %s\n`
    run(replaceFileCommand(f, null, odd))
    expect(readFileSync(f, 'utf8')).toBe(odd)
    const again = run(replaceFileCommand(f, odd, odd + 'more\n'))
    expect(again.code).toBe(0)
    expect(readFileSync(f, 'utf8')).toBe(odd + 'more\n')
  })
})
