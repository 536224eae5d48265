import { describe, expect, it } from 'vitest'
import {
  describeDatasetPlan,
  newBases,
  receiverEndpoint,
  replicationSpecs,
  runWork,
  targetRootFor,
  verifyNewest,
  withoutExcluded,
} from '../../../../src-main/core/replication/job-run'
import { planReplication } from '../../../../src-main/core/replication/plan'
import { parseTreeListing } from '../../../../src-main/core/zfs/list-tree'
import { datasetName } from '../../../../src-main/core/zfs/names'
import { parseNasTools } from '../../../../src-main/core/replication/nas-tools'
import type { Job } from '../../../../src-main/shared/model'
import { listing } from '../../../support/listing-builder'
import { shellWords } from '../../../support/shell-words'

const job: Job = {
  id: 'job-1',
  name: 'Photos',
  sourceHostId: 'nas-1',
  targetHostId: 'off-1',
  sources: [{ dataset: 'tank/photos', recursive: true }],
  exclusions: ['tank/photos/cache'],
  targetParent: 'backup/nas',
  intermediates: true,
  stallSeconds: 120,
  send: { raw: true, intermediates: true, largeBlocks: false, embedded: false, compressed: false },
  receiver: { user: 'zfsreceive', address: '10.99.0.2', port: 22, identityFile: '/root/.ssh/offsite', knownHostsFile: '/etc/zfs-offsite/known_hosts' },
  createdAt: '2026-11-28T00:00:00.000Z',
}
const s1 = { name: 's1', guid: '11', txg: 1 }
const s2 = { name: 's2', guid: '12', txg: 2 }
const enc = { encryption: 'aes-256-gcm', encryptionRoot: 'tank/photos' }

const sourceTree = parseTreeListing(
  listing([
    { name: 'tank/photos', ...enc, snaps: [s1, s2] },
    { name: 'tank/photos/cache', ...enc, snaps: [s1] },
    { name: 'tank/photos/2026', ...enc, snaps: [s1, s2] },
  ]),
)

describe('a job turned into runs', () => {
  it('lands each source under the target parent by its last name part, with the job’s stored flags', () => {
    expect(targetRootFor(datasetName('backup/nas'), datasetName('tank/a/photos'))).toBe('backup/nas/photos')
    expect(replicationSpecs(job)).toEqual([
      { sourceRoot: 'tank/photos', targetRoot: 'backup/nas/photos', recursive: true, raw: true, intermediates: true, largeBlocks: false, embedded: false, compressed: false },
    ])
  })

  it('leaves excluded datasets and their children out of the plan', () => {
    const spec = replicationSpecs(job)[0]!
    const plan = withoutExcluded(planReplication(spec, sourceTree, { datasets: new Map() }), job.exclusions)
    expect(plan.datasets.map((d) => d.source)).toEqual(['tank/photos', 'tank/photos/2026'])
  })

  it('builds the NAS’s transfers through a pinned, non-interactive ssh to the receive user', () => {
    const spec = replicationSpecs(job)[0]!
    const plan = withoutExcluded(planReplication(spec, sourceTree, { datasets: new Map() }), job.exclusions)
    const work = runWork([{ spec, plan }], job.receiver!, { rateLimitBytesPerSecond: 1_000_000, tools: { pv: false, mbuffer: false } })
    expect(work.transfers.map((t) => t.label)).toEqual([
      'full copy of tank/photos@s1',
      'snapshots after s1 up to s2',
      'full copy of tank/photos/2026@s1',
      'snapshots after s1 up to s2',
    ])
    expect(work.expect.map((e) => e.newestGuid)).toEqual(['12', '12', '12', '12'])
    expect(work.unmet).toEqual(['rate limit (neither pv nor mbuffer is installed on the NAS)'])
    const ssh = shellWords(work.transfers[0]!.stages.at(-1)!)
    expect(ssh.slice(0, ssh.indexOf('--'))).toEqual([
      'ssh', '-o', 'BatchMode=yes', '-o', 'ServerAliveInterval=15', '-p', '22',
      '-o', 'StrictHostKeyChecking=yes', '-o', 'UserKnownHostsFile=/etc/zfs-offsite/known_hosts', '-o', 'IdentitiesOnly=yes', '-i', '/root/.ssh/offsite',
      'zfsreceive@10.99.0.2',
    ])
    expect(shellWords(ssh.at(-1)!)).toEqual(['/usr/sbin/zfs', 'receive', '-s', '-u', 'backup/nas/photos'])
  })

  it('strips the brackets of an IPv6 address for ssh', () => {
    expect(receiverEndpoint({ user: 'r', address: '[fd00::2]', port: 22 }).host).toBe('fd00::2')
  })

  it('says in plain words what each dataset needs, and which need a person', () => {
    const spec = replicationSpecs(job)[0]!
    const target = parseTreeListing(listing([{ name: 'backup/nas/photos', encryption: 'aes-256-gcm', encryptionRoot: 'backup/nas/photos', snaps: [s1, { name: 'local', guid: '99', txg: 5 }] }]))
    const plan = planReplication({ ...spec, recursive: false }, sourceTree, target)
    const words = describeDatasetPlan(plan.datasets[0]!)
    expect(words.blocking).toBe(true)
    expect(words.rollbackWouldDestroy).toEqual(['local'])
    expect(words.summary).toMatch(/Nothing is changed/)
    expect(plan.runnable).toBe(false)
  })

  it('checks the newest off-site GUID per dataset and names each one that differs', () => {
    const expectations = [
      { source: 'tank/photos', target: 'backup/nas/photos', newestGuid: '12' },
      { source: 'tank/photos/2026', target: 'backup/nas/photos/2026', newestGuid: '12' },
    ]
    const after = parseTreeListing(
      listing([
        { name: 'backup/nas/photos', snaps: [s1, s2] },
        { name: 'backup/nas/photos/2026', snaps: [s1] },
      ]),
    )
    expect(verifyNewest(expectations, after)).toEqual([{ target: 'backup/nas/photos/2026', expected: '12', found: '11' }])
  })

  it('names the new base to hold and the older snapshots whose hold is released', () => {
    const bases = newBases([{ source: 'tank/photos', target: 'backup/nas/photos', newestGuid: '12' }], sourceTree)
    expect(bases).toEqual([{ dataset: 'tank/photos', snapshot: 'tank/photos@s2', older: ['tank/photos@s1'] }])
  })

  it('reads which tools the NAS offers a run', () => {
    expect(parseNasTools('systemd\npv\nflock\nsetsid\n')).toEqual({ systemd: true, pv: true, mbuffer: false, flock: true, setsid: true })
  })
})
