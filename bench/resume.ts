// `npm run bench:resume`: how much does an interrupted transfer cost when it continues?
// The app's run sends a full stream (48 MiB of random data) over WireGuard at a limited
// rate; once zfs's progress says half of it was sent, the run is cancelled as the app
// cancels it (systemctl stop of its unit). The app then plans again: the target's resume
// token, read by `zfs send -nvP -t`, turns into a resume, and a second run (no limit)
// finishes the stream. Starting over would send the whole stream again (share 1.0).
//
//   stream_bytes = the full stream, counted exactly (`zfs send … | wc -c` on the NAS)
//   resent_bytes = received before the cancel (the token's `bytes`) + what the resumed
//                  run sent (its stream, counted the same way) − stream_bytes
//
// Bytes that were in flight at the cancel (pipe, pv, ssh, TCP) were never received, so
// sending them again is not counted as resent; that loss is printed on its own line.
import { freshPools, prepareTunnelAndReceiveUser } from '../test/lab/hosts'
import { datasetName } from '../src-main/core/zfs/names'
import type { ReplicationJobSpec } from '../src-main/core/replication/plan'
import { shellJoin } from '../src-main/core/shell/quote'
import { sendResumeCommand } from '../src-main/core/zfs/send'
import { withLab } from './lab-session'
import { cancelAppRun, clearRuns, followRun, guids, MiB, planOnLab, progressEvents, round, startAppRun, stateText } from './app-run'

const SIZE_MIB = 48
const RATE = 2 * MiB
const SOURCE = 'tank/bench'
const TARGET = 'backup/nas/bench'
const JOB_ID = 'bench-resume'

const spec: ReplicationJobSpec = {
  sourceRoot: datasetName(SOURCE),
  targetRoot: datasetName(TARGET),
  recursive: false,
  raw: false,
  intermediates: true,
}

await withLab('bench:resume', async (lab) => {
  await freshPools()
  await prepareTunnelAndReceiveUser()
  await clearRuns(lab)
  await lab.nas.run(`set -e; zfs create ${SOURCE}; head -c ${SIZE_MIB}M /dev/urandom > /${SOURCE}/random.bin; zfs snapshot ${SOURCE}@s1`)
  await lab.offsite.run('zfs create -p backup/nas')
  const streamBytes = Number((await lab.nas.run(`zfs send ${SOURCE}@s1 | wc -c`)).stdout.trim())

  // First run: rate-limited, cancelled at about half the stream.
  const first = await planOnLab(lab, spec)
  if (first.plan.datasets[0]?.action.kind !== 'full') throw new Error(`expected a full send, got ${first.plan.datasets[0]?.action.kind}`)
  const { unmet } = await startAppRun(lab, { jobId: JOB_ID, runId: 'resume-a', spec, plan: first.plan, shaping: { rateLimitBytesPerSecond: RATE } })
  if (unmet.length > 0) throw new Error(`the NAS cannot limit the rate: ${unmet.join('; ')}`)
  const half = await followRun(lab, 'resume-a', { bytes: Math.floor(streamBytes / 2) })
  if (half.outcome !== 'running') throw new Error(`the first run ended (${half.outcome}) before half the stream`)
  await cancelAppRun(lab, 'resume-a')
  const cancelled = await followRun(lab, 'resume-a', 'end')
  if (cancelled.outcome !== 'cancelled') throw new Error(`the first run's outcome is ${cancelled.outcome}, not cancelled`)
  const sentBeforeCancel = Math.max(0, ...progressEvents(await stateText(lab, 'resume-a')).map(([, b]) => b))

  // Plan again: the token is read by ZFS and the plan resumes.
  const second = await planOnLab(lab, spec)
  const action = second.plan.datasets[0]?.action
  if (action?.kind !== 'resume') throw new Error(`expected a resume, got ${action?.kind}`)
  const receivedBeforeCancel = second.tokens.get(datasetName(TARGET))?.bytes
  if (receivedBeforeCancel === null || receivedBeforeCancel === undefined) throw new Error('the resume token carries no byte count')
  // The resumed stream, counted exactly before the run sends it (a local send changes nothing).
  const resumedBytes = Number((await lab.nas.run(`${shellJoin(sendResumeCommand(action.token).argv)} 2>/dev/null | wc -c`)).stdout.trim())
  await startAppRun(lab, { jobId: JOB_ID, runId: 'resume-b', spec, plan: second.plan, shaping: {} })
  const done = await followRun(lab, 'resume-b', 'end')
  if (done.outcome !== 'succeeded') throw new Error(`the resumed run ${done.outcome}: ${done.transfers.flatMap((t) => t.errors).join('; ')}`)
  const resumedProgress = Math.max(0, ...progressEvents(await stateText(lab, 'resume-b')).map(([, b]) => b))

  const [src, dst] = [await guids(lab, 'nas', SOURCE), await guids(lab, 'offsite', TARGET)]
  if (JSON.stringify(src) !== JSON.stringify(dst)) throw new Error(`GUIDs differ after the resume: nas ${src.join(',')} offsite ${dst.join(',')}`)

  const resent = receivedBeforeCancel + resumedBytes - streamBytes
  console.log(
    JSON.stringify({
      rate_limit_bytes_s: RATE,
      sent_before_cancel_progress: sentBeforeCancel,
      received_before_cancel_token: receivedBeforeCancel,
      lost_in_flight_at_least: sentBeforeCancel - receivedBeforeCancel,
      resumed_stream_bytes: resumedBytes,
      resumed_last_progress: resumedProgress,
      guids_equal: true,
      resent_if_started_over: streamBytes,
      stream_mib: round(streamBytes / MiB),
    }),
  )
  console.log(JSON.stringify({ stream_bytes: streamBytes, resent_bytes: resent, resent_share: round(resent / streamBytes, 4) }))
})
