// What a screen says when there is nothing to show yet: what to do first, in plain words.
import type { ReactNode } from 'react'

export interface EmptyStateProps {
  readonly title: string
  readonly children: ReactNode
  readonly action?: ReactNode
}

export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <section className="empty-state" aria-label={title}>
      <h2>{title}</h2>
      {children}
      {action ? <div>{action}</div> : null}
    </section>
  )
}
