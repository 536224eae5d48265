// One host chosen for the wizard: whether its identity is confirmed, and connecting to it
// right here (fingerprint, the app's key) with the same pieces as the Hosts screen.
import { HostConnectionPrompts } from '../components/host-connection-prompts'
import { StatusBadge } from '../components/status-badge'
import { useHostConnection } from '../hosts/use-host-connection'
import type { Host } from '../../../src-main/shared/model'

export function ChosenHost({ host, onChanged }: { readonly host: Host; onChanged(): void }) {
  const connection = useHostConnection(host, { onChanged })
  const connected = connection.state === 'ready'
  return (
    <div className="chosen-host" role="group" aria-label={`Connection to ${host.label}`}>
      <p className="item-meta">
        <span className="mono">{`${host.user}@${host.address}:${host.port}`}</span>{' '}
        {connected ? (
          <StatusBadge tone="ok">Connected</StatusBadge>
        ) : host.pinnedHostKey ? (
          <StatusBadge tone="ok">Identity confirmed</StatusBadge>
        ) : (
          <StatusBadge tone="warn">Identity not confirmed yet</StatusBadge>
        )}
      </p>
      {!connected ? (
        <button type="button" className="button" disabled={connection.pending} onClick={() => void connection.connect()} aria-label={`Connect to ${host.label}`}>
          {connection.pending ? 'Connecting…' : 'Connect'}
        </button>
      ) : null}
      <HostConnectionPrompts host={host} connection={connection} />
    </div>
  )
}
