// The question before a step is undone: exactly what the step recorded as made, in plain
// words per host, which is all the undo removes.
import { ConfirmDialog } from '../components/confirm-dialog'
import type { Created } from '../../../src-main/shared/wizard'
import { createdWords, type HostLabels } from './step-words'

export interface UndoDialogProps {
  readonly title: string
  readonly confirmLabel: string
  readonly created: readonly Created[]
  readonly hosts: HostLabels
  readonly pending: boolean
  /** What undoing changes besides the hosts (the job step removes the job from the app). */
  readonly note?: string | undefined
  onConfirm(): void
  onCancel(): void
}

export function UndoDialog({ title, confirmLabel, created, hosts, pending, note, onConfirm, onCancel }: UndoDialogProps) {
  return (
    <ConfirmDialog title={title} confirmLabel={confirmLabel} pending={pending} onConfirm={onConfirm} onCancel={onCancel}>
      {note ? <p>{note}</p> : null}
      {created.length === 0 ? (
        <p>This step made nothing on the hosts. Undoing it marks it as not done, so it is asked again.</p>
      ) : (
        <>
          <p>The app removes exactly what this step made, newest first:</p>
          <ul aria-label="What will be removed" className="undo-list">
            {[...created].reverse().map((c) => (
              <li key={JSON.stringify(c)}>{createdWords(c, hosts)}</li>
            ))}
          </ul>
          <p>Nothing that was already on the hosts before is touched, and no off-site copy is ever destroyed. The steps after this one are asked again.</p>
        </>
      )}
    </ConfirmDialog>
  )
}
