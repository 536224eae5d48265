// One SSH connection per host (ssh2), reused for every command: host key pinned before
// anything else is sent, exactly one authentication method (never a silent fallback to
// a password), keepalive, reconnect with backoff, and exec that streams and ends in a
// typed outcome. Aborting a command kills its remote process group, not just the channel.
import { StringDecoder } from 'node:string_decoder'
import { Readable, type Duplex } from 'node:stream'
import ssh2 from 'ssh2'
import type { ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2'
import { shellJoin } from '../../core/shell/quote'
import { classifyError } from '../../core/errors/error-table'
import type { CommandSpec } from '../../core/zfs/command'
import { AppFailure, appError, type AppError } from '../../shared/errors'
import { sha256Fingerprint } from './host-key'

const { Client } = ssh2

export type SshAuth =
  | { readonly kind: 'private-key'; readonly privateKey: string | Buffer; readonly passphrase?: string }
  | { readonly kind: 'agent'; readonly socket: string }
  /** Only for installing the app's key; used for that one connection and never kept. */
  | { readonly kind: 'password'; readonly password: string }
  /** First contact with an unpinned host: the handshake stops at the host key, before any login. */
  | { readonly kind: 'none' }

export interface SshTarget {
  /** How the host is named in messages ("Home NAS"). */
  readonly label: string
  readonly host: string
  readonly port: number
  readonly username: string
  readonly auth: SshAuth
  /**
   * The pinned SHA256 fingerprint for host:port, or undefined when none is pinned yet.
   * May throw: an unreadable pin store refuses the connection.
   */
  readonly pinnedFingerprint: () => string | undefined
  /** Reach the host through this connection (ssh2 forwardOut), e.g. the off-site box via the NAS. */
  readonly via?: SshConnection
}

export interface SshTimings {
  readonly readyTimeoutMs: number
  readonly keepaliveIntervalMs: number
  readonly keepaliveCountMax: number
  /** Delays between reconnect attempts; the last one repeats until the deadline. */
  readonly backoffMs: readonly number[]
  readonly reconnectDeadlineMs: number
  /** After SIGTERM to an aborted command's process group, how long before SIGKILL. */
  readonly killGraceMs: number
}

export const DEFAULT_TIMINGS: SshTimings = {
  readyTimeoutMs: 30_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 4,
  backoffMs: [250, 500, 1_000, 2_000, 4_000, 8_000],
  reconnectDeadlineMs: 60_000,
  killGraceMs: 5_000,
}

export type ConnectionState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closed'

export interface ExecOptions {
  readonly signal?: AbortSignal
  readonly stdin?: string | Buffer
  readonly onStdout?: (text: string) => void
  readonly onStderr?: (text: string) => void
}

/** How a remote command ended. A command without an exit status did not succeed. */
export type ExecOutcome =
  | { readonly kind: 'exited'; readonly code: number; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'no-exit-status'; readonly signal: string | null; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'aborted'; readonly stdout: string; readonly stderr: string }

export interface StreamOptions {
  readonly signal?: AbortSignal
  /** The command's stdin, read only as fast as the host takes it; its end is the command's end of input. */
  readonly stdin?: Readable
}

/** A command whose stdout is bytes to relay (a `zfs send` stream), not text to keep. */
export interface StreamingCommand {
  /** The command's stdout; the host is made to wait while nobody reads it (SSH flow control). */
  readonly stdout: Readable
  /** How it ended; the outcome's stdout is empty (the bytes went through `stdout`), stderr is kept. */
  readonly done: Promise<ExecOutcome>
}

/** Transport-level failures that a retry may cure; host key and login failures are not among them. */
const RETRYABLE: ReadonlySet<string> = new Set(['SSH_CONNECTION_REFUSED', 'SSH_TIMEOUT', 'SSH_CONNECTION_LOST', 'SSH_JUMP_FAILED'])

// The remote side: a new session (so a new process group) whose leader prints its pid,
// the group id, on the first stdout line and then becomes the command. `-w` makes
// setsid wait and pass on the exit status when it had to fork.
const GROUP_WRAPPER = 'printf "%s\\n" "$$"; exec "$@"'

export function wrapInProcessGroup(argv: readonly string[]): string {
  return `exec ${shellJoin(['setsid', '-w', 'sh', '-c', GROUP_WRAPPER, 'sh', ...argv])}`
}

interface GroupHooks {
  readonly signal?: AbortSignal | undefined
  /** stdout after the process group's id line. */
  onData(chunk: Buffer): void
  onStderr?: ((text: string) => void) | undefined
  /** Before the end is reported: flush what is buffered. */
  onClose(): void
}

interface GroupEnd {
  readonly aborted: boolean
  readonly exitCode: number | null
  readonly exitSignal: string | null
  readonly stderr: string
}

function outcomeOf(end: GroupEnd, stdout: string): ExecOutcome {
  if (end.aborted) return { kind: 'aborted', stdout, stderr: end.stderr }
  if (end.exitCode !== null) return { kind: 'exited', code: end.exitCode, stdout, stderr: end.stderr }
  return { kind: 'no-exit-status', signal: end.exitSignal, stdout, stderr: end.stderr }
}

export class SshConnection {
  #client: InstanceType<typeof Client> | null = null
  #state: ConnectionState = 'idle'
  #connecting: Promise<void> | null = null
  #closedByUs = false
  /** Only a connection that worked before is retried: a first attempt answers at once. */
  #wasReady = false
  #seenFingerprint: string | undefined
  readonly #listeners = new Set<(state: ConnectionState) => void>()

  constructor(
    readonly target: SshTarget,
    readonly timings: SshTimings = DEFAULT_TIMINGS,
  ) {}

  get state(): ConnectionState {
    return this.#state
  }

  /** The fingerprint the host presented on the last attempt (also when it was refused). */
  get seenFingerprint(): string | undefined {
    return this.#seenFingerprint
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return
    this.#state = state
    for (const l of this.#listeners) l(state)
  }

  /** Connects once; no retry. Throws AppFailure with the reason. */
  async connect(): Promise<void> {
    if (this.#state === 'ready') return
    if (this.#connecting) return this.#connecting
    this.#closedByUs = false
    this.#setState('connecting')
    this.#connecting = this.#attempt()
      .catch((err: unknown) => {
        this.#setState('idle')
        throw err
      })
      .finally(() => {
      this.#connecting = null
    })
    return this.#connecting
  }

  /**
   * Ready to run commands: connects, or reconnects after a dropped connection with
   * backoff until the deadline. Host key and login failures stop at once, and so does
   * a first connection that fails (the person is waiting for an answer).
   */
  async ensure(): Promise<void> {
    if (this.#state === 'ready') return
    if (this.#state === 'closed') throw new AppFailure(appError('SSH_CONNECTION_LOST', `The connection to ${this.target.label} was closed.`, 'Connect again.'))
    const deadline = Date.now() + this.timings.reconnectDeadlineMs
    for (let attempt = 0; ; attempt++) {
      try {
        await this.connect()
        return
      } catch (err) {
        const code = err instanceof AppFailure ? err.appError.code : 'INTERNAL'
        const delay = this.timings.backoffMs[Math.min(attempt, this.timings.backoffMs.length - 1)] ?? 1_000
        // A first connection is retried only when the handshake was cut (sshd's MaxStartups
        // throttling or a reload drop it); refused and silent hosts answer at once.
        const retry = this.#wasReady ? RETRYABLE.has(code) : code === 'SSH_CONNECTION_LOST' && attempt < 2
        if (!retry || Date.now() + delay > deadline || this.#closedByUs) throw err
        this.#setState('reconnecting')
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
  }

  async #attempt(): Promise<void> {
    let pinned: string | undefined
    try {
      pinned = this.target.pinnedFingerprint()
    } catch (err) {
      this.#setState('idle')
      throw new AppFailure(
        appError(
          'SSH_PIN_STORE_UNREADABLE',
          'The app cannot read which host keys it trusts, so it will not connect to any host.',
          'Repair or restore the settings file (see Settings → About for where it is), then try again.',
          err instanceof Error ? err.message : String(err),
        ),
      )
    }
    const auth = this.target.auth
    if (auth.kind === 'private-key') {
      // ssh2 would skip an unreadable key and report a refused login; say what it is instead.
      const parsed = ssh2.utils.parseKey(auth.privateKey, auth.passphrase)
      if (parsed instanceof Error) {
        this.#setState('idle')
        throw new AppFailure(
          appError('SSH_KEY_UNREADABLE', 'The key the app signs in with could not be read.', 'Choose another key file, or give its passphrase if it has one.', parsed.message),
        )
      }
    }
    let sock: Duplex | undefined
    if (this.target.via) {
      sock = await this.target.via.forwardOut(this.target.host, this.target.port, this.target.label)
    }
    const client = new Client()
    let verdict: 'unknown' | 'changed' | null = null
    const config: ConnectConfig = {
      host: this.target.host,
      port: this.target.port,
      username: this.target.username,
      readyTimeout: this.timings.readyTimeoutMs,
      keepaliveInterval: this.timings.keepaliveIntervalMs,
      keepaliveCountMax: this.timings.keepaliveCountMax,
      // The pin is checked before authentication: nothing secret is sent to a host that is not the one trusted.
      hostVerifier: (key: Buffer) => {
        const seen = sha256Fingerprint(key)
        this.#seenFingerprint = seen
        if (pinned === undefined) verdict = 'unknown'
        else if (pinned !== seen) verdict = 'changed'
        return verdict === null
      },
      authHandler: [authMethod(this.target)] as ConnectConfig['authHandler'],
      ...(sock ? { sock } : {}),
    }
    await new Promise<void>((resolve, reject) => {
      let settled = false
      client.once('ready', () => {
        settled = true
        resolve()
      })
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (settled) return
        settled = true
        reject(new AppFailure(this.#connectError(err, verdict, pinned)))
      })
      client.once('close', () => {
        if (!settled) {
          settled = true
          reject(new AppFailure(this.#connectError(new Error('connection closed during the handshake'), verdict, pinned)))
        }
      })
      try {
        client.connect(config)
      } catch (err) {
        settled = true
        reject(new AppFailure(this.#connectError(err as Error, verdict, pinned)))
      }
    }).catch((err: unknown) => {
      client.end()
      this.#setState('idle')
      throw err
    })
    this.#client = client
    client.on('error', () => undefined)
    client.once('close', () => {
      if (this.#client === client) this.#client = null
      this.#setState(this.#closedByUs ? 'closed' : 'idle')
    })
    this.#wasReady = true
    this.#setState('ready')
  }

  #connectError(err: Error & { level?: string; code?: string }, verdict: 'unknown' | 'changed' | null, pinned: string | undefined): AppError {
    const where = `${this.target.label} (${this.target.host} port ${this.target.port})`
    if (verdict === 'changed') {
      return appError(
        'SSH_HOST_KEY_CHANGED',
        `${where} answered with a different identity key than the one trusted before: trusted ${pinned}, now ${this.#seenFingerprint}.`,
        'Do not connect unless you know the host was reinstalled or this address is now another machine. Compare the new fingerprint with the one on its console; if they match, edit the host in Hosts and tick “This is another machine”, then confirm it again. Nothing was changed.',
        `pinned: ${pinned}\nseen: ${this.#seenFingerprint}`,
      )
    }
    if (verdict === 'unknown') {
      return appError(
        'SSH_HOST_KEY_UNKNOWN',
        `The identity key of ${where} has not been confirmed yet.`,
        'Confirm the fingerprint the app shows against the one on the host’s console.',
        `seen: ${this.#seenFingerprint}`,
      )
    }
    const message = err.message
    if (err.level === 'client-authentication') {
      return appError(
        'SSH_AUTH_FAILED',
        `${where} refused the login as “${this.target.username}”.`,
        this.target.auth.kind === 'password'
          ? 'Check the user name and password.'
          : 'Check the user name; if the app’s key is not on the host yet, install it with the host’s password.',
        message,
      )
    }
    if (err.code === 'ECONNREFUSED' || /Connection refused/.test(message)) {
      return appError('SSH_CONNECTION_REFUSED', `Nothing answers SSH at ${where}.`, 'Check the address and port, and that the SSH server is running on that host.', message)
    }
    if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
      return appError('SSH_HOST_NOT_FOUND', `The address of ${where} could not be found.`, 'Check the spelling of the address, or use its IP address.', message)
    }
    if (err.code === 'ETIMEDOUT' || err.code === 'EHOSTUNREACH' || /Timed out/i.test(message)) {
      return appError('SSH_TIMEOUT', `${where} did not answer.`, 'Check that the host is switched on and on the network.', message)
    }
    if (/privateKey|private key|Cannot parse|Encrypted private key/i.test(message)) {
      return appError('SSH_KEY_UNREADABLE', 'The key the app signs in with could not be read.', 'Choose another key file, or give its passphrase.', message)
    }
    if (/agent/i.test(message)) {
      return appError('SSH_AGENT_UNAVAILABLE', 'The SSH agent could not be used.', 'Start your SSH agent and add your key to it, or choose another way to sign in.', message)
    }
    return appError('SSH_CONNECTION_LOST', `The connection to ${where} broke off.`, 'Check the network and try again.', message)
  }

  /** A raw TCP stream from this host to another address (ssh2 forwardOut): the jump. */
  async forwardOut(host: string, port: number, label: string): Promise<Duplex> {
    await this.ensure()
    const client = this.#client
    if (!client) throw new AppFailure(appError('SSH_CONNECTION_LOST', `The connection to ${this.target.label} broke off.`, 'Try again.'))
    return new Promise<Duplex>((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
        if (err) {
          reject(
            new AppFailure(
              appError(
                'SSH_JUMP_FAILED',
                `${this.target.label} could not reach ${label} at ${host} port ${port}.`,
                'Check that the WireGuard tunnel is up on both sides and that the address is the off-site box’s tunnel address.',
                err.message,
              ),
            ),
          )
        } else resolve(stream)
      })
    })
  }

  /** Runs argv (quoted once here) in its own process group; streams output; never throws for the command's own failure. */
  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecOutcome> {
    if (options.signal?.aborted) return { kind: 'aborted', stdout: '', stderr: '' }
    const channel = await this.#startInGroup(argv)
    const outDecoder = new StringDecoder('utf8')
    let stdout = ''
    const emitOut = (text: string) => {
      if (text === '') return
      stdout += text
      options.onStdout?.(text)
    }
    const end = this.#followGroup(channel, {
      signal: options.signal,
      onData: (chunk) => emitOut(outDecoder.write(chunk)),
      onStderr: options.onStderr,
      onClose: () => emitOut(outDecoder.end()),
    })
    if (options.stdin !== undefined) channel.end(options.stdin)
    else channel.end()
    return outcomeOf(await end, stdout)
  }

  /**
   * Like exec, for binary streams: stdout is a Readable with backpressure (the channel is
   * paused while the reader is behind, so the remote command waits), stdin is piped from
   * a Readable. Runs in its own process group; aborting kills that group.
   */
  async execStream(argv: readonly string[], options: StreamOptions = {}): Promise<StreamingCommand> {
    if (options.signal?.aborted) return { stdout: Readable.from([]), done: Promise.resolve({ kind: 'aborted', stdout: '', stderr: '' }) }
    const channel = await this.#startInGroup(argv)
    let paused = false
    let closed = false
    const stdout = new Readable({
      read() {
        if (!paused) return
        paused = false
        channel.resume()
      },
      // A reader that gives up closes the channel, or the command would wait for it forever.
      destroy(err, callback) {
        if (!closed) {
          channel.resume()
          channel.close()
        }
        callback(err)
      },
    })
    // Writing into a channel the host already closed (the command ended early) is not news.
    channel.on('error', () => undefined)
    const end = this.#followGroup(channel, {
      signal: options.signal,
      onData: (chunk) => {
        if (stdout.destroyed) return
        if (!stdout.push(chunk)) {
          paused = true
          channel.pause()
        }
      },
      onClose: () => {
        closed = true
        options.stdin?.unpipe(channel)
        stdout.push(null)
      },
    })
    if (options.stdin) options.stdin.pipe(channel)
    else channel.end()
    return { stdout, done: end.then((e) => outcomeOf(e, '')) }
  }

  /** Opens a channel running argv in its own process group (wrapInProcessGroup). */
  async #startInGroup(argv: readonly string[]): Promise<ClientChannel> {
    await this.ensure()
    const client = this.#client
    if (!client) throw new AppFailure(appError('SSH_CONNECTION_LOST', `The connection to ${this.target.label} broke off.`, 'Try again.'))
    return new Promise<ClientChannel>((resolve, reject) => {
      client.exec(wrapInProcessGroup(argv), (err, stream) => {
        if (err) reject(new AppFailure(appError('SSH_CONNECTION_LOST', `${this.target.label} would not start a command.`, 'Try again.', err.message)))
        else resolve(stream)
      })
    })
  }

  /**
   * Follows a channel opened by #startInGroup to its close: reads the process group's id
   * from the first line and hands on the rest of stdout, gathers stderr and the exit
   * status, and on abort kills the group (as soon as its id is known, or drops the channel
   * when it never comes).
   */
  #followGroup(channel: ClientChannel, hooks: GroupHooks): Promise<GroupEnd> {
    return new Promise<GroupEnd>((resolve) => {
      const errDecoder = new StringDecoder('utf8')
      let stderr = ''
      let head = Buffer.alloc(0)
      let pgid: number | null = null
      let exitCode: number | null = null
      let exitSignal: string | null = null
      let aborted = false
      let onGroup: (() => void) | null = null
      channel.on('data', (chunk: Buffer) => {
        if (pgid !== null) return hooks.onData(chunk)
        head = Buffer.concat([head, chunk])
        const nl = head.indexOf(0x0a)
        if (nl < 0) return
        pgid = Number(head.subarray(0, nl).toString('ascii'))
        const rest = head.subarray(nl + 1)
        head = Buffer.alloc(0)
        onGroup?.()
        if (rest.length > 0) hooks.onData(rest)
      })
      channel.stderr.on('data', (chunk: Buffer) => {
        const text = errDecoder.write(chunk)
        stderr += text
        hooks.onStderr?.(text)
      })
      channel.on('exit', (code: number | null, signal?: string) => {
        if (typeof code === 'number') exitCode = code
        else exitSignal = signal ?? null
      })
      const onAbort = () => {
        aborted = true
        const kill = () => void this.#killGroup(pgid!, channel)
        if (pgid !== null) kill()
        else {
          onGroup = kill
          setTimeout(() => {
            if (pgid === null) channel.close()
          }, this.timings.killGraceMs).unref()
        }
      }
      hooks.signal?.addEventListener('abort', onAbort, { once: true })
      channel.on('close', () => {
        hooks.signal?.removeEventListener('abort', onAbort)
        stderr += errDecoder.end()
        hooks.onClose()
        resolve({ aborted, exitCode, exitSignal, stderr })
      })
    })
  }

  /** SIGTERM to the whole remote process group over a second channel; SIGKILL if it lingers. */
  async #killGroup(pgid: number, channel: ClientChannel): Promise<void> {
    if (!Number.isInteger(pgid) || pgid <= 1) {
      channel.close()
      return
    }
    let closed = false
    channel.once('close', () => {
      closed = true
    })
    await this.#plainExec(['kill', '-TERM', '--', `-${pgid}`]).catch(() => undefined)
    const deadline = Date.now() + this.timings.killGraceMs
    await new Promise<void>((resolve) => {
      if (closed) return resolve()
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))
      channel.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    if (!closed) {
      await this.#plainExec(['kill', '-KILL', '--', `-${pgid}`]).catch(() => undefined)
      channel.close()
    }
  }

  /** A short command without a process group of its own (used to signal one). */
  async #plainExec(argv: readonly string[]): Promise<number | null> {
    const client = this.#client
    if (!client) return null
    return new Promise((resolve, reject) => {
      client.exec(shellJoin(argv), (err, stream) => {
        if (err) return reject(err)
        let code: number | null = null
        stream.on('exit', (c: number | null) => {
          code = c
        })
        stream.on('data', () => undefined)
        stream.stderr.on('data', () => undefined)
        stream.on('close', () => resolve(code))
        stream.end()
      })
    })
  }

  /**
   * The host's SFTP subsystem on this connection (ssh2's SFTPWrapper): files read as bytes,
   * with lstat/realpath/readlink done by the host itself. The caller ends it (`end()`).
   */
  async sftp(): Promise<SFTPWrapper> {
    await this.ensure()
    const client = this.#client
    if (!client) throw new AppFailure(appError('SSH_CONNECTION_LOST', `The connection to ${this.target.label} broke off.`, 'Try again.'))
    return new Promise<SFTPWrapper>((resolve, reject) => {
      client.sftp((err, sftp) => {
        if (err) {
          reject(
            new AppFailure(
              appError('COMMAND_FAILED', `${this.target.label} would not open a file transfer (SFTP).`, 'Check that its SSH server offers SFTP (the “Subsystem sftp” line of sshd_config).', err.message),
            ),
          )
        } else resolve(sftp)
      })
    })
  }

  /** Runs a command spec; returns stdout when its exit code means success, else throws the classified error. */
  async run(spec: CommandSpec, options: Omit<ExecOptions, 'stdin'> = {}): Promise<string> {
    const outcome = await this.exec(spec.argv, { ...options, ...(spec.stdin !== undefined ? { stdin: spec.stdin } : {}) })
    return outcomeStdout(outcome, spec.successCodes, this.target.label)
  }

  /** Closes the connection for good (no reconnect). */
  close(): void {
    this.#closedByUs = true
    const client = this.#client
    this.#client = null
    this.#setState('closed')
    client?.end()
  }
}

export function outcomeStdout(outcome: ExecOutcome, successCodes: readonly number[], label: string): string {
  if (outcome.kind === 'exited' && successCodes.includes(outcome.code)) return outcome.stdout
  if (outcome.kind === 'aborted') {
    throw new AppFailure(appError('COMMAND_ABORTED', `The command on ${label} was cancelled.`, 'Nothing more runs on the host; start it again when you want.'))
  }
  if (outcome.kind === 'no-exit-status') {
    throw new AppFailure(
      appError(
        'SSH_EXIT_STATUS_MISSING',
        `A command on ${label} ended without an exit status${outcome.signal ? ` (killed by ${outcome.signal})` : ''}, so it cannot count as done.`,
        'Check the connection and try again.',
        outcome.stderr.trim() || undefined,
      ),
    )
  }
  throw new AppFailure(classifyError(outcome.stderr, outcome.code))
}

function authMethod(target: SshTarget): unknown {
  const { auth, username } = target
  switch (auth.kind) {
    case 'private-key':
      return { type: 'publickey', username, key: auth.privateKey, ...(auth.passphrase ? { passphrase: auth.passphrase } : {}) }
    case 'agent':
      return { type: 'agent', username, agent: auth.socket }
    case 'password':
      return { type: 'password', username, password: auth.password }
    case 'none':
      return { type: 'none', username }
  }
}
