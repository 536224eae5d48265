// The setup wizard's use cases (issue 7): each step does its work on the two hosts over
// the app's pinned connections, verifies the result, and records what it made as it
// makes it (in the config, so a restarted app still knows what to undo). Undo removes
// exactly what was recorded. Re-running a step that is already right changes nothing.
import { sha256Fingerprint } from '../adapters/ssh/host-key'
import type { ConfigStore } from '../adapters/config/config-store'
import type { Logger } from '../core/logging/logger'
import { checkDatasetName, poolName, type DatasetName } from '../core/zfs/names'
import { parseAllow } from '../core/hosts/probe'
import { configuredInterfacesCommand, chooseInterfaceName, DEFAULT_INTERFACE, parseConfiguredInterfaces, parseWgInterfaces, wgInterfacesCommand, type InterfaceName } from '../core/wireguard/interface-name'
import { ipAddrCommand, ipRouteCommand, parseIpAddr, parseIpRoute, chooseTunnelAddresses, type HostNetworks } from '../core/wireguard/tunnel-addresses'
import { chooseListenPort, configuredListenPortsCommand, listeningUdpCommand, parseConfiguredListenPorts, parseListeningUdpPorts } from '../core/wireguard/listen-port'
import { decideConfWrite, listenPortOf, parseConfState, readConfCommand, writeConfCommand, type ConfState } from '../core/wireguard/read-config'
import { generateKeyCommand, parseGeneratedKey } from '../core/wireguard/generate-key'
import { checkTunnelPlan, tunnelConfText, type TunnelPlan } from '../core/wireguard/tunnel-config'
import { enableTunnelCommand, parseIsActive, parseIsEnabled, parseWgTools, restartTunnelCommand, tunnelActiveCommand, tunnelEnabledCommand, wgToolsCommand } from '../core/wireguard/tunnel-service'
import { checkHandshake, hostTimeCommand, latestHandshakesCommand, parseHostTime, parseLatestHandshakes, parsePing, pingCommand, tunnelProblems, type HandshakeCheck, type PingResult } from '../core/wireguard/verify-tunnel'
import { firewallAdvice } from '../core/wireguard/firewall-advice'
import { generateNasKeyCommand, parseNasKey, NAS_KEY_PATH } from '../core/receive-user/nas-key'
import { createReceiveUserCommand, parseCreateReceiveUser } from '../core/receive-user/receive-user'
import { authorizedKeysLine, mergeAuthorizedKeys, parseAuthorizedKeys, readAuthorizedKeysCommand, writeAuthorizedKeysCommand } from '../core/receive-user/authorized-keys'
import { hostPublicKeyCommand, knownHostsLine, knownHostsName, mergeKnownHosts, NAS_KNOWN_HOSTS, parseHostPublicKey, parseKnownHosts, readKnownHostsCommand, writeKnownHostsCommand } from '../core/receive-user/known-hosts'
import { parseWriteSshdDropin, writeSshdDropinCommand, SSHD_DROPIN_PATH } from '../core/receive-user/sshd-dropin'
import { createParentCommand, parseCreateParent } from '../core/receive-user/parent-dataset'
import { installWrapperCommand, parseWrapperState, receiveWrapperScript, wrapperStateCommand, WRAPPER_PATH } from '../core/receive-user/receive-wrapper'
import { allowCommand, checkDelegation, receivePermissionsFor, showAllowCommand } from '../core/receive-user/delegation'
import { forbiddenAttempts, probeTarget, receiveLoginCommand, refusedByWrapper, testReceiveCommand, WRAPPER_REFUSAL } from '../core/receive-user/verify-receive-key'
import type { ReceiverEndpoint } from '../core/replication/pipeline'
import { destinationStepCommands, preflightStepCommands, receiveUserStepCommands, tunnelStepCommands, type ShownCommand } from '../core/wizard/step-commands'
import { preflight, preflightSummary, type Finding } from '../core/wizard/preflight'
import { undoActions } from '../core/wizard/undo'
import { afterRestart, createdOf, initialWizardState, refusal, wizardReducer, type WizardEvent } from '../core/wizard/wizard-state'
import type { Created, StepResults, WizardState, WizardStepName } from '../shared/wizard'
import { AppFailure, appError, type AppError } from '../shared/errors'
import type { Host, HostProbe, Job } from '../shared/model'
import type { MethodName, MethodOutput, WizardStepInput } from '../shared/contract'
import type { ParsedInput } from './app-services'
import type { HostServices } from './hosts-service'
import { wizardHost, type WizardHostRunner } from './wizard-host'
import { createPoolOnDisk, listDisks } from './wizard-pool'
import { keyscanCommand, parseKeyscan, parseRouteSource, routeSourceCommand } from '../core/wizard/reach-offsite'
import { planJob } from './job-planning'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>
export type WizardMethod = 'getWizard' | 'startWizard' | 'previewWizardStep' | 'runWizardStep' | 'undoWizardStep' | 'skipWizardTunnel' | 'listWizardDisks'

export interface WizardServiceDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly now: () => string
  /** Milliseconds to wait for the tunnel's handshake and pings; tests of failures may shorten it. */
  readonly tunnelDeadlineMs?: number
  /** The job step makes the job through the Jobs use cases, with their checks. */
  readonly jobs: { readonly [M in 'addJob' | 'updateJob' | 'removeJob' | 'listJobs']: ServiceImpl<M> }
}

