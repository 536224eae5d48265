// One host on the Hosts screen: how it is reached, its connection state, connecting
// (with the fingerprint confirmation on first contact and the key installation when
// the app's key is not there yet), the probe, and the edit/remove buttons.
import { HostConnectionPrompts } from '../components/host-connection-prompts'
import { HostProbeSummary } from '../components/host-probe-summary'
import { StatusBadge, type Tone } from '../components/status-badge'
import { useHostConnection } from '../hosts/use-host-connection'
import type { ConnectionState, Host, HostProbe } from '../../../src-main/shared/model'

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
  const connection = useHostConnection(host, { initialState, initialProbe, onChanged })
  const { state, probe, pending } = connection

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
              <button type="button" className="button button-primary" onClick={() => void connection.probeNow()} disabled={pending} aria-label={`Check ${host.label} again`}>
                Check again
              </button>
              <button type="button" className="button" onClick={() => void connection.disconnect()} disabled={pending} aria-label={`Disconnect ${host.label}`}>
                Disconnect
              </button>
            </>
          ) : (
            <button type="button" className="button button-primary" onClick={() => void connection.connect()} disabled={pending} aria-label={`Connect to ${host.label}`}>
              {pending ? 'Connecting…' : 'Connect'}
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
      {pending && state === 'ready' ? (
        <p role="status" className="item-meta">
          Checking {host.label}…
        </p>
      ) : null}
      <HostConnectionPrompts host={host} connection={connection} />
      {probe ? <HostProbeSummary label={host.label} probe={probe} /> : null}
    </li>
  )
}
