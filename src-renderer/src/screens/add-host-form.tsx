// The "Add a host" form, also used to edit one. The services validate (the shared zod
// schemas); their message is shown next to the form and the field it names is marked invalid.
import { useId, useState, type FormEvent } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { useApiAction } from '../hooks/use-api-action'
import type { Host, HostInput } from '../../../src-main/shared/model'

type Role = Host['role']
type Auth = Host['auth']

interface Draft {
  label: string
  role: Role
  address: string
  port: string
  user: string
  auth: Auth
  keyFilePath: string
  reachedThroughNas: boolean
}

const EMPTY: Draft = { label: '', role: 'nas', address: '', port: '22', user: '', auth: 'app-key', keyFilePath: '', reachedThroughNas: false }

function draftOf(host: Host): Draft {
  return {
    label: host.label,
    role: host.role,
    address: host.address,
    port: String(host.port),
    user: host.user,
    auth: host.auth,
    keyFilePath: host.keyFilePath ?? '',
    reachedThroughNas: host.reachedThroughNas,
  }
}

/** The field an INVALID_INPUT error names in its details ("address: …"), if any. */
function invalidField(details: string | undefined): string | null {
  const m = details ? /^([A-Za-z]+):/.exec(details) : null
  return m?.[1] ?? null
}

export interface AddHostFormProps {
  readonly suggestedRole: Role
  /** When given, the form edits this host instead of adding one. */
  readonly editing?: Host
  onAdded(host: Host): void
  onCancel?(): void
}

export function AddHostForm({ suggestedRole, editing, onAdded, onCancel }: AddHostFormProps) {
  const [draft, setDraft] = useState<Draft>(editing ? draftOf(editing) : { ...EMPTY, role: suggestedRole })
  const action = useApiAction()
  const ids = {
    label: useId(),
    role: useId(),
    address: useId(),
    port: useId(),
    user: useId(),
    through: useId(),
    auth: useId(),
    keyFile: useId(),
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
      auth: draft.auth,
      reachedThroughNas: draft.role === 'offsite' && draft.reachedThroughNas,
      ...(port === undefined ? {} : { port }),
      ...(draft.auth === 'key-file' && draft.keyFilePath.trim() !== '' ? { keyFilePath: draft.keyFilePath.trim() } : {}),
    }
    if (editing) {
      const { role: _role, ...changes } = input
      const host = await action.run(() => api().updateHost({ id: editing.id, ...changes }))
      if (host) onAdded(host)
      return
    }
    const host = await action.run(() => api().addHost(input))
    if (host) {
      setDraft({ ...EMPTY, role: 'offsite' })
      onAdded(host)
    }
  }

  return (
    <form className="form card" aria-labelledby={`${ids.label}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h2 id={`${ids.label}-title`}>{editing ? `Edit “${editing.label}”` : 'Add a host'}</h2>
      <p className="hint">
        {editing
          ? 'A new address or port is another host to the app: its identity is confirmed again on the next connection.'
          : 'The app remembers how to reach the host; then connect to it to confirm its identity and see its pools and datasets.'}
      </p>
      <div className="field">
        <label htmlFor={ids.label}>Name</label>
        <input id={ids.label} type="text" value={draft.label} onChange={(e) => set('label', e.target.value)} {...invalidProps('label')} />
      </div>
      <div className="field">
        <label htmlFor={ids.role}>Role</label>
        <select id={ids.role} value={draft.role} disabled={editing !== undefined} onChange={(e) => set('role', e.target.value as Role)}>
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
      <div className="field">
        <label htmlFor={ids.auth}>Sign in with</label>
        <select id={ids.auth} value={draft.auth} onChange={(e) => set('auth', e.target.value as Auth)}>
          <option value="app-key">The app’s own key (installed with the password once)</option>
          <option value="agent">My SSH agent</option>
          <option value="key-file">A key file</option>
        </select>
      </div>
      {draft.auth === 'key-file' ? (
        <div className="field">
          <label htmlFor={ids.keyFile}>Key file</label>
          <input
            id={ids.keyFile}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={draft.keyFilePath}
            onChange={(e) => set('keyFilePath', e.target.value)}
            {...invalidProps('keyFilePath')}
          />
          <p className="hint">The path of the private key, for example ~/.ssh/id_ed25519.</p>
        </div>
      ) : null}
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
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {editing ? (action.pending ? 'Saving…' : 'Save changes') : action.pending ? 'Adding…' : 'Add host'}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  )
}
