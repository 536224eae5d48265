// Runs one API change (add, remove, save) and keeps its pending flag and last error.
import { useCallback, useState } from 'react'
import type { AppError } from '../../../src-main/shared/errors'
import type { Result } from '../../../src-main/shared/result'

export interface Action {
  readonly pending: boolean
  readonly error: AppError | null
  /** Runs the call; resolves to the value, or null when it failed (the error is kept). */
  run<T>(call: () => Promise<Result<T>>): Promise<T | null>
  clearError(): void
}

export function useApiAction(): Action {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<AppError | null>(null)

  const run = useCallback(async <T>(call: () => Promise<Result<T>>): Promise<T | null> => {
    setPending(true)
    setError(null)
    try {
      const result = await call()
      if (result.ok) return result.value
      setError(result.error)
      return null
    } catch (err) {
      setError({
        code: 'INTERNAL',
        cause: 'The app’s services did not answer.',
        fix: 'Try again; if it keeps happening, restart the app.',
        details: err instanceof Error ? err.message : String(err),
      })
      return null
    } finally {
      setPending(false)
    }
  }, [])

  const clearError = useCallback(() => setError(null), [])
  return { pending, error, run, clearError }
}
