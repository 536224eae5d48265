// The host's password, asked once to put the app's key on the host. It goes straight to
// the services for that one login and is cleared from this form right after.
import { useId, useState, type FormEvent } from 'react'

export interface InstallKeyFormProps {
  readonly label: string
  readonly user: string
  readonly pending: boolean
  onInstall(password: string): Promise<void>
}

export function InstallKeyForm({ label, user, pending, onInstall }: InstallKeyFormProps) {
  const [password, setPassword] = useState('')
  const id = useId()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const once = password
    setPassword('')
    await onInstall(once)
  }
  return (
    <form className="form" aria-label={`Install the app’s key on ${label}`} onSubmit={(e) => void submit(e)}>
      <p>
        The app signs in with its own key. To put that key on {label}, enter the password of <span className="mono">{user}</span> once. It is
        used for this one login and never stored.
      </p>
      <div className="field">
        <label htmlFor={id}>{`Password of ${user}`}</label>
        <input id={id} type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
      </div>
      <button type="submit" className="button button-primary" disabled={pending || password === ''}>
        {pending ? 'Installing…' : 'Install the app’s key'}
      </button>
    </form>
  )
}
