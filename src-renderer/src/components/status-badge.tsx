// A status in words with a colour to match; the words carry the meaning, not the colour.
import type { ReactNode } from 'react'

export type Tone = 'ok' | 'warn' | 'error' | 'neutral'

export function StatusBadge({ tone, children }: { readonly tone: Tone; readonly children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>
}
