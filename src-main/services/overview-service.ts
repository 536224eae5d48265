// getOverview: per job, what the hosts say right now. On the NAS: one tree listing per
// source root, the holds on the newest common snapshots, the tunnel's latest handshake
// (when the job goes through the tunnel the wizard made) and the schedule's status (via
// the schedule service). On the off-site box: one tree listing per target root and the
// target parent's free space. Hosts are read in parallel; one that cannot be reached is
// named in `unreachable` and the rest is shown. The pure assembly is overview-assembly.ts.
import type { ConfigStore } from '../adapters/config/config-store'
import type { SshConnection } from '../adapters/ssh/ssh-connection'
import type { Logger } from '../core/logging/logger'
import type { SpaceSample } from '../core/overview/space-forecast'
import type { Guid } from '../core/zfs/dataset-tree'
import { getPropertyCommand, parsePropertyValues } from '../core/zfs/get-property'
import { listHoldsCommand, parseHolds } from '../core/zfs/holds'
import type { DatasetName, SnapshotName } from '../core/zfs/names'
import { hostTimeCommand, latestHandshakesCommand, parseHostTime, parseLatestHandshakes } from '../core/wireguard/verify-tunnel'
import type { InterfaceName } from '../core/wireguard/interface-name'
import { AppFailure } from '../shared/errors'
import type { Job } from '../shared/model'
import type { OverviewJob, ScheduleStatus } from '../shared/schedule'
import { assembleOverview, commonSnapshots, rootsOf, targetUsedBytes, type HandshakeReading, type RootReading } from './overview-assembly'
import type { HostServices } from './hosts-service'
import { listTree } from './job-planning'

export interface OverviewServiceDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly clock: () => Date
  /** The schedule service's getJobSchedule (reads the NAS's timer and journal). */
  readonly getJobSchedule: (jobId: string) => Promise<ScheduleStatus>
}

export interface JobOverviewReading {
  readonly overview: OverviewJob
  /** The schedule's status as read from the NAS; null when it could not be read. */
  readonly schedule: ScheduleStatus | null
}

export interface OverviewService {
  /** The page's reading; every answer also goes to the onPageReading listeners. */
  getOverview(): Promise<OverviewJob[]>
  /** Every job with its schedule status too (the notifier needs the timer's own last run). */
  readAll(): Promise<JobOverviewReading[]>
  /**
   * Called with what each getOverview read (the notifier reviews it), so a failure the
   * person's Overview has just read from the NAS is notified at once, not at the next
   * interval. Returns the unsubscribe.
   */
  onPageReading(listener: (readings: readonly JobOverviewReading[]) => void): () => void
}

/** Samples closer together than this replace each other: growth is measured over hours and days. */
const SAMPLE_SPACING_SECONDS = 600
const SAMPLES_KEPT = 48
/** Errors that mean the host itself was not reached (or the connection to it broke). */
const UNREACHABLE = /^(SSH_|COMMAND_ABORTED$|OFFSITE_UNREACHABLE$)/

const reason = (err: unknown): string => (err instanceof AppFailure ? `${err.appError.code}: ${err.appError.cause}` : err instanceof Error ? err.message : String(err))

