// Where the keychain may hold the passphrase of an encryption root on the off-site box:
// first under the off-site box and that root (where recovery saves a typed one), then
// under the NAS and the source dataset a job copied there (where a person saves it while
// the NAS is alive). A raw copy has the source's key, so either passphrase unlocks it.
import type { Job, PassphraseRef } from '../../shared/model'
import { targetRootFor } from '../replication/job-run'
import type { DatasetName } from '../zfs/names'

export function passphraseCandidates(offsiteHostId: string, root: DatasetName, jobs: readonly Job[]): PassphraseRef[] {
  const refs: PassphraseRef[] = [{ hostId: offsiteHostId, dataset: root }]
  for (const job of jobs) {
    if (job.targetHostId !== offsiteHostId) continue
    for (const source of job.sources) {
      const target = targetRootFor(job.targetParent as DatasetName, source.dataset as DatasetName)
      let dataset: string | null = null
      if (root === target) dataset = source.dataset
      else if (source.recursive && root.startsWith(`${target}/`)) dataset = `${source.dataset}${root.slice(target.length)}`
      if (dataset !== null && !refs.some((r) => r.hostId === job.sourceHostId && r.dataset === dataset)) refs.push({ hostId: job.sourceHostId, dataset })
    }
  }
  return refs
}
