// The setup wizard as data: its five steps, what each created on which host (so undo
// removes exactly that), and a pure reducer over the events the services report. The
// state is a zod-checked document, stored as it changes, so a restarted app resumes
// where it stopped — a step that was running when the app quit is "interrupted" and is
// simply run again (every step is safe to re-run).
import type { AppError } from '../../shared/errors'
import {
  WIZARD_STEPS,
  SKIPPABLE,
  WizardStateSchema,
  type WizardStepName,
  type Created,
  type StepResults,
  type WizardState,
  type StepState,
  type Skippable,
} from '../../shared/wizard'

// The schema moved to shared/wizard.ts (the config stores the wizard); these names stay importable from here for the reducer's callers.
export {
  WIZARD_STEPS,
  type WizardStepName,
  WizardHostSchema,
  type WizardHost,
  CreatedSchema,
  type Created,
  TunnelResultSchema,
  ReachableResultSchema,
  ReceiveUserResultSchema,
  DestinationResultSchema,
  PreflightResultSchema,
  JobResultSchema,
  type StepResults,
  SKIPPABLE,
  WizardStateSchema,
  type WizardState,
  type StepState,
} from '../../shared/wizard'

export type WizardEvent =
  | { readonly type: 'step-started'; readonly step: WizardStepName; readonly at: string }
  /** Reported as each thing is made, so a crash mid-step still knows what to undo. */
  | { readonly type: 'resource-created'; readonly step: WizardStepName; readonly at: string; readonly created: Created }
  | { readonly [S in WizardStepName]: { readonly type: 'step-succeeded'; readonly step: S; readonly at: string; readonly result: StepResults[S]; readonly created?: readonly Created[] } }[WizardStepName]
  /** `rolledBack`: what this run made and put back after failing, so the hosts are as they were; it is no longer there to undo. */
  | { readonly type: 'step-failed'; readonly step: WizardStepName; readonly at: string; readonly error: AppError; readonly created?: readonly Created[]; readonly rolledBack?: readonly Created[] }
  | { readonly [S in Skippable]: { readonly type: 'step-skipped'; readonly step: S; readonly at: string; readonly result: StepResults[S] } }[Skippable]
  | { readonly type: 'undo-requested'; readonly step: WizardStepName; readonly at: string }
  | { readonly type: 'undo-done'; readonly step: WizardStepName; readonly at: string }
  | { readonly type: 'undo-failed'; readonly step: WizardStepName; readonly at: string; readonly error: AppError; readonly remaining: readonly Created[] }

export function initialWizardState(input: { readonly nasHostId: string; readonly offsiteHostId: string; readonly at: string }): WizardState {
  const pending = { status: 'pending' } as const
  return {
    version: 1,
    nasHostId: input.nasHostId,
    offsiteHostId: input.offsiteHostId,
    updatedAt: input.at,
    steps: { tunnel: pending, 'receive-user': pending, destination: pending, preflight: pending, job: pending },
  }
}

/** Reads a stored wizard; throws a ZodError on anything else. */
export function parseWizardState(json: unknown): WizardState {
  return WizardStateSchema.parse(json)
}

export const isDone = (s: StepState) => s.status === 'succeeded' || s.status === 'skipped'

export function createdOf(s: StepState): readonly Created[] {
  return 'created' in s ? s.created : []
}

const indexOf = (step: WizardStepName) => WIZARD_STEPS.indexOf(step)

/** The first step not done yet, or null when the wizard is finished. */
export function currentStep(state: WizardState): WizardStepName | null {
  return WIZARD_STEPS.find((s) => !isDone(state.steps[s])) ?? null
}

function sameCreated(a: Created, b: Created): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function addCreated(list: readonly Created[], more: readonly Created[] = []): Created[] {
  const out = [...list]
  for (const c of more) if (!out.some((x) => sameCreated(x, c))) out.push(c)
  return out
}

