// "Save an encryption passphrase": puts a dataset's passphrase into the OS keychain
// through the services. The passphrase lives in this form's state only until it is
// saved; then both fields are emptied.
import { useId, useState, type FormEvent } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { SelectField, TextField } from '../components/text-field'
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
  const ids = { title: useId(), mismatch: useId() }

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
      <SelectField label="Host" value={hostId} options={hosts.map((h) => ({ value: h.id, label: h.label }))} onChange={setHostId} />
      <TextField label="Encrypted dataset" value={dataset} onChange={setDataset} placeholder="tank/photos" />
      <TextField label="Passphrase" type="password" value={passphrase} onChange={setPassphrase} />
      <TextField
        label="Confirm passphrase"
        type="password"
        value={confirmation}
        onChange={setConfirmation}
        errorNoticeId={mismatch ? ids.mismatch : undefined}
      />
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
