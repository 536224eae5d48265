// A removal that asks first: which item the confirmation dialog is about, the removal's
// pending flag and error, and what the screen does once the item is gone.
import { useState } from 'react'
import type { AppError } from '../../../src-main/shared/errors'
import type { Result } from '../../../src-main/shared/result'
import { useApiAction } from './use-api-action'

export interface ConfirmedRemoval<T> {
  /** The item the dialog asks about; null while no dialog is open. */
  readonly confirming: T | null
  readonly pending: boolean
  readonly error: AppError | null
  /** Opens the dialog for this item; the last removal's error goes away. */
  ask(item: T): void
  cancel(): void
  /** Removes the item the dialog asks about and closes the dialog, whatever the answer. */
  confirm(): void
}

export function useConfirmedRemoval<T, A = unknown>(remove: (item: T) => Promise<Result<A>>, onRemoved: (item: T, answer: A) => void): ConfirmedRemoval<T> {
  const action = useApiAction()
  const [confirming, setConfirming] = useState<T | null>(null)

  const confirm = async (item: T) => {
    const removed = await action.run(() => remove(item))
    setConfirming(null)
    if (removed !== null) onRemoved(item, removed)
  }

  return {
    confirming,
    pending: action.pending,
    error: action.error,
    ask: (item) => {
      action.clearError()
      setConfirming(item)
    },
    cancel: () => setConfirming(null),
    confirm: () => {
      if (confirming !== null) void confirm(confirming)
    },
  }
}
