// The setup wizard's guided `zpool create` (issue 7) on the lab's off-site VM and its blank
// spare disk: the disk list through the API; refusals (a mistyped id, a disk in use, a
// pool name taken) that change nothing on the VM; the destination step making an ONLINE
// pool with the chosen properties and the parent in it; undo that keeps a pool holding a
// dataset and destroys an empty one, leaving the disk blank again.
// Needs the real keychain: run under scripts/with-keyring.sh.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshPools, labHosts, resetToBare, type Lab } from './hosts'
import { createAppContext, type AppContext } from '../../src-main/services/app-context'
import { openConfBackend } from '../../src-main/adapters/config/conf-backend'
import { KeytarSecretStore } from '../../src-main/adapters/secrets/keytar-secret-store'
import { Redactor } from '../../src-main/core/logging/redactor'
import { createHostServices, type HostServices } from '../../src-main/services/hosts-service'
import { wizardHost, type WizardHostRunner } from '../../src-main/services/wizard-host'
import { createPoolOnDisk } from '../../src-main/services/wizard-pool'
import { WRAPPER_PATH } from '../../src-main/core/receive-user/receive-wrapper'
import { AppFailure, type AppError } from '../../src-main/shared/errors'
import type { Host } from '../../src-main/shared/model'
import type { WizardDisk } from '../../src-main/shared/contract'
import type { Created, WizardState } from '../../src-main/shared/wizard'
import { apiCalls } from '../support/api-calls'

const POOL = 'offsite2'
const SPARE = 'virtio-spare'

let lab: Lab
let ctx: AppContext
let hostServices: HostServices
let dataDir: string
let keychainService: string

const { call, callFails } = apiCalls(() => ctx)

const cleanupScript = `rm -f ${WRAPPER_PATH}; rm -rf /var/lib/zfs-offsite/ssh; true`

beforeAll(async () => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error('wizard-pool.lab.test.ts needs the keychain: run it under scripts/with-keyring.sh')
  lab = await labHosts()
  await resetToBare()
  await Promise.all([lab.nas.run(cleanupScript), lab.offsite.run(cleanupScript)])
  await freshPools()
  dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-wizard-pool-lab-'))
  keychainService = `zfs-offsite-test-${randomUUID()}`
  ctx = createAppContext({ dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService })
  // The same hosts, config and keychain as the app's, for calling the service piece directly.
  hostServices = createHostServices({ config: ctx.config, secrets: new KeytarSecretStore(ctx.redactor, keychainService), logger: ctx.logger, now: () => new Date().toISOString() })
}, 300_000)

