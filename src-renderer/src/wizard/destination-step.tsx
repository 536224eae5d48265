// Step 3, the destination: the parent dataset on the off-site box every copy lands under
// (or first a new pool on an empty disk), the receive-only command and the receive user's
// rights on it; verified by a real test copy and by the key's refused destroy and rollback.
import { useId, useState } from 'react'
import { api } from '../api'
import { TextField } from '../components/text-field'
import type { WizardStepInput } from '../../../src-main/shared/contract'
import type { WizardState } from '../../../src-main/shared/wizard'
import { DiskPicker } from './disk-picker'
import { StepFrame } from './step-frame'
import type { HostLabels } from './step-words'

export interface DestinationStepProps {
  readonly wizard: WizardState
  readonly hosts: HostLabels
  /** The parent to suggest: <first pool of the off-site box>/<NAS name>. */
  readonly suggestedParent: string
  onState(state: WizardState): void
  onBack(): void
  onNext(): void
}

export function DestinationStep({ wizard, hosts, suggestedParent, onState, onBack, onNext }: DestinationStepProps) {
  const stored = wizard.steps.destination
  const result = stored.status === 'succeeded' ? stored.result : null
  const mode = useId()
  // Until the person types, the suggestion follows what the app learns of the off-site box's pools.
  const [typedParent, setParent] = useState<string | null>(null)
  const parent = typedParent ?? result?.parent ?? suggestedParent
  const [newPool, setNewPool] = useState(false)
  const [diskId, setDiskId] = useState('')
  const [confirm, setConfirm] = useState('')

  const poolName = parent.trim().split('/')[0] ?? ''
  const confirmed = diskId !== '' && confirm === diskId
  const input: WizardStepInput = {
    step: 'destination',
    parent: parent.trim(),
    ...(newPool ? { createPool: { diskId, confirm } } : {}),
  }
  const canRun = parent.trim() !== '' && (!newPool || confirmed)

  return (
    <StepFrame
      step="destination"
      wizard={wizard}
      hosts={hosts}
      onState={onState}
      onBack={onBack}
      onNext={onNext}
      intro={
        <>
          <p>
            On {hosts.offsite}: {newPool ? <>a new pool on the disk you choose, then </> : null}the dataset every copy lands under (never mounted,
            read-only), the receive-only command that admits nothing but receiving below it, and the receive user’s ZFS rights there.
          </p>
          <p>
            From {hosts.nas}: a small test copy proves it works, then the app tries to destroy and roll back with the NAS’s key — each attempt must
            be refused. The test copy is removed again.
          </p>
        </>
      }
      previewInput={canRun ? input : null}
      runLabel={newPool ? 'Erase the disk and prepare the destination' : 'Prepare the destination'}
      busyLabel="Preparing the destination…"
      canRun={canRun}
      onRun={() => api().runWizardStep(input)}
      verified={
        result ? (
          <p>
            Verified: a test copy from {hosts.nas} arrived under <span className="mono">{result.parent}</span>, and the NAS’s key was refused when
            it tried to destroy or roll back.
          </p>
        ) : null
      }
    >
      <TextField
        label="Parent dataset on the off-site box"
        value={parent}
        onChange={setParent}
        hint="Every copy lands below it, for example backup/home-nas. It is made if it is not there."
      />
      <fieldset>
        <legend>Pool</legend>
        <div className="radio">
          <input type="radio" id={`${mode}-existing`} name={mode} checked={!newPool} onChange={() => {
              // Leaving the new pool behind forgets the disk and its typed id: coming back asks again.
              setNewPool(false)
              setDiskId('')
              setConfirm('')
            }}
          />
          <label htmlFor={`${mode}-existing`}>Use a pool the off-site box already has</label>
        </div>
        <div className="radio">
          <input type="radio" id={`${mode}-new`} name={mode} checked={newPool} onChange={() => setNewPool(true)} />
          <label htmlFor={`${mode}-new`}>Make a new pool on an empty disk</label>
        </div>
      </fieldset>
      {newPool ? (
        <>
          <p className="hint">
            The new pool is named by the first part of the parent dataset: <span className="mono">{poolName || '…'}</span>.
          </p>
          <DiskPicker
            offsiteLabel={hosts.offsite}
            poolName={poolName}
            diskId={diskId}
            confirm={confirm}
            onDisk={(id) => {
              setDiskId(id)
              setConfirm('')
            }}
            onConfirm={setConfirm}
          />
        </>
      ) : null}
    </StepFrame>
  )
}
