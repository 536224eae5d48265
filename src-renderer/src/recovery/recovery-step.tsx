// The frame of one recovery step: its title, what happens on which host in plain words,
// the step's own content, a collapsible "What this runs", and Back (which only shows the
// step before and changes nothing on the hosts).
import { useId, useState, type ReactNode } from 'react'
import { CommandList } from '../components/command-list'
import type { ShownCommand } from '../../../src-main/shared/wizard'

export interface HostNames {
  readonly nas: string
  readonly offsite: string
}

export interface RecoveryStepProps {
  readonly title: string
  /** What happens, on which host, in plain words. */
  readonly intro: ReactNode
  readonly children: ReactNode
  /** The commands the step runs; omitted when it runs none. */
  readonly commands?: readonly ShownCommand[]
  readonly hosts: HostNames
  readonly backLabel?: string
  onBack?: () => void
}

export function RecoveryStep({ title, intro, children, commands, hosts, backLabel = 'Back', onBack }: RecoveryStepProps) {
  const headingId = useId()
  return (
    <section className="card wizard-step recovery-step" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <div className="wizard-intro">{intro}</div>
      {children}
      {commands ? <CommandsPanel commands={commands} hosts={hosts} /> : null}
      {onBack ? (
        <div className="button-row wizard-nav">
          <button type="button" className="button" onClick={onBack}>
            {backLabel}
          </button>
          <span className="hint">Back changes nothing on the hosts.</span>
        </div>
      ) : null}
    </section>
  )
}

/** "What this runs", folded away until asked for. */
export function CommandsPanel({ commands, hosts }: { readonly commands: readonly ShownCommand[]; readonly hosts: HostNames }) {
  const [open, setOpen] = useState(false)
  const panelId = useId()
  return (
    <div className="what-this-runs">
      <button type="button" className="button button-quiet" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        What this runs
      </button>
      {open ? (
        <div id={panelId} role="region" aria-label="What this runs" className="what-this-runs-panel">
          {commands.length === 0 ? <p>Nothing runs on the hosts for this.</p> : <CommandList commands={commands} hosts={hosts} />}
        </div>
      ) : null}
    </div>
  )
}