export function createOverviewService(deps: OverviewServiceDeps): OverviewService {
  const { config, logger, hosts } = deps
  /** (time, used) of each job's off-site datasets, in memory: a forecast needs an hour of them. */
  const samples = new Map<string, SpaceSample[]>()

  const remember = (jobId: string, sample: SpaceSample): SpaceSample[] => {
    const list = samples.get(jobId) ?? []
    const last = list[list.length - 1]
    if (last && sample.at - last.at < SAMPLE_SPACING_SECONDS) list[list.length - 1] = { at: last.at, used: sample.used }
    else list.push(sample)
    if (list.length > SAMPLES_KEPT) list.splice(0, list.length - SAMPLES_KEPT)
    samples.set(jobId, list)
    return [...list.slice(0, -1), sample]
  }

  /** The wizard's tunnel, when this job's NAS sends through it: its interface and the off-site peer's key. */
  const tunnelOf = (job: Job): { iface: InterfaceName; peer: string } | null => {
    const wizard = config.read().wizard
    const step = wizard?.steps.tunnel
    if (!wizard || step?.status !== 'succeeded' || step.result.kind !== 'tunnel') return null
    if (wizard.nasHostId !== job.sourceHostId) return null
    const viaTunnel = job.receiver ? job.receiver.address === step.result.offsiteAddress : wizard.offsiteHostId === job.targetHostId
    return viaTunnel ? { iface: step.result.interface as InterfaceName, peer: step.result.offsitePublicKey } : null
  }

  const readHandshake = async (nas: SshConnection, iface: InterfaceName, peer: string): Promise<HandshakeReading> => {
    const [wg, date] = await Promise.all([nas.exec(latestHandshakesCommand(iface).argv), nas.run(hostTimeCommand())])
    if (wg.kind === 'exited' && wg.code !== 0 && /No such device/.test(wg.stderr)) return { kind: 'interface-missing', interface: iface }
    if (wg.kind !== 'exited' || wg.code !== 0) return { kind: 'unreadable', interface: iface }
    const shakes = parseLatestHandshakes(wg.stdout)
    return { kind: 'read', interface: iface, peerKnown: shakes.has(peer), latest: shakes.get(peer) ?? null, hostNow: parseHostTime(date) }
  }

  const readJob = async (job: Job): Promise<JobOverviewReading> => {
    const hostList = config.read().hosts
    const label = (id: string) => hostList.find((h) => h.id === id)?.label ?? 'A host'
    const unreachable = new Set<string>()
    const why: Record<string, string> = {}
    const problems = new Set<string>()
    const failed = (hostId: string, what: string) => (err: unknown) => {
      // A connection that fails is an unreachable host; a command that fails on a reached host is a problem to name.
      if (!(err instanceof AppFailure) || UNREACHABLE.test(err.appError.code)) {
        unreachable.add(label(hostId))
        if (err instanceof AppFailure) why[label(hostId)] ??= err.appError.cause
      } else problems.add(`Could not read ${what} on ${label(hostId)}: ${err.appError.cause}`)
      logger.warn('overview could not read a host', { jobId: job.id, hostId, what, reason: reason(err) })
      return null
    }
    const nasP = hosts.connection(job.sourceHostId)
    const targetP = hosts.connection(job.targetHostId)
    // Keep an unhandled rejection away while the other side is awaited.
    nasP.catch(() => undefined)
    targetP.catch(() => undefined)
    const onNas = <T>(what: string, read: (c: SshConnection) => Promise<T>): Promise<T | null> => nasP.then(read).catch(failed(job.sourceHostId, what))
    const onTarget = <T>(what: string, read: (c: SshConnection) => Promise<T>): Promise<T | null> => targetP.then(read).catch(failed(job.targetHostId, what))

    const roots = rootsOf(job)
    const tunnel = tunnelOf(job)
    const [sources, targets, available, schedule, handshake] = await Promise.all([
      Promise.all(roots.map((r) => onNas(`the datasets under ${r.sourceRoot}`, (c) => listTree(c, r.sourceRoot)))),
      Promise.all(roots.map((r) => onTarget(`the datasets under ${r.targetRoot}`, (c) => listTree(c, r.targetRoot)))),
      onTarget('free space', async (c) => {
        // The parent may not exist yet (before the first copy): then nothing is known.
        const out = await c.exec(getPropertyCommand('available', [job.targetParent as DatasetName]).argv)
        if (out.kind !== 'exited' || out.code !== 0) return null
        const value = parsePropertyValues(out.stdout).get(job.targetParent)
        return value !== undefined && /^\d+$/.test(value) ? Number(value) : null
      }),
      deps.getJobSchedule(job.id).catch((err: unknown) => {
        logger.warn('overview could not read the schedule', { jobId: job.id, reason: reason(err) })
        return null
      }),
      tunnel ? nasP.then((c) => readHandshake(c, tunnel.iface, tunnel.peer)).catch((): HandshakeReading => ({ kind: 'unreadable', interface: tunnel.iface })) : Promise.resolve(null),
    ])
    const readings: RootReading[] = roots.map((r, i) => ({ ...r, source: sources[i] ?? null, target: targets[i] ?? null }))

    const heldGuids = new Set<Guid>()
    const common = commonSnapshots(job, readings)
    if (common.length > 0) {
      // `-H` without `-p`: OpenZFS 2.1 has no -p for holds; only the names are needed.
      const holds = await onNas('holds', async (c) => {
        const out = await c.exec(listHoldsCommand(common as SnapshotName[], { parsable: false }).argv)
        return out.kind === 'exited' && out.code === 0 ? parseHolds(out.stdout) : []
      })
      const byName = new Map<string, Guid>()
      for (const r of readings) {
        if (!r.source) continue
        for (const d of r.source.datasets.values()) for (const s of d.snapshots) byName.set(`${d.name}@${s.name}`, s.guid)
      }
      for (const h of holds ?? []) {
        const g = byName.get(h.snapshot)
        if (g) heldGuids.add(g)
      }
    }

    const nowSeconds = Math.floor(deps.clock().getTime() / 1000)
    const used = targetUsedBytes(readings)
    const spaceSamples = used === null ? (samples.get(job.id) ?? []) : remember(job.id, { at: nowSeconds, used })
    const overview = assembleOverview({
      job,
      now: nowSeconds,
      roots: readings,
      heldGuids,
      schedule,
      appRuns: config.read().runs.filter((r) => r.jobId === job.id),
      fireDrill: config.read().fireDrills.find((d) => d.jobId === job.id) ?? null,
      tunnel: handshake,
      availableBytes: available,
      spaceSamples,
      // The NAS first, then the off-site box, whichever failed first.
      unreachable: [label(job.sourceHostId), label(job.targetHostId)].filter((l, i, all) => unreachable.has(l) && all.indexOf(l) === i),
      unreachableWhy: why,
      readProblems: [...problems],
    })
    return { overview, schedule }
  }

  const readAll = async (): Promise<JobOverviewReading[]> => Promise.all(config.read().jobs.map((j) => readJob(j)))
  const pageListeners = new Set<(readings: readonly JobOverviewReading[]) => void>()

  return {
    readAll,
    async getOverview() {
      const readings = await readAll()
      for (const listener of pageListeners) {
        try {
          listener(readings)
        } catch (err) {
          logger.warn('an overview listener failed', { reason: reason(err) })
        }
      }
      return readings.map((r) => r.overview)
    },
    onPageReading(listener) {
      pageListeners.add(listener)
      return () => pageListeners.delete(listener)
    },
  }
}

