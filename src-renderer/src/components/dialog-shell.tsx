// The modal frame of the app's questions: a <dialog> named by its title and described by
// its body, with Cancel and one button that goes ahead. Focus moves into it on open (to
// Cancel, the safe choice), Tab stays inside, Escape cancels, and focus goes back to what
// opened it on close.
import { useEffect, useId, useRef, type ReactNode } from 'react'

export interface DialogShellProps {
  readonly title: string
  /** What the question is about; it describes the dialog (aria-describedby). */
  readonly children: ReactNode
  readonly confirmLabel: string
  /** Danger for a removal, primary for a step forward (trusting a host). */
  readonly confirmTone: 'danger' | 'primary'
  readonly cancelLabel?: string
  readonly pending?: boolean
  onConfirm(): void
  onCancel(): void
}

export function DialogShell({
  title,
  children,
  confirmLabel,
  confirmTone,
  cancelLabel = 'Cancel',
  pending = false,
  onConfirm,
  onCancel,
}: DialogShellProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)
  const titleId = useId()
  const bodyId = useId()

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!dialog.open) dialog.showModal()
    cancelRef.current?.focus()
    return () => {
      if (dialog.open) dialog.close()
      // Give focus back to what opened the dialog, when it is still on the page.
      if (opener?.isConnected) opener.focus()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      className="dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        // Escape: close through React state, not behind its back.
        e.preventDefault()
        onCancel()
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId}>{children}</div>
      <div className="button-row">
        <button ref={cancelRef} type="button" className="button" onClick={onCancel} disabled={pending}>
          {cancelLabel}
        </button>
        <button
          type="button"
          className={confirmTone === 'danger' ? 'button button-danger' : 'button button-primary'}
          onClick={onConfirm}
          disabled={pending}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
