// Hosts: the NAS and the off-site box the app knows, adding one, and removing one after
// a confirmation that names it.
import { useState } from 'react'
import { api } from '../api'
import { ConfirmDialog } from '../components/confirm-dialog'
import { DoneNotice } from '../components/done-notice'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { ScreenHeading } from '../components/screen-heading'
import { useApiQuery } from '../hooks/use-api-query'
import { useConfirmedRemoval } from '../hooks/use-confirmed-removal'
import type { Host } from '../../../src-main/shared/model'
import type { HostState } from '../../../src-main/shared/contract'
import { fail, ok, type Result } from '../../../src-main/shared/result'
import { AddHostForm } from './add-host-form'
import { HostCard } from './hosts-host-card'
import '../styles/hosts.css'

interface HostsView {
  readonly hosts: Host[]
  readonly states: ReadonlyMap<string, HostState>
}

const loadHosts = async (): Promise<Result<HostsView>> => {
  const hosts = await api().listHosts()
  if (!hosts.ok) return fail(hosts.error)
  const states = await api().listHostStates()
  return ok({ hosts: hosts.value, states: new Map(states.ok ? states.value.map((s) => [s.id, s]) : []) })
}

export function HostsScreen({ focusHeading }: { readonly focusHeading: boolean }) {
  const hosts = useApiQuery(loadHosts)
  const [editing, setEditing] = useState<Host | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const removal = useConfirmedRemoval(
    (host: Host) => api().removeHost({ id: host.id }),
    (host) => {
      setNotice(`Removed “${host.label}” from the app. Nothing on the host itself was changed.`)
      hosts.reload()
    },
  )
  const confirming = removal.confirming

  const list = hosts.state.status === 'ready' ? hosts.state.value.hosts : []
  const states = hosts.state.status === 'ready' ? hosts.state.value.states : new Map<string, HostState>()
  const suggestedRole = list.some((h) => h.role === 'nas') ? 'offsite' : 'nas'

  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Hosts</ScreenHeading>
      <p className="lead">Your NAS at home and the off-site box that keeps the copy.</p>
      {hosts.state.status === 'loading' ? <LoadingNotice what="hosts" /> : null}
      {hosts.state.status === 'failed' ? <ErrorNotice error={hosts.state.error} /> : null}
      {removal.error ? <ErrorNotice error={removal.error} /> : null}
      <DoneNotice message={notice} />
      {hosts.state.status === 'ready' && list.length === 0 ? (
        <EmptyState title="No hosts yet">
          <p>Start with your NAS: give it a name, its address on your home network and the user the app signs in as.</p>
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <ul className="item-list" aria-label="Hosts">
          {list.map((host) => (
            <HostCard
              key={`${host.id}:${host.address}:${host.port}:${host.auth}`}
              host={host}
              initialState={states.get(host.id)?.state ?? 'idle'}
              initialProbe={states.get(host.id)?.probe ?? null}
              onChanged={() => hosts.reload()}
              onEdit={() => {
                setNotice(null)
                setEditing(host)
              }}
              onRemove={() => {
                setNotice(null)
                removal.ask(host)
              }}
            />
          ))}
        </ul>
      ) : null}
      {editing ? (
        <AddHostForm
          key={`edit-${editing.id}`}
          suggestedRole={editing.role}
          editing={editing}
          onCancel={() => setEditing(null)}
          onAdded={(host) => {
            setEditing(null)
            setNotice(`Saved “${host.label}”.`)
            hosts.reload()
          }}
        />
      ) : (
        <AddHostForm
          key={suggestedRole}
          suggestedRole={suggestedRole}
          onAdded={(host) => {
            setNotice(`Added “${host.label}”. Connect to it to confirm its identity and see what it holds.`)
            hosts.reload()
          }}
        />
      )}
      {confirming ? (
        <ConfirmDialog
          title={`Remove “${confirming.label}”?`}
          confirmLabel="Remove host"
          pending={removal.pending}
          onCancel={removal.cancel}
          onConfirm={removal.confirm}
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
