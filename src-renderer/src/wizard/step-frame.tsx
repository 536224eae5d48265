// The frame every setup step shares (style.md "UI"): what will happen on which host, the
// form, "What this runs", a Run button with its busy state, the failure's cause and fix
// first, what was verified once done, Undo behind a confirmation that lists what goes,
// and Back, which only shows the step before and changes nothing.
import { useId, useState, type ReactNode } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { StatusBadge } from '../components/status-badge'
import { useApiAction } from '../hooks/use-api-action'
import type { MethodOutput, WizardStepInput } from '../../../src-main/shared/contract'
import type { Result } from '../../../src-main/shared/result'
import { WIZARD_STEPS, type WizardState, type WizardStepName } from '../../../src-main/shared/wizard'
import { FindingsList, type Finding } from './findings-list'
import { createdOf, isDone, statusWords, STEP_TITLES, type HostLabels } from './step-words'
import { UndoDialog } from './undo-dialog'
import { WhatThisRuns } from './what-this-runs'

export type StepOutcome = MethodOutput<'runWizardStep'>

export interface StepFrameProps {
  readonly step: WizardStepName
  readonly wizard: WizardState
  readonly hosts: HostLabels
  /** What will happen, in plain words, on which host. */
  readonly intro: ReactNode
  /** The step's choices. */
  readonly children?: ReactNode
  /** What the step would be told now, for the preview; null while the form is incomplete. */
  readonly previewInput: WizardStepInput | null
  readonly runLabel: string
  readonly busyLabel: string
  readonly canRun: boolean
  onRun(): Promise<Result<StepOutcome>>
  /** Shown once the step is done: what was made and verified. */
  readonly verified: ReactNode
  /** Shown once done, after what was verified (the job's Start first copy). */
  readonly afterDone?: ReactNode
  readonly undoLabel?: string
  /** What undoing changes besides the hosts, said in the confirmation. */
  readonly undoNote?: string
  onState(state: WizardState): void
  onBack(): void
  onNext?: () => void
}

