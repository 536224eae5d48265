// `npm run bench:transfer`: does the app's pipeline cost throughput? The same full stream
// (32 MiB of random data) goes over the WireGuard tunnel to the delegated receive user,
// alternately by the app (planned, run script started detached with systemd-run, state
// file followed) and by a bare `zfs send | ssh zfsreceive@… zfs receive -s -u` typed on
// the NAS; the received copy is destroyed between rounds. Both are timed on the NAS's
// clock from the pipeline's start to its end (the app: its step-start and step-end
// lines). One uncounted bare transfer first warms both ends (ARC, the new pool's
// metaslabs, ssh); then app and bare take turns in the order A B B A A B B A, so a drift
// in the machine's load (the lab shares two cores with whatever else runs) hits both
// alike. Each side's rate is its median round; the ratio is the median of the four
// ratios of neighbouring rounds (1-2, 3-4, 5-6, 7-8), which ran under the same load. Also counts the progress events the app
// sees (zfs send -vP progress lines in the state file) per second of transfer, and the
// longest gap between two of them. One JSON line per round, then the summary line.
import { freshPools, prepareTunnelAndReceiveUser, type Lab } from '../test/lab/hosts'
import { datasetName } from '../src-main/core/zfs/names'
import { ZFS_PATH } from '../src-main/core/zfs/receive'
import type { ReplicationJobSpec } from '../src-main/core/replication/plan'
import { shellJoin } from '../src-main/core/shell/quote'
import { withLab } from './lab-session'
import { clearRuns, followRun, guids, MiB, planOnLab, progressEvents, round, startAppRun, stateText, stepSpan } from './app-run'

const SIZE_MIB = 32
const ORDER = ['app', 'bare', 'bare', 'app', 'app', 'bare', 'bare', 'app'] as const
const SOURCE = 'tank/bench'
const TARGET = 'backup/nas/bench'
const JOB_ID = 'bench-transfer'

const spec: ReplicationJobSpec = {
  sourceRoot: datasetName(SOURCE),
  targetRoot: datasetName(TARGET),
  recursive: false,
  raw: false,
  intermediates: true,
}

interface Round {
  way: 'app' | 'bare'
  seconds: number
  events: number
  /** Longest time without a progress event, from the step's start to its end. */
  maxGapSeconds: number
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

async function appRound(lab: Lab, n: number): Promise<Round> {
  const { plan } = await planOnLab(lab, spec)
  const action = plan.datasets[0]?.action.kind
  if (action !== 'full') throw new Error(`expected a full send to plan, got ${action}`)
  const runId = `transfer-${n}`
  await startAppRun(lab, { jobId: JOB_ID, runId, spec, plan, shaping: {} })
  const end = await followRun(lab, runId, 'end')
  if (end.outcome !== 'succeeded') throw new Error(`app run ${runId} ${end.outcome}: ${end.transfers.flatMap((t) => t.errors).join('; ')}`)
  const state = await stateText(lab, runId)
  const { startUs, endUs } = stepSpan(state)
  const times = [startUs, ...progressEvents(state).map(([us]) => us), endUs]
  const maxGapSeconds = Math.max(...times.slice(1).map((t, i) => t - times[i]!)) / 1e6
  return { way: 'app', seconds: (endUs - startUs) / 1e6, events: times.length - 2, maxGapSeconds }
}

async function bareRound(lab: Lab): Promise<Round> {
  const receive = shellJoin([ZFS_PATH, 'receive', '-s', '-u', TARGET])
  const r = await lab.nas.run(
    `set -o pipefail; s=$EPOCHREALTIME
     zfs send ${SOURCE}@s1 | ssh -o BatchMode=yes zfsreceive@${lab.offsite.tunnelIp} ${receive}
     rc=$?; e=$EPOCHREALTIME; echo "$s $e"; exit $rc`,
  )
  const [s, e] = r.stdout.trim().split(' ').map(Number)
  return { way: 'bare', seconds: e! - s!, events: 0, maxGapSeconds: 0 }
}

await withLab('bench:transfer', async (lab) => {
  await freshPools()
  await prepareTunnelAndReceiveUser()
  await clearRuns(lab)
  await lab.nas.run(`set -e; zfs create ${SOURCE}; head -c ${SIZE_MIB}M /dev/urandom > /${SOURCE}/random.bin; zfs snapshot ${SOURCE}@s1`)
  await lab.offsite.run('zfs create -p backup/nas')
  // The exact stream size, read locally; this also puts the data in the ARC, so every
  // round reads from memory and none is favoured by a cold cache.
  const bytes = Number((await lab.nas.run(`zfs send ${SOURCE}@s1 | wc -c`)).stdout.trim())
  await bareRound(lab)
  await lab.offsite.run(`zfs destroy -r ${TARGET}`)
  const rounds: Round[] = []
  for (const [i, way] of ORDER.entries()) {
    const r = way === 'app' ? await appRound(lab, i + 1) : await bareRound(lab)
    const same = JSON.stringify(await guids(lab, 'offsite', TARGET)) === JSON.stringify(await guids(lab, 'nas', SOURCE))
    if (!same) throw new Error(`round ${i + 1} (${way}): the received snapshot's GUID differs from the source's`)
    rounds.push(r)
    const extra = way === 'app' ? { progress_events: r.events, max_gap_s: round(r.maxGapSeconds) } : {}
    console.log(JSON.stringify({ round: i + 1, way, bytes, seconds: round(r.seconds), mib_s: round(bytes / MiB / r.seconds), ...extra }))
    await lab.offsite.run(`zfs destroy -r ${TARGET}`)
  }
  const rate = (way: Round['way']) => median(rounds.filter((r) => r.way === way).map((r) => bytes / MiB / r.seconds))
  const app = rounds.filter((r) => r.way === 'app')
  const pairRatios: number[] = []
  for (let i = 0; i + 1 < rounds.length; i += 2) {
    const [a, b] = rounds[i]!.way === 'app' ? [rounds[i]!, rounds[i + 1]!] : [rounds[i + 1]!, rounds[i]!]
    pairRatios.push(b.seconds / a.seconds)
  }
  console.log(JSON.stringify({ pair_ratios: pairRatios.map((r) => round(r)) }))
  console.log(
    JSON.stringify({
      bytes,
      app_mib_s: round(rate('app')),
      bare_mib_s: round(rate('bare')),
      ratio: round(median(pairRatios)),
      progress_events_per_s: round(app.reduce((t, r) => t + r.events, 0) / app.reduce((t, r) => t + r.seconds, 0)),
    }),
  )
})
