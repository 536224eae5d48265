// The app's way of replicating, on the lab, with the core pieces the runs service uses:
// one tree listing per host, the planner (resume tokens read by `zfs send -nvP -t`),
// runWork → runScript, started detached with systemd-run, and its state file followed
// on the NAS. Only the SSH transport differs (the lab's OpenSSH client, not ssh2).
import type { Lab } from '../test/lab/hosts'
import { listTreeCommand, parseTreeListing } from '../src-main/core/zfs/list-tree'
import type { DatasetTree } from '../src-main/core/zfs/dataset-tree'
import type { DatasetName } from '../src-main/core/zfs/names'
import { parseSendEstimate, resumeEstimateCommand } from '../src-main/core/zfs/send-estimate'
import type { ResumeTokenContents } from '../src-main/core/zfs/resume-token'
import { planReplication, type ReplicationJobSpec, type ReplicationPlan, type TokenCheck } from '../src-main/core/replication/plan'
import { runWork } from '../src-main/core/replication/job-run'
import type { PipelineOptions } from '../src-main/core/replication/pipeline'
import { nasToolsCommand, parseNasTools, type NasTools } from '../src-main/core/replication/nas-tools'
import { cancelRunCommand, runScript, startRunCommand, STATE_FILE } from '../src-main/core/replication/run-script'
import { parseRunState, type RunState } from '../src-main/core/replication/run-state'
import { quoteArg, shellJoin } from '../src-main/core/shell/quote'

export const STATE_ROOT = '/var/lib/zfs-offsite/bench-runs'

export const stateDirOf = (runId: string): string => `${STATE_ROOT}/${runId}`
export const lockFileOf = (jobId: string): string => `/run/lock/zfs-offsite-${jobId}.lock`

/** The receive user on the off-site box, reached over WireGuard, as a job stores it. */
export function receiverOf(lab: Lab): { user: string; address: string; port: number } {
  return { user: 'zfsreceive', address: lab.offsite.tunnelIp, port: 22 }
}

async function listTree(lab: Lab, host: 'nas' | 'offsite', root: DatasetName): Promise<DatasetTree> {
  const r = await lab[host].run(shellJoin(listTreeCommand(root).argv), { allowFail: true })
  if (r.code === 0) return parseTreeListing(r.stdout)
  if (/dataset does not exist/.test(r.stderr)) return { datasets: new Map() }
  throw new Error(`${host}: zfs list failed: ${r.stderr.trim()}`)
}

export interface AppPlan {
  readonly plan: ReplicationPlan
  /** The resume tokens' contents, per target, when the plan resumes something. */
  readonly tokens: ReadonlyMap<DatasetName, ResumeTokenContents>
}

/** Plans as the service does: list both trees, check each resume token with ZFS, plan again with them. */
export async function planOnLab(lab: Lab, spec: ReplicationJobSpec): Promise<AppPlan> {
  const [source, target] = await Promise.all([listTree(lab, 'nas', spec.sourceRoot), listTree(lab, 'offsite', spec.targetRoot)])
  let plan = planReplication(spec, source, target)
  const checks = new Map<DatasetName, TokenCheck>()
  const tokens = new Map<DatasetName, ResumeTokenContents>()
  for (const d of plan.datasets) {
    if (d.action.kind !== 'check-resume-token') continue
    const r = await lab.nas.run(shellJoin(resumeEstimateCommand(d.action.token).argv), { allowFail: true })
    const info = r.code === 0 ? parseSendEstimate(r.stdout).resumeToken : null
    if (info) {
      checks.set(d.target, { ok: true, info })
      tokens.set(d.target, info)
    } else checks.set(d.target, { ok: false, stderr: r.stderr || 'the token could not be read' })
  }
  if (checks.size > 0) plan = planReplication(spec, source, target, checks)
  return { plan, tokens }
}

export async function nasTools(lab: Lab): Promise<NasTools> {
  return parseNasTools((await lab.nas.run(shellJoin(nasToolsCommand().argv))).stdout)
}

