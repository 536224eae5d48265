// Step 4, "Clean up": ends a look still open (unmount, destroy the temporary clone, lock
// the keys it unlocked) and shows what was done, the restore's result among it.
import { useState } from 'react'
import { api } from '../api'
import { ConfirmDialog } from '../components/confirm-dialog'
import { ErrorNotice } from '../components/error-notice'
import { useApiAction } from '../hooks/use-api-action'
import type { EndLook, Look, RestoreResult } from '../../../src-main/shared/recovery'
import { useStepCommands } from './use-step-commands'
import { RecoveryStep, type HostNames } from './recovery-step'

export interface CleanupStepProps {
  readonly look: Look | null
  readonly ended: EndLook | null
  readonly restored: RestoreResult | null
  readonly hostNames: HostNames
  onEnded(ended: EndLook): void
  onStartOver(): void
}

export function CleanupStep({ look, ended, restored, hostNames, onEnded, onStartOver }: CleanupStepProps) {
  const ending = useApiAction()
  const [asking, setAsking] = useState(false)
  const commands = useStepCommands(look ? { step: 'end-look', look } : null)

  const end = async (l: Look) => {
    const answer = await ending.run(() => api().endLook({ hostId: l.hostId, lookId: l.lookId }))
    setAsking(false)
    if (answer) onEnded(answer)
  }

  return (
    <RecoveryStep
      title="4. Clean up"
      hosts={hostNames}
      intro={
        <p>
          Cleaning up leaves {hostNames.offsite} as it was before: a look is unmounted, its temporary clone destroyed and the keys it unlocked
          are locked again. The backups themselves, a restore on the NAS and files you downloaded all stay.
        </p>
      }
      commands={commands}
    >
      {ending.error ? <ErrorNotice error={ending.error} /> : null}
      {look ? (
        <div className="button-row">
          <button type="button" className="button button-primary" onClick={() => setAsking(true)} disabled={ending.pending}>
            {ending.pending ? 'Ending the look…' : 'End the look'}
          </button>
        </div>
      ) : null}
      {ended ? (
        <div className="notice notice-ok" role="status" aria-label="The look is ended">
          <p className="notice-title">The look is ended.</p>
          <ol aria-label="What was done">
            {ended.done.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ol>
        </div>
      ) : null}
      {restored ? (
        <div className="notice notice-ok">
          <p className="notice-title">
            The restore is on the NAS as <span className="mono">{restored.targetDataset}</span>.
          </p>
          <ol aria-label="What the restore did">
            {restored.done.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ol>
        </div>
      ) : null}
      {!look && !ended && !restored ? <p className="hint">Nothing is left to clean up.</p> : null}
      <div className="button-row">
        <button type="button" className="button" onClick={onStartOver} disabled={look !== null}>
          Start over
        </button>
      </div>
      {asking && look ? (
        <ConfirmDialog title="End the look?" confirmLabel="End look" pending={ending.pending} onCancel={() => setAsking(false)} onConfirm={() => void end(look)}>
          <p>
            On {hostNames.offsite}: unmounts <span className="mono">{look.mountpoint}</span>, destroys the temporary clone{' '}
            <span className="mono">{look.clone}</span> and locks the keys the look unlocked. The backup stays.
          </p>
        </ConfirmDialog>
      ) : null}
    </RecoveryStep>
  )
}
