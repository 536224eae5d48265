// What the lab tests that drive the app through its API share: an app context in a temp
// data folder with its own keychain service (and its clean-up), the two lab hosts added
// and trusted by their pinned fingerprints, a job's run followed to its end, and the
// off-site box's footprint that a refused step or a look must leave as it was.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { Lab } from './hosts'
import { createAppContext, type AppContext, type AppContextOptions } from '../../src-main/services/app-context'
import { openConfBackend } from '../../src-main/adapters/config/conf-backend'
import { KeytarSecretStore } from '../../src-main/adapters/secrets/keytar-secret-store'
import { Redactor } from '../../src-main/core/logging/redactor'
import type { apiCalls } from '../support/api-calls'
import { eventWhere } from '../support/api-calls'
import type { EventPayload, RunProgress } from '../../src-main/shared/contract'
import type { Host, RunRecord } from '../../src-main/shared/model'

type Call = ReturnType<typeof apiCalls>['call']
type HostRole = 'nas' | 'offsite'

/** Where a test app keeps its state: `open()` makes a context on it (again after a simulated restart). */
export interface TestAppHome {
  readonly dataDir: string
  readonly keychainService: string
  /** Where downloads from a look go: inside the data folder, never the person's Downloads. */
  readonly downloadsDir: string
  open(): AppContext
}

/** A temp data folder (named after `name`) and a unique keychain service; `open()` makes the app's context on them. */
export function testAppHome(name: string, extra: Partial<Pick<AppContextOptions, 'progressTickMs'>> = {}): TestAppHome {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error(`${name} needs the keychain: run it under scripts/with-keyring.sh`)
  const dataDir = mkdtempSync(join(tmpdir(), `zfs-offsite-${name}-`))
  const keychainService = `zfs-offsite-test-${randomUUID()}`
  const downloadsDir = join(dataDir, 'downloads')
  return {
    dataDir,
    keychainService,
    downloadsDir,
    open: () => createAppContext({ dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService, downloadsDir, ...extra }),
  }
}

/** Disposes the context, deletes what it saved in the keychain, and removes its data folder (each only if it was made). */
export async function cleanUpTestApp(home: TestAppHome | undefined, ctx: AppContext | undefined): Promise<void> {
  ctx?.dispose()
  if (!home) return
  const keychain = new KeytarSecretStore(new Redactor(), home.keychainService)
  for (const account of await keychain.list()) await keychain.delete(account)
  rmSync(home.dataDir, { recursive: true, force: true })
}

const LABELS: Record<HostRole, string> = { nas: 'NAS', offsite: 'Off-site' }

/**
 * Adds the lab's hosts (`roles`, both unless given) reached directly by root's lab key,
 * connects, sees the key unconfirmed with the lab's pinned fingerprint, and trusts it.
 */
export async function trustedLabHosts(
  call: Call,
  lab: Lab,
  { roles = ['nas', 'offsite'], labels = LABELS }: { roles?: readonly HostRole[]; labels?: Partial<Record<HostRole, string>> } = {},
): Promise<Partial<Record<HostRole, Host>> & { nas: Host; offsite: Host }> {
  const hosts: Partial<Record<HostRole, Host>> = {}
  for (const role of roles) {
    const vm = lab[role]
    const host = await call<Host>('addHost', {
      label: labels[role] ?? LABELS[role],
      role,
      address: '127.0.0.1',
      port: vm.sshPort,
      user: 'root',
      auth: 'key-file',
      keyFilePath: vm.privateKeyPath,
    })
    expect(await call('connectHost', { id: host.id })).toMatchObject({ state: 'unconfirmed', fingerprint: vm.hostKeyFingerprint })
    hosts[role] = await call<Host>('trustHostKey', { id: host.id, fingerprint: vm.hostKeyFingerprint })
  }
  return hosts as Partial<Record<HostRole, Host>> & { nas: Host; offsite: Host }
}

/** A run started and followed to its end: its record, its last state and the progress events it raised. */
export interface RunToEnd {
  readonly run: RunRecord
  readonly state: EventPayload<'jobState'>
  readonly progress: RunProgress[]
}