afterAll(async () => {
  hostServices?.dispose()
  ctx?.dispose()
  if (lab) {
    await Promise.all([lab.nas.run(cleanupScript, { allowFail: true }), lab.offsite.run(cleanupScript, { allowFail: true })])
    await resetToBare()
  }
  if (keychainService) {
    const keychain = new KeytarSecretStore(new Redactor(), keychainService)
    for (const account of await keychain.list()) await keychain.delete(account)
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}, 300_000)

async function addAndTrust(input: Record<string, unknown>): Promise<Host> {
  const host = await call<Host>('addHost', input)
  const first = await call<{ state: string; fingerprint: string }>('connectHost', { id: host.id })
  return call<Host>('trustHostKey', { id: host.id, fingerprint: first.fingerprint })
}

/** The off-site VM's pools and disks as the tools see them: equal before and after means nothing changed. */
async function diskFootprint(): Promise<string> {
  return (await lab.offsite.run('udevadm settle; zpool list -H -o name,health,size; lsblk -rn -o NAME,SIZE,FSTYPE,LABEL,PTTYPE,MOUNTPOINT; ls /dev/disk/by-id')).stdout
}

async function refusal(work: Promise<unknown>): Promise<AppError> {
  try {
    await work
  } catch (err) {
    if (err instanceof AppFailure) return err.appError
    throw err
  }
  throw new Error('succeeded but should have been refused')
}

const byId = (disks: readonly WizardDisk[], id: string): WizardDisk => {
  const d = disks.find((x) => x.id === id)
  if (!d) throw new Error(`${id} is not listed: ${disks.map((x) => x.id).join(', ')}`)
  return d
}

describe('guided pool creation on the off-site lab VM', () => {
  let nas: Host
  let offsite: Host
  let runner: WizardHostRunner

  it('lists the off-site box’s disks once a wizard is started: the spare one empty, the others with a reason', async () => {
    nas = await addAndTrust({ label: 'Lab NAS', role: 'nas', address: '127.0.0.1', port: lab.nas.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.nas.privateKeyPath })
    offsite = await addAndTrust({ label: 'Lab off-site', role: 'offsite', address: '127.0.0.1', port: lab.offsite.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.offsite.privateKeyPath })
    const early = await callFails('listWizardDisks', {})
    expect(early.code).toBe('WIZARD_STEP_REFUSED')

    await call<WizardState>('startWizard', { nasHostId: nas.id, offsiteHostId: offsite.id })
    const disks = await call<WizardDisk[]>('listWizardDisks', {})
    const spareBytes = Number((await lab.offsite.run(`blockdev --getsize64 /dev/disk/by-id/${SPARE}`)).stdout.trim())
    expect(byId(disks, SPARE)).toEqual({ id: SPARE, path: expect.stringMatching(/^\/dev\/vd[a-z]$/), sizeBytes: spareBytes, model: '', serial: 'spare', empty: true })
    expect(byId(disks, 'virtio-labroot')).toMatchObject({ empty: false, inUse: 'holds the system (mounted at /)' })
    expect(byId(disks, 'virtio-pool')).toMatchObject({ empty: false, inUse: 'is part of pool backup' })
    // Only whole disks, each once, by its by-id name.
    expect(disks.map((d) => d.id).sort()).toEqual(['virtio-labroot', 'virtio-pool', SPARE])
  })

  it('refuses a mistyped id, a disk in use and a pool name taken, and changes nothing on the VM', async () => {
    runner = await wizardHost('offsite', offsite, await hostServices.connection(offsite.id))
    const made: Created[] = []
    const before = await diskFootprint()

    const typo = await refusal(createPoolOnDisk(runner, { poolName: POOL, diskId: SPARE, confirm: 'virtio-spar' }, (c) => made.push(c)))
    expect(typo.code).toBe('CONFIRMATION_MISMATCH')
    expect(typo.fix).toMatch(/Nothing was changed\.$/)

    const inUse = await refusal(createPoolOnDisk(runner, { poolName: POOL, diskId: 'virtio-pool', confirm: 'virtio-pool' }, (c) => made.push(c)))
    expect(inUse).toMatchObject({ code: 'DISK_NOT_EMPTY', cause: 'The disk virtio-pool is part of pool backup, so a pool will not be made on it.' })
    const system = await refusal(createPoolOnDisk(runner, { poolName: POOL, diskId: 'virtio-labroot', confirm: 'virtio-labroot' }, (c) => made.push(c)))
    expect(system.code).toBe('DISK_NOT_EMPTY')
    expect(system.fix).toMatch(/Nothing was changed\.$/)

    const taken = await refusal(createPoolOnDisk(runner, { poolName: 'backup', diskId: SPARE, confirm: SPARE }, (c) => made.push(c)))
    expect(taken.code).toBe('ALREADY_EXISTS')

    expect(made).toEqual([])
    expect(await diskFootprint()).toBe(before)
    expect((await lab.offsite.run(`zpool list -H -o name ${POOL}`, { allowFail: true })).code).not.toBe(0)
  })

  it('the destination step refuses a mistyped id over the API, then makes an ONLINE pool on the spare disk with the parent in it', async () => {
    await call<WizardState>('skipWizardTunnel', { offsiteAddress: lab.offsite.linkIp, nasAddress: null })
    await call('runWizardStep', { step: 'receive-user', user: 'zfsreceive' })

    const before = await diskFootprint()
    const typo = await callFails('runWizardStep', { step: 'destination', parent: `${POOL}/nas`, createPool: { diskId: SPARE, confirm: `${SPARE} ` } })
    expect(typo.code).toBe('CONFIRMATION_MISMATCH')
    expect(await diskFootprint()).toBe(before)

    const out = await call<{ state: WizardState }>('runWizardStep', { step: 'destination', parent: `${POOL}/nas`, createPool: { diskId: SPARE, confirm: SPARE } })
    expect(out.state.steps.destination.status).toBe('succeeded')
    const created = out.state.steps.destination.status === 'succeeded' ? out.state.steps.destination.created : []
    expect(created).toContainEqual({ kind: 'pool', host: 'offsite', pool: POOL, disk: SPARE })
    expect(created).toContainEqual({ kind: 'dataset', host: 'offsite', dataset: `${POOL}/nas` })

    const o = lab.offsite
    expect((await o.run(`zpool list -H -o health ${POOL}`)).stdout.trim()).toBe('ONLINE')
    expect((await o.run(`zpool get -H -o value ashift ${POOL}`)).stdout.trim()).toBe('12')
    expect((await o.run(`zfs get -H -o value compression,canmount,mountpoint,mounted ${POOL}`)).stdout.trim().split('\n')).toEqual(['lz4', 'off', 'none', 'no'])
    // On the disk by its stable name, not /dev/vdX.
    expect((await o.run(`zpool status -P ${POOL}`)).stdout).toContain(`/dev/disk/by-id/${SPARE}-part1`)
    // The parent inherits mountpoint=none: nothing of the copies is mounted on the off-site box.
    expect((await o.run(`zfs get -H -o value canmount,readonly,mountpoint,mounted ${POOL}/nas`)).stdout.trim().split('\n')).toEqual(['off', 'on', 'none', 'no'])

    const disks = await call<WizardDisk[]>('listWizardDisks', {})
    expect(byId(disks, SPARE)).toMatchObject({ empty: false, inUse: `is part of pool ${POOL}` })
  })

  it('re-running the destination step with the same choice changes nothing', async () => {
    const before = await diskFootprint()
    const out = await call<{ state: WizardState }>('runWizardStep', { step: 'destination', parent: `${POOL}/nas`, createPool: { diskId: SPARE, confirm: SPARE } })
    expect(out.state.steps.destination.status).toBe('succeeded')
    expect(await diskFootprint()).toBe(before)
  })

  it('undo keeps a pool that holds a dataset, then destroys it once empty and leaves the disk blank', async () => {
    const o = lab.offsite
    // Something that is not the wizard's: a copy made meanwhile.
    await o.run(`zfs create ${POOL}/other && zfs snapshot ${POOL}/other@kept`)
    const kept = await callFails('undoWizardStep', { step: 'destination' })
    expect(kept.code).toBe('DATASET_HAS_CHILDREN')
    expect(kept.cause).toBe(`The pool ${POOL} already holds copies, so it is kept: undoing the wizard never destroys an off-site copy.`)
    expect((await o.run(`zpool list -H -o health ${POOL}`)).stdout.trim()).toBe('ONLINE')
    expect((await o.run(`zfs list -H -o name -t snapshot ${POOL}/other@kept`)).stdout.trim()).toBe(`${POOL}/other@kept`)
    // What came before the pool in the undo order is gone; the pool is all that remains recorded.
    expect((await o.run(`zfs list -H -o name ${POOL}/nas`, { allowFail: true })).code).not.toBe(0)
    const state = await call<WizardState>('getWizard', {})
    expect(state.steps.destination).toMatchObject({ status: 'undo-failed', created: [{ kind: 'pool', host: 'offsite', pool: POOL, disk: SPARE }] })

    await o.run(`zfs destroy -r ${POOL}/other`)
    const after = await call<WizardState>('undoWizardStep', { step: 'destination' })
    expect(after.steps.destination.status).toBe('pending')
    expect((await o.run(`zpool list -H -o name ${POOL}`, { allowFail: true })).code).not.toBe(0)
    expect((await o.run('zpool list -H -o name')).stdout.trim()).toBe('backup')
    const disks = await call<WizardDisk[]>('listWizardDisks', {})
    expect(byId(disks, SPARE)).toMatchObject({ empty: true })
  })
})
