// The setup wizard in words: step titles, what a stored status means for the person,
// and what each recorded change is, on which host, as an undo lists it.
import type { Tone } from '../components/status-badge'
import { WIZARD_STEPS, type Created, type StepState, type WizardHost, type WizardState, type WizardStepName } from '../../../src-main/shared/wizard'

export const STEP_TITLES: Readonly<Record<WizardStepName, string>> = {
  tunnel: 'Tunnel',
  'receive-user': 'Receive user',
  destination: 'Destination',
  preflight: 'Preflight',
  job: 'Job',
}

/** The hosts' names as the person gave them, for "on Home NAS". */
export type HostLabels = Readonly<Record<WizardHost, string>>

export function statusWords(step: StepState): readonly [string, Tone] {
  switch (step.status) {
    case 'pending':
      return ['Not started', 'neutral']
    case 'running':
      return ['Running…', 'neutral']
    case 'interrupted':
      return step.during === 'run' ? ['Interrupted: run it again', 'warn'] : ['Undo interrupted: undo it again', 'warn']
    case 'succeeded':
      return ['Done', 'ok']
    case 'skipped':
      return ['Skipped', 'ok']
    case 'failed':
      return ['Failed', 'error']
    case 'undoing':
      return ['Undoing…', 'neutral']
    case 'undo-failed':
      return ['Undo failed', 'error']
  }
}

export const isDone = (step: StepState): boolean => step.status === 'succeeded' || step.status === 'skipped'

/** The first step not done yet, or null when every step is done. */
export function firstNotDone(state: WizardState): WizardStepName | null {
  return WIZARD_STEPS.find((s) => !isDone(state.steps[s])) ?? null
}

/** May the person open this step: every step before it is done. */
export function reachable(state: WizardState, step: WizardStepName): boolean {
  return WIZARD_STEPS.slice(0, WIZARD_STEPS.indexOf(step)).every((s) => isDone(state.steps[s]))
}

export function createdOf(step: StepState): readonly Created[] {
  return 'created' in step ? step.created : []
}

/** One recorded change, in plain words with the host it is on; ZFS and file names kept exact. */
export function createdWords(c: Created, hosts: HostLabels): string {
  const on = `on ${hosts[c.host]}`
  switch (c.kind) {
    case 'wg-key':
      return `The WireGuard key of tunnel ${c.interface} ${on}`
    case 'wg-conf':
      return `The WireGuard configuration ${c.interface} ${on}`
    case 'wg-unit':
      return `The tunnel service wg-quick@${c.interface} ${on} (stopped and disabled)`
    case 'receive-user':
      return `The user ${c.user} ${on}`
    case 'nas-key':
      return `The key the NAS sends copies with, ${c.path}, ${on}`
    case 'authorized-key':
      return `The NAS’s key in the authorized keys of ${c.user} ${on}`
    case 'wrapper':
      return `The receive-only command ${c.path} ${on}`
    case 'delegation':
      return `The ZFS rights of ${c.user} on ${c.dataset} (${c.permissions.join(', ')}) ${on}`
    case 'dataset':
      return `The dataset ${c.dataset} ${on} (only while it holds no copies)`
    case 'pool':
      return `The pool ${c.pool} ${on} (only while it holds nothing but its root; the disk is then empty again)`
    case 'known-host':
      return `The off-site box’s pinned key (${c.name}) in ${c.path} ${on}`
    case 'sshd-dropin':
      return `The SSH server setting ${c.path} ${on} (the SSH server is reloaded)`
  }
}

/** A dataset-friendly part of a name: "Home NAS" → "home-nas". */
export function slug(label: string): string {
  const s = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return s === '' ? 'nas' : s
}