type StepInput<S extends WizardStepInput['step']> = Extract<ParsedInput<'runWizardStep'>, { step: S }>

interface Pair {
  readonly nas: WizardHostRunner
  readonly offsite: WizardHostRunner
}

/** What a step reports as it goes: each made resource, recorded in the config at once. */
type Made = (c: Created) => void

const fail = (code: AppError['code'], cause: string, fix: string, details?: string) => new AppFailure(appError(code, cause, fix, details))

export function createWizardServices(deps: WizardServiceDeps): { [M in WizardMethod]: ServiceImpl<M> } {
  const { config, logger } = deps
  const deadlineMs = deps.tunnelDeadlineMs ?? 90_000
  let busy = false

  const stored = (): WizardState | null => config.read().wizard
  const save = (state: WizardState): WizardState => {
    config.update((c) => {
      c.wizard = state
    })
    return state
  }
  const requireWizard = (): WizardState => {
    const w = stored()
    if (!w) throw fail('WIZARD_STEP_REFUSED', 'The setup wizard has not been started.', 'Start it by choosing the NAS and the off-site box.')
    return w
  }
  const apply = (event: WizardEvent): WizardState => {
    const state = requireWizard()
    const why = refusal(state, event)
    if (why !== null) throw fail('WIZARD_STEP_REFUSED', `This step cannot run now: ${why}.`, 'Finish the step named, then try again. Nothing was changed.')
    return save(wizardReducer(state, event))
  }

  const hostRecord = (id: string): Host => {
    const host = config.read().hosts.find((h) => h.id === id)
    if (!host) throw fail('NOT_FOUND', 'A host the wizard uses is not in this app any more.', 'Start the wizard again with the hosts you have.', id)
    return host
  }

  const pair = async (state: WizardState): Promise<Pair> => {
    const nasHost = hostRecord(state.nasHostId)
    const offHost = hostRecord(state.offsiteHostId)
    const [nas, offsite] = await Promise.all([
      deps.hosts.connection(nasHost.id).then((c) => wizardHost('nas', nasHost, c)),
      deps.hosts.connection(offHost.id).then((c) => wizardHost('offsite', offHost, c)),
    ])
    return { nas, offsite }
  }
  const side = (p: Pair, s: Created['host']) => (s === 'nas' ? p.nas : p.offsite)

  const resultOf = <S extends WizardStepName>(state: WizardState, step: S): StepResults[S] => {
    const st = state.steps[step]
    if (st.status !== 'succeeded' && st.status !== 'skipped') throw fail('WIZARD_STEP_REFUSED', `The step “${step}” is not done yet.`, 'Run the steps in order.')
    return st.result as StepResults[S]
  }

  // ---- Tunnel ----

  interface TunnelSurvey {
    readonly name: InterfaceName
    readonly plan: TunnelPlan
    readonly conf: { readonly nas: ConfState; readonly offsite: ConfState }
  }

  const checkWg = async (h: WizardHostRunner): Promise<void> => {
    const a = await h.answer(wgToolsCommand())
    if (!parseWgTools(a.code, a.stdout)) {
      throw fail('WG_NOT_INSTALLED', `WireGuard is not installed on ${h.label}.`, `Install it there (wireguard-tools on Debian and Ubuntu), then run this step again. Nothing was changed.`, a.stderr.trim() || undefined)
    }
  }

  /** Reads both hosts (nothing changes) and plans the tunnel: name, addresses, ports. */
  const surveyTunnel = async (p: Pair, input: StepInput<'tunnel'>, previous: WizardState): Promise<TunnelSurvey> => {
    await Promise.all([checkWg(p.nas), checkWg(p.offsite)])
    const read = async (h: WizardHostRunner) => {
      const [up, confs, addr, route, udp, ports] = await Promise.all([
        h.run(wgInterfacesCommand()),
        h.run(configuredInterfacesCommand()),
        h.run(ipAddrCommand()),
        h.run(ipRouteCommand()),
        h.run(listeningUdpCommand()),
        h.run(configuredListenPortsCommand()),
      ])
      const networks: HostNetworks = { addresses: parseIpAddr(addr), routes: parseIpRoute(route) }
      return { names: [...parseWgInterfaces(up), ...parseConfiguredInterfaces(confs)], networks, ports: new Set([...parseListeningUdpPorts(udp), ...parseConfiguredListenPorts(ports)]) }
    }
    const [n, o] = await Promise.all([read(p.nas), read(p.offsite)])
    const st = previous.steps.tunnel
    const earlier = st.status === 'succeeded' && st.result.kind === 'tunnel' ? st.result : undefined
    // The app's own config from an earlier run (even one the stored wizard forgot) is kept.
    const defaultName = DEFAULT_INTERFACE as InterfaceName
    const ownDefault = await Promise.all([p.nas.run(readConfCommand(defaultName)), p.offsite.run(readConfCommand(defaultName))])
    const oursByFile = ownDefault.every((s) => parseConfState(s).kind === 'ours') ? DEFAULT_INTERFACE : undefined
    const ours = earlier?.interface ?? oursByFile
    const name = chooseInterfaceName(new Set([...n.names, ...o.names]), ours !== undefined ? { ours } : {})
    const [nasConfText, offConfText] = name === defaultName ? ownDefault : await Promise.all([p.nas.run(readConfCommand(name)), p.offsite.run(readConfCommand(name))])
    const conf = { nas: parseConfState(nasConfText!), offsite: parseConfState(offConfText!) }
    for (const s of ['nas', 'offsite'] as const) {
      if (conf[s].kind === 'foreign') {
        throw fail('WG_CONFIG_NOT_OURS', `${side(p, s).label} already has a WireGuard configuration named ${name} that ZFS Offsite did not write.`, `It is left as it is. Rename or remove that configuration, then run this step again. Nothing was changed.`)
      }
    }
    const ownPort = (c: ConfState) => (c.kind === 'ours' ? listenPortOf(c.text) : undefined)
    const addresses = chooseTunnelAddresses({
      nas: n.networks,
      offsite: o.networks,
      ownInterface: name,
      ...(earlier ? { previous: { network: `${earlier.nasAddress}/${earlier.prefixLength}`, prefixLength: earlier.prefixLength, nas: earlier.nasAddress, offsite: earlier.offsiteAddress } } : {}),
      avoid: [input.offsiteEndpoint, input.nasEndpoint].filter((x): x is string => x !== null),
    })
    if (!addresses) throw fail('WG_NO_FREE_ADDRESS', 'Every private address range the tunnel could use is already in use on one of the hosts.', 'Remove an unused VPN or network on the NAS or the off-site box, then run this step again. Nothing was changed.')
    const nasOwn = ownPort(conf.nas)
    const offOwn = ownPort(conf.offsite)
    const nasPort = chooseListenPort(n.ports, nasOwn !== undefined ? { ours: nasOwn } : {})
    // A port the person chose (a router forwards it) is taken as given, or refused when
    // something else already listens there; the tunnel's own earlier port is not "something else".
    const chosen = input.offsitePort
    if (chosen !== null && o.ports.has(chosen) && chosen !== offOwn) {
      throw fail(
        'WG_PORT_IN_USE',
        `UDP port ${chosen} is already in use on ${p.offsite.label}, so the tunnel cannot listen there.`,
        'Choose another port (and forward that one on the router), or leave the port empty so the wizard picks a free one. Nothing was changed.',
      )
    }
    const offPort = chosen ?? chooseListenPort(o.ports, offOwn !== undefined ? { ours: offOwn } : {})
    if (nasPort === null || offPort === null) {
      throw fail('WG_NO_FREE_PORT', `No free UDP port near 51820 on ${nasPort === null ? p.nas.label : p.offsite.label}.`, 'Stop a service that holds those ports, then run this step again. Nothing was changed.')
    }
    const plan: TunnelPlan = {
      name,
      prefixLength: addresses.prefixLength,
      nas: { address: addresses.nas, listenPort: nasPort, endpointHost: input.nasEndpoint, behindNat: input.nasEndpoint === null },
      offsite: { address: addresses.offsite, listenPort: offPort, endpointHost: input.offsiteEndpoint, behindNat: input.offsiteEndpoint === null },
    }
    try {
      checkTunnelPlan(plan)
    } catch (err) {
      throw fail('INVALID_INPUT', 'The tunnel cannot be set up this way.', 'Give the address at which the NAS reaches the off-site box (or the reverse). Nothing was changed.', err instanceof Error ? err.message : String(err))
    }
    return { name, plan, conf }
  }

  /** Repeats a check until it holds or the deadline passes; returns the last value. */
  const until = async <T>(check: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> => {
    const end = Date.now() + ms
    for (;;) {
      const v = await check()
      if (ok(v) || Date.now() >= end) return v
    }
  }

  const runTunnel = async (p: Pair, input: StepInput<'tunnel'>, made: Made, state: WizardState) => {
    const { name, plan, conf } = await surveyTunnel(p, input, state)
    const keys = { nas: parseGeneratedKey(await p.nas.run(generateKeyCommand(name))), offsite: parseGeneratedKey(await p.offsite.run(generateKeyCommand(name))) }
    for (const s of ['nas', 'offsite'] as const) if (keys[s].created) made({ kind: 'wg-key', host: s, interface: name })
    const startedAt = parseHostTime(await p.nas.run(hostTimeCommand()))
    let restarted = false
    for (const s of ['nas', 'offsite'] as const) {
      const h = side(p, s)
      const text = tunnelConfText(plan, s, keys[s === 'nas' ? 'offsite' : 'nas'].publicKey)
      const decision = decideConfWrite(text, conf[s])
      if (decision.action === 'refuse') throw fail('WG_CONFIG_NOT_OURS', `${h.label}: ${decision.reason}`, 'Rename or remove that configuration, then run this step again.')
      if (decision.action === 'create') {
        await h.run(writeConfCommand(name, text, 'create'))
        made({ kind: 'wg-conf', host: s, interface: name })
      } else if (decision.action === 'replace') {
        await h.run(writeConfCommand(name, text, 'replace'))
      }
      const changed = decision.action !== 'unchanged'
      const enabled = parseIsEnabled(await h.run(tunnelEnabledCommand(name)))
      const active = parseIsActive(await h.run(tunnelActiveCommand(name)))
      if (enabled !== 'enabled') {
        // Recorded before it runs: disabling a unit that never got enabled is harmless.
        made({ kind: 'wg-unit', host: s, interface: name })
        await h.run(enableTunnelCommand(name))
        if (active && changed) await h.run(restartTunnelCommand(name))
        restarted = true
      } else if (changed || !active) {
        await h.run(restartTunnelCommand(name))
        restarted = true
      }
    }
    // A tunnel that was left as it was proves itself by a handshake of the last three
    // minutes: the pings below make WireGuard shake hands again once the last is over two old.
    const since = restarted ? startedAt : startedAt - 180
    const ping = (from: WizardHostRunner, to: string) => until(async () => parsePing(await from.run(pingCommand(to))), (r) => r.received > 0, deadlineMs)
    const nasToOffsite: PingResult = await ping(p.nas, plan.offsite.address)
    // When the NAS side got nothing back, one try the other way is enough to report both.
    const offsiteToNas: PingResult = nasToOffsite.received > 0 ? await ping(p.offsite, plan.nas.address) : parsePing(await p.offsite.run(pingCommand(plan.nas.address)))
    const handshake: HandshakeCheck = await until(
      async () => checkHandshake(parseLatestHandshakes(await p.nas.run(latestHandshakesCommand(name))), keys.offsite.publicKey, since),
      (h) => h.ok,
      nasToOffsite.received > 0 ? 10_000 : 0,
    )
    const reachedSide = plan.offsite.endpointHost !== null ? 'the off-site box' : 'the NAS'
    const problems = tunnelProblems({ handshake, nasToOffsite, offsiteToNas, udpPort: reachedSide === 'the off-site box' ? plan.offsite.listenPort : plan.nas.listenPort, reachedSide })
    if (problems.length > 0) {
      const first = problems[0]!
      throw fail(first.code, first.cause, first.fix, problems.map((x) => `${x.code}: ${x.cause}`).join('\n'))
    }
    const advice: Finding[] = firewallAdvice(plan).map((a) => ({ id: `firewall-${a.host}`, severity: 'info', title: a.text, detail: a.rule ? `${a.rule.direction} ${a.rule.protocol} ${a.rule.port}` : '', ...(a.example ? { fix: a.example } : {}) }))
    const result: StepResults['tunnel'] = {
      kind: 'tunnel',
      interface: name,
      nasAddress: plan.nas.address,
      offsiteAddress: plan.offsite.address,
      prefixLength: plan.prefixLength,
      nasPort: plan.nas.listenPort,
      offsitePort: plan.offsite.listenPort,
      nasPublicKey: keys.nas.publicKey,
      offsitePublicKey: keys.offsite.publicKey,
    }
    return { result, findings: advice }
  }

  // ---- Receive user ----

  const receiverOf = (state: WizardState, user: string): ReceiverEndpoint => {
    const t = resultOf(state, 'tunnel')
    return {
      user,
      host: t.offsiteAddress,
      port: 22,
      sshOptions: ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${NAS_KNOWN_HOSTS}`, '-o', 'IdentitiesOnly=yes', '-i', NAS_KEY_PATH, '-o', 'ConnectTimeout=20'],
    }
  }

  const runReceiveUser = async (p: Pair, input: StepInput<'receive-user'>, made: Made, state: WizardState) => {
    const tunnel = resultOf(state, 'tunnel')
    const user = input.user
    const nasKey = parseNasKey(await p.nas.run(generateNasKeyCommand()))
    if (nasKey.created) made({ kind: 'nas-key', host: 'nas', path: NAS_KEY_PATH })
    if (parseCreateReceiveUser(await p.offsite.run(createReceiveUserCommand(user))).created) made({ kind: 'receive-user', host: 'offsite', user })
    const keys = parseAuthorizedKeys(await p.offsite.run(readAuthorizedKeysCommand(user)))
    const merged = mergeAuthorizedKeys(keys.text, authorizedKeysLine({ blob: nasKey.blob, from: tunnel.nasAddress, wrapperPath: WRAPPER_PATH }))
    if (merged.changed) {
      await p.offsite.run(writeAuthorizedKeysCommand(user, merged.text))
      made({ kind: 'authorized-key', host: 'offsite', user })
    }
    if (parseWriteSshdDropin(await p.offsite.run(writeSshdDropinCommand(user))) === 'created') made({ kind: 'sshd-dropin', host: 'offsite', path: SSHD_DROPIN_PATH })

    // The host key pinned on the NAS must be the one the person confirmed for the app.
    const blob = parseHostPublicKey(await p.offsite.run(hostPublicKeyCommand()))
    const seen = sha256Fingerprint(Buffer.from(blob, 'base64'))
    if (seen !== p.offsite.host.pinnedHostKey) {
      throw fail('HOST_KEY_MISMATCH', `The host key ${p.offsite.label} has on disk is not the one you confirmed for it, so it is not pinned for the NAS.`, 'Check that the off-site box was not reinstalled or replaced; confirm its key again in Hosts, then run this step again.', `on disk: ${seen}\nconfirmed: ${p.offsite.host.pinnedHostKey ?? '(none)'}`)
    }
    const known = parseKnownHosts(await p.nas.run(readKnownHostsCommand()))
    const line = knownHostsLine(tunnel.offsiteAddress, 22, blob)
    const nextKnown = mergeKnownHosts(known.text, line)
    if (nextKnown.changed) {
      await p.nas.run(writeKnownHostsCommand(nextKnown.text))
      made({ kind: 'known-host', host: 'nas', path: NAS_KNOWN_HOSTS, name: knownHostsName(tunnel.offsiteAddress, 22) })
    }

    // Proof: the NAS logs in with its key over the tunnel against the pinned host key.
    const login = await p.nas.answer(receiveLoginCommand(receiverOf(state, user)))
    if (login.code === 255) {
      throw fail('RECEIVE_LOGIN_FAILED', `The NAS could not log in to ${p.offsite.label} as ${user} with its new key over the tunnel.`, 'Check that sshd on the off-site box listens on the tunnel address and allows key logins, then run this step again.', login.stderr.trim() || undefined)
    }
    const probe = await deps.hosts.methods.probeHost({ id: p.offsite.host.id })
    const result: StepResults['receive-user'] = { user, address: tunnel.offsiteAddress, port: 22, identityFile: NAS_KEY_PATH, knownHostsFile: NAS_KNOWN_HOSTS, permissions: [...receivePermissionsFor(probe.zfs)] }
    return { result, findings: [] as Finding[] }
  }

  // ---- Destination ----

  const datasetOf = (name: string): DatasetName => {
    const c = checkDatasetName(name)
    if (!c.ok) throw fail('INVALID_INPUT', `“${name}” is not a dataset name: ${c.reason}`, 'Choose a dataset in a pool of the off-site box, for example backup/nas.')
    return c.value
  }

  const runDestination = async (p: Pair, input: StepInput<'destination'>, made: Made, state: WizardState) => {
    const ru = resultOf(state, 'receive-user')
    const parent = datasetOf(input.parent)
    // Guided pool creation: the pool is named by the parent's first part and made (on a
    // fresh disk listing, with the typed confirmation) before the parent goes into it.
    if (input.createPool) await createPoolOnDisk(p.offsite, { poolName: parent.split('/')[0]!, ...input.createPool }, made)
    if (parseCreateParent(await p.offsite.run(createParentCommand(parent))).created) made({ kind: 'dataset', host: 'offsite', dataset: parent })
    const script = receiveWrapperScript({ root: parent })
    const wrapper = parseWrapperState(await p.offsite.run(wrapperStateCommand(script)))
    if (wrapper !== 'same') {
      await p.offsite.run(installWrapperCommand(script))
      if (wrapper === 'absent') made({ kind: 'wrapper', host: 'offsite', path: WRAPPER_PATH })
    }
    const allowed = checkDelegation(parseAllow(await p.offsite.run(showAllowCommand(parent))), ru.user, parent, ru.permissions)
    if (allowed.missing.length > 0) {
      await p.offsite.run(allowCommand(ru.user, allowed.missing, parent))
      made({ kind: 'delegation', host: 'offsite', user: ru.user, dataset: parent, permissions: [...allowed.missing] })
    }

    // Proof by a real receive, then by trying what must be refused.
    const to = receiverOf(state, ru.user)
    const target = probeTarget(parent)
    const dropProbe = () => p.offsite.answer({ argv: ['zfs', 'destroy', '-r', target], successCodes: [0, 1] })
    await dropProbe()
    try {
      const pools = (await p.nas.run({ argv: ['zpool', 'list', '-H', '-o', 'name'], successCodes: [0] })).split('\n').filter((l) => l.trim() !== '')
      if (pools.length === 0) throw fail('PREFLIGHT_BLOCKED', `${p.nas.label} has no ZFS pool to make the test copy from.`, 'Create or import the NAS’s pool, then run this step again.')
      const received = await p.nas.answer(testReceiveCommand(to, pools[0]!, parent))
      if (received.code !== 0) {
        const err = received.stderr
        if (err.includes(WRAPPER_REFUSAL)) throw fail('RECEIVE_COMMAND_REFUSED', 'The off-site box’s receive-only command refused the test copy.', 'Run this step again to reinstall it; if it keeps refusing, report the details.', err.trim())
        if (/permission denied/i.test(err)) throw fail('RECEIVE_PERMISSION_MISSING', `${ru.user} may not receive into ${parent}.`, `Run this step again to grant it (zfs allow -u ${ru.user} ${ru.permissions.join(',')} ${parent}).`, err.trim())
        if (received.code === 255) throw fail('RECEIVE_LOGIN_FAILED', 'The NAS could not log in to the receive user for the test copy.', 'Run the receive user step again, then this one.', err.trim())
        throw fail('COMMAND_FAILED', 'The test copy to the off-site box failed.', 'Read the details, fix what they name, and run this step again.', err.trim())
      }
      const snapshot = `${target}@probe`
      const has = async () => (await p.offsite.answer({ argv: ['zfs', 'list', '-H', '-o', 'name', snapshot], successCodes: [0, 1] })).code === 0
      if (!(await has())) throw fail('VERIFY_MISMATCH', 'The test copy reported success but is not on the off-site box.', 'Run this step again; report the details if it repeats.')
      for (const attempt of forbiddenAttempts(to, parent, snapshot)) {
        const a = await p.nas.answer(attempt.command)
        if (!refusedByWrapper({ exitCode: a.code, stderr: a.stderr })) {
          throw fail('RECEIVE_KEY_TOO_WIDE', `The NAS’s receive key was not refused when it tried to ${attempt.label}.`, 'Run this step again to reinstall the receive-only command; do not start copies until it passes.', `exit ${a.code}\n${a.stderr.trim()}`)
        }
      }
      if (!(await has())) throw fail('RECEIVE_KEY_TOO_WIDE', 'The test snapshot disappeared while the NAS’s key tried to remove it.', 'Do not start copies; report the details.')
    } finally {
      await dropProbe()
    }
    return { result: { parent } satisfies StepResults['destination'], findings: [] as Finding[] }
  }

  // ---- Preflight ----

  const runPreflight = async (p: Pair, input: StepInput<'preflight'>, state: WizardState) => {
    const destination = resultOf(state, 'destination')
    const [source, target]: [HostProbe, HostProbe] = await Promise.all([deps.hosts.methods.probeHost({ id: p.nas.host.id }), deps.hosts.methods.probeHost({ id: p.offsite.host.id })])
    const tunnelStep = state.steps.tunnel
    const check = (estimateBytes: number | null) =>
      preflight({
        source,
        target,
        sources: input.sources,
        recursive: input.recursive,
        targetParent: destination.parent,
        estimateBytes,
        raw: input.raw,
        tunnel: tunnelStep.status === 'succeeded' && tunnelStep.result.kind === 'tunnel',
      })
    let findings = check(null)
    // The size is asked only of sources that passed the checks: the same planner and the
    // same send flags as the first run, so "fits" means what the run will send.
    if (preflightSummary(findings).blockers === 0 && input.sources.length > 0) findings = check(await firstCopyEstimate(p, input, destination.parent))
    const summary = preflightSummary(findings)
    if (summary.blockers > 0) {
      throw fail('PREFLIGHT_BLOCKED', findings.find((f) => f.severity === 'blocker')!.title, findings.find((f) => f.severity === 'blocker' && f.fix)?.fix ?? 'Fix what the findings name, then run the check again.', findings.filter((f) => f.severity === 'blocker').map((f) => f.title).join('\n'))
    }
    return { result: summary satisfies StepResults['preflight'], findings }
  }

  /** Bytes the first run would send, from `zfs send -nvP` through the job planner; null when unknown. */
  const firstCopyEstimate = async (p: Pair, input: StepInput<'preflight'>, parent: string): Promise<number | null> => {
    const provisional: Job = {
      id: 'preflight',
      name: 'preflight',
      sourceHostId: p.nas.host.id,
      targetHostId: p.offsite.host.id,
      sources: input.sources.map((dataset) => ({ dataset, recursive: input.recursive })),
      exclusions: [],
      targetParent: parent,
      intermediates: true,
      stallSeconds: 120,
      createdAt: deps.now(),
      send: { raw: input.raw, intermediates: true, largeBlocks: !input.raw, embedded: !input.raw, compressed: !input.raw },
    }
    try {
      const [nas, offsite] = await Promise.all([deps.hosts.connection(p.nas.host.id), deps.hosts.connection(p.offsite.host.id)])
      const planned = await planJob(provisional, nas, offsite)
      if (planned.estimates.some((e) => e === null)) return null
      return planned.estimates.reduce<number>((sum, e) => sum + (e ?? 0), 0)
    } catch (err) {
      logger.warn('wizard preflight estimate failed', { code: err instanceof AppFailure ? err.appError.code : 'INTERNAL' })
      return null
    }
  }

  // ---- Job ----

  const runJob = async (p: Pair, input: StepInput<'job'>, state: WizardState) => {
    const destination = resultOf(state, 'destination')
    const ru = resultOf(state, 'receive-user')
    const receiver = { user: ru.user, address: ru.address, port: ru.port, identityFile: ru.identityFile, knownHostsFile: ru.knownHostsFile }
    // A re-run finds the job an earlier run made (same hosts, destination and name) and
    // changes only what may change between runs; its send flags stay as they were.
    const existing = (await deps.jobs.listJobs({})).find(
      (j) => j.name === input.name && j.sourceHostId === p.nas.host.id && j.targetHostId === p.offsite.host.id && j.targetParent === destination.parent,
    )
    const job = existing
      ? await deps.jobs.updateJob({ id: existing.id, exclusions: input.exclusions, receiver, rateLimitBytesPerSecond: input.rateLimitBytesPerSecond ?? null })
      : await deps.jobs.addJob({
          name: input.name,
          sourceHostId: p.nas.host.id,
          targetHostId: p.offsite.host.id,
          sources: input.sources,
          exclusions: input.exclusions,
          targetParent: destination.parent,
          intermediates: input.intermediates,
          receiver,
          stallSeconds: 120,
          ...(input.raw !== undefined ? { raw: input.raw } : {}),
          ...(input.rateLimitBytesPerSecond !== undefined ? { rateLimitBytesPerSecond: input.rateLimitBytesPerSecond } : {}),
        })
    return { result: { jobId: job.id } satisfies StepResults['job'], findings: [] as Finding[] }
  }

  // ---- Skip the tunnel ----

  /** Checks that the NAS reaches the off-site box's sshd at `address` and that it is the box whose key was confirmed. */
  const checkReachable = async (p: Pair, address: string, nasAddress: string | null): Promise<{ offsiteAddress: string; nasAddress: string }> => {
    const scan = await p.nas.answer(keyscanCommand(address, 22))
    const keys = parseKeyscan(scan.stdout)
    if (keys.length === 0) {
      throw fail(
        'OFFSITE_UNREACHABLE',
        `The NAS cannot reach an SSH server at ${address}.`,
        'Check the address and that the existing VPN or route is up on both hosts, or let the wizard build a WireGuard tunnel instead. Nothing was changed.',
        scan.stderr.trim() || undefined,
      )
    }
    const pinned = p.offsite.host.pinnedHostKey
    if (!keys.some((k) => sha256Fingerprint(Buffer.from(k.blob, 'base64')) === pinned)) {
      throw fail(
        'HOST_KEY_MISMATCH',
        `At ${address} the NAS reaches a different machine than ${p.offsite.label}: its host key is not the one you confirmed.`,
        'Give the address at which the NAS reaches this off-site box. Nothing was changed.',
        `seen: ${keys.map((k) => `${k.type} ${sha256Fingerprint(Buffer.from(k.blob, 'base64'))}`).join(', ')}\nconfirmed: ${pinned ?? '(none)'}`,
      )
    }
    if (nasAddress !== null) return { offsiteAddress: address, nasAddress }
    const source = parseRouteSource(await p.nas.run(routeSourceCommand(address)))
    if (!source) {
      throw fail('OFFSITE_UNREACHABLE', `The NAS has no route to ${address} with an address of its own.`, 'Give the address the off-site box sees the NAS coming from. Nothing was changed.')
    }
    return { offsiteAddress: address, nasAddress: source }
  }

  // ---- Preview ----

  const preview = async (input: ParsedInput<'previewWizardStep'>): Promise<ShownCommand[]> => {
    const state = requireWizard()
    switch (input.step) {
      case 'tunnel': {
        const p = await pair(state)
        const { plan } = await surveyTunnel(p, input, state)
        return tunnelStepCommands({ plan })
      }
      case 'receive-user': {
        const t = resultOf(state, 'tunnel')
        return receiveUserStepCommands({ user: input.user, nasAddress: t.nasAddress, offsiteAddress: t.offsiteAddress, offsitePort: 22 })
      }
      case 'destination': {
        const ru = resultOf(state, 'receive-user')
        const parent = datasetOf(input.parent)
        const pool = input.createPool ? { pool: poolName(parent.split('/')[0]!), diskId: input.createPool.diskId } : undefined
        return destinationStepCommands({
          user: ru.user,
          parent,
          permissions: ru.permissions,
          receiver: { user: ru.user, host: ru.address, port: ru.port },
          probeSnapshot: `${probeTarget(parent)}@probe`,
          ...(pool ? { createPool: pool } : {}),
        })
      }
      case 'preflight':
        return preflightStepCommands()
      case 'job':
        // The job is saved in this app; nothing runs on the hosts until its first run,
        // which shows its own plan.
        return []
    }
  }

  /**
   * Removes what was recorded as made, in dependency order, stopping at the first failure.
   * Returns what is still there and the failure, if any.
   */
  const removeCreated = async (p: Pair, list: readonly Created[]): Promise<{ remaining: Created[]; error: AppError | null }> => {
    const remaining: Created[] = [...list]
    for (const action of undoActions(remaining)) {
      const h = side(p, action.host)
      try {
        if (action.kind === 'run') {
          await h.run(action.command)
        } else {
          const current = action.parse(await h.run(action.read))
          const next = current.exists ? action.edit(current.text) : { text: '', changed: false }
          if (next.changed) await h.run(action.write(next.text))
        }
      } catch (err) {
        let error = asAppError(err)
        if ((action.undoes.kind === 'dataset' || action.undoes.kind === 'pool') && /has children|dataset is busy/i.test(error.details ?? error.cause)) {
          error = appError('DATASET_HAS_CHILDREN', `${action.undoes.kind === 'pool' ? `The pool ${action.undoes.pool}` : action.undoes.dataset} already holds copies, so it is kept: undoing the wizard never destroys an off-site copy.`, 'Remove the copies yourself if you really want them gone, then undo again.', error.details)
        }
        return { remaining, error }
      }
      // One action per record (core/wizard/undo.ts): once it ran, the record is gone.
      const i = remaining.findIndex((c) => JSON.stringify(c) === JSON.stringify(action.undoes))
      if (i >= 0) remaining.splice(i, 1)
      logger.info('wizard undid', { label: action.label })
    }
    return { remaining, error: null }
  }

  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    if (busy) throw fail('WIZARD_STEP_REFUSED', 'Another wizard step is still running.', 'Wait for it to finish.')
    busy = true
    try {
      return await work()
    } finally {
      busy = false
    }
  }

  const asAppError = (err: unknown): AppError =>
    err instanceof AppFailure ? err.appError : appError('INTERNAL', 'Something unexpected went wrong during this step.', 'Run the step again; report the details if it repeats.', err instanceof Error ? err.message : String(err))

  return {
    async getWizard() {
      const w = stored()
      if (!w) return null
      // What was running when the app stopped is offered again, not shown as running.
      const resumed = busy ? w : afterRestart(w)
      return resumed === w ? w : save(resumed)
    },

    async startWizard({ nasHostId, offsiteHostId }) {
      const nas = hostRecord(nasHostId)
      const off = hostRecord(offsiteHostId)
      if (nas.role !== 'nas' || off.role !== 'offsite' || nas.id === off.id) {
        throw fail(
          'HOST_ROLE_MISMATCH',
          nas.role !== 'nas' ? `“${nas.label}” was added as an off-site box, not as the NAS.` : `“${off.label}” was added as a NAS, not as the off-site box.`,
          'Choose the NAS as the source and the off-site box as the target, or edit the hosts’ roles. Nothing was changed.',
        )
      }
      const current = stored()
      if (current && (current.nasHostId !== nasHostId || current.offsiteHostId !== offsiteHostId)) {
        const leftovers = (['tunnel', 'receive-user', 'destination', 'preflight', 'job'] as const).filter((s) => createdOf(current.steps[s]).length > 0)
        if (leftovers.length > 0) throw fail('WIZARD_STEP_REFUSED', 'A wizard for other hosts made changes that are still there.', `Undo its steps first (${leftovers.join(', ')}).`)
      }
      if (current && current.nasHostId === nasHostId && current.offsiteHostId === offsiteHostId) return afterRestart(current)
      logger.info('wizard started', { nasHostId, offsiteHostId })
      return save(initialWizardState({ nasHostId, offsiteHostId, at: deps.now() }))
    },

    async skipWizardTunnel({ offsiteAddress, nasAddress }) {
      return exclusive(async () => {
        const before = requireWizard()
        const probe = { type: 'step-skipped', step: 'tunnel', at: deps.now(), result: { kind: 'reachable', offsiteAddress, nasAddress: nasAddress ?? '' } } as const
        const why = refusal(before, probe)
        if (why !== null) throw fail('WIZARD_STEP_REFUSED', `The tunnel cannot be skipped now: ${why}.`, 'Use Remove tunnel first, then skip it. Nothing was changed.')
        const p = await pair(before)
        const result = await checkReachable(p, offsiteAddress, nasAddress)
        logger.info('wizard tunnel skipped', { reachable: true })
        return apply({ ...probe, at: deps.now(), result: { kind: 'reachable', ...result } })
      })
    },

    async previewWizardStep(input) {
      return { commands: await preview(input) }
    },

    async runWizardStep(input) {
      return exclusive(async () => {
        const step = input.step
        const before = requireWizard()
        // Refused before any host is contacted: a step out of order touches nothing.
        const why = refusal(before, { type: 'step-started', step, at: deps.now() })
        if (why !== null) throw fail('WIZARD_STEP_REFUSED', `This step cannot run now: ${why}.`, 'Finish the step named, then try again. Nothing was changed.')
        const p = await pair(before)
        let state = apply({ type: 'step-started', step, at: deps.now() })
        const made: Made = (created) => {
          state = apply({ type: 'resource-created', step, at: deps.now(), created })
          logger.info('wizard made', { step, ...created })
        }
        try {
          const outcome =
            input.step === 'tunnel'
              ? await runTunnel(p, input, made, state)
              : input.step === 'receive-user'
                ? await runReceiveUser(p, input, made, state)
                : input.step === 'destination'
                  ? await runDestination(p, input, made, state)
                  : input.step === 'preflight'
                    ? await runPreflight(p, input, state)
                    : await runJob(p, input, state)
          state = apply({ type: 'step-succeeded', step, at: deps.now(), result: outcome.result } as WizardEvent)
          logger.info('wizard step done', { step })
          return { state, findings: outcome.findings }
        } catch (err) {
          let error = asAppError(err)
          // A failed step leaves the hosts as they were: what this run made is put back
          // (newest first); what an earlier run made stays recorded for Undo.
          const earlier = createdOf(before.steps[step])
          const madeNow = createdOf(state.steps[step]).filter((c) => !earlier.some((e) => JSON.stringify(e) === JSON.stringify(c)))
          const back = await removeCreated(p, madeNow)
          if (madeNow.length > 0) {
            error =
              back.error === null
                ? { ...error, fix: `${error.fix.replace(/\s*Nothing was changed\.$/, '')} What this step had changed on the hosts was put back.` }
                : { ...error, fix: `${error.fix} Some of what this step changed could not be put back (${back.error.cause}); use Undo on this step.` }
          }
          const rolledBack = madeNow.filter((c) => !back.remaining.some((r) => JSON.stringify(r) === JSON.stringify(c)))
          apply({ type: 'step-failed', step, at: deps.now(), error, rolledBack })
          logger.warn('wizard step failed', { step, code: error.code, putBack: rolledBack.length })
          throw new AppFailure(error)
        }
      })
    },

    async listWizardDisks() {
      const p = await pair(requireWizard())
      return listDisks(p.offsite)
    },

    async undoWizardStep({ step }) {
      return exclusive(async () => {
        const before = requireWizard()
        const why = refusal(before, { type: 'undo-requested', step, at: deps.now() })
        if (why !== null) throw fail('WIZARD_STEP_REFUSED', `This step cannot be undone now: ${why}.`, 'Undo the later steps first. Nothing was changed.')
        // The job lives in this app, not on the hosts: undoing the job step removes the job
        // (the Jobs use case refuses while it runs); copies already made stay off-site.
        const jobStep = before.steps.job
        if (step === 'job' && jobStep.status === 'succeeded') {
          await deps.jobs.removeJob({ id: jobStep.result.jobId }).catch((err: unknown) => {
            if (!(err instanceof AppFailure && err.appError.code === 'NOT_FOUND')) throw err
          })
        }
        const p = await pair(before)
        let state = apply({ type: 'undo-requested', step, at: deps.now() })
        const { remaining, error } = await removeCreated(p, createdOf(state.steps[step]))
        if (error !== null) {
          apply({ type: 'undo-failed', step, at: deps.now(), error, remaining })
          throw new AppFailure(error)
        }
        state = apply({ type: 'undo-done', step, at: deps.now() })
        return state
      })
    },
  }
}

