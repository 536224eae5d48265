// "What this runs, on which host" for each wizard step: the exact commands, built by the
// same functions the services run, joined for display by the one quoting function. What
// a command reads on stdin (a config, the wrapper) is shown beside it; secrets never are
// (there are none: private keys are made on each host and never travel).
import { createPoolCommand } from '../pool/create-pool'
import { listDisksCommand } from '../pool/list-disks'
import type { CommandSpec } from '../zfs/command'
import { shellJoin } from '../shell/quote'
import type { DatasetName, PoolName } from '../zfs/names'
import type { HostProbe } from '../../shared/model'
import { probeCommand } from '../hosts/probe'
import { configuredInterfacesCommand, wgInterfacesCommand, type InterfaceName } from '../wireguard/interface-name'
import { generateKeyCommand } from '../wireguard/generate-key'
import { ipAddrCommand, ipRouteCommand } from '../wireguard/tunnel-addresses'
import { configuredListenPortsCommand, listeningUdpCommand } from '../wireguard/listen-port'
import { tunnelConfText, type TunnelPlan } from '../wireguard/tunnel-config'
import { readConfCommand, writeConfCommand } from '../wireguard/read-config'
import { enableTunnelCommand } from '../wireguard/tunnel-service'
import { hostTimeCommand, latestHandshakesCommand, pingCommand } from '../wireguard/verify-tunnel'
import { createReceiveUserCommand } from '../receive-user/receive-user'
import { generateNasKeyCommand, NAS_KEY_PATH } from '../receive-user/nas-key'
import { authorizedKeysLine, readAuthorizedKeysCommand, writeAuthorizedKeysCommand } from '../receive-user/authorized-keys'
import { hostPublicKeyCommand, knownHostsLine, NAS_KNOWN_HOSTS, readKnownHostsCommand, writeKnownHostsCommand } from '../receive-user/known-hosts'
import { installWrapperCommand, receiveWrapperScript, wrapperStateCommand, WRAPPER_PATH } from '../receive-user/receive-wrapper'
import { allowCommand, showAllowCommand } from '../receive-user/delegation'
import { createParentCommand } from '../receive-user/parent-dataset'
import { forbiddenAttempts } from '../receive-user/verify-receive-key'
import type { Ed25519Blob } from '../receive-user/public-key'
import type { WizardHost } from '../../shared/wizard'

export interface ShownCommand {
  readonly host: WizardHost
  /** What it is for, in plain words. */
  readonly purpose: string
  /** check: reads only; change: alters the host; verify: proves the result. */
  readonly kind: 'check' | 'change' | 'verify'
  /** The command line as the host's shell receives it. */
  readonly command: string
  /** What the command reads on stdin, when it is shown (a config, a script, a line). */
  readonly input?: string
}

export const HOST_LABEL: Record<WizardHost, string> = { nas: 'the NAS', offsite: 'the off-site box' }

/** Runs a command as root: as is for a root login, through `sudo -n` where that works without a password. */
export function asRoot(spec: CommandSpec, sudo: HostProbe['login']['sudo']): CommandSpec {
  if (sudo === 'root') return spec
  if (sudo === 'nopasswd') return { ...spec, argv: ['sudo', '-n', '--', ...spec.argv] }
  throw new Error('this login can act as root neither directly nor through sudo without a password')
}

function show(host: WizardHost, kind: ShownCommand['kind'], purpose: string, spec: CommandSpec, input?: string): ShownCommand {
  const shownInput = input ?? spec.stdin
  return { host, kind, purpose, command: shellJoin(spec.argv), ...(shownInput !== undefined && shownInput !== '' ? { input: shownInput } : {}) }
}

// A valid key that stands in for one not read back yet; replaced by words in the text shown.
const PLACEHOLDER_KEY = `${'A'.repeat(43)}=`
const placeholderFor = (side: WizardHost) => `(the public key of ${HOST_LABEL[side]}, read back when it is made)`

export interface TunnelStepInput {
  readonly plan: TunnelPlan
  /** Public keys once read back; until then the config shows where they go. */
  readonly nasPublicKey?: string
  readonly offsitePublicKey?: string
}

export function tunnelStepCommands(input: TunnelStepInput): ShownCommand[] {
  const { plan } = input
  const name: InterfaceName = plan.name
  const conf = (side: WizardHost): string => {
    const peer: WizardHost = side === 'nas' ? 'offsite' : 'nas'
    const key = peer === 'nas' ? input.nasPublicKey : input.offsitePublicKey
    const text = tunnelConfText(plan, side, key ?? PLACEHOLDER_KEY)
    return key === undefined ? text.replace(PLACEHOLDER_KEY, placeholderFor(peer)) : text
  }
  const out: ShownCommand[] = []
  for (const host of ['nas', 'offsite'] as const) {
    out.push(
      show(host, 'check', 'WireGuard interfaces that are up', wgInterfacesCommand()),
      show(host, 'check', 'WireGuard configurations already there', configuredInterfacesCommand()),
      show(host, 'check', 'addresses in use', ipAddrCommand()),
      show(host, 'check', 'routes in use, in every table', ipRouteCommand()),
      show(host, 'check', 'UDP ports in use', listeningUdpCommand()),
      show(host, 'check', 'ports other WireGuard configurations listen on', configuredListenPortsCommand()),
    )
  }
  for (const host of ['nas', 'offsite'] as const) {
    out.push(show(host, 'change', 'make this host’s WireGuard key (the private key stays in its file)', generateKeyCommand(name)))
  }
  for (const host of ['nas', 'offsite'] as const) {
    out.push(
      show(host, 'check', 'read back the tunnel configuration, if the app wrote one before', readConfCommand(name)),
      // The real text needs the peer's key; the shown one says where it goes until then.
      show(host, 'change', `write ${plan.name}.conf`, { ...writeConfCommand(name, tunnelConfText(plan, host, PLACEHOLDER_KEY), 'create'), stdin: conf(host) }),
      show(host, 'change', 'start the tunnel now and at every boot', enableTunnelCommand(name)),
    )
  }
  out.push(
    show('nas', 'verify', 'the NAS’s clock, to tell a fresh handshake', hostTimeCommand()),
    show('nas', 'verify', 'when the two sides last shook hands', latestHandshakesCommand(name)),
    show('nas', 'verify', 'reach the off-site box through the tunnel', pingCommand(plan.offsite.address)),
    show('offsite', 'verify', 'reach the NAS through the tunnel', pingCommand(plan.nas.address)),
  )
  return out
}

