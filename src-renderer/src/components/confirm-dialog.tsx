// A modal question before anything is removed: the dialog shell with a danger button.
import type { ReactNode } from 'react'
import { DialogShell } from './dialog-shell'

export interface ConfirmDialogProps {
  readonly title: string
  readonly children: ReactNode
  readonly confirmLabel: string
  readonly cancelLabel?: string
  readonly pending?: boolean
  onConfirm(): void
  onCancel(): void
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  return <DialogShell {...props} confirmTone="danger" />
}
