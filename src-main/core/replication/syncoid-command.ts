// The syncoid command line for a job's unattended runs on the NAS (issue 8): one
// invocation per source, with flags that keep syncoid inside what the off-site box's
// receive-only wrapper admits (receive-wrapper.ts) and what the receive user may do.
// Flags as Debian bookworm's syncoid 2.1.0 reads them (its GetOptions line and
// parsespecialoptions: --sendoptions=Lec becomes -L -e -c).
import type { Job } from '../../shared/model'
import type { CommandSpec } from '../zfs/command'
import { checkDatasetName, relativeTo, type DatasetName } from '../zfs/names'
import { checkRemotePath } from '../receive-user/nas-key'
import { checkUser } from '../receive-user/receive-user'
import { targetRootFor } from './job-run'

export const SYNCOID_PATH = '/usr/sbin/syncoid'

/** The flags every run gets, whatever the job; each one is what the wrapper and the delegation rely on. */
export const SYNCOID_FIXED_FLAGS = [
  // Only the job's own snapshots (sanoid's): syncoid's sync snapshots would need
  // `zfs destroy` on the target to prune, which the receive user cannot do.
  '--no-sync-snap',
  // Never -F and never `zfs rollback`: with plain `receive` rights -F still destroys
  // target snapshots (openzfs#16943, seen in the lab on 2.3.2); the wrapper refuses both.
  '--no-rollback',
  // The receive user has `zfs allow` rights, no sudo; root on the NAS needs none either.
  '--no-privilege-elevation',
  // No lzop stage on either side: the wrapper runs `zfs receive` alone, never a pipeline.
  '--compress=none',
  // -u: mounting cannot be delegated on Linux ("failed to create mountpoint").
  '--recvoptions=u',
] as const

export interface SyncoidInvocation {
  readonly source: DatasetName
  readonly target: DatasetName
  readonly recursive: boolean
  /** The job's exclusions at or below this source (left out by syncoid, and by the hold after it). */
  readonly exclusions: readonly DatasetName[]
  readonly command: CommandSpec
}

function dataset(name: string, what: string): DatasetName {
  const c = checkDatasetName(name)
  if (!c.ok) throw new Error(`${what} is not a dataset name: ${c.reason}`)
  // syncoid builds shell strings from names (quoted by its escapeshellparam) and the
  // unit or cron line carries them again; the job's own schema admits no spaces anyway.
  if (name.includes(' ')) throw new Error(`${what} has a space, which the scheduled syncoid line does not carry: ${JSON.stringify(name)}`)
  return c.value
}

/**
 * A Perl regex (syncoid matches `--exclude` with `$dataset =~ /$re/`) for a dataset and
 * everything below it, and nothing else: anchored at the start, and at the end by
 * "not followed by anything but /" — tank/a excludes tank/a and tank/a/b, not tank/ab.
 * `.` is the only character of a dataset name that Perl reads as syntax; it is written
 * [.] rather than \. so the line needs no backslash in a unit file or cron line, and
 * the end anchor uses a lookahead rather than $, which systemd would expand.
 */
export function excludeRegex(name: DatasetName): string {
  return `^${name.replace(/\./g, '[.]')}(?![^/])`
}

/** syncoid reads user@host:dataset by splitting at '@' and ':' — an IPv6 address or a name with either would be cut wrongly. */
function targetHost(address: string): string {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(address)) {
    throw new Error(`syncoid cannot reach ${JSON.stringify(address)}: it takes a host name or an IPv4 address (it splits its target at ':')`)
  }
  return address
}

