// The detached run on a real NAS: the app's run script started as a transient systemd
// unit, followed through its state file, cancelled mid-stream and resumed from ZFS's
// token, and refused while another run of the job holds the lock. Data goes over the
// WireGuard tunnel to the delegated receive user, rate-limited so the run lasts long
// enough to interrupt.
import { beforeAll, describe, expect, it } from 'vitest'
import { freshPools, labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { listTreeCommand, parseTreeListing } from '../../src-main/core/zfs/list-tree'
import { planReplication, type ReplicationJobSpec, type TokenCheck } from '../../src-main/core/replication/plan'
import { stepsFor } from '../../src-main/core/replication/steps'
import { pipelineStages, type PipelineOptions, type ReceiverEndpoint } from '../../src-main/core/replication/pipeline'
import { runScript, startRunCommand, cancelRunCommand, STATE_FILE, type RunTransfer } from '../../src-main/core/replication/run-script'
import { parseRunState, type RunState } from '../../src-main/core/replication/run-state'
import { resumeEstimateCommand, parseSendEstimate } from '../../src-main/core/zfs/send-estimate'
import { ZFS_PATH } from '../../src-main/core/zfs/receive'
import { datasetName, type DatasetName } from '../../src-main/core/zfs/names'
import { quoteArg, shellJoin } from '../../src-main/core/shell/quote'

const job: ReplicationJobSpec = {
  sourceRoot: datasetName('tank/docs'),
  targetRoot: datasetName('backup/nas/docs'),
  recursive: false,
  raw: false,
  intermediates: true,
}
const JOB_ID = 'job-docs'
const LOCK = `/run/lock/zfs-offsite-${JOB_ID}.lock`
let lab: Lab
let receiver: ReceiverEndpoint

const stateDirOf = (runId: string) => `/var/lib/zfs-offsite/runs/${runId}`

async function currentPlan(tokens?: Map<DatasetName, TokenCheck>) {
  const list = async (host: 'nas' | 'offsite', root: DatasetName) => {
    const r = await lab[host].run(shellJoin(listTreeCommand(root).argv), { allowFail: true })
    return r.code === 0 ? parseTreeListing(r.stdout) : { datasets: new Map() }
  }
  return planReplication(job, await list('nas', job.sourceRoot), await list('offsite', job.targetRoot), tokens)
}

function transfersOf(plan: Awaited<ReturnType<typeof currentPlan>>, options: PipelineOptions): RunTransfer[] {
  return plan.datasets.flatMap((d) =>
    stepsFor(job, d, { zfsPathOnTarget: ZFS_PATH }).flatMap((step) =>
      step.kind === 'transfer' ? [{ label: step.label, source: d.source, target: d.target, stages: pipelineStages(step.send, step.receive, receiver, options) }] : [],
    ),
  )
}

async function start(runId: string, transfers: RunTransfer[]): Promise<void> {
  const script = runScript({ jobId: JOB_ID, runId, stateDir: stateDirOf(runId), lockFile: LOCK, transfers })
  await lab.nas.run(startRunCommand({ stateDir: stateDirOf(runId), runId, systemd: true }), { stdin: script })
}

/**
 * Follows the state file on the NAS until the run has sent at least `bytes` (from zfs's
 * own progress lines) or has ended (run-end, or busy), with a deadline; returns the state.
 */
async function follow(runId: string, until: { bytes: number } | 'end', deadlineSeconds = 600): Promise<RunState> {
  const file = quoteArg(`${stateDirOf(runId)}/${STATE_FILE}`)
  const test =
    until === 'end'
      ? `[ "$ev" = run-end ] || [ "$ev" = busy ]`
      : // A progress line is "HH:MM:SS<TAB>bytes<TAB>snapshot"; the estimate lines are not.
        `[ "$ev" = progress ] && [[ "$hms" =~ ^[0-9]+:[0-9]+:[0-9]+$ ]] && [[ "$b" =~ ^[0-9]+$ ]] && [ "$b" -ge ${until.bytes} ]`
  await lab.nas.run(
    `exec 3< <(exec tail -n +1 -F ${file} 2>/dev/null); t=$!
     found=1
     while IFS=$'\\t' read -r -t ${deadlineSeconds} us ev idx hms b rest <&3; do if ${test}; then found=0; break; fi; done
     kill $t; exit $found`,
  )
  return parseRunState((await lab.nas.run(`cat ${file}`)).stdout)
}

async function guids(host: 'nas' | 'offsite', ds: string): Promise<string[]> {
  return (await lab[host].run(`zfs list -Hp -t snapshot -o guid -s createtxg ${quoteArg(ds)}`)).stdout.trim().split('\n')
}

describe('a detached run on the NAS', () => {
  beforeAll(async () => {
    lab = await labHosts()
    await freshPools()
    await prepareTunnelAndReceiveUser()
    receiver = { user: 'zfsreceive', host: lab.offsite.tunnelIp }
    // Nothing left from an earlier run of this file: no run units, no state files.
    await lab.nas.run(`systemctl stop 'zfs-offsite-run-*' 2>/dev/null; rm -rf /var/lib/zfs-offsite/runs ${LOCK} ${LOCK}.owner`)
    await lab.nas.run(`set -e; zfs create tank/docs; head -c 6M /dev/urandom > /tank/docs/a.bin; zfs snapshot tank/docs@s1`)
    await lab.offsite.run(`zfs create -p backup/nas && zfs allow -u zfsreceive create,mount,receive backup/nas`)
  })

  it('is cancelled mid-stream, leaves a resumable state, and a new run resumes it to the end', async () => {
    const first = await currentPlan()
    expect(first.datasets[0]!.action.kind).toBe('full')
    await start('run-a', transfersOf(first, { rateLimitBytesPerSecond: 512 * 1024, tools: { pv: true, mbuffer: false } }))
    // Cancel once data is flowing into the receiver, so ZFS keeps a partial state.
    const going = await follow('run-a', { bytes: 2 * 1024 * 1024 })
    expect(going.outcome).toBe('running')
    expect(going.transfers[0]!.bytesDone).toBeGreaterThan(0)

    await lab.nas.run(cancelRunCommand({ runId: 'run-a', systemd: true }))
    const cancelled = await follow('run-a', 'end')
    expect(cancelled.outcome).toBe('cancelled')
    // No pipeline process is left on the NAS ('^' keeps pgrep from matching the shell
    // that runs it, whose own command line contains the pattern).
    expect((await lab.nas.run(`pgrep -f '^zfs send' || true`)).stdout.trim()).toBe('')
    expect((await lab.nas.run(`systemctl is-active zfs-offsite-run-run-a.service || true`)).stdout.trim()).not.toBe('active')

    const pending = await currentPlan()
    const action = pending.datasets[0]!.action
    expect(action.kind).toBe('check-resume-token')
    const token = (action as { token: string }).token
    const info = parseSendEstimate((await lab.nas.run(shellJoin(resumeEstimateCommand(token).argv))).stdout).resumeToken!
    const resumed = await currentPlan(new Map([[pending.datasets[0]!.target, { ok: true, info } as TokenCheck]]))
    expect(resumed.datasets[0]!.action.kind).toBe('resume')
    await start('run-b', transfersOf(resumed, { tools: { pv: true, mbuffer: true } }))
    const done = await follow('run-b', 'end')
    expect(done.outcome).toBe('succeeded')
    expect(done.transfers[0]!.stageStatus!.every((s) => s === 0)).toBe(true)
    expect(await guids('offsite', 'backup/nas/docs')).toEqual(await guids('nas', 'tank/docs'))
  })

  it('refuses a second run of the job while one holds the lock, and says who holds it', async () => {
    await lab.nas.run(`set -e; head -c 4M /dev/urandom > /tank/docs/b.bin; zfs snapshot tank/docs@s2`)
    const plan = await currentPlan()
    await start('run-c', transfersOf(plan, { rateLimitBytesPerSecond: 256 * 1024, tools: { pv: true, mbuffer: true } }))
    await follow('run-c', { bytes: 1 })
    await start('run-d', transfersOf(plan, { tools: { pv: true, mbuffer: true } }))
    const busy = await follow('run-d', 'end')
    expect(busy.outcome).toBe('busy')
    expect(busy.busyHolder).toMatch(/^run-c \d+$/)
    // The first run, reattached from its state file as after an app restart, finishes.
    const finished = await follow('run-c', 'end')
    expect(finished.outcome).toBe('succeeded')
    expect(await guids('offsite', 'backup/nas/docs')).toEqual(await guids('nas', 'tank/docs'))
  })
})