/** Why an event cannot apply to the state, or null when it can. The reducer ignores refused events. */
export function refusal(state: WizardState, event: WizardEvent): string | null {
  const i = indexOf(event.step)
  const step = state.steps[event.step]
  const earlier = WIZARD_STEPS.slice(0, i)
  const later = WIZARD_STEPS.slice(i + 1)
  const busy = WIZARD_STEPS.find((s) => state.steps[s].status === 'running' || state.steps[s].status === 'undoing')
  switch (event.type) {
    case 'step-started': {
      const notDone = earlier.find((s) => !isDone(state.steps[s]))
      if (notDone) return `${event.step} cannot start before ${notDone} is done`
      if (busy) return `${busy} is still in progress`
      if (step.status === 'undoing' || step.status === 'undo-failed' || (step.status === 'interrupted' && step.during === 'undo')) {
        return `${event.step} is being undone; finish the undo first`
      }
      return null
    }
    case 'resource-created':
    case 'step-succeeded':
    case 'step-failed':
      return step.status === 'running' ? null : `${event.step} is not running`
    case 'step-skipped': {
      if (!(event.step in SKIPPABLE)) return `${event.step} cannot be skipped`
      const notDone = earlier.find((s) => !isDone(state.steps[s]))
      if (notDone) return `${event.step} cannot be skipped before ${notDone} is done`
      if (busy) return `${busy} is still in progress`
      // What an earlier run made must be undone first, not forgotten.
      if (createdOf(step).length > 0) return `${event.step} made changes on the hosts; undo them before skipping it`
      return null
    }
    case 'undo-requested': {
      if (busy) return `${busy} is still in progress`
      const after = later.find((s) => createdOf(state.steps[s]).length > 0)
      if (after) return `undo ${after} first: it depends on ${event.step}`
      if (step.status === 'pending' || step.status === 'skipped') return `${event.step} has nothing to undo`
      return null
    }
    case 'undo-done':
    case 'undo-failed':
      return step.status === 'undoing' ? null : `${event.step} is not being undone`
  }
}

function withStep(state: WizardState, step: WizardStepName, next: StepState, at: string): WizardState {
  return { ...state, updatedAt: at, steps: { ...state.steps, [step]: next } }
}

export function wizardReducer(state: WizardState, event: WizardEvent): WizardState {
  if (refusal(state, event) !== null) return state
  const step = state.steps[event.step]
  switch (event.type) {
    case 'step-started':
      // A re-run keeps what earlier runs made: it is still there to undo.
      return withStep(state, event.step, { status: 'running', startedAt: event.at, created: [...createdOf(step)] }, event.at)
    case 'resource-created':
      if (step.status !== 'running') return state
      return withStep(state, event.step, { ...step, created: addCreated(step.created, [event.created]) }, event.at)
    case 'step-succeeded':
      return withStep(state, event.step, { status: 'succeeded', finishedAt: event.at, created: addCreated(createdOf(step), event.created), result: event.result } as StepState, event.at)
    case 'step-failed': {
      const created = addCreated(createdOf(step), event.created).filter((c) => !(event.rolledBack ?? []).some((r) => sameCreated(r, c)))
      return withStep(state, event.step, { status: 'failed', at: event.at, error: event.error, created }, event.at)
    }
    case 'step-skipped':
      return withStep(state, event.step, { status: 'skipped', at: event.at, reason: SKIPPABLE[event.step], result: event.result } as StepState, event.at)
    case 'undo-requested':
      return withStep(state, event.step, { status: 'undoing', startedAt: event.at, created: [...createdOf(step)] }, event.at)
    case 'undo-done': {
      // What came after was checked or chosen against what is now gone: it is asked again.
      let next = withStep(state, event.step, { status: 'pending' }, event.at)
      for (const s of WIZARD_STEPS.slice(indexOf(event.step) + 1)) {
        if (createdOf(next.steps[s]).length === 0 && next.steps[s].status !== 'pending') next = withStep(next, s, { status: 'pending' }, event.at)
      }
      return next
    }
    case 'undo-failed':
      return withStep(state, event.step, { status: 'undo-failed', at: event.at, error: event.error, created: [...event.remaining] }, event.at)
  }
}

/** On loading a stored wizard: what was in progress when the app stopped is marked interrupted. */
export function afterRestart(state: WizardState): WizardState {
  let next = state
  for (const s of WIZARD_STEPS) {
    const step = next.steps[s]
    if (step.status === 'running' || step.status === 'undoing') {
      next = { ...next, steps: { ...next.steps, [s]: { status: 'interrupted', during: step.status === 'running' ? 'run' : 'undo', startedAt: step.startedAt, created: step.created } } }
    }
  }
  return next
}
