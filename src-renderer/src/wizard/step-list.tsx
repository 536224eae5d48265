// The wizard's steps in order with each one's status; a step can be opened once the
// steps before it are done. Opening one only shows it: nothing runs or is undone.
import { StatusBadge } from '../components/status-badge'
import { WIZARD_STEPS, type WizardState, type WizardStepName } from '../../../src-main/shared/wizard'
import { reachable, statusWords, STEP_TITLES } from './step-words'

export type View = 'hosts' | WizardStepName

export function StepList({ wizard, view, onView }: { readonly wizard: WizardState | null; readonly view: View; onView(view: View): void }) {
  return (
    <ol className="wizard-steps" aria-label="Setup steps">
      <li aria-label="Choose hosts" className="wizard-steps-item">
        <button type="button" className="nav-item" aria-current={view === 'hosts' ? 'step' : undefined} onClick={() => onView('hosts')}>
          Choose hosts
        </button>
        {wizard ? <StatusBadge tone="ok">Done</StatusBadge> : <StatusBadge tone="neutral">Not started</StatusBadge>}
      </li>
      {WIZARD_STEPS.map((step) => {
        const [words, tone] = wizard ? statusWords(wizard.steps[step]) : (['Not started', 'neutral'] as const)
        return (
          <li key={step} aria-label={STEP_TITLES[step]} className="wizard-steps-item">
            <button
              type="button"
              className="nav-item"
              aria-current={view === step ? 'step' : undefined}
              disabled={wizard === null || !reachable(wizard, step)}
              onClick={() => onView(step)}
            >
              {STEP_TITLES[step]}
            </button>
            <StatusBadge tone={tone}>{words}</StatusBadge>
          </li>
        )
      })}
    </ol>
  )
}
