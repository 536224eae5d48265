// The guided disaster-recovery flow (issue 9): choose the backup, check the passphrases,
// then look at the files or restore to a NAS, then clean up. Holds where the person is
// (recovery-flow.ts) and the passphrases typed in this window, which live in memory only
// and are forgotten when the flow starts over or the screen closes.
import { useReducer, useState } from 'react'
import type { Navigate } from '../navigation/screens'
import type { Host, Job } from '../../../src-main/shared/model'
import { CleanupStep } from './cleanup-step'
import { KeysStep, type TypedPassphrase } from './keys-step'
import { LookStep } from './look-step'
import { initialRecoveryFlow, recoveryFlow, STEP_TITLES, type RecoveryStep } from './recovery-flow'
import { RestoreStep } from './restore-step'
import { StartStep } from './start-step'

export interface RecoveryFlowViewProps {
  readonly hosts: readonly Host[]
  readonly jobs: readonly Job[]
  readonly navigate: Navigate
  /** A passphrase typed in the flow was saved to the keychain (the screen's list shows it). */
  onPassphrasesSaved(): void
}

const ORDER: readonly RecoveryStep[] = ['start', 'keys', 'look', 'restore', 'cleanup']

export function RecoveryFlowView({ hosts, jobs, navigate, onPassphrasesSaved }: RecoveryFlowViewProps) {
  const [state, dispatch] = useReducer(recoveryFlow, initialRecoveryFlow)
  const [typed, setTyped] = useState<readonly TypedPassphrase[]>([])
  const offsiteHosts = hosts.filter((h) => h.role === 'offsite')
  const nasHosts = hosts.filter((h) => h.role === 'nas')
  const { choice } = state
  const offsiteName = hosts.find((h) => h.id === choice?.hostId)?.label ?? offsiteHosts[0]?.label ?? 'the off-site box'
  const hostNames = { nas: nasHosts[0]?.label ?? 'the NAS', offsite: offsiteName }
  const startOver = () => {
    setTyped([])
    dispatch({ type: 'start-over' })
  }

  return (
    <div className="wizard recovery-flow">
      <ol className="wizard-steps" aria-label="Recovery steps">
        {ORDER.map((s) => (
          <li key={s} className="wizard-steps-item">
            <span className="nav-item" aria-current={state.step === s ? 'step' : undefined}>
              {s === 'restore' ? '3. Or restore to a NAS' : STEP_TITLES[s]}
            </span>
          </li>
        ))}
      </ol>
      <div className="wizard-body">
        {state.step === 'start' ? (
          <StartStep
            offsiteHosts={offsiteHosts}
            jobs={jobs}
            hostNames={hostNames}
            initial={choice}
            navigate={navigate}
            onChosen={(c) => {
              if (c.snapshot !== choice?.snapshot) setTyped([])
              dispatch({ type: 'chose', choice: c })
            }}
            onLookResumed={(look, c) => {
              dispatch({ type: 'chose', choice: c })
              dispatch({ type: 'look-started', look })
            }}
            onLookEnded={(ended) => dispatch({ type: 'look-ended', ended })}
          />
        ) : null}
        {state.step === 'keys' && choice ? (
          <KeysStep
            choice={choice}
            keys={state.keys}
            typed={typed}
            hostNames={hostNames}
            onChecked={(keys, keep) => {
              setTyped(keep)
              if (keys.roots.some((r) => r.saved)) onPassphrasesSaved()
              dispatch({ type: 'keys-checked', keys })
            }}
            onLook={() => dispatch({ type: 'go', step: 'look' })}
            onRestore={() => dispatch({ type: 'go', step: 'restore' })}
            onBack={() => dispatch({ type: 'go', step: 'start' })}
          />
        ) : null}
        {state.step === 'look' && choice ? (
          <LookStep
            choice={choice}
            look={state.look}
            typed={typed}
            hostNames={hostNames}
            onStarted={(look) => dispatch({ type: 'look-started', look })}
            onEnded={(ended) => dispatch({ type: 'look-ended', ended })}
            onBack={() => dispatch({ type: 'go', step: 'keys' })}
          />
        ) : null}
        {state.step === 'restore' && choice ? (
          <RestoreStep
            choice={choice}
            typed={typed}
            nasHosts={nasHosts}
            offsiteName={offsiteName}
            restored={state.restored}
            navigate={navigate}
            onRestored={(result) => dispatch({ type: 'restored', result })}
            onNext={() => dispatch({ type: 'go', step: 'cleanup' })}
            onBack={() => dispatch({ type: 'go', step: 'keys' })}
          />
        ) : null}
        {state.step === 'cleanup' ? (
          <CleanupStep
            look={state.look}
            ended={state.ended}
            restored={state.restored}
            hostNames={hostNames}
            onEnded={(ended) => dispatch({ type: 'look-ended', ended })}
            onStartOver={startOver}
          />
        ) : null}
      </div>
    </div>
  )
}
