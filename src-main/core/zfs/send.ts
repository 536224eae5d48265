// `zfs send`: the stream itself. -P with -v makes zfs print parsable progress on stderr
// (send-progress.ts); data goes to stdout, into the pipeline.
import type { CommandSpec } from './command'
import type { SnapshotName } from './names'
import { sendFlags, type SendOptions } from './send-estimate'

export function sendCommand(snapshot: SnapshotName, options: SendOptions): CommandSpec {
  return { argv: ['zfs', 'send', '-vP', ...sendFlags(options), snapshot], successCodes: [0] }
}

/** Continues an interrupted send; the token carries the original flags (raw, from). */
export function sendResumeCommand(token: string): CommandSpec {
  return { argv: ['zfs', 'send', '-vP', '-t', token], successCodes: [0] }
}
