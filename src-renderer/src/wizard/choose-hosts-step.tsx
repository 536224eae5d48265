// Before the steps: which host is the NAS and which the off-site box. A missing one is
// added right here with the Hosts screen's form, then connected (fingerprint, the app's
// key). Continue starts the wizard (or resumes it for the same two hosts).
import { useId, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { SelectField, type SelectOption } from '../components/text-field'
import { useApiAction } from '../hooks/use-api-action'
import { AddHostForm } from '../screens/add-host-form'
import { roleName } from '../screens/hosts-host-card'
import type { Host } from '../../../src-main/shared/model'
import type { WizardState } from '../../../src-main/shared/wizard'
import { ChosenHost } from './chosen-host'

type Role = Host['role']

export interface ChooseHostsStepProps {
  readonly hosts: readonly Host[]
  readonly wizard: WizardState | null
  onHostsChanged(): void
  onStarted(state: WizardState): void
}

const firstOf = (hosts: readonly Host[], role: Role) => hosts.find((h) => h.role === role)?.id ?? ''

export function ChooseHostsStep({ hosts, wizard, onHostsChanged, onStarted }: ChooseHostsStepProps) {
  const headingId = useId()
  const [nasId, setNasId] = useState(wizard?.nasHostId ?? firstOf(hosts, 'nas'))
  const [offsiteId, setOffsiteId] = useState(wizard?.offsiteHostId ?? firstOf(hosts, 'offsite'))
  const [adding, setAdding] = useState<Role | null>(null)
  const action = useApiAction()

  // Every host is offered in both lists (those of the right role first), so a host added
  // in the wrong role is found, and the services say why it does not fit.
  const options = (role: Role): SelectOption<string>[] => [
    { value: '', label: 'Choose a host…' },
    ...[...hosts.filter((h) => h.role === role), ...hosts.filter((h) => h.role !== role)].map((h) => ({ value: h.id, label: `${h.label} (${roleName(h.role)})` })),
  ]
  const nas = hosts.find((h) => h.id === nasId)
  const offsite = hosts.find((h) => h.id === offsiteId)
  const missing = (role: Role) => !hosts.some((h) => h.role === role)
  const addingRole = adding ?? (missing('nas') ? 'nas' : missing('offsite') ? 'offsite' : null)

  const start = async () => {
    const state = await action.run(() => api().startWizard({ nasHostId: nasId, offsiteHostId: offsiteId }))
    if (state) onStarted(state)
  }

  const pick = (role: Role, id: string) => {
    action.clearError()
    if (role === 'nas') setNasId(id)
    else setOffsiteId(id)
  }

  return (
    <section className="card wizard-step" aria-labelledby={headingId}>
      <div className="wizard-step-head">
        <h2 id={headingId}>Choose hosts</h2>
      </div>
      <p className="wizard-intro">
        The NAS at home is where the copies come from; the off-site box is where they go. Nothing is changed on either host until you run a step.
      </p>
      <div className="wizard-hosts">
        <div>
          <SelectField label="NAS (copy from)" value={nasId} options={options('nas')} onChange={(v) => pick('nas', v)} />
          {nas ? <ChosenHost key={nas.id} host={nas} onChanged={onHostsChanged} /> : null}
        </div>
        <div>
          <SelectField label="Off-site box (copy to)" value={offsiteId} options={options('offsite')} onChange={(v) => pick('offsite', v)} />
          {offsite ? <ChosenHost key={offsite.id} host={offsite} onChanged={onHostsChanged} /> : null}
        </div>
      </div>
      {action.error ? <ErrorNotice error={action.error} /> : null}
      <div className="button-row">
        <button type="button" className="button button-primary" disabled={nasId === '' || offsiteId === '' || action.pending} onClick={() => void start()}>
          {action.pending ? 'Starting…' : 'Continue with these hosts'}
        </button>
        {addingRole === null ? (
          <>
            <button type="button" className="button" onClick={() => setAdding('nas')}>
              Add a NAS
            </button>
            <button type="button" className="button" onClick={() => setAdding('offsite')}>
              Add an off-site box
            </button>
          </>
        ) : null}
      </div>
      {addingRole !== null ? (
        <AddHostForm
          key={addingRole}
          suggestedRole={addingRole}
          {...(adding !== null ? { onCancel: () => setAdding(null) } : {})}
          onAdded={(host) => {
            setAdding(null)
            pick(host.role, host.id)
            onHostsChanged()
          }}
        />
      ) : null}
    </section>
  )
}
