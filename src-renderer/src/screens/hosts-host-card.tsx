// One host on the Hosts screen: how it is reached, its connection state, connecting
// (with the fingerprint confirmation on first contact and the key installation when
// the app's key is not there yet), the probe, and the edit/remove buttons.
import { useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { HostFingerprintDialog } from '../components/host-fingerprint-dialog'
import { HostProbeSummary } from '../components/host-probe-summary'
import { InstallKeyForm } from '../components/install-key-form'
import { StatusBadge, type Tone } from '../components/status-badge'
import { useApiAction } from '../hooks/use-api-action'
import type { ConnectAnswer } from '../../../src-main/shared/contract'
import type { ConnectionState, Host, HostProbe } from '../../../src-main/shared/model'

type Unconfirmed = Extract<ConnectAnswer, { state: 'unconfirmed' }>

export function roleName(role: Host['role']): string {
  return role === 'nas' ? 'NAS at home' : 'Off-site box'
}

const STATE_WORDS: Record<ConnectionState, [string, Tone]> = {
  idle: ['Not connected yet', 'neutral'],
  connecting: ['Connecting…', 'neutral'],
  reconnecting: ['Connection lost, reconnecting…', 'warn'],
  ready: ['Connected', 'ok'],
  closed: ['Disconnected', 'neutral'],
}

const authWords = (host: Host): string =>
  host.auth === 'app-key' ? 'the app’s key' : host.auth === 'agent' ? 'your SSH agent' : `the key file ${host.keyFilePath ?? ''}`

export interface HostCardProps {
  readonly host: Host
  readonly initialState: ConnectionState
  readonly initialProbe: HostProbe | null
  onEdit(): void
  onRemove(): void
  onChanged(): void
}

export function HostCard({ host, initialState, initialProbe, onEdit, onRemove, onChanged }: HostCardProps) {
  const [state, setState] = useState<ConnectionState>(initialState)
  const [probe, setProbe] = useState<HostProbe | null>(initialProbe)
  const [unconfirmed, setUnconfirmed] = useState<Unconfirmed | null>(null)
  const [needsKey, setNeedsKey] = useState(false)
  const action = useApiAction()

  const probeNow = async () => {
    const found = await action.run(() => api().probeHost({ id: host.id }))
    if (found) {
      setProbe(found)
      setState('ready')
    }
  }

  const connect = async () => {
    setNeedsKey(false)
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

  const trust = async (fingerprint: string) => {
    const trusted = await action.run(() => api().trustHostKey({ id: host.id, fingerprint }))
    setUnconfirmed(null)
    if (trusted) {
      onChanged()
      await connect()
    }
  }

  const install = async (password: string) => {
    const answer = await action.run(() => api().installAppKey({ id: host.id, password }))
    if (answer?.state === 'connected') {
      setNeedsKey(false)
      setState('ready')
      onChanged()
      await probeNow()
    }
  }

  const disconnect = async () => {
    const done = await action.run(() => api().disconnectHost({ id: host.id }))
    if (done) setState('idle')
  }

  const authFailed = action.error?.code === 'SSH_AUTH_FAILED' && host.auth === 'app-key'
  const [words, tone] = STATE_WORDS[state]
  return (
    <li className="item item-stacked" aria-label={host.label}>
      <div className="item-head">
        <div>
          <p className="item-title">{host.label}</p>
          <p className="item-meta">
            {roleName(host.role)} · <span className="mono">{`${host.user}@${host.address}:${host.port}`}</span>
            {host.reachedThroughNas ? ' · reached through the NAS' : ''} · signs in with {authWords(host)}
          </p>
          <p className="item-meta">
            <StatusBadge tone={tone}>{words}</StatusBadge>{' '}
            {host.pinnedHostKey ? (
              <>
                Trusted key <span className="mono">{host.pinnedHostKey}</span>
              </>
            ) : (
              'Its identity has not been confirmed yet.'
            )}
          </p>
        </div>
        <div className="item-actions">
          {state === 'ready' ? (
            <>
              <button type="button" className="button button-primary" onClick={() => void probeNow()} disabled={action.pending} aria-label={`Check ${host.label} again`}>
                Check again
              </button>
              <button type="button" className="button" onClick={() => void disconnect()} disabled={action.pending} aria-label={`Disconnect ${host.label}`}>
                Disconnect
              </button>
            </>
          ) : (
            <button type="button" className="button button-primary" onClick={() => void connect()} disabled={action.pending} aria-label={`Connect to ${host.label}`}>
              {action.pending ? 'Connecting…' : 'Connect'}
            </button>
          )}
          <button type="button" className="button" onClick={onEdit} aria-label={`Edit ${host.label}`}>
            Edit
          </button>
          <button type="button" className="button" onClick={onRemove} aria-label={`Remove ${host.label}`}>
            Remove
          </button>
        </div>
      </div>
      {action.pending && state === 'ready' ? (
        <p role="status" className="item-meta">
          Checking {host.label}…
        </p>
      ) : null}
      {action.error ? <ErrorNotice error={action.error} /> : null}
      {authFailed || needsKey ? <InstallKeyForm label={host.label} user={host.user} pending={action.pending} onInstall={install} /> : null}
      {probe ? <HostProbeSummary label={host.label} probe={probe} /> : null}
      {unconfirmed ? (
        <HostFingerprintDialog
          label={host.label}
          address={unconfirmed.address}
          port={unconfirmed.port}
          fingerprint={unconfirmed.fingerprint}
          consoleCommand={unconfirmed.consoleCommand}
          pending={action.pending}
          onTrust={() => void trust(unconfirmed.fingerprint)}
          onCancel={() => setUnconfirmed(null)}
        />
      ) : null}
    </li>
  )
}
