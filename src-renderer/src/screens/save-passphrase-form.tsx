// "Save an encryption passphrase": puts a dataset's passphrase into the OS keychain
// through the services. The passphrase lives in this form's state only until it is
// saved; then both fields are emptied.
import { useId, useState, type FormEvent } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { useApiAction } from '../hooks/use-api-action'
import type { Host, PassphraseRef } from '../../../src-main/shared/model'

export interface SavePassphraseFormProps {
  readonly hosts: readonly Host[]
  onSaved(ref: PassphraseRef): void
}

export function SavePassphraseForm({ hosts, onSaved }: SavePassphraseFormProps) {
  const [hostId, setHostId] = useState(hosts[0]?.id ?? '')
  const [dataset, setDataset] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const [confirmation, setConfirmation] = useState('')
  const [mismatch, setMismatch] = useState(false)
  const action = useApiAction()
  const ids = { title: useId(), host: useId(), dataset: useId(), passphrase: useId(), confirm: useId(), mismatch: useId() }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (passphrase !== confirmation) {
      setMismatch(true)
      return
    }
    setMismatch(false)
    const saved = await action.run(() => api().savePassphrase({ hostId, dataset: dataset.trim(), passphrase }))
    if (saved) {
      setPassphrase('')
      setConfirmation('')
      setDataset('')
      onSaved(saved)
    }
  }

  return (
    <form className="form card" aria-labelledby={ids.title} onSubmit={(e) => void submit(e)} noValidate>
      <h2 id={ids.title}>Save an encryption passphrase</h2>
      <div className="field">
        <label htmlFor={ids.host}>Host</label>
        <select id={ids.host} value={hostId} onChange={(e) => setHostId(e.target.value)}>
          {hosts.map((h) => (
            <option key={h.id} value={h.id}>
              {h.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.dataset}>Encrypted dataset</label>
        <input
          id={ids.dataset}
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="tank/photos"
          value={dataset}
          onChange={(e) => setDataset(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.passphrase}>Passphrase</label>
        <input
          id={ids.passphrase}
          type="password"
          autoComplete="off"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.confirm}>Confirm passphrase</label>
        <input
          id={ids.confirm}
          type="password"
          autoComplete="off"
          value={confirmation}
          aria-invalid={mismatch || undefined}
          aria-describedby={mismatch ? ids.mismatch : undefined}
          onChange={(e) => setConfirmation(e.target.value)}
        />
      </div>
      {mismatch ? (
        <div className="notice notice-error" role="alert" id={ids.mismatch}>
          <p className="notice-title">The two passphrases are not the same.</p>
          <p>Type the passphrase again in both fields. Nothing was saved.</p>
        </div>
      ) : null}
      {action.error ? <ErrorNotice error={action.error} /> : null}
      <div>
        <button type="submit" className="button button-primary" disabled={action.pending || hostId === ''}>
          {action.pending ? 'Saving…' : 'Save to the keychain'}
        </button>
      </div>
    </form>
  )
}
