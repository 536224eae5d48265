// What connecting to a host may ask of the person, wherever a host is connected (Hosts,
// the setup wizard): the last error with cause and fix, the password form that installs
// the app's key, and the fingerprint to confirm on first contact.
import type { Host } from '../../../src-main/shared/model'
import type { HostConnection } from '../hosts/use-host-connection'
import { ErrorNotice } from './error-notice'
import { HostFingerprintDialog } from './host-fingerprint-dialog'
import { InstallKeyForm } from './install-key-form'

export function HostConnectionPrompts({ host, connection }: { readonly host: Host; readonly connection: HostConnection }) {
  const { unconfirmed } = connection
  return (
    <>
      {connection.error ? <ErrorNotice error={connection.error} /> : null}
      {connection.needsKey ? <InstallKeyForm label={host.label} user={host.user} pending={connection.pending} onInstall={connection.install} /> : null}
      {unconfirmed ? (
        <HostFingerprintDialog
          label={host.label}
          address={unconfirmed.address}
          port={unconfirmed.port}
          fingerprint={unconfirmed.fingerprint}
          consoleCommand={unconfirmed.consoleCommand}
          pending={connection.pending}
          onTrust={() => void connection.trust()}
          onCancel={connection.cancelTrust}
        />
      ) : null}
    </>
  )
}
