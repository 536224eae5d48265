// The setup wizard (issue 7) on the lab's two bare VMs, through dispatch as the renderer
// calls it: hosts added and pinned through the API, then tunnel → receive user →
// destination → preflight → job, each checked on the VMs themselves; the receive key is
// proved unable to destroy or roll back an off-site snapshot by trying from the NAS;
// undo restores the hosts as they were; the tunnel skipped over an existing route.
// A port in use, an unreachable endpoint and re-runs changing nothing are tested
// through the screens in wizard-ui.lab.test.ts (the same services).
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
import type { Host } from '../../src-main/shared/model'
import type { WizardState } from '../../src-main/shared/wizard'
import { apiCalls, eventWhere as eventWhereOn } from '../support/api-calls'
import { destroyHeldScript, footprint as footprintOf, NAS_KEY, NAS_KNOWN_HOSTS, SSHD_DROPIN, WG, WRAPPER } from './wizard-footprint'

let lab: Lab
let ctx: AppContext
let dataDir: string
let keychainService: string
const { call, callFails } = apiCalls(() => ctx)

const footprint = (options?: { restarts: boolean }) => footprintOf(lab, options)

async function addAndTrust(input: Record<string, unknown>): Promise<Host> {
  const host = await call<Host>('addHost', input)
  const first = await call<{ state: string; fingerprint: string }>('connectHost', { id: host.id })
  return call<Host>('trustHostKey', { id: host.id, fingerprint: first.fingerprint })
}

beforeAll(async () => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error('wizard.lab.test.ts needs the keychain: run it under scripts/with-keyring.sh')
  lab = await labHosts()
  await resetToBare()
  await freshPools()
  dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-wizard-lab-'))
  keychainService = `zfs-offsite-test-${randomUUID()}`
  ctx = createAppContext({ dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService })
}, 300_000)

