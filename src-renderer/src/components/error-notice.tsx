// Shows an AppError the way the house style asks: what went wrong and what to do first,
// the raw details (stderr, paths, fields) folded away.
import type { AppError } from '../../../src-main/shared/errors'

export interface ErrorNoticeProps {
  readonly error: AppError
  /** Lets a form point its fields at the notice (aria-describedby). */
  readonly id?: string
}

export function ErrorNotice({ error, id }: ErrorNoticeProps) {
  return (
    <div className="notice notice-error" role="alert" id={id}>
      <p className="notice-title">{error.cause}</p>
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
