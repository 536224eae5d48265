// The Hosts use cases: one pinned SSH connection per host (the off-site box through the
// NAS when it is reached over the tunnel), first-contact trust, installing the app's key
// with a password used once, the probe, and editing or forgetting a host.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { SshConnection, type SshAuth, type SshTarget, type SshTimings, DEFAULT_TIMINGS } from '../adapters/ssh/ssh-connection'
import { ensureAppKey, readAppKey } from '../adapters/ssh/app-key'
import { CONSOLE_FINGERPRINT_COMMAND } from '../core/hosts/host-key-trust'
import { installPublicKeyCommand } from '../core/hosts/install-key'
import { parseProbe, probeCommand } from '../core/hosts/probe'
import type { Logger } from '../core/logging/logger'
import type { Redactor } from '../core/logging/redactor'
import type { SecretStore } from '../core/secrets/secret-store'
import type { ConfigStore } from '../adapters/config/config-store'
import { AppFailure, appError } from '../shared/errors'
import type { ConnectionState, Host, HostProbe } from '../shared/model'
import type { MethodName, MethodOutput } from '../shared/contract'
import type { ParsedInput } from './app-services'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>

export interface HostServiceDeps {
  readonly config: ConfigStore
  readonly secrets: SecretStore
  readonly logger: Logger
  readonly redactor?: Redactor
  readonly timings?: SshTimings
  readonly now: () => string
  /** Where ssh-agent listens; defaults to SSH_AUTH_SOCK. */
  readonly agentSocket?: () => string | undefined
}

export type HostMethod =
  | 'connectHost'
  | 'trustHostKey'
  | 'installAppKey'
  | 'probeHost'
  | 'updateHost'
  | 'disconnectHost'
  | 'listHostStates'
  | 'getAppPublicKey'

export interface HostServices {
  readonly methods: { [M in HostMethod]: ServiceImpl<M> }
  /** The host's pinned connection, for other services' commands; refuses a host whose key is not confirmed. */
  connection(hostId: string): Promise<SshConnection>
  /** Closes the host's connection and forgets what the app saw of it (before removing it). */
  forget(hostId: string): void
  dispose(): void
}

function notFound(id: string): AppFailure {
  return new AppFailure(appError('NOT_FOUND', 'That host is not in this app any more.', 'Pick a host from the Hosts screen, or add it again.', id))
}

