import { describe, expect, it } from 'vitest'
import { stepsFor } from '../../../../src-main/core/replication/steps'
import { replicationPipeline, shapingStage, sshArgv } from '../../../../src-main/core/replication/pipeline'
import { planReplication, type ReplicationJobSpec } from '../../../../src-main/core/replication/plan'
import { parseTreeListing } from '../../../../src-main/core/zfs/list-tree'
import { receiveCommand } from '../../../../src-main/core/zfs/receive'
import { datasetName } from '../../../../src-main/core/zfs/names'
import { listing, type DatasetSpec } from '../../../support/listing-builder'
import { shellWords } from '../../../support/shell-words'

const job: ReplicationJobSpec = {
  sourceRoot: datasetName('tank/my data'),
  targetRoot: datasetName('backup/nas/my data'),
  recursive: false,
  raw: true,
  intermediates: true,
}
const s1 = { name: 's1', guid: '1', txg: 1 }
const s2 = { name: 's2', guid: '2', txg: 2 }
const s3 = { name: 's3', guid: '3', txg: 3 }

function stepsOf(source: DatasetSpec[], target: DatasetSpec[]) {
  const plan = planReplication(job, parseTreeListing(listing(source)), parseTreeListing(listing(target)))
  return stepsFor(job, plan.datasets[0]!)
}

const argvs = (steps: ReturnType<typeof stepsOf>) => steps.map((s) => (s.kind === 'transfer' ? [s.send.argv, s.receive.argv] : [s.command.argv]))

describe('steps for a plan', () => {
  it('sends the first snapshot whole, then the rest with -I, raw, into a resumable unmounted receive', () => {
    expect(argvs(stepsOf([{ name: 'tank/my data', snaps: [s1, s2, s3] }], []))).toEqual([
      [['zfs', 'send', '-vP', '-w', 'tank/my data@s1'], ['zfs', 'receive', '-s', '-u', 'backup/nas/my data']],
      [['zfs', 'send', '-vP', '-w', '-I', 'tank/my data@s1', 'tank/my data@s3'], ['zfs', 'receive', '-s', '-u', 'backup/nas/my data']],
    ])
  })

  it('starts from a bookmark with -i to the next snapshot, then -I on, so no snapshot in between is skipped', () => {
    const s4 = { name: 's4', guid: '4', txg: 4 }
    const steps = stepsOf(
      [{ name: 'tank/my data', snaps: [{ ...s1, bookmark: true }, s2, s3, s4] }],
      [{ name: 'backup/nas/my data', encryption: 'aes-256-gcm', snaps: [s1] }],
    )
    expect(argvs(steps).map((a) => a[0])).toEqual([
      ['zfs', 'send', '-vP', '-w', '-i', 'tank/my data#s1', 'tank/my data@s2'],
      ['zfs', 'send', '-vP', '-w', '-I', 'tank/my data@s2', 'tank/my data@s4'],
    ])
  })

  it('sends one -i step from a bookmark when only one snapshot follows it', () => {
    const steps = stepsOf([{ name: 'tank/my data', snaps: [{ ...s1, bookmark: true }, s2] }], [{ name: 'backup/nas/my data', encryption: 'aes-256-gcm', snaps: [s1] }])
    expect(argvs(steps).map((a) => a[0])).toEqual([['zfs', 'send', '-vP', '-w', '-i', 'tank/my data#s1', 'tank/my data@s2']])
  })

  it('keeps large blocks, embedded data and compression on a non-raw stream when the job says so', () => {
    const plain = { ...job, raw: false, largeBlocks: true, embedded: true, compressed: true }
    const plan = planReplication(plain, parseTreeListing(listing([{ name: 'tank/my data', snaps: [s1] }])), parseTreeListing(listing([])))
    const step = stepsFor(plain, plan.datasets[0]!)[0]!
    expect(step.kind === 'transfer' && step.send.argv).toEqual(['zfs', 'send', '-vP', '-L', '-e', '-c', 'tank/my data@s1'])
  })

  it('never uses receive -F, and has no steps for a plan that needs a person', () => {
    const diverged = stepsOf([{ name: 'tank/my data', snaps: [s1, s2] }], [{ name: 'backup/nas/my data', encryption: 'aes-256-gcm', snaps: [s1, { name: 'x', guid: '9', txg: 5 }] }])
    expect(diverged).toEqual([])
    expect(receiveCommand(datasetName('backup/a')).argv).not.toContain('-F')
  })
})