function byteCount(value: number, what: string): string {
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${what} must be a whole number of bytes`)
  return String(value)
}

/**
 * syncoid's argv for each source of the job (the job's sources whose root is itself
 * excluded are left out). Run as root on the NAS; syncoid reaches the off-site box as
 * the job's receiver, with the NAS's key and the pinned known_hosts.
 */
export function syncoidInvocations(job: Pick<Job, 'sources' | 'exclusions' | 'targetParent' | 'send' | 'rateLimitBytesPerSecond' | 'bufferBytes' | 'receiver'>): SyncoidInvocation[] {
  const receiver = job.receiver
  if (!receiver) throw new Error('the job has no receiver: the NAS does not know how to reach the off-site box')
  const user = checkUser(receiver.user)
  const host = targetHost(receiver.address)
  const parent = dataset(job.targetParent, 'the target parent')
  const exclusions = job.exclusions.map((e) => dataset(e, 'an exclusion'))

  const common: string[] = [...SYNCOID_FIXED_FLAGS]
  // Raw: encrypted blocks travel as stored (-w already implies what -L -e -c would do).
  if (job.send.raw) common.push('--sendoptions=w')
  else {
    const flags = [job.send.largeBlocks ? 'L' : '', job.send.embedded ? 'e' : '', job.send.compressed ? 'c' : ''].filter(Boolean)
    // One word (syncoid reads each letter as a flag): nothing to quote in a unit or cron line.
    if (flags.length > 0) common.push(`--sendoptions=${flags.join('')}`)
  }
  // -i to the newest snapshot instead of -I through every one in between.
  if (!job.send.intermediates) common.push('--no-stream')
  // mbuffer -R on the NAS (syncoid adds it only where mbuffer is installed there).
  if (job.rateLimitBytesPerSecond !== undefined) common.push(`--source-bwlimit=${byteCount(job.rateLimitBytesPerSecond, 'the rate limit')}`)
  if (job.bufferBytes !== undefined) common.push(`--mbuffer-size=${byteCount(job.bufferBytes, 'the buffer')}`)
  // syncoid joins these into a shell line for ssh: paths are checked to hold nothing a shell reads.
  if (receiver.identityFile !== undefined) common.push(`--sshkey=${checkRemotePath(receiver.identityFile)}`, '--sshoption=IdentitiesOnly=yes')
  if (receiver.knownHostsFile !== undefined) common.push(`--sshoption=UserKnownHostsFile=${checkRemotePath(receiver.knownHostsFile)}`)
  // A changed or unknown host key stops the run; a scheduled run never prompts.
  common.push('--sshoption=StrictHostKeyChecking=yes', '--sshoption=BatchMode=yes')
  common.push(`--sshport=${receiver.port}`)

  const out: SyncoidInvocation[] = []
  for (const s of job.sources) {
    const source = dataset(s.dataset, 'a source')
    if (exclusions.some((e) => relativeTo(e, source) !== null)) continue
    const target = dataset(targetRootFor(parent, source), 'the target')
    const argv = [SYNCOID_PATH, ...common]
    const below = s.recursive ? exclusions.filter((e) => relativeTo(source, e) !== null) : []
    if (s.recursive) {
      argv.push('--recursive')
      for (const e of below) argv.push(`--exclude=${excludeRegex(e)}`)
    }
    argv.push(source, `${user}@${host}:${target}`)
    out.push({ source, target, recursive: s.recursive, exclusions: below, command: { argv, successCodes: [0] } })
  }
  return out
}

/**
 * The NAS's ssh to the off-site box as syncoid makes it (the same key, known_hosts, port and
 * checks), for the scheduled run's own question after syncoid: which snapshots arrived.
 */
export function receiverSshArgv(receiver: NonNullable<Job['receiver']>): string[] {
  const argv = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes']
  if (receiver.identityFile !== undefined) argv.push('-i', checkRemotePath(receiver.identityFile), '-o', 'IdentitiesOnly=yes')
  if (receiver.knownHostsFile !== undefined) argv.push('-o', `UserKnownHostsFile=${checkRemotePath(receiver.knownHostsFile)}`)
  argv.push('-p', String(receiver.port), `${checkUser(receiver.user)}@${targetHost(receiver.address)}`)
  return argv
}