export interface ReceiveUserStepInput {
  readonly user: string
  /** The NAS's address as the off-site box sees it (tunnel address): the key's from=. */
  readonly nasAddress: string
  /** The off-site box's address as the NAS reaches it, and its SSH port. */
  readonly offsiteAddress: string
  readonly offsitePort: number
  /** The NAS key's public half once read back. */
  readonly nasKey?: Ed25519Blob
  readonly offsiteHostKey?: Ed25519Blob
}

export function receiveUserStepCommands(input: ReceiveUserStepInput): ShownCommand[] {
  const line = input.nasKey
    ? authorizedKeysLine({ blob: input.nasKey, from: input.nasAddress, wrapperPath: WRAPPER_PATH })
    : `restrict,from="${input.nasAddress}",command="${WRAPPER_PATH}" ssh-ed25519 (the NAS’s receive key, read back when it is made) zfs-offsite`
  const known = input.offsiteHostKey ? knownHostsLine(input.offsiteAddress, input.offsitePort, input.offsiteHostKey) : `${input.offsiteAddress} ssh-ed25519 (the off-site box’s host key, read over the app’s own pinned connection)`
  return [
    show('nas', 'change', `make the NAS’s own key for the receive user (${NAS_KEY_PATH})`, generateNasKeyCommand()),
    show('offsite', 'change', `create the user ${input.user}, if it does not exist`, createReceiveUserCommand(input.user)),
    show('offsite', 'check', `read ${input.user}’s authorized_keys`, readAuthorizedKeysCommand(input.user)),
    show('offsite', 'change', `let the NAS’s key in, only from ${input.nasAddress} and only for the receive-only command (other lines are kept)`, writeAuthorizedKeysCommand(input.user, ''), line),
    show('offsite', 'check', 'read the off-site box’s host key, to pin it on the NAS', hostPublicKeyCommand()),
    show('nas', 'check', `read the NAS’s list of pinned keys (${NAS_KNOWN_HOSTS})`, readKnownHostsCommand()),
    show('nas', 'change', 'pin the off-site box’s host key for the NAS (never trusted on first use)', writeKnownHostsCommand(''), known),
  ]
}

export interface DestinationStepInput {
  readonly user: string
  readonly parent: DatasetName
  readonly permissions: readonly string[]
  /** How the NAS reaches the receive user, for the attempts that must be refused. */
  readonly receiver: { readonly user: string; readonly host: string; readonly port: number }
  /** A snapshot off-site to aim the refused attempts at. */
  readonly probeSnapshot: string
  /** A new pool to make first, on the disk with this by-id name (guided zpool create). */
  readonly createPool?: { readonly pool: PoolName; readonly diskId: string }
}

export function destinationStepCommands(input: DestinationStepInput): ShownCommand[] {
  const script = receiveWrapperScript({ root: input.parent })
  const to = {
    user: input.receiver.user,
    host: input.receiver.host,
    port: input.receiver.port,
    sshOptions: ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${NAS_KNOWN_HOSTS}`, '-o', 'IdentitiesOnly=yes', '-i', NAS_KEY_PATH],
  }
  const pool = input.createPool
  return [
    ...(pool
      ? [
          show('offsite', 'check', 'read the disks again: the chosen one must still be empty', listDisksCommand()),
          show('offsite', 'change', `make the pool ${pool.pool} on ${pool.diskId} (everything on that disk is erased)`, createPoolCommand(pool.pool, pool.diskId)),
        ]
      : []),
    show('offsite', 'change', `use ${input.parent}, or create it (not mounted, read-only)`, createParentCommand(input.parent)),
    show('offsite', 'check', 'compare the receive-only command with the one installed', wrapperStateCommand(script)),
    show('offsite', 'change', `install the receive-only command (${WRAPPER_PATH})`, installWrapperCommand(script)),
    show('offsite', 'change', `give ${input.user} the right to receive below ${input.parent}, and nothing more`, allowCommand(input.user, input.permissions, input.parent)),
    show('offsite', 'verify', 'read back the rights', showAllowCommand(input.parent)),
    ...forbiddenAttempts(to, input.parent, input.probeSnapshot).map((a) => show('nas', 'verify', `prove the NAS’s key cannot ${a.label} (it must be refused)`, a.command)),
  ]
}

export function preflightStepCommands(): ShownCommand[] {
  return (['nas', 'offsite'] as const).map((host) => show(host, 'check', `read ${HOST_LABEL[host]}’s OpenZFS, pools, datasets and tools`, probeCommand()))
}
