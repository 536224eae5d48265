// Step 4, the preflight: for the datasets chosen, both hosts' ZFS versions and pool
// features, resume support, encryption and tools, checked before the first copy; the
// findings grouped by severity with their fix. Nothing is changed on either host.
import { useId } from 'react'
import { api } from '../api'
import type { WizardStepInput } from '../../../src-main/shared/contract'
import type { AppError } from '../../../src-main/shared/errors'
import type { HostProbe } from '../../../src-main/shared/model'
import type { WizardState } from '../../../src-main/shared/wizard'
import { DatasetPicker } from './dataset-picker'
import { RAW_WORDS, RECURSIVE_WORDS } from './explanations'
import { StepFrame } from './step-frame'
import type { HostLabels } from './step-words'

/** What the person picked to copy; the job step starts from it. */
export interface Picked {
  readonly datasets: readonly string[]
  readonly recursive: boolean
  readonly raw: boolean
}

/** What the two steps that work on the picked datasets (preflight and job) are given. */
export interface PickedStepProps {
  readonly wizard: WizardState
  readonly hosts: HostLabels
  readonly nasProbe: HostProbe | null
  readonly probing: boolean
  readonly probeError: AppError | null
  onProbe(): void
  readonly picked: Picked
  onPicked(picked: Picked): void
  onState(state: WizardState): void
  onBack(): void
}

export interface PreflightStepProps extends PickedStepProps {
  onNext(): void
}

export function PreflightStep(props: PreflightStepProps) {
  const { wizard, hosts, picked, onPicked } = props
  const ids = { recursive: useId(), raw: useId() }
  const stored = wizard.steps.preflight
  const result = stored.status === 'succeeded' ? stored.result : null
  const input: WizardStepInput = { step: 'preflight', sources: [...picked.datasets], recursive: picked.recursive, raw: picked.raw }
  return (
    <StepFrame
      step="preflight"
      wizard={wizard}
      hosts={hosts}
      onState={props.onState}
      onBack={props.onBack}
      onNext={props.onNext}
      intro={
        <p>
          Nothing is changed. The app reads {hosts.nas} and {hosts.offsite} and checks that the chosen datasets can be copied: ZFS versions and pool
          features on both sides, resumable transfers, encryption, space and the tools a copy uses.
        </p>
      }
      previewInput={input}
      runLabel="Run the checks"
      busyLabel="Checking…"
      canRun={picked.datasets.length > 0}
      onRun={() => api().runWizardStep(input)}
      verified={
        result ? (
          <p>
            The checks passed with {result.warnings} {result.warnings === 1 ? 'warning' : 'warnings'} and no blocker.
          </p>
        ) : null
      }
    >
      <DatasetPicker
        nasLabel={hosts.nas}
        probe={props.nasProbe}
        probing={props.probing}
        probeError={props.probeError}
        onProbe={props.onProbe}
        chosen={picked.datasets}
        onChange={(datasets) => onPicked({ ...picked, datasets })}
      />
      <div className="checkbox">
        <input id={ids.recursive} type="checkbox" checked={picked.recursive} onChange={(e) => onPicked({ ...picked, recursive: e.target.checked })} />
        <label htmlFor={ids.recursive}>Include child datasets</label>
      </div>
      <p className="hint">{RECURSIVE_WORDS}</p>
      <div className="checkbox">
        <input id={ids.raw} type="checkbox" checked={picked.raw} onChange={(e) => onPicked({ ...picked, raw: e.target.checked })} />
        <label htmlFor={ids.raw}>Keep encrypted data encrypted off-site (raw)</label>
      </div>
      <p className="hint">{RAW_WORDS}</p>
    </StepFrame>
  )
}
