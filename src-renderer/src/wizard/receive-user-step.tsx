// Step 2, the receive user: a login on the off-site box that can only receive copies
// (forced command, from the tunnel address only), a key made for it on the NAS, and the
// off-site box's host key pinned on the NAS; verified by a real login over the tunnel.
import { useState } from 'react'
import { api } from '../api'
import { TextField } from '../components/text-field'
import type { WizardStepInput } from '../../../src-main/shared/contract'
import type { WizardState } from '../../../src-main/shared/wizard'
import { StepFrame } from './step-frame'
import type { HostLabels } from './step-words'

export interface ReceiveUserStepProps {
  readonly wizard: WizardState
  readonly hosts: HostLabels
  onState(state: WizardState): void
  onBack(): void
  onNext(): void
}

export function ReceiveUserStep({ wizard, hosts, onState, onBack, onNext }: ReceiveUserStepProps) {
  const stored = wizard.steps['receive-user']
  const [user, setUser] = useState(stored.status === 'succeeded' || stored.status === 'skipped' ? stored.result.user : 'zfsreceive')
  const input: WizardStepInput = { step: 'receive-user', user: user.trim() }
  const result = stored.status === 'succeeded' || stored.status === 'skipped' ? stored.result : null
  return (
    <StepFrame
      step="receive-user"
      wizard={wizard}
      hosts={hosts}
      onState={onState}
      onBack={onBack}
      onNext={onNext}
      intro={
        <>
          <p>
            On {hosts.offsite}: a user that can only receive copies — its SSH key works only from the NAS’s tunnel address and only runs a
            receive-only command; a dead connection is noticed within a minute.
          </p>
          <p>
            On {hosts.nas}: a key of its own for sending copies, and {hosts.offsite}’s host key (the one you confirmed) pinned so the NAS never
            sends to an impostor.
          </p>
        </>
      }
      previewInput={user.trim() === '' ? null : input}
      runLabel="Create the receive user"
      busyLabel="Creating the receive user…"
      canRun={user.trim() !== ''}
      onRun={() => api().runWizardStep(input)}
      verified={
        result ? (
          <p>
            Verified: {hosts.nas} logged in to {hosts.offsite} as <span className="mono">{result.user}</span> at{' '}
            <span className="mono">{`${result.address}:${result.port}`}</span> with its new key, checked against the pinned host key.
          </p>
        ) : null
      }
    >
      <TextField
        label="Receive user on the off-site box"
        value={user}
        onChange={setUser}
        hint="Lower-case letters, digits, _ or -. The user is made if it is not there yet."
      />
    </StepFrame>
  )
}
