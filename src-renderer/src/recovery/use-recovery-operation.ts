// A download or a restore as the screen follows it: a fresh operation id per start, the
// newest recoveryProgress event for that id, and Cancel (cancelRecoveryOperation).
import { useCallback, useEffect, useRef, useState } from 'react'
import { api } from '../api'
import type { RecoveryProgress } from '../../../src-main/shared/recovery'

/** 24 lower-case hex digits: what OperationIdSchema accepts. */
export function newOperationId(): string {
  const bytes = new Uint8Array(12)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export interface RecoveryOperationView {
  /** The running (or last) operation's id; null before the first start. */
  readonly operationId: string | null
  readonly progress: RecoveryProgress | null
  /** Makes a new id and starts following its events; call before the API call starts. */
  begin(): string
  cancel(): Promise<void>
  readonly cancelling: boolean
}

export function useRecoveryOperation(): RecoveryOperationView {
  const [operationId, setOperationId] = useState<string | null>(null)
  const [progress, setProgress] = useState<RecoveryProgress | null>(null)
  const [cancelling, setCancelling] = useState(false)
  const current = useRef<string | null>(null)

  useEffect(
    () =>
      api().on('recoveryProgress', (p) => {
        if (p.operationId === current.current) setProgress(p)
      }),
    [],
  )

  const begin = useCallback(() => {
    const id = newOperationId()
    current.current = id
    setOperationId(id)
    setProgress(null)
    setCancelling(false)
    return id
  }, [])

  const cancel = useCallback(async () => {
    const id = current.current
    if (id === null) return
    setCancelling(true)
    try {
      await api().cancelRecoveryOperation({ operationId: id })
    } finally {
      setCancelling(false)
    }
  }, [])

  return { operationId, progress, begin, cancel, cancelling }
}
