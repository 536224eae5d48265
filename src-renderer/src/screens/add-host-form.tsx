// The "Add a host" form. The services validate (the shared zod schemas); their message
// is shown next to the form and the field it names is marked invalid.
import { useId, useState, type FormEvent } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { useApiAction } from '../hooks/use-api-action'
import type { Host, HostInput } from '../../../src-main/shared/model'

type Role = Host['role']

interface Draft {
  label: string
  role: Role
  address: string
  port: string
  user: string
  reachedThroughNas: boolean
}

const EMPTY: Draft = { label: '', role: 'nas', address: '', port: '22', user: '', reachedThroughNas: false }

/** The field an INVALID_INPUT error names in its details ("address: …"), if any. */
function invalidField(details: string | undefined): string | null {
  const m = details ? /^([A-Za-z]+):/.exec(details) : null
  return m?.[1] ?? null
}

export interface AddHostFormProps {
  readonly suggestedRole: Role
  onAdded(host: Host): void
}

export function AddHostForm({ suggestedRole, onAdded }: AddHostFormProps) {
  const [draft, setDraft] = useState<Draft>({ ...EMPTY, role: suggestedRole })
  const action = useApiAction()
  const ids = {
    label: useId(),
    role: useId(),
    address: useId(),
    port: useId(),
    user: useId(),
    through: useId(),
    error: useId(),
    addressHint: useId(),
  }
  const bad = action.error?.code === 'INVALID_INPUT' ? invalidField(action.error.details) : null
  const invalidProps = (field: string) =>
    bad === field ? ({ 'aria-invalid': true, 'aria-describedby': ids.error } as const) : ({} as const)

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }))
    // An edit answers the last error; the next Add checks again.
    if (action.error) action.clearError()
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const port = draft.port.trim() === '' ? undefined : Number(draft.port)
    const input: HostInput = {
      label: draft.label,
      role: draft.role,
      address: draft.address,
      user: draft.user,
      reachedThroughNas: draft.role === 'offsite' && draft.reachedThroughNas,
      ...(port === undefined ? {} : { port }),
    }
    const host = await action.run(() => api().addHost(input))
    if (host) {
      setDraft({ ...EMPTY, role: 'offsite' })
      onAdded(host)
    }
  }

  return (
    <form className="form card" aria-labelledby={`${ids.label}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h2 id={`${ids.label}-title`}>Add a host</h2>
      <p className="hint">
        The app remembers how to reach the host. It does not connect yet: checking the host and installing the app’s key come in a later
        version.
      </p>
      <div className="field">
        <label htmlFor={ids.label}>Name</label>
        <input id={ids.label} type="text" value={draft.label} onChange={(e) => set('label', e.target.value)} {...invalidProps('label')} />
      </div>
      <div className="field">
        <label htmlFor={ids.role}>Role</label>
        <select id={ids.role} value={draft.role} onChange={(e) => set('role', e.target.value as Role)}>
          <option value="nas">NAS at home (the source)</option>
          <option value="offsite">Off-site box (where the copy goes)</option>
        </select>
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={ids.address}>Address</label>
          <input
            id={ids.address}
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            value={draft.address}
            onChange={(e) => set('address', e.target.value)}
            {...invalidProps('address')}
            aria-describedby={bad === 'address' ? `${ids.error} ${ids.addressHint}` : ids.addressHint}
          />
          <p className="hint" id={ids.addressHint}>
            A name like nas.local, or an IP address.
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.port}>Port</label>
          <input
            id={ids.port}
            type="number"
            min={1}
            max={65535}
            value={draft.port}
            onChange={(e) => set('port', e.target.value)}
            {...invalidProps('port')}
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor={ids.user}>User</label>
        <input
          id={ids.user}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={draft.user}
          onChange={(e) => set('user', e.target.value)}
          {...invalidProps('user')}
        />
      </div>
      {draft.role === 'offsite' ? (
        <div className="checkbox">
          <input
            id={ids.through}
            type="checkbox"
            checked={draft.reachedThroughNas}
            onChange={(e) => set('reachedThroughNas', e.target.checked)}
          />
          <label htmlFor={ids.through}>Reached through the NAS (over the WireGuard tunnel)</label>
        </div>
      ) : null}
      {action.error ? <ErrorNotice error={action.error} id={ids.error} /> : null}
      <div>
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {action.pending ? 'Adding…' : 'Add host'}
        </button>
      </div>
    </form>
  )
}