export function StepFrame(props: StepFrameProps) {
  const { step, wizard, hosts } = props
  const state = wizard.steps[step]
  const title = STEP_TITLES[step]
  const headingId = useId()
  const undoBlockedId = useId()
  const run = useApiAction()
  const undo = useApiAction()
  const [findings, setFindings] = useState<readonly Finding[]>([])
  const [asking, setAsking] = useState(false)
  const [again, setAgain] = useState(false)
  const [words, tone] = statusWords(state)
  const done = isDone(state)
  const showForm = !done || again
  const undoLabel = props.undoLabel ?? 'Undo this step'
  const isTunnel = step === 'tunnel'

  const busyElsewhere = state.status === 'running' || state.status === 'undoing'
  const undoUnfinished = state.status === 'undo-failed' || (state.status === 'interrupted' && state.during === 'undo')
  const canUndo = state.status !== 'pending' && state.status !== 'skipped' && !busyElsewhere
  // Undo goes newest first: a later step that still has changes on the hosts depends on this one.
  const laterWithChanges = WIZARD_STEPS.slice(WIZARD_STEPS.indexOf(step) + 1).find((s) => createdOf(wizard.steps[s]).length > 0)

  const doRun = async () => {
    const outcome = await run.run(props.onRun)
    if (outcome) {
      setFindings(outcome.findings)
      setAgain(false)
      props.onState(outcome.state)
    } else {
      // The services recorded the failure (and anything made before it): show it.
      const latest = await api().getWizard()
      if (latest.ok && latest.value) props.onState(latest.value)
    }
  }

  const doUndo = async () => {
    const next = await undo.run(() => api().undoWizardStep({ step }))
    setAsking(false)
    if (next) {
      setFindings([])
      props.onState(next)
    } else {
      const latest = await api().getWizard()
      if (latest.ok && latest.value) props.onState(latest.value)
    }
  }

  // A stored failure is shown until a fresh answer replaces it.
  const storedError = state.status === 'failed' || state.status === 'undo-failed' ? state.error : null
  const shownError = run.error ?? undo.error ?? storedError

  return (
    <section className="card wizard-step" aria-labelledby={headingId}>
      <div className="wizard-step-head">
        <h2 id={headingId}>{title}</h2>
        <StatusBadge tone={tone}>{words}</StatusBadge>
      </div>
      <div className="wizard-intro">{props.intro}</div>

      {state.status === 'interrupted' && state.during === 'run' ? (
        <p className="notice notice-warn" role="status">
          The app stopped while this step was running. Run it again: every step is safe to run again, and what it made so far is kept and
          reused.
        </p>
      ) : null}
      {state.status === 'interrupted' && state.during === 'undo' ? (
        <p className="notice notice-warn" role="status">
          The app stopped while undoing this step. Undo it again to finish removing what it made.
        </p>
      ) : null}
      {busyElsewhere ? (
        <p className="notice" role="status">
          This step is {state.status === 'running' ? 'running' : 'being undone'}. Wait for it to finish.
        </p>
      ) : null}

      {shownError ? (
        <ErrorNotice error={shownError}>{!run.error && !undo.error ? <p className="hint">This is how the last attempt ended.</p> : null}</ErrorNotice>
      ) : null}

      {done ? (
        <div className="notice notice-ok" role="status">
          <p className="notice-title">{state.status === 'skipped' ? 'Skipped.' : 'Done.'}</p>
          {props.verified}
        </div>
      ) : null}
      <FindingsList findings={findings} label={isTunnel ? 'Firewall advice' : 'What the checks found'} />
      {done ? props.afterDone : null}

      {showForm ? (
        <>
          {props.children}
          <WhatThisRuns input={props.previewInput} hosts={hosts} />
          <div className="button-row">
            <button
              type="button"
              className="button button-primary"
              aria-busy={run.pending}
              disabled={!props.canRun || run.pending || busyElsewhere || undoUnfinished}
              onClick={() => void doRun()}
            >
              {run.pending ? props.busyLabel : props.runLabel}
            </button>
            {again ? (
              <button type="button" className="button" onClick={() => setAgain(false)}>
                Keep it as it is
              </button>
            ) : null}
          </div>
        </>
      ) : (
        <div className="button-row">
          <button type="button" className="button button-quiet" onClick={() => setAgain(true)}>
            Run this step again
          </button>
        </div>
      )}

      <div className="button-row wizard-nav">
        <button type="button" className="button" onClick={props.onBack}>
          Back
        </button>
        {props.onNext ? (
          <button type="button" className="button button-primary" disabled={!done} onClick={props.onNext}>
            Next
          </button>
        ) : null}
        <span className="grow" />
        {canUndo ? (
          <button
            type="button"
            className="button button-danger"
            disabled={undo.pending || run.pending || laterWithChanges !== undefined}
            aria-describedby={laterWithChanges !== undefined ? undoBlockedId : undefined}
            onClick={() => setAsking(true)}
          >
            {undo.pending ? 'Undoing…' : undoLabel}
          </button>
        ) : null}
      </div>
      {canUndo && laterWithChanges !== undefined ? (
        <p className="hint" id={undoBlockedId}>
          To undo this step, first undo “{STEP_TITLES[laterWithChanges]}”: it made changes that depend on this one.
        </p>
      ) : null}
      <p className="hint">Back only shows the step before; it changes nothing on the hosts. Undo removes what a step made.</p>

      {asking ? (
        <UndoDialog
          title={isTunnel ? 'Remove the tunnel?' : `Undo “${title}”?`}
          confirmLabel={isTunnel ? 'Remove tunnel' : 'Undo step'}
          created={createdOf(state)}
          hosts={hosts}
          note={props.undoNote}
          pending={undo.pending}
          onConfirm={() => void doUndo()}
          onCancel={() => setAsking(false)}
        />
      ) : null}
    </section>
  )
}
