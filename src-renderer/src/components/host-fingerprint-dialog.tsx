// First contact with a host: its SHA256 fingerprint and the command that prints the same
// line on the host's own console. Trusting pins it for this address and port.
import { useEffect, useId, useRef } from 'react'

export interface HostFingerprintDialogProps {
  readonly label: string
  readonly address: string
  readonly port: number
  readonly fingerprint: string
  readonly consoleCommand: string
  readonly pending: boolean
  onTrust(): void
  onCancel(): void
}

export function HostFingerprintDialog(props: HostFingerprintDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)
  const titleId = useId()
  const bodyId = useId()

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (!dialog.open) dialog.showModal()
    // The safe choice has the focus: trusting is a deliberate act.
    cancelRef.current?.focus()
    return () => {
      if (dialog.open) dialog.close()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      className="dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        e.preventDefault()
        props.onCancel()
      }}
    >
      <h2 id={titleId}>{`Is this really “${props.label}”?`}</h2>
      <div id={bodyId}>
        <p>
          The app reached <span className="mono">{`${props.address} port ${props.port}`}</span> for the first time. It identifies itself with
          this fingerprint:
        </p>
        <p>
          <code className="fingerprint" aria-label="Fingerprint shown by the host">
            {props.fingerprint}
          </code>
        </p>
        <p>
          On the host itself (its screen and keyboard, or a console you already trust), run this command and check that it prints the same
          fingerprint:
        </p>
        <p>
          <code className="mono">{props.consoleCommand}</code>
        </p>
        <p>If they differ, do not trust it: something between you and the host may be pretending to be it.</p>
      </div>
      <div className="button-row">
        <button ref={cancelRef} type="button" className="button" onClick={props.onCancel} disabled={props.pending}>
          Cancel
        </button>
        <button type="button" className="button button-primary" onClick={props.onTrust} disabled={props.pending}>
          The fingerprints match: trust this host
        </button>
      </div>
    </dialog>
  )
}
