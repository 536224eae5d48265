// `zfs receive -A`: discards a partially received stream and its resume token, when the
// token can no longer be used (its snapshot is gone, or the job's rawness changed).
import type { CommandSpec } from './command'
import type { DatasetName } from './names'

export function receiveAbortCommand(dataset: DatasetName): CommandSpec {
  return { argv: ['zfs', 'receive', '-A', dataset], successCodes: [0] }
}
