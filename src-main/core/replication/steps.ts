// Turns one dataset's planned action into the commands that carry it out, in order:
// which side runs each, and what each sends. Actions that need a person (diverged,
// no common snapshot, raw mismatch) have no steps: the plan explains them instead.
import type { CommandSpec } from '../zfs/command'
import { snapshotOf, type DatasetName } from '../zfs/names'
import { sendCommand, sendResumeCommand } from '../zfs/send'
import { receiveCommand } from '../zfs/receive'
import { receiveAbortCommand } from '../zfs/receive-abort'
import type { DatasetPlan, ReplicationJobSpec } from './plan'

export type ReplicationStep =
  | { readonly kind: 'transfer'; readonly send: CommandSpec; readonly receive: CommandSpec; readonly label: string }
  | { readonly kind: 'on-target'; readonly command: CommandSpec; readonly label: string }

export function stepsFor(job: ReplicationJobSpec, plan: DatasetPlan, options: { readonly zfsPathOnTarget?: string } = {}): ReplicationStep[] {
  const receive = receiveCommand(plan.target, options.zfsPathOnTarget ? { zfsPath: options.zfsPathOnTarget } : {})
  const source = plan.source as DatasetName
  const a = plan.action
  const flags = { raw: job.raw, largeBlocks: job.largeBlocks ?? false, embedded: job.embedded ?? false, compressed: job.compressed ?? false }
  switch (a.kind) {
    case 'full': {
      const steps: ReplicationStep[] = [
        { kind: 'transfer', send: sendCommand(snapshotOf(source, a.first.name).full, flags), receive, label: `full copy of ${source}@${a.first.name}` },
      ]
      if (a.thenTo) {
        steps.push({
          kind: 'transfer',
          send: sendCommand(snapshotOf(source, a.thenTo.name).full, { ...flags, from: { name: `${source}@${a.first.name}`, intermediates: true } }),
          receive,
          label: `snapshots after ${a.first.name} up to ${a.thenTo.name}`,
        })
      }
      return steps
    }
    case 'incremental': {
      if (a.base.kind === 'bookmark') {
        // -I cannot start from a bookmark: -i from it to the next snapshot, then (with
        // intermediates) -I from there, so no snapshot in between is skipped.
        const steps: ReplicationStep[] = [
          {
            kind: 'transfer',
            send: sendCommand(snapshotOf(source, (job.intermediates ? a.next : a.to).name).full, { ...flags, from: { name: `${source}#${a.base.name}`, intermediates: false } }),
            receive,
            label: `changes from ${a.base.name} to ${(job.intermediates ? a.next : a.to).name}`,
          },
        ]
        if (job.intermediates && a.next.guid !== a.to.guid) {
          steps.push({
            kind: 'transfer',
            send: sendCommand(snapshotOf(source, a.to.name).full, { ...flags, from: { name: `${source}@${a.next.name}`, intermediates: true } }),
            receive,
            label: `changes from ${a.next.name} to ${a.to.name}`,
          })
        }
        return steps
      }
      return [
        {
          kind: 'transfer',
          send: sendCommand(snapshotOf(source, a.to.name).full, { ...flags, from: { name: `${source}@${a.base.name}`, intermediates: job.intermediates } }),
          receive,
          label: `changes from ${a.base.name} to ${a.to.name}`,
        },
      ]
    }
    case 'resume':
      return [{ kind: 'transfer', send: sendResumeCommand(a.token), receive, label: `resume ${a.toname}` }]
    case 'abort-resume':
      return [{ kind: 'on-target', command: receiveAbortCommand(plan.target), label: `discard the partial transfer into ${plan.target}` }]
    default:
      return []
  }
}