afterAll(async () => {
  ctx?.dispose()
  if (lab) {
    await resetToBare()
  }
  if (keychainService) {
    const keychain = new KeytarSecretStore(new Redactor(), keychainService)
    for (const account of await keychain.list()) await keychain.delete(account)
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}, 300_000)

describe('the setup wizard on two bare lab VMs', () => {
  let nas: Host
  let offsite: Host

  it('adds both hosts and pins their keys through the API', async () => {
    nas = await addAndTrust({ label: 'Lab NAS', role: 'nas', address: '127.0.0.1', port: lab.nas.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.nas.privateKeyPath })
    offsite = await addAndTrust({ label: 'Lab off-site', role: 'offsite', address: '127.0.0.1', port: lab.offsite.sshPort, user: 'root', auth: 'key-file', keyFilePath: lab.offsite.privateKeyPath })
    expect(nas.pinnedHostKey).toBe(lab.nas.hostKeyFingerprint)
    expect(offsite.pinnedHostKey).toBe(lab.offsite.hostKeyFingerprint)
  })

  it('refuses hosts in the wrong roles and changes nothing', async () => {
    const err = await callFails('startWizard', { nasHostId: offsite.id, offsiteHostId: nas.id })
    expect(err.code).toBe('HOST_ROLE_MISMATCH')
    expect(err.fix).toMatch(/Nothing was changed/)
    expect(await call('getWizard', {})).toBeNull()
  })

  it('stops with a clear error when wg is missing on the NAS, and changes nothing', async () => {
    await call<WizardState>('startWizard', { nasHostId: nas.id, offsiteHostId: offsite.id })
    const before = await footprint()
    await lab.nas.run('mv /usr/bin/wg /usr/bin/wg.hidden')
    try {
      const err = await callFails('runWizardStep', { step: 'tunnel', offsiteEndpoint: lab.offsite.linkIp })
      expect(err.code).toBe('WG_NOT_INSTALLED')
      expect(err.cause).toMatch(/WireGuard is not installed on the NAS/)
      expect(err.fix).toMatch(/wireguard-tools/)
    } finally {
      await lab.nas.run('mv /usr/bin/wg.hidden /usr/bin/wg')
    }
    expect(await footprint()).toBe(before)
    const state = await call<WizardState>('getWizard', {})
    expect(state.steps.tunnel).toMatchObject({ status: 'failed', created: [] })
  }, 120_000)

  it('builds a tunnel that avoids an address already in use, with a fresh handshake and pings both ways', async () => {
    // Someone's interface holds the default tunnel network on the NAS.
    await lab.nas.run('ip link add zfsotest type dummy && ip addr add 10.99.0.1/30 dev zfsotest && ip link set zfsotest up')
    const out = await call<{ state: WizardState }>('runWizardStep', { step: 'tunnel', offsiteEndpoint: lab.offsite.linkIp })
    const tunnel = out.state.steps.tunnel
    expect(tunnel.status).toBe('succeeded')
    if (tunnel.status !== 'succeeded' || tunnel.result.kind !== 'tunnel') throw new Error('no tunnel result')
    expect(tunnel.result.nasAddress).not.toBe('10.99.0.1')
    expect(tunnel.result.interface).toBe(WG)
    expect(tunnel.created.map((c) => `${c.kind}@${c.host}`).sort()).toEqual(['wg-conf@nas', 'wg-conf@offsite', 'wg-key@nas', 'wg-key@offsite', 'wg-unit@nas', 'wg-unit@offsite'])
    // Checked on the VMs themselves, not through the app.
    await lab.nas.run(`ping -c1 -W5 ${tunnel.result.offsiteAddress}`)
    await lab.offsite.run(`ping -c1 -W5 ${tunnel.result.nasAddress}`)
    const hs = (await lab.nas.run(`wg show ${WG} latest-handshakes`)).stdout.trim().split(/\s+/)
    expect(Number(hs[1])).toBeGreaterThan(0)
    expect((await lab.nas.run(`systemctl is-enabled wg-quick@${WG}`)).stdout.trim()).toBe('enabled')
    // The private key never left its host: the config loads it from its file.
    expect((await lab.nas.run(`cat /etc/wireguard/${WG}.conf`)).stdout).not.toMatch(/PrivateKey/)
  }, 240_000)

  it('sets up the receive user and the destination, verified by a real test receive', async () => {
    const ru = await call<{ state: WizardState }>('runWizardStep', { step: 'receive-user', user: 'zfsreceive' })
    expect(ru.state.steps['receive-user'].status).toBe('succeeded')
    const dest = await call<{ state: WizardState }>('runWizardStep', { step: 'destination', parent: 'backup/nas' })
    expect(dest.state.steps.destination.status).toBe('succeeded')
    expect((await lab.offsite.run('zfs get -H -o value canmount,readonly backup/nas')).stdout.trim().split('\n')).toEqual(['off', 'on'])
    expect((await lab.offsite.run(`cat ${SSHD_DROPIN}`)).stdout).toMatch(/Match User zfsreceive\n\s+ClientAliveInterval 15\n\s+ClientAliveCountMax 3/)
    // The test receive cleaned up after itself.
    expect((await lab.offsite.run('zfs list -H -o name -r backup/nas')).stdout.trim()).toBe('backup/nas')
    // Preflight sizes the first copy with the same planner and flags as the run.
    await lab.nas.run('zfs create tank/wizdata && dd if=/dev/urandom of=/tank/wizdata/f bs=1M count=3 status=none && zfs snapshot tank/wizdata@one')
    const pre = await call<{ state: WizardState; findings: { id: string; severity: string; title: string; detail: string }[] }>('runWizardStep', { step: 'preflight', sources: ['tank/wizdata'], recursive: true, raw: false })
    expect(pre.state.steps.preflight.status).toBe('succeeded')
    expect(pre.findings.filter((f) => f.severity === 'blocker')).toEqual([])
    const space = pre.findings.find((f) => f.id === 'space')!
    expect(space.severity).toBe('ok')
    const estimate = Number(/estimate (\d+) B/.exec(space.detail)?.[1])
    const sent = Number((await lab.nas.run('zfs send -nvP -L -e -c tank/wizdata@one | awk \'$1 == "size" { print $2 }\'')).stdout.trim())
    expect(estimate).toBe(sent)
    expect(estimate).toBeGreaterThan(3 * 1024 * 1024)
  }, 300_000)

  it('the receive key can neither destroy nor roll back an off-site snapshot (tried from the NAS)', async () => {
    const state = await call<WizardState>('getWizard', {})
    const t = state.steps.tunnel
    if (t.status !== 'succeeded') throw new Error('no tunnel')
    const addr = t.result.offsiteAddress
    const ssh = `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${NAS_KNOWN_HOSTS} -o IdentitiesOnly=yes -i ${NAS_KEY} zfsreceive@${addr}`
    await lab.nas.run(`set -e; zfs create tank/wiz; zfs snapshot tank/wiz@a; zfs snapshot tank/wiz@b
      zfs send tank/wiz@a | ${ssh} zfs receive -s -u backup/nas/wiz
      zfs send -i @a tank/wiz@b | ${ssh} zfs receive -s -u backup/nas/wiz`)
    const destroy = await lab.nas.run(`${ssh} zfs destroy backup/nas/wiz@b`, { allowFail: true })
    const rollback = await lab.nas.run(`${ssh} zfs rollback -r backup/nas/wiz@a`, { allowFail: true })
    const forced = await lab.nas.run(`zfs send tank/wiz@a | ${ssh} zfs receive -F -u backup/nas/wiz`, { allowFail: true })
    for (const r of [destroy, rollback, forced]) {
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(/zfs-offsite receive-only: refused/)
    }
    expect((await lab.offsite.run('zfs list -H -o name -t snapshot -r backup/nas/wiz')).stdout.trim().split('\n')).toEqual(['backup/nas/wiz@a', 'backup/nas/wiz@b'])
    await lab.nas.run('zfs destroy -r tank/wiz')
    await lab.offsite.run('zfs destroy -r backup/nas/wiz')
  }, 240_000)

  it('the job step makes a job that copies over the tunnel, and a re-run finds the same job', async () => {
    const jobInput = { step: 'job', name: 'Wizard data', sources: [{ dataset: 'tank/wizdata', recursive: true }], exclusions: [], intermediates: true }
    const out = await call<{ state: WizardState }>('runWizardStep', jobInput)
    const step = out.state.steps.job
    if (step.status !== 'succeeded') throw new Error(`job step ${step.status}`)
    const jobs = await call<{ id: string; receiver?: { address: string; user: string }; targetParent: string; send: { raw: boolean } }[]>('listJobs', {})
    expect(jobs).toHaveLength(1)
    expect(jobs[0]).toMatchObject({ id: step.result.jobId, targetParent: 'backup/nas', receiver: { user: 'zfsreceive' }, send: { raw: false } })
    const t = out.state.steps.tunnel
    if (t.status !== 'succeeded') throw new Error('no tunnel')
    expect(jobs[0]!.receiver!.address).toBe(t.result.offsiteAddress)

    const again = await call<{ state: WizardState }>('runWizardStep', jobInput)
    expect(again.state.steps.job).toMatchObject({ status: 'succeeded', result: { jobId: step.result.jobId } })
    expect(await call<unknown[]>('listJobs', {})).toHaveLength(1)

    // The first send, handed over to the run use case.
    const started = await call<{ id: string; outcome: string }>('startRun', { jobId: step.result.jobId })
    expect(started.outcome).toBe('running')
    const end = await eventWhereOn(
      ctx.events,
      (e) => (e.name === 'jobState' && (e.payload as { runId?: string; state: string }).runId === started.id && (e.payload as { state: string }).state !== 'running' ? (e.payload as { state: string }) : undefined),
      'the end of the first send',
      600,
    )
    expect(end.state).toBe('succeeded')
    const guids = async (h: Lab['nas'], ds: string) => (await h.run(`zfs get -H -o value guid ${ds}@one`)).stdout.trim()
    expect(await guids(lab.offsite, 'backup/nas/wizdata')).toBe(await guids(lab.nas, 'tank/wizdata'))
  }, 600_000)

  it('undo removes what the wizard made, newest step first, and Remove tunnel restores the hosts', async () => {
    // Undoing the tunnel while later steps still have changes is refused.
    expect((await callFails('undoWizardStep', { step: 'tunnel' })).code).toBe('WIZARD_STEP_REFUSED')
    // Undoing the job step removes the job from the app; its copy stays off-site.
    await call('undoWizardStep', { step: 'job' })
    expect(await call<unknown[]>('listJobs', {})).toEqual([])
    await call('undoWizardStep', { step: 'preflight' }).catch(() => undefined)
    // A destination that holds a copy is kept: undo never destroys an off-site copy.
    const kept = await callFails('undoWizardStep', { step: 'destination' })
    expect(kept.code).toBe('DATASET_HAS_CHILDREN')
    expect((await lab.offsite.run('zfs list -H -o name backup/nas/wizdata@one')).stdout.trim()).toBe('backup/nas/wizdata@one')
    await lab.offsite.run(destroyHeldScript('backup/nas/wizdata'))
    await lab.nas.run(destroyHeldScript('tank/wizdata'))
    await call('undoWizardStep', { step: 'destination' })
    expect((await lab.offsite.run('zfs list -H -o name backup/nas', { allowFail: true })).code).not.toBe(0)
    expect((await lab.offsite.run(`test -e ${WRAPPER}`, { allowFail: true })).code).not.toBe(0)
    await call('undoWizardStep', { step: 'receive-user' })
    expect((await lab.offsite.run('id zfsreceive', { allowFail: true })).code).not.toBe(0)
    expect((await lab.offsite.run(`test -e ${SSHD_DROPIN}`, { allowFail: true })).code).not.toBe(0)
    expect((await lab.nas.run(`test -e ${NAS_KEY}`, { allowFail: true })).code).not.toBe(0)
    const state = await call<WizardState>('undoWizardStep', { step: 'tunnel' })
    expect(state.steps.tunnel.status).toBe('pending')
    for (const h of [lab.nas, lab.offsite]) {
      expect((await h.run(`ip link show ${WG}`, { allowFail: true })).code).not.toBe(0)
      expect((await h.run(`ls /etc/wireguard/${WG}.conf /etc/wireguard/${WG}.key`, { allowFail: true })).code).not.toBe(0)
      expect((await h.run(`systemctl is-enabled wg-quick@${WG}`, { allowFail: true })).stdout.trim()).not.toBe('enabled')
    }
    // Someone's own interface was never touched.
    expect((await lab.nas.run('ip -4 -o addr show zfsotest')).stdout).toMatch(/10\.99\.0\.1\/30/)
  }, 300_000)

  it('skips the tunnel when the NAS already reaches the off-site box, after checking it is the same machine', async () => {
    const before = await footprint()
    const nobody = await callFails('skipWizardTunnel', { offsiteAddress: '192.168.99.77', nasAddress: null })
    expect(nobody.code).toBe('OFFSITE_UNREACHABLE')
    expect(nobody.fix).toMatch(/Nothing was changed\./)
    // The NAS itself answers at its own address: reachable, but not the off-site box.
    const wrongBox = await callFails('skipWizardTunnel', { offsiteAddress: lab.nas.linkIp, nasAddress: null })
    expect(wrongBox.code).toBe('HOST_KEY_MISMATCH')
    expect(await footprint()).toBe(before)

    const state = await call<WizardState>('skipWizardTunnel', { offsiteAddress: lab.offsite.linkIp, nasAddress: null })
    expect(state.steps.tunnel).toMatchObject({ status: 'skipped', reason: 'already-reachable', result: { kind: 'reachable', offsiteAddress: lab.offsite.linkIp, nasAddress: lab.nas.linkIp } })
    // The receive user then works over that route, its key pinned to the NAS's address there.
    await call('runWizardStep', { step: 'receive-user', user: 'zfsreceive' })
    expect((await lab.offsite.run('cat /home/zfsreceive/.ssh/authorized_keys')).stdout).toContain(`from="${lab.nas.linkIp}"`)
    await call('undoWizardStep', { step: 'receive-user' })
    expect((await lab.offsite.run('id zfsreceive', { allowFail: true })).code).not.toBe(0)
  }, 300_000)
})
