// Hosts: the NAS and the off-site box the app knows, adding one, and removing one after
// a confirmation that names it.
import { useState } from 'react'
import { api } from '../api'
import { ConfirmDialog } from '../components/confirm-dialog'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { ScreenHeading } from '../components/screen-heading'
import { StatusBadge } from '../components/status-badge'
import { useApiAction } from '../hooks/use-api-action'
import { useApiQuery } from '../hooks/use-api-query'
import type { Host } from '../../../src-main/shared/model'
import { AddHostForm } from './add-host-form'

const listHosts = () => api().listHosts()

export function roleName(role: Host['role']): string {
  return role === 'nas' ? 'NAS at home' : 'Off-site box'
}

export function HostsScreen({ focusHeading }: { readonly focusHeading: boolean }) {
  const hosts = useApiQuery(listHosts)
  const removal = useApiAction()
  const [confirming, setConfirming] = useState<Host | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const list = hosts.state.status === 'ready' ? hosts.state.value : []
  const suggestedRole = list.some((h) => h.role === 'nas') ? 'offsite' : 'nas'

  const remove = async (host: Host) => {
    const removed = await removal.run(() => api().removeHost({ id: host.id }))
    setConfirming(null)
    if (removed) {
      setNotice(`Removed “${host.label}” from the app. Nothing on the host itself was changed.`)
      hosts.reload()
    }
  }

  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Hosts</ScreenHeading>
      <p className="lead">Your NAS at home and the off-site box that keeps the copy.</p>
      {hosts.state.status === 'loading' ? <LoadingNotice what="hosts" /> : null}
      {hosts.state.status === 'failed' ? <ErrorNotice error={hosts.state.error} /> : null}
      {removal.error ? <ErrorNotice error={removal.error} /> : null}
      {notice ? (
        <p className="notice notice-ok" role="status">
          {notice}
        </p>
      ) : null}
      {hosts.state.status === 'ready' && list.length === 0 ? (
        <EmptyState title="No hosts yet">
          <p>Start with your NAS: give it a name, its address on your home network and the user the app signs in as.</p>
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <ul className="item-list" aria-label="Hosts">
          {list.map((host) => (
            <li key={host.id} className="item">
              <div>
                <p className="item-title">{host.label}</p>
                <p className="item-meta">
                  {roleName(host.role)} · <span className="mono">{`${host.user}@${host.address}:${host.port}`}</span>
                  {host.reachedThroughNas ? ' · reached through the NAS' : ''}
                </p>
                <p className="item-meta">
                  <StatusBadge tone="neutral">Not connected yet</StatusBadge>{' '}
                  Connecting to and checking hosts is not available in this version.
                </p>
              </div>
              <button
                type="button"
                className="button"
                aria-label={`Remove ${host.label}`}
                onClick={() => {
                  setNotice(null)
                  removal.clearError()
                  setConfirming(host)
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <AddHostForm
        key={suggestedRole}
        suggestedRole={suggestedRole}
        onAdded={(host) => {
          setNotice(`Added “${host.label}”.`)
          hosts.reload()
        }}
      />
      {confirming ? (
        <ConfirmDialog
          title={`Remove “${confirming.label}”?`}
          confirmLabel="Remove host"
          pending={removal.pending}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void remove(confirming)}
        >
          <p>
            The app forgets how to reach {confirming.label} (
            <span className="mono">{`${confirming.user}@${confirming.address}`}</span>). Nothing on the host itself is changed, and
            no snapshots are touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}
