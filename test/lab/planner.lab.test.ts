// The planner's decisions checked against real ZFS: each planned case is executed with
// the commands the app builds (stepsFor + replicationPipeline) on the lab's pools, and
// ZFS's own answer must agree — the transfer succeeds where the plan says it can, and
// fails with the error the plan predicted where it says a person must decide.
// Sends go over the plain VM link as the delegated receive user (the tunnel itself is
// tested in end-to-end.lab.test.ts); dataset names carry spaces on purpose.
import { beforeAll, describe, expect, it } from 'vitest'
import { freshPools, labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts'
import { listTreeCommand, parseTreeListing } from '../../src-main/core/zfs/list-tree'
import { planReplication, type ReplicationJobSpec, type TokenCheck, type DatasetPlan } from '../../src-main/core/replication/plan'
import { stepsFor } from '../../src-main/core/replication/steps'
import { replicationPipeline, type ReceiverEndpoint } from '../../src-main/core/replication/pipeline'
import { resumeEstimateCommand, parseSendEstimate } from '../../src-main/core/zfs/send-estimate'
import { ZFS_PATH, receiveCommand } from '../../src-main/core/zfs/receive'
import { sendCommand } from '../../src-main/core/zfs/send'
import { classifyError } from '../../src-main/core/errors/error-table'
import { datasetName, snapshotName, type DatasetName } from '../../src-main/core/zfs/names'
import { shellJoin } from '../../src-main/core/shell/quote'
import type { DatasetTree } from '../../src-main/core/zfs/dataset-tree'

const job: ReplicationJobSpec = {
  sourceRoot: datasetName('tank/family data'),
  targetRoot: datasetName('backup/nas/family data'),
  recursive: true,
  raw: false,
  intermediates: true,
}

let lab: Lab
let receiver: ReceiverEndpoint

async function tree(host: 'nas' | 'offsite', root: DatasetName): Promise<DatasetTree> {
  const r = await lab[host].run(shellJoin(listTreeCommand(root).argv), { allowFail: true })
  if (r.code !== 0) {
    // A target root that does not exist yet is an empty tree, as the app treats it.
    expect(classifyError(r.stderr, r.code).code).toBe('ZFS_DATASET_MISSING')
    return { datasets: new Map() }
  }
  return parseTreeListing(r.stdout)
}

async function plan(tokens?: Map<DatasetName, TokenCheck>) {
  return planReplication(job, await tree('nas', job.sourceRoot), await tree('offsite', job.targetRoot), tokens)
}

/** Carries out a dataset's plan with the app's own commands; returns each transfer's result. */
async function execute(p: DatasetPlan, options: { truncateAfterBytes?: number } = {}) {
  const results = []
  for (const step of stepsFor(job, p, { zfsPathOnTarget: ZFS_PATH })) {
    if (step.kind === 'transfer') {
      results.push(await lab.nas.run(replicationPipeline(step.send, step.receive, receiver, options), { allowFail: true }))
    } else {
      results.push(await lab.offsite.run(shellJoin(step.command.argv), { allowFail: true }))
    }
  }
  return results
}

const root = (p: Awaited<ReturnType<typeof plan>>) => p.datasets.find((d) => d.source === job.sourceRoot)!

async function guidsOf(host: 'nas' | 'offsite', ds: string): Promise<string[]> {
  const r = await lab[host].run(`zfs list -Hp -t snapshot -o guid -s createtxg ${shellJoin([ds])}`)
  return r.stdout.trim().split('\n')
}

describe('the planner against real ZFS', () => {
  beforeAll(async () => {
    lab = await labHosts()
    await freshPools()
    await prepareTunnelAndReceiveUser()
    receiver = { user: 'zfsreceive', host: lab.offsite.linkIp }
    await lab.nas.run(
      `set -e
       zfs create 'tank/family data'
       head -c 1M /dev/urandom > '/tank/family data/a.bin'
       zfs snapshot 'tank/family data@s1'
       head -c 1M /dev/urandom > '/tank/family data/b.bin'
       zfs snapshot 'tank/family data@s2'
       zfs snapshot 'tank/family data@s3'`,
    )
    // The target's parent exists; the dataset itself does not yet.
    await lab.offsite.run(`zfs create -p backup/nas && zfs allow -u zfsreceive create,mount,receive backup/nas`)
  })

  it('plans a full send for an absent target, and after it runs ZFS has every snapshot', async () => {
    const p = await plan()
    expect(root(p).action).toMatchObject({ kind: 'full', first: { name: 's1' }, thenTo: { name: 's3' } })
    const results = await execute(root(p))
    expect(results.map((r) => [r.code, r.stderr.includes('cannot')])).toEqual([
      [0, false],
      [0, false],
    ])
    expect(await guidsOf('offsite', 'backup/nas/family data')).toEqual(await guidsOf('nas', 'tank/family data'))
    expect(root(await plan()).action.kind).toBe('up-to-date')
  })

  it('plans an incremental from the newest common GUID, and ZFS accepts it', async () => {
    await lab.nas.run(`zfs snapshot 'tank/family data@s4' && zfs snapshot 'tank/family data@s5'`)
    const p = await plan()
    expect(root(p).action).toMatchObject({ kind: 'incremental', base: { name: 's3' }, to: { name: 's5' }, snapshotsToSend: 2 })
    const [r] = await execute(root(p))
    expect(r!.code).toBe(0)
    expect(await guidsOf('offsite', 'backup/nas/family data')).toEqual(await guidsOf('nas', 'tank/family data'))
    expect(root(await plan()).action.kind).toBe('up-to-date')
  })

  it('resumes a transfer cut off mid-stream, from the token ZFS left', async () => {
    await lab.nas.run(`head -c 3M /dev/urandom > '/tank/family data/c.bin' && zfs snapshot 'tank/family data@s6'`)
    const cut = await execute(root(await plan()), { truncateAfterBytes: 1024 * 1024 })
    expect(cut[0]!.code).not.toBe(0)
    expect(classifyError(cut[0]!.stderr, cut[0]!.code).code).toBe('ZFS_PARTIAL_RECEIVE_SAVED')

    const pending = await plan()
    expect(root(pending).action.kind).toBe('check-resume-token')
    const token = (root(pending).action as { token: string }).token
    const decoded = await lab.nas.run(shellJoin(resumeEstimateCommand(token).argv))
    const contents = parseSendEstimate(decoded.stdout).resumeToken!
    const tokens = new Map<DatasetName, TokenCheck>([[root(pending).target, { ok: true, info: contents }]])
    const p = await plan(tokens)
    expect(root(p).action).toMatchObject({ kind: 'resume', toname: 'tank/family data@s6' })
    const [r] = await execute(root(p))
    expect(r!.code).toBe(0)
    expect(await guidsOf('offsite', 'backup/nas/family data')).toEqual(await guidsOf('nas', 'tank/family data'))
  })

  it('stops when the target has a snapshot the source lacks, and shows what a rollback would destroy', async () => {
    await lab.offsite.run(`zfs snapshot 'backup/nas/family data@made-off-site'`)
    await lab.nas.run(`zfs snapshot 'tank/family data@s7'`)
    const p = await plan()
    // ZFS itself would accept the incremental here and file s7 after made-off-site (no
    // data changed); the planner still stops, because the off-site history now holds
    // something the NAS never had, and a person should see it first.
    expect(root(p).action).toMatchObject({ kind: 'diverged', base: { name: 's6' }, rollbackWouldDestroy: ['made-off-site'], changedSinceSnapshot: 0 })
    expect(p.runnable).toBe(false)
  })

  it('stops on data changed off-site, and ZFS refuses the incremental as the plan predicted', async () => {
    await lab.offsite.run(
      `set -e; zfs mount 'backup/nas/family data'
       echo 'changed off-site' > '/backup/nas/family data/local.txt'
       zpool sync backup`,
    )
    const p = await plan()
    const action = root(p).action
    expect(action).toMatchObject({ kind: 'diverged', rollbackWouldDestroy: ['made-off-site'] })
    expect((action as { changedSinceSnapshot: number }).changedSinceSnapshot).toBeGreaterThan(0)
    // What a planner without this check would send: ZFS refuses it.
    const send = sendCommand(snapshotName('tank/family data@s7').full, { raw: false, from: { name: 'tank/family data@s6', intermediates: true } })
    const receive = receiveCommand(root(p).target, { zfsPath: ZFS_PATH })
    const r = await lab.nas.run(replicationPipeline(send, receive, receiver), { allowFail: true })
    expect(r.code).not.toBe(0)
    expect(classifyError(r.stderr, r.code).code).toBe('ZFS_TARGET_MODIFIED')
    // Nothing was destroyed or rolled back on the target.
    expect((await lab.offsite.run(`zfs list -H -o name -t snapshot 'backup/nas/family data@made-off-site'`)).code).toBe(0)
    expect((await lab.offsite.run(`cat '/backup/nas/family data/local.txt'`)).stdout).toBe('changed off-site\n')
  })

  it('refuses a target with no common snapshot, and ZFS will not overwrite it either', async () => {
    await lab.nas.run(`zfs create 'tank/family data/photos' && zfs snapshot 'tank/family data/photos@p1'`)
    await lab.offsite.run(`zfs create -u 'backup/nas/family data/photos' && zfs snapshot 'backup/nas/family data/photos@unrelated'`)
    const p = await plan()
    const photos = p.datasets.find((d) => d.source === 'tank/family data/photos')!
    expect(photos.action).toMatchObject({ kind: 'no-common-snapshot', targetSnapshots: 1 })
    const send = sendCommand(snapshotName('tank/family data/photos@p1').full, { raw: false })
    const r = await lab.nas.run(replicationPipeline(send, receiveCommand(photos.target, { zfsPath: ZFS_PATH }), receiver), { allowFail: true })
    expect(r.code).not.toBe(0)
    expect(classifyError(r.stderr, r.code).code).toBe('ZFS_DESTINATION_EXISTS')
  })
})