/** Starts the app's run script for a plan, detached on the NAS, as the service does. */
export async function startAppRun(lab: Lab, input: { jobId: string; runId: string; spec: ReplicationJobSpec; plan: ReplicationPlan; shaping: PipelineOptions }): Promise<{ unmet: string[] }> {
  const tools = await nasTools(lab)
  const work = runWork([{ spec: input.spec, plan: input.plan }], receiverOf(lab), { ...input.shaping, tools: { pv: tools.pv, mbuffer: tools.mbuffer } })
  if (work.transfers.length === 0) throw new Error('the plan has nothing to transfer')
  const stateDir = stateDirOf(input.runId)
  const script = runScript({ jobId: input.jobId, runId: input.runId, stateDir, lockFile: lockFileOf(input.jobId), transfers: work.transfers })
  await lab.nas.run(startRunCommand({ stateDir, runId: input.runId, systemd: tools.systemd }), { stdin: script })
  return { unmet: work.unmet }
}

export async function cancelAppRun(lab: Lab, runId: string): Promise<void> {
  await lab.nas.run(cancelRunCommand({ runId, systemd: true }))
}

/** The state file's raw text (each line: µs since the epoch, event, fields). */
export async function stateText(lab: Lab, runId: string): Promise<string> {
  return (await lab.nas.run(`cat ${quoteArg(`${stateDirOf(runId)}/${STATE_FILE}`)}`)).stdout
}

/**
 * Follows the state file on the NAS (`tail -F`, as the app does) until zfs's own
 * progress says at least `bytes` were sent, or the run ended; deadline in seconds.
 */
export async function followRun(lab: Lab, runId: string, until: { bytes: number } | 'end', deadlineSeconds = 900): Promise<RunState> {
  const file = quoteArg(`${stateDirOf(runId)}/${STATE_FILE}`)
  const test =
    until === 'end'
      ? `[ "$ev" = run-end ] || [ "$ev" = busy ]`
      : // A progress line is "HH:MM:SS<TAB>bytes<TAB>snapshot"; the estimate lines are not.
        `{ [ "$ev" = progress ] && [[ "$hms" =~ ^[0-9]+:[0-9]+:[0-9]+$ ]] && [ "$b" -ge ${until.bytes} ]; } || [ "$ev" = run-end ]`
  const r = await lab.nas.run(
    `exec 3< <(exec tail -n +1 -F ${file} 2>/dev/null); t=$!
     found=1; end=$((SECONDS + ${deadlineSeconds}))
     while [ $SECONDS -lt $end ] && IFS=$'\\t' read -r -t $((end - SECONDS)) us ev idx hms b rest <&3; do if ${test}; then found=0; break; fi; done
     kill $t; exit $found`,
    { allowFail: true, timeoutMs: (deadlineSeconds + 60) * 1000 },
  )
  if (r.code !== 0) throw new Error(`run ${runId}: no ${until === 'end' ? 'end' : `progress to ${until.bytes} bytes`} within ${deadlineSeconds} s`)
  return parseRunState(await stateText(lab, runId))
}

/** zfs send -vP progress lines ("HH:MM:SS<TAB>bytes<TAB>snapshot") in a state file: [µs, bytes]. */
export function progressEvents(state: string): [number, number][] {
  const out: [number, number][] = []
  for (const line of state.split('\n')) {
    const f = line.split('\t')
    if (f[1] === 'progress' && /^\d{2}:\d{2}:\d{2}$/.test(f[3] ?? '') && /^\d+$/.test(f[4] ?? '')) out.push([Number(f[0]), Number(f[4])])
  }
  return out
}

/** µs timestamps of the first step-start and the last step-end in a state file. */
export function stepSpan(state: string): { startUs: number; endUs: number } {
  let startUs = NaN
  let endUs = NaN
  for (const line of state.split('\n')) {
    const f = line.split('\t')
    if (f[1] === 'step-start' && Number.isNaN(startUs)) startUs = Number(f[0])
    if (f[1] === 'step-end') endUs = Number(f[0])
  }
  if (Number.isNaN(startUs) || Number.isNaN(endUs)) throw new Error('the state file has no complete step')
  return { startUs, endUs }
}

/** Snapshot GUIDs of a dataset, oldest first. */
export async function guids(lab: Lab, host: 'nas' | 'offsite', ds: string): Promise<string[]> {
  return (await lab[host].run(`zfs list -Hp -t snapshot -o guid -s createtxg ${quoteArg(ds)}`)).stdout.trim().split('\n')
}

/** Nothing left from an earlier bench run: no run units, no state files, no locks. */
export async function clearRuns(lab: Lab): Promise<void> {
  await lab.nas.run(`systemctl stop 'zfs-offsite-run-*' 2>/dev/null; rm -rf ${STATE_ROOT} /run/lock/zfs-offsite-bench-*`)
}

export const MiB = 1024 * 1024
export const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits
