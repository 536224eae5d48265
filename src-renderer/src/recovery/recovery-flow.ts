// Where the person is in the disaster-recovery flow (issue 9): which backup and snapshot
// they chose, what the passphrase check said, the look they opened and how each part
// ended. A pure reducer: going back only changes what is shown, never the hosts.
import type { BackupDataset, EndLook, Look, RecoveryKeys, RestoreResult } from '../../../src-main/shared/recovery'

export type RecoveryStep = 'start' | 'keys' | 'look' | 'restore' | 'cleanup'

export const STEP_TITLES: Record<RecoveryStep, string> = {
  start: '1. Choose the backup',
  keys: '2. Check the passphrases',
  look: '3. Look at the files',
  restore: '3. Restore to a NAS',
  cleanup: '4. Clean up',
}

export interface RecoveryChoice {
  /** The off-site box. */
  readonly hostId: string
  /** The backups' parent on it, e.g. backup/nas. */
  readonly parent: string
  readonly dataset: BackupDataset
  /** The full snapshot name, dataset@name. */
  readonly snapshot: string
}

export interface RecoveryFlowState {
  readonly step: RecoveryStep
  readonly choice: RecoveryChoice | null
  readonly keys: RecoveryKeys | null
  /** The look this flow opened (or picked up from the list), until it is ended. */
  readonly look: Look | null
  readonly ended: EndLook | null
  readonly restored: RestoreResult | null
}

export type RecoveryAction =
  | { readonly type: 'chose'; readonly choice: RecoveryChoice }
  | { readonly type: 'keys-checked'; readonly keys: RecoveryKeys }
  | { readonly type: 'go'; readonly step: RecoveryStep }
  | { readonly type: 'look-started'; readonly look: Look }
  | { readonly type: 'look-ended'; readonly ended: EndLook }
  | { readonly type: 'restored'; readonly result: RestoreResult }
  | { readonly type: 'start-over' }

export const initialRecoveryFlow: RecoveryFlowState = { step: 'start', choice: null, keys: null, look: null, ended: null, restored: null }

/** The snapshot's own encryption root unlocks (or needs no key): enough for a read-only look. */
export function lookCanStart(keys: RecoveryKeys | null, dataset: BackupDataset | undefined): boolean {
  if (!keys || !dataset) return false
  if (!dataset.encrypted || dataset.encryptionRoot === null) return true
  const own = keys.roots.find((r) => r.encryptionRoot === dataset.encryptionRoot)
  return own === undefined || own.outcome === 'unlocks' || own.outcome === 'loaded'
}

export function recoveryFlow(state: RecoveryFlowState, action: RecoveryAction): RecoveryFlowState {
  switch (action.type) {
    case 'chose':
      // A different snapshot: the last check said nothing about it.
      return { ...state, step: 'keys', choice: action.choice, keys: state.choice?.snapshot === action.choice.snapshot ? state.keys : null, ended: null, restored: null }
    case 'keys-checked':
      return { ...state, keys: action.keys }
    case 'go':
      if (action.step !== 'start' && state.choice === null) return state
      return { ...state, step: action.step }
    case 'look-started':
      return { ...state, step: 'look', look: action.look, ended: null }
    case 'look-ended':
      return { ...state, step: 'cleanup', look: null, ended: action.ended }
    case 'restored':
      return { ...state, restored: action.result }
    case 'start-over':
      return initialRecoveryFlow
  }
}
