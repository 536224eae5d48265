// The lab for a benchmark: reuses a running lab in the bench's runtime directory, or
// boots one and stops it at the end (also on Ctrl-C). Benchmarks destroy and recreate
// the pools, so they default to their own runtime directory, never the tests' lab.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import process from 'node:process'
import { labHosts, labScript, readLabJson, type Lab } from '../test/lab/hosts'

/** Where benchmarks keep their lab unless LAB_RUNTIME_DIR says otherwise. */
export const BENCH_RUNTIME_DIR = '/var/tmp/zfs-offsite-lab-bench'
// The lab helper reads the variable on each call, so setting it here is enough.
process.env.LAB_RUNTIME_DIR ??= BENCH_RUNTIME_DIR

export interface LabSession {
  readonly lab: Lab
  /** True when this process booted the lab (and so stops it). */
  readonly booted: boolean
  /** Stops the lab if this process booted it; safe to call twice. */
  close(): void
}

function labCommand(action: 'up' | 'down' | 'status', env: NodeJS.ProcessEnv = {}): number {
  const r = spawnSync('bash', [labScript, action], {
    stdio: action === 'status' ? 'ignore' : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  })
  return r.status ?? 1
}

function liveRun(startedBy: string): string | null {
  const by = /^(vitest|capture|bench):(\d+)$/.exec(startedBy)
  if (!by || Number(by[2]) === process.pid) return null
  try {
    const cmdline = readFileSync(`/proc/${by[2]}/cmdline`, 'utf8')
    return /node|tsx|vitest/.test(cmdline) ? startedBy : null
  } catch {
    return null
  }
}

/** The lab for one benchmark, with a line on stderr saying whether it was reused or booted. */
export async function openLab(name: string): Promise<LabSession> {
  const dir = process.env.LAB_RUNTIME_DIR!
  let booted = false
  const state = readLabJson()
  if (labCommand('status') === 0 && state) {
    // A live test run, capture or other benchmark would destroy our pools, or we theirs.
    const other = liveRun(state.startedBy)
    if (other) throw new Error(`${name}: the lab in ${dir} is in use by ${other}; wait, or set LAB_RUNTIME_DIR to another directory`)
    console.error(`${name}: reusing the running lab in ${dir} (OpenZFS ${state.zfsSeries}, ${state.accel}, started by ${state.startedBy})`)
  } else {
    console.error(`${name}: no lab up in ${dir}; booting one (stopped again at the end)`)
    const marker = `bench:${process.pid}`
    if (labCommand('up', { LAB_STARTED_BY: marker }) !== 0) throw new Error(`${name}: could not boot the lab (see the lines above)`)
    booted = readLabJson()?.startedBy === marker
  }
  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
    if (booted) {
      console.error(`${name}: stopping the lab this run booted`)
      labCommand('down')
    }
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    close()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  process.once('exit', close)
  return { lab: await labHosts(), booted, close }
}

/** Runs a benchmark body in a lab session; the lab is stopped (if booted here) whatever happens. */
export async function withLab(name: string, body: (lab: Lab) => Promise<void>): Promise<void> {
  const session = await openLab(name)
  try {
    await body(session.lab)
  } catch (err) {
    console.error(`${name}: failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exitCode = 1
  } finally {
    session.close()
  }
}
