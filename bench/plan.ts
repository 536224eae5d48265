// `npm run bench:plan`: how long parsing one listing per host and planning takes for
// big trees. Generates `zfs list -Hp` output in OpenZFS's exact format for 10, 200 and
// 2,000 datasets × 100 snapshots (target one snapshot behind), then times parse + plan
// in CPU milliseconds (best of 5 after a warm-up). One JSON line per size.
import { parseTreeListing, listTreeCommand } from '../src-main/core/zfs/list-tree'
import { planReplication, type ReplicationJobSpec } from '../src-main/core/replication/plan'
import type { DatasetName } from '../src-main/core/zfs/names'
import { listing, type DatasetSpec } from '../test/support/listing-builder'

const SNAPSHOTS = 100
const GOAL_MS = 300

function trees(datasets: number): { source: string; target: string } {
  const src: DatasetSpec[] = []
  const dst: DatasetSpec[] = []
  for (let d = 0; d < datasets; d++) {
    const rel = d === 0 ? '' : `/group ${d % 40}/dataset-${d}`
    const snaps = Array.from({ length: SNAPSHOTS }, (_, i) => ({
      name: `autosnap_2026-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}_00:00:00_daily`,
      guid: String(1000000000000000000n + BigInt(d * 1000 + i)),
      txg: 100 + i * 10 + d,
    }))
    src.push({ name: `tank/data${rel}`, snaps })
    dst.push({ name: `backup/nas/data${rel}`, snaps: snaps.slice(0, SNAPSHOTS - 1).map((s) => ({ ...s, txg: s.txg + 5 })) })
  }
  // Parents must be listed before children for a well-formed tree: add the group datasets.
  const groups = new Set(src.slice(1).map((s) => s.name.split('/').slice(0, 3).join('/')))
  for (const g of groups) {
    src.push({ name: g })
    dst.push({ name: g.replace('tank/data', 'backup/nas/data') })
  }
  // The transport hands over stdout decoded from bytes (one flat string), as here.
  return { source: Buffer.from(listing(src)).toString('utf8'), target: Buffer.from(listing(dst)).toString('utf8') }
}

const job: ReplicationJobSpec = {
  sourceRoot: 'tank/data' as DatasetName,
  targetRoot: 'backup/nas/data' as DatasetName,
  recursive: true,
  raw: false,
  intermediates: true,
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage()
  fn()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

let failed = false
for (const datasets of [10, 200, 2000]) {
  const { source, target } = trees(datasets)
  let incremental = 0
  const run = (): void => {
    const plan = planReplication(job, parseTreeListing(source), parseTreeListing(target))
    incremental = plan.datasets.filter((d) => d.action.kind === 'incremental').length
  }
  run()
  const samples = Array.from({ length: 5 }, () => cpuMs(run))
  const best = Math.min(...samples)
  // One listing per host, whatever the size: the same argv for any tree.
  const commandsPerHost = [listTreeCommand(job.sourceRoot)].length
  console.log(
    JSON.stringify({
      datasets,
      snapshots_per_dataset: SNAPSHOTS,
      cpu_ms: Math.round(best * 10) / 10,
      commands_per_host: commandsPerHost,
      listing_lines_per_host: source.split('\n').length - 1,
      incremental_datasets: incremental,
    }),
  )
  if (datasets === 2000 && best >= GOAL_MS) failed = true
}
if (failed) {
  console.error(`bench:plan: 2,000 × ${SNAPSHOTS} took longer than the ${GOAL_MS} ms goal`)
  process.exit(1)
}