describe('the transfer pipeline', () => {
  const to = { user: 'zfsreceive', host: '10.99.0.2' }
  const send = { argv: ['zfs', 'send', '-vP', "tank/it's mine@a b"], successCodes: [0] }
  // Not valid ZFS names: hostile strings prove the quoting, whatever reaches it.
  const receive = { argv: ['/usr/sbin/zfs', 'receive', '-s', '-u', "backup/it's $(mine) `x` \\"], successCodes: [0] }

  it('runs under pipefail so a failed send is never masked', () => {
    expect(replicationPipeline(send, receive, to)).toMatch(/^set -o pipefail; /)
  })

  it('quotes the receive once for the remote shell and once more for the local one', () => {
    const words = shellWords(sshArgv(to, receive).map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' '))
    expect(words.slice(-2)[0]).toBe('--')
    // What the off-site box's shell makes of the string it is handed:
    expect(shellWords(words.at(-1)!)).toEqual(receive.argv)
  })

  it('keeps each stage’s arguments whole through the local shell', () => {
    const script = replicationPipeline(send, receive, to, { truncateAfterBytes: 1024 })
    const stages = script.slice('set -o pipefail; '.length).split(' | ')
    expect(stages).toHaveLength(3)
    expect(shellWords(stages[0]!)).toEqual(send.argv)
    expect(shellWords(stages[1]!)).toEqual(['head', '-c', '1024'])
    expect(shellWords(shellWords(stages[2]!).at(-1)!)).toEqual(receive.argv)
  })
})

describe('rate limit and buffer', () => {
  const to = { user: 'zfsreceive', host: '10.99.0.2' }
  const send = { argv: ['zfs', 'send', '-vP', 'tank/a@s'], successCodes: [0] }
  const receive = { argv: ['zfs', 'receive', '-s', '-u', 'backup/a'], successCodes: [0] }
  const stagesOf = (script: string) => script.slice('set -o pipefail; '.length).split(' | ').map(shellWords)

  it('buffers with mbuffer, then limits with pv, when the NAS has both', () => {
    const stages = stagesOf(replicationPipeline(send, receive, to, { rateLimitBytesPerSecond: 2_000_000, bufferBytes: 256 * 1024 * 1024, tools: { pv: true, mbuffer: true } }))
    expect(stages.slice(1, -1)).toEqual([
      ['mbuffer', '-q', '-v', '1', '-s', '128k', '-m', '256M'],
      ['pv', '-q', '-L', '2000000'],
    ])
  })

  it('limits a rate with pv alone when no buffer is asked for, even where mbuffer is installed', () => {
    const stages = stagesOf(replicationPipeline(send, receive, to, { rateLimitBytesPerSecond: 524_288, tools: { pv: true, mbuffer: true } }))
    expect(stages.slice(1, -1)).toEqual([['pv', '-q', '-L', '524288']])
  })

  it('never has mbuffer pace its reads (-r), which throttles zfs send itself', () => {
    for (const tools of [{ pv: true, mbuffer: true }, { pv: false, mbuffer: true }]) {
      for (const options of [{ rateLimitBytesPerSecond: 524_288 }, { rateLimitBytesPerSecond: 524_288, bufferBytes: 64 * 1024 * 1024 }, { bufferBytes: 64 * 1024 * 1024 }]) {
        for (const stage of shapingStage({ ...options, tools }).stages) expect(stage).not.toContain('-r')
      }
    }
  })

  it('limits mbuffer’s output (-R), after its buffer, when only mbuffer is there', () => {
    const stages = stagesOf(replicationPipeline(send, receive, to, { rateLimitBytesPerSecond: 524_288, tools: { pv: false, mbuffer: true } }))
    expect(stages.slice(1, -1)).toEqual([['mbuffer', '-q', '-v', '1', '-s', '128k', '-m', '4M', '-R', '524288']])
  })

  it('buffers with mbuffer alone when no rate is asked for', () => {
    const options = { bufferBytes: 64 * 1024 * 1024, tools: { pv: true, mbuffer: true } }
    expect(stagesOf(replicationPipeline(send, receive, to, options)).slice(1, -1)).toEqual([['mbuffer', '-q', '-v', '1', '-s', '128k', '-m', '64M']])
    expect(shapingStage(options).unmet).toEqual([])
  })

  it('limits with pv when only pv is there, and says the buffer is not possible', () => {
    const options = { rateLimitBytesPerSecond: 1_048_576, bufferBytes: 1 << 26, tools: { pv: true, mbuffer: false } }
    expect(stagesOf(replicationPipeline(send, receive, to, options))[1]).toEqual(['pv', '-q', '-L', '1048576'])
    expect(shapingStage(options).unmet).toEqual(['buffer (mbuffer is not installed on the NAS)'])
  })

  it('still transfers without either tool, and says what could not be honoured', () => {
    const options = { rateLimitBytesPerSecond: 1000, tools: { pv: false, mbuffer: false } }
    expect(stagesOf(replicationPipeline(send, receive, to, options))).toHaveLength(2)
    expect(shapingStage(options).unmet).toEqual(['rate limit (neither pv nor mbuffer is installed on the NAS)'])
  })

  it('adds no stage when nothing is asked for', () => {
    expect(stagesOf(replicationPipeline(send, receive, to, { tools: { pv: true, mbuffer: true } }))).toHaveLength(2)
  })
})