export function createHostServices(deps: HostServiceDeps): HostServices {
  const { config, secrets, logger } = deps
  const timings = deps.timings ?? DEFAULT_TIMINGS
  const connections = new Map<string, SshConnection>()
  /** The fingerprint each host showed on its last unconfirmed contact: the only value trustHostKey accepts. */
  const pending = new Map<string, string>()
  const probes = new Map<string, HostProbe>()

  const findHost = (id: string): Host => {
    const host = config.read().hosts.find((h) => h.id === id)
    if (!host) throw notFound(id)
    return host
  }

  // Pins live in the config, on the host record (so per address and port: changing
  // either clears the pin). Reading throws when the record is gone, which refuses.
  const pinOf = (id: string) => (): string | undefined => findHost(id).pinnedHostKey

  const authFor = async (host: Host): Promise<SshAuth> => {
    switch (host.auth) {
      case 'app-key': {
        const key = await readAppKey(secrets)
        if (!key) {
          throw new AppFailure(
            appError(
              'SSH_AUTH_FAILED',
              `The app’s key is not installed on ${host.label} yet.`,
              'Install it with the host’s password (used once, never stored), or choose your SSH agent or a key file.',
            ),
          )
        }
        return { kind: 'private-key', privateKey: key.privateKey }
      }
      case 'agent': {
        const socket = (deps.agentSocket ?? (() => process.env.SSH_AUTH_SOCK))()
        if (!socket) {
          throw new AppFailure(
            appError('SSH_AGENT_UNAVAILABLE', 'No SSH agent is running for this app.', 'Start your SSH agent (and add your key), or choose another way to sign in.'),
          )
        }
        return { kind: 'agent', socket }
      }
      case 'key-file': {
        try {
          const path = host.keyFilePath ?? ''
          return { kind: 'private-key', privateKey: readFileSync(path.startsWith('~/') ? join(homedir(), path.slice(2)) : path) }
        } catch (err) {
          throw new AppFailure(
            appError('SSH_KEY_UNREADABLE', `The key file for ${host.label} could not be read.`, 'Choose the key file again.', err instanceof Error ? err.message : String(err)),
          )
        }
      }
    }
  }

  const nasFor = (host: Host): Host => {
    const nas = config.read().hosts.find((h) => h.role === 'nas' && h.id !== host.id)
    if (!nas) {
      throw new AppFailure(
        appError('SSH_NAS_MISSING', `${host.label} is reached through the NAS, but no NAS is in the app.`, 'Add the NAS first, or untick “reached through the NAS”.'),
      )
    }
    return nas
  }

  const targetFor = async (host: Host, auth?: SshAuth): Promise<SshTarget> => {
    const via = host.reachedThroughNas ? await connectionFor(nasFor(host)) : undefined
    return {
      label: host.label,
      host: host.address.replace(/^\[(.*)\]$/, '$1'),
      port: host.port,
      username: host.user,
      // Without a pin the handshake ends at the host key, so no credentials are needed (or sent).
      auth: auth ?? (host.pinnedHostKey ? await authFor(host) : { kind: 'none' }),
      pinnedFingerprint: pinOf(host.id),
      ...(via ? { via } : {}),
    }
  }

  async function connectionFor(host: Host): Promise<SshConnection> {
    const existing = connections.get(host.id)
    if (existing && existing.state !== 'closed') return existing
    const connection = new SshConnection(await targetFor(host), timings)
    connections.set(host.id, connection)
    connection.onStateChange((state) => logger.debug('host connection', { hostId: host.id, state }))
    return connection
  }

  const drop = (id: string): void => {
    connections.get(id)?.close()
    connections.delete(id)
    // The off-site box's connection rides on the NAS's: it goes with it.
    const hosts = config.read().hosts
    if (hosts.find((h) => h.id === id)?.role !== 'nas') return
    for (const h of hosts) {
      if (h.reachedThroughNas && h.id !== id) {
        connections.get(h.id)?.close()
        connections.delete(h.id)
      }
    }
  }

  /** Connects; on an unconfirmed host key, answers with the fingerprint to confirm instead of failing. */
  const connect = async (host: Host) => {
    const connection = await connectionFor(host)
    try {
      await connection.ensure()
    } catch (err) {
      if (err instanceof AppFailure && err.appError.code === 'SSH_HOST_KEY_UNKNOWN' && connection.seenFingerprint) {
        pending.set(host.id, connection.seenFingerprint)
        drop(host.id)
        logger.info('host key seen for the first time', { hostId: host.id, fingerprint: connection.seenFingerprint })
        return {
          state: 'unconfirmed' as const,
          fingerprint: connection.seenFingerprint,
          consoleCommand: CONSOLE_FINGERPRINT_COMMAND,
          address: host.address,
          port: host.port,
        }
      }
      drop(host.id)
      throw err
    }
    logger.info('host connected', { hostId: host.id })
    return { state: 'connected' as const, fingerprint: connection.seenFingerprint ?? host.pinnedHostKey ?? '' }
  }

  const methods: HostServices['methods'] = {
    async connectHost({ id }) {
      return connect(findHost(id))
    },

    async trustHostKey({ id, fingerprint }) {
      const host = findHost(id)
      const seen = pending.get(id)
      if (seen === undefined || seen !== fingerprint) {
        throw new AppFailure(
          appError(
            'INVALID_INPUT',
            'That fingerprint is not the one this host showed the app.',
            'Connect again and compare the fingerprint the app shows with the one on the host’s console.',
            `given: ${fingerprint}${seen ? `\nseen: ${seen}` : ''}`,
          ),
        )
      }
      if (host.pinnedHostKey && host.pinnedHostKey !== fingerprint) {
        throw new AppFailure(
          appError('SSH_HOST_KEY_CHANGED', `${host.label} already has a different trusted key.`, 'Nothing was changed. Remove the host and add it again if it was reinstalled.'),
        )
      }
      const next = config.update((c) => {
        const h = c.hosts.find((x) => x.id === id)
        if (h) h.pinnedHostKey = fingerprint
      })
      pending.delete(id)
      drop(id)
      logger.info('host key trusted', { hostId: id, fingerprint })
      return next.hosts.find((h) => h.id === id)!
    },

    async installAppKey({ id, password }) {
      // The password is used for this one connection, then dropped: never stored or logged.
      deps.redactor?.register(password)
      const host = findHost(id)
      if (!host.pinnedHostKey) {
        throw new AppFailure(
          appError('SSH_HOST_KEY_UNKNOWN', `The identity of ${host.label} has not been confirmed yet.`, 'Connect and confirm its fingerprint first; only then is the password sent.'),
        )
      }
      const key = await ensureAppKey(secrets)
      const once = new SshConnection(await targetFor(host, { kind: 'password', password }), { ...timings, reconnectDeadlineMs: 0 })
      try {
        await once.connect()
        await once.run(installPublicKeyCommand(key.publicKeyLine))
      } finally {
        once.close()
      }
      logger.info('app key installed on host', { hostId: id })
      if (host.auth !== 'app-key') {
        config.update((c) => {
          const h = c.hosts.find((x) => x.id === id)
          if (h) h.auth = 'app-key'
        })
      }
      drop(id)
      const answer = await connect(findHost(id))
      if (answer.state !== 'connected') throw new AppFailure(appError('SSH_HOST_KEY_UNKNOWN', 'The host’s identity changed while the key was installed.', 'Connect again.'))
      return answer
    },

    async probeHost({ id }) {
      const host = findHost(id)
      const connection = await connectionFor(host)
      const stdout = await connection.run(probeCommand())
      let probe: HostProbe
      try {
        probe = parseProbe(stdout, deps.now())
      } catch (err) {
        throw new AppFailure(
          appError('PROBE_UNREADABLE', `The app could not understand what ${host.label} answered.`, 'Check that the host runs Linux with OpenZFS; report the details if it does.', err instanceof Error ? err.message : String(err)),
        )
      }
      probes.set(id, probe)
      logger.info('host probed', { hostId: id, pools: probe.pools.length, datasets: probe.datasets.length, problems: probe.problems.length })
      return probe
    },

    async updateHost({ id, confirmIdentityAgain, ...changes }) {
      const before = findHost(id)
      const moved =
        (changes.address !== undefined && changes.address !== before.address) ||
        (changes.port !== undefined && changes.port !== before.port) ||
        (changes.reachedThroughNas !== undefined && changes.reachedThroughNas !== before.reachedThroughNas)
      if ((changes.auth ?? before.auth) === 'key-file' && !(changes.keyFilePath ?? before.keyFilePath)) {
        throw new AppFailure(appError('INVALID_INPUT', 'A key file was chosen but no file was given.', 'Choose the private key file, or pick another way to sign in.'))
      }
      const next = config.update((c) => {
        const i = c.hosts.findIndex((h) => h.id === id)
        const h = { ...c.hosts[i]!, ...changes }
        // The pin is the machine's identity, not its address's: the same box at a new
        // address (the NAS gone and the off-site box reached directly, a new IP) must still
        // show the same key. Only the person saying it is another machine clears it.
        if (confirmIdentityAgain) delete h.pinnedHostKey
        c.hosts[i] = h
      })
      drop(id)
      pending.delete(id)
      if (moved || confirmIdentityAgain) probes.delete(id)
      logger.info('host changed', { hostId: id, keys: Object.keys(changes), pinCleared: confirmIdentityAgain === true })
      return next.hosts.find((h) => h.id === id)!
    },

    async disconnectHost({ id }) {
      findHost(id)
      drop(id)
      return { id, state: 'idle' as const }
    },

    async listHostStates() {
      return config.read().hosts.map((h) => {
        const state: ConnectionState = connections.get(h.id)?.state ?? 'idle'
        return { id: h.id, state, probe: probes.get(h.id) ?? null }
      })
    },

    async getAppPublicKey() {
      const key = await ensureAppKey(secrets)
      return { publicKey: key.publicKeyLine }
    },
  }

  return {
    methods,
    async connection(id) {
      const host = findHost(id)
      if (!host.pinnedHostKey) {
        throw new AppFailure(
          appError('SSH_HOST_KEY_UNKNOWN', `The identity of ${host.label} has not been confirmed yet.`, 'Open Hosts, connect to it and confirm its fingerprint.'),
        )
      }
      return connectionFor(host)
    },
    forget(id) {
      drop(id)
      pending.delete(id)
      probes.delete(id)
    },
    dispose() {
      for (const c of connections.values()) c.close()
      connections.clear()
    },
  }
}
