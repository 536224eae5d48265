// Connecting to one host, shared by the Hosts screen and the setup wizard: connect, the
// fingerprint to confirm on first contact, the app's key to install when the host does
// not accept it yet, the probe, disconnect. One pending flag and one last error.
import { useState } from 'react'
import { api } from '../api'
import { useApiAction } from '../hooks/use-api-action'
import type { ConnectAnswer } from '../../../src-main/shared/contract'
import type { AppError } from '../../../src-main/shared/errors'
import type { ConnectionState, Host, HostProbe } from '../../../src-main/shared/model'

export type Unconfirmed = Extract<ConnectAnswer, { state: 'unconfirmed' }>

export interface HostConnection {
  readonly state: ConnectionState
  readonly probe: HostProbe | null
  /** The fingerprint waiting for the person's confirmation; null when none is asked. */
  readonly unconfirmed: Unconfirmed | null
  /** The host refused the app's key: its password is asked once to install it. */
  readonly needsKey: boolean
  readonly pending: boolean
  readonly error: AppError | null
  connect(): Promise<void>
  trust(): Promise<void>
  cancelTrust(): void
  install(password: string): Promise<void>
  probeNow(): Promise<void>
  disconnect(): Promise<void>
}

export interface HostConnectionOptions {
  readonly initialState?: ConnectionState
  readonly initialProbe?: HostProbe | null
  /** The host record changed (a pinned key, an installed key): the caller reloads it. */
  onChanged(): void
}

export function useHostConnection(host: Host, { initialState = 'idle', initialProbe = null, onChanged }: HostConnectionOptions): HostConnection {
  const [state, setState] = useState<ConnectionState>(initialState)
  const [probe, setProbe] = useState<HostProbe | null>(initialProbe)
  const [unconfirmed, setUnconfirmed] = useState<Unconfirmed | null>(null)
  const action = useApiAction()

  const probeNow = async () => {
    const found = await action.run(() => api().probeHost({ id: host.id }))
    if (found) {
      setProbe(found)
      setState('ready')
    }
  }

  const connect = async () => {
    setState('connecting')
    const answer = await action.run(() => api().connectHost({ id: host.id }))
    if (!answer) {
      setState('idle')
      return
    }
    if (answer.state === 'unconfirmed') {
      setState('idle')
      setUnconfirmed(answer)
      return
    }
    setState('ready')
    await probeNow()
  }

  const trust = async () => {
    if (!unconfirmed) return
    const trusted = await action.run(() => api().trustHostKey({ id: host.id, fingerprint: unconfirmed.fingerprint }))
    setUnconfirmed(null)
    if (trusted) {
      onChanged()
      await connect()
    }
  }

  const install = async (password: string) => {
    // A refused password leaves the host as it was: the services changed nothing, and the
    // error (cause, then fix) stays on screen with the form for another try.
    const answer = await action.run(() => api().installAppKey({ id: host.id, password }))
    if (answer?.state === 'connected') {
      setState('ready')
      onChanged()
      await probeNow()
    }
  }

  const disconnect = async () => {
    const done = await action.run(() => api().disconnectHost({ id: host.id }))
    if (done) setState('idle')
  }

  // After a refused password the last error is the install's own: the form stays.
  const needsKey = action.error?.code === 'SSH_AUTH_FAILED' && host.auth === 'app-key'
  return {
    state,
    probe,
    unconfirmed,
    needsKey,
    pending: action.pending,
    error: action.error,
    connect,
    trust,
    cancelTrust: () => setUnconfirmed(null),
    install,
    probeNow,
    disconnect,
  }
}
