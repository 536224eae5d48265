// Loads one API answer for a screen, with loading and error state and a reload.
import { useCallback, useEffect, useState } from 'react'
import type { AppError } from '../../../src-main/shared/errors'
import type { Result } from '../../../src-main/shared/result'

export type QueryState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly value: T }
  | { readonly status: 'failed'; readonly error: AppError }

export interface Query<T> {
  /** The last answer: a reload keeps it on screen until the new one replaces it. */
  readonly state: QueryState<T>
  /** A reload is going on (the answer shown is the one before). */
  readonly reloading: boolean
  reload(): void
}

/** `load` should be stable (defined outside the component or memoised). */
export function useApiQuery<T>(load: () => Promise<Result<T>>): Query<T> {
  const [state, setState] = useState<QueryState<T>>({ status: 'loading' })
  const [generation, setGeneration] = useState(0)
  const [answered, setAnswered] = useState(-1)

  useEffect(() => {
    let current = true
    load().then(
      (result) => {
        if (!current) return
        setAnswered(generation)
        setState(result.ok ? { status: 'ready', value: result.value } : { status: 'failed', error: result.error })
      },
      (err: unknown) => {
        if (!current) return
        setAnswered(generation)
        setState({
          status: 'failed',
          error: {
            code: 'INTERNAL',
            cause: 'The app’s services did not answer.',
            fix: 'Reload the window; if that does not help, restart the app.',
            details: err instanceof Error ? err.message : String(err),
          },
        })
      },
    )
    return () => {
      current = false
    }
  }, [load, generation])

  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  return { state, reloading: state.status !== 'loading' && answered !== generation, reload }
}
