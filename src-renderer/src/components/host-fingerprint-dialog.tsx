// First contact with a host: its SHA256 fingerprint and the command that prints the same
// line on the host's own console. Trusting pins it for this address and port. Cancel has
// the focus at first (the shell's safe choice): trusting is a deliberate act.
import { DialogShell } from './dialog-shell'

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
  return (
    <DialogShell
      title={`Is this really “${props.label}”?`}
      confirmLabel="The fingerprints match: trust this host"
      confirmTone="primary"
      pending={props.pending}
      onConfirm={props.onTrust}
      onCancel={props.onCancel}
    >
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
    </DialogShell>
  )
}