/** Starts a run of the job and waits (up to `seconds`) for its end; a start refused as busy returns at once. */
export async function runToEnd(ctx: AppContext, call: Call, jobId: string, seconds = 600): Promise<RunToEnd> {
  const progress: RunProgress[] = []
  const stop = ctx.events.subscribe((e) => {
    if (e.name === 'progress' && (e.payload as RunProgress).jobId === jobId) progress.push(e.payload as RunProgress)
  })
  try {
    const started = await call<RunRecord>('startRun', { jobId })
    if (started.outcome !== 'running') return { run: started, state: { jobId, runId: started.id, state: started.outcome === 'busy' ? 'busy' : started.outcome }, progress }
    const state = await runEnded(ctx, started.id, seconds)
    const run = (await call<RunRecord[]>('listRuns', { jobId, limit: 50 })).find((r) => r.id === started.id)!
    return { run, state, progress: progress.filter((p) => p.runId === started.id) }
  } finally {
    stop()
  }
}

/** The jobState event that ends the run. */
export const runEnded = (ctx: AppContext, runId: string, seconds = 600): Promise<EventPayload<'jobState'>> =>
  eventWhere(
    ctx.events,
    (e) => (e.name === 'jobState' && (e.payload as EventPayload<'jobState'>).runId === runId && (e.payload as EventPayload<'jobState'>).state !== 'running' ? (e.payload as EventPayload<'jobState'>) : undefined),
    `the end of ${runId}`,
    seconds,
  )

const out = async (lab: Lab, host: HostRole, cmd: string) => (await lab[host].run(cmd)).stdout.trim()

/** Every dataset and snapshot of the host's pool with its GUID. */
export const datasetGuids = (lab: Lab, host: HostRole): Promise<string> => out(lab, host, `zfs list -Hp -t all -o name,guid -r ${lab[host].pool}`)

/**
 * What no refused step and no look may change on the off-site box: every dataset and
 * snapshot with its GUID, every key's status, what is mounted from the pool, and the look folders.
 */
export const offsiteFootprint = async (lab: Lab) => ({
  datasets: await datasetGuids(lab, 'offsite'),
  keys: await out(lab, 'offsite', `zfs get -H -o name,value keystatus -t filesystem -r ${lab.offsite.pool}`),
  mounted: await out(lab, 'offsite', `zfs list -H -o name,mounted -t filesystem -r ${lab.offsite.pool} | awk '$2 == "yes"'`),
  lookFolders: await out(lab, 'offsite', 'ls -A /var/lib/zfs-offsite/look 2>/dev/null; true'),
})
export type OffsiteFootprint = Awaited<ReturnType<typeof offsiteFootprint>>

/**
 * Clears what an earlier file's runs left on the NAS (run units, state, locks) and makes
 * `parent` on the off-site box, not mounted, with receiving below it delegated to the
 * receive user; no look folders left there.
 */
export async function prepareOffsiteParent(lab: Lab, parent = 'backup/nas'): Promise<void> {
  await Promise.all([
    lab.nas.run(`systemctl stop 'zfs-offsite-run-*' 2>/dev/null; rm -rf /var/lib/zfs-offsite/runs /run/lock/zfs-offsite-*; true`),
    lab.offsite.run(`set -e; rm -rf /var/lib/zfs-offsite/look; zfs create -o canmount=off '${parent}'; zfs allow -u zfsreceive create,mount,receive '${parent}'`),
  ])
}

/** A job's input: the NAS's `dataset` (recursive) to `targetParent` on the off-site box, received by the receive user over the tunnel. */
export const labJobInput = (lab: Lab, hosts: { nas: Host; offsite: Host }, name: string, dataset: string, extra: Record<string, unknown> = {}) => ({
  name,
  sourceHostId: hosts.nas.id,
  targetHostId: hosts.offsite.id,
  sources: [{ dataset, recursive: true }],
  targetParent: 'backup/nas',
  receiver: { user: 'zfsreceive', address: lab.offsite.tunnelIp },
  ...extra,
})
