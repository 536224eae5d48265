// Shows an AppError the way the house style asks: what went wrong and what to do first,
// the raw details (stderr, paths, fields) folded away.
import type { ReactNode } from 'react'
import type { AppError } from '../../../src-main/shared/errors'

export interface ErrorNoticeProps {
  /** An AppError, or an error carried inside an answer (a restore's blocker, a key check's), whose code is a plain string. */
  readonly error: Omit<AppError, 'code'> & { readonly code: string }
  /** Lets a form point its fields at the notice (aria-describedby). */
  readonly id?: string
  /** Shown between the cause and the fix: the fields to correct, for example. */
  readonly children?: ReactNode
}

export function ErrorNotice({ error, id, children }: ErrorNoticeProps) {
  return (
    <div className="notice notice-error" role="alert" id={id}>
      <p className="notice-title">{error.cause}</p>
      {children}
      <p>{error.fix}</p>
      {error.details ? (
        <details>
          <summary>Details</summary>
          <pre className="mono">
            {error.code}: {error.details}
          </pre>
        </details>
      ) : null}
    </div>
  )
}
