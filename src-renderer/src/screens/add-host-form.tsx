// The "Add a host" form, also used to edit one. The services validate (the shared zod
// schemas); their message is shown next to the form and the field it names is marked invalid.
import { useId, useState, type FormEvent } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { SelectField, TextField, type SelectOption } from '../components/text-field'
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

const ROLES: readonly SelectOption<Role>[] = [
  { value: 'nas', label: 'NAS at home (the source)' },
  { value: 'offsite', label: 'Off-site box (where the copy goes)' },
]

const AUTHS: readonly SelectOption<Auth>[] = [
  { value: 'app-key', label: 'The app’s own key (installed with the password once)' },
  { value: 'agent', label: 'My SSH agent' },
  { value: 'key-file', label: 'A key file' },
]

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
  const [anotherMachine, setAnotherMachine] = useState(false)
  const action = useApiAction()
  const ids = { title: useId(), through: useId(), keyFile: useId(), error: useId(), another: useId() }
  const bad = action.error?.code === 'INVALID_INPUT' ? invalidField(action.error.details) : null
  /** The form's error notice, for the field it names. */
  const noticeFor = (field: keyof Draft) => (bad === field ? ids.error : undefined)

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
      const host = await action.run(() => api().updateHost({ id: editing.id, ...changes, ...(anotherMachine ? { confirmIdentityAgain: true } : {}) }))
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
    <form className="form card" aria-labelledby={ids.title} onSubmit={(e) => void submit(e)} noValidate>
      <h2 id={ids.title}>{editing ? `Edit “${editing.label}”` : 'Add a host'}</h2>
      <p className="hint">
        {editing
          ? 'At a new address or port the host must still show the identity you confirmed: the same machine, reached another way (for example directly, when the NAS is gone).'
          : 'The app remembers how to reach the host; then connect to it to confirm its identity and see its pools and datasets.'}
      </p>
      <TextField label="Name" value={draft.label} onChange={(v) => set('label', v)} errorNoticeId={noticeFor('label')} />
      <SelectField label="Role" value={draft.role} options={ROLES} disabled={editing !== undefined} onChange={(v) => set('role', v)} />
      <div className="form-row">
        <TextField
          label="Address"
          value={draft.address}
          onChange={(v) => set('address', v)}
          errorNoticeId={noticeFor('address')}
          inputProps={{ inputMode: 'url' }}
          hint="A name like nas.local, or an IP address."
        />
        <TextField
          label="Port"
          type="number"
          value={draft.port}
          onChange={(v) => set('port', v)}
          errorNoticeId={noticeFor('port')}
          inputProps={{ min: 1, max: 65535 }}
        />
      </div>
      <TextField label="User" value={draft.user} onChange={(v) => set('user', v)} errorNoticeId={noticeFor('user')} />
      <SelectField label="Sign in with" value={draft.auth} options={AUTHS} onChange={(v) => set('auth', v)} />
      {draft.auth === 'key-file' ? (
        // Not a TextField: a TextField reads its hint out with the input (aria-describedby),
        // which this field has never done; whether it should is a separate decision.
        <div className="field">
          <label htmlFor={ids.keyFile}>Key file</label>
          <input
            id={ids.keyFile}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={draft.keyFilePath}
            onChange={(e) => set('keyFilePath', e.target.value)}
            aria-invalid={bad === 'keyFilePath' ? true : undefined}
            aria-describedby={noticeFor('keyFilePath')}
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
      {editing?.pinnedHostKey ? (
        <div className="checkbox">
          <input id={ids.another} type="checkbox" checked={anotherMachine} onChange={(e) => setAnotherMachine(e.target.checked)} />
          <label htmlFor={ids.another}>This is another machine (or it was reinstalled): confirm its identity again</label>
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
