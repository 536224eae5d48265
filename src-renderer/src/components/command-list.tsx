// The exact commands a preview returned, one per host and purpose, shared by every
// "What this runs" panel (wizard steps, schedules): what runs where, whether it changes
// the host, and what the command is given to read.
import { StatusBadge } from './status-badge'
import type { ShownCommand } from '../../../src-main/shared/contract'

const KIND_WORDS = { check: 'reads only', change: 'changes the host', verify: 'verifies' } as const

export interface CommandListProps {
  readonly commands: readonly ShownCommand[]
  /** How each host is named ("Lab NAS", "the off-site box"). */
  readonly hosts: { readonly nas: string; readonly offsite: string }
}

export function CommandList({ commands, hosts }: CommandListProps) {
  return (
    <ol className="command-list" aria-label="Commands">
      {commands.map((c, i) => (
        <li key={i} className="command">
          <p className="command-head">
            <span className="command-host">on {hosts[c.host]}</span> · {c.purpose}{' '}
            <StatusBadge tone={c.kind === 'change' ? 'warn' : 'neutral'}>{KIND_WORDS[c.kind]}</StatusBadge>
          </p>
          <pre className="mono command-text">{c.command}</pre>
          {c.input !== undefined ? (
            <details>
              <summary>What the command is given to read</summary>
              <pre className="mono command-text">{c.input}</pre>
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  )
}
