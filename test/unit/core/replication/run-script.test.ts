// The run script is real bash: these tests run it on this machine with stand-in
// pipeline stages (the captured `zfs send -vP` stderr replayed, `cat` in place of ssh),
// and read its state file with the app's parser. The ZFS side of the same script is
// proven in the lab.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runScript, startRunCommand, cancelRunCommand, BUSY_EXIT, STATE_FILE, type RunTransfer } from '../../../../src-main/core/replication/run-script'
import { parseRunState } from '../../../../src-main/core/replication/run-state'
import { quoteArg, shellJoin } from '../../../../src-main/core/shell/quote'
import { FIXTURES } from '../../../support/fixtures'
import { waitForFile } from '../../../support/wait-for-file'

const progress = join(FIXTURES, 'zfs-2.3', 'send-progress-vP.stderr')
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-run-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A transfer whose "send" replays real progress output and streams `bytes` of data. */
function transfer(name: string, options: { sendExit?: number; bytes?: number; block?: string } = {}): RunTransfer {
  const send = [
    `cat ${quoteArg(progress)} >&2`,
    options.block ? `cat ${quoteArg(options.block)} >/dev/null` : ':',
    `head -c ${options.bytes ?? 4096} /dev/zero`,
    `exit ${options.sendExit ?? 0}`,
  ].join('; ')
  return {
    label: `copy of ${name}`,
    source: `tank/${name}`,
    target: `backup/${name}`,
    stages: [shellJoin(['bash', '-c', send]), shellJoin(['bash', '-c', 'cat >/dev/null; echo "receive says hi" >&2'])],
  }
}

function run(transfers: RunTransfer[], runId = 'run-1') {
  const script = runScript({ jobId: 'job-1', runId, stateDir: dir, lockFile: join(dir, 'job.lock'), transfers })
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' })
  return { code: r.status, state: parseRunState(readFileSync(join(dir, STATE_FILE), 'utf8')) }
}

describe('the run script', () => {
  it('is valid bash', () => {
    const script = runScript({ jobId: 'job-1', runId: 'run-1', stateDir: dir, lockFile: join(dir, 'l'), transfers: [transfer('a'), transfer('b c')] })
    expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0)
  })

  it('runs each transfer and records progress, estimates, exit statuses and receive errors', () => {
    const { code, state } = run([transfer('a'), transfer('family photos')])
    expect(code).toBe(0)
    expect(state.outcome).toBe('succeeded')
    expect(state.plannedTransfers).toBe(2)
    expect(state.transfers.map((t) => [t.source, t.target, t.status, t.stageStatus])).toEqual([
      ['tank/a', 'backup/a', 'succeeded', [0, 0]],
      ['tank/family photos', 'backup/family photos', 'succeeded', [0, 0]],
    ])
    // The estimate and progress lines are the captured zfs output, read back whole.
    const captured = readFileSync(progress, 'utf8')
    expect(state.transfers[0]!.totalBytes).toBe(Number(/^size\t(\d+)$/m.exec(captured)![1]))
    expect(state.transfers[0]!.bytesDone).toBeGreaterThan(0)
    expect(state.transfers[0]!.errors).toEqual(['receive says hi'])
  })

  it('fails the run when send fails even though the receiving side exits 0, and stops there', () => {
    const { code, state } = run([transfer('a', { sendExit: 3 }), transfer('b')])
    expect(code).not.toBe(0)
    expect(state.outcome).toBe('failed')
    expect(state.transfers).toHaveLength(1)
    expect(state.transfers[0]).toMatchObject({ status: 'failed', stageStatus: [3, 0] })
  })

  it('refuses a second run of the same job while one holds the lock, naming the holder', async () => {
    const fifo = join(dir, 'gate')
    execFileSync('mkfifo', [fifo])
    const first = runScript({ jobId: 'job-1', runId: 'run-first', stateDir: dir, lockFile: join(dir, 'job.lock'), transfers: [transfer('a', { block: fifo })] })
    execFileSync('bash', ['-c', startRunCommand({ stateDir: dir, runId: 'run-first', systemd: false })], { input: first })
    await waitForFile(join(dir, STATE_FILE), (t) => t.includes('\tstep-start\t'), 'the first run to start')

    const second = runScript({ jobId: 'job-1', runId: 'run-second', stateDir: join(dir, 'second'), lockFile: join(dir, 'job.lock'), transfers: [transfer('a')] })
    execFileSync('mkdir', [join(dir, 'second')])
    const r = spawnSync('bash', ['-c', second])
    expect(r.status).toBe(BUSY_EXIT)
    const busy = parseRunState(readFileSync(join(dir, 'second', STATE_FILE), 'utf8'))
    expect(busy.outcome).toBe('busy')
    expect(busy.busyHolder).toMatch(/^run-first \d+$/)

    execFileSync('bash', ['-c', `echo go > ${quoteArg(fifo)}`])
    const done = await waitForFile(join(dir, STATE_FILE), (t) => (t.includes('\trun-end\t') ? parseRunState(t) : null), 'the first run to end')
    expect(done.outcome).toBe('succeeded')
  })

  it('is cancelled through its process group, records it, and frees the lock', async () => {
    const fifo = join(dir, 'gate')
    execFileSync('mkfifo', [fifo])
    const script = runScript({ jobId: 'job-1', runId: 'run-1', stateDir: dir, lockFile: join(dir, 'job.lock'), transfers: [transfer('a', { block: fifo }), transfer('b')] })
    execFileSync('bash', ['-c', startRunCommand({ stateDir: dir, runId: 'run-1', systemd: false })], { input: script })
    const started = await waitForFile(join(dir, STATE_FILE), (t) => (t.includes('\tstep-start\t') ? parseRunState(t) : null), 'the run to start')
    expect(started.outcome).toBe('running')
    expect(started.pgid).toBeGreaterThan(1)

    execFileSync('bash', ['-c', cancelRunCommand({ runId: 'run-1', systemd: false, pgid: started.pgid! })])
    const ended = await waitForFile(join(dir, STATE_FILE), (t) => (t.includes('\trun-end\t') ? parseRunState(t) : null), 'the run to record its end')
    expect(ended.outcome).toBe('cancelled')
    expect(ended.transfers.map((t) => t.source)).toEqual(['tank/a'])
    // The lock is free again: a new run of the job starts.
    const again = run([transfer('c')], 'run-2')
    expect(again.state.outcome).toBe('succeeded')
  })

  it('refuses ids that could escape a file or unit name', () => {
    expect(() => runScript({ jobId: '../x', runId: 'r', stateDir: dir, lockFile: 'l', transfers: [] })).toThrow(/not a valid job or run id/)
    expect(() => cancelRunCommand({ runId: 'r', systemd: false, pgid: 1 })).toThrow(/process group/)
  })
})
