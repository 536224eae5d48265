// The collapsible "What this runs" panel of a wizard step: the exact commands the step
// would run for what is entered now, on which host, and why — read from the services'
// own preview, so what is shown is what runs. Loaded when opened (the tunnel's preview
// reads both hosts), and again on request once the entries changed.
import { useId, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { StatusBadge } from '../components/status-badge'
import { useApiAction } from '../hooks/use-api-action'
import type { MethodOutput, WizardStepInput } from '../../../src-main/shared/contract'
import type { HostLabels } from './step-words'

type Shown = MethodOutput<'previewWizardStep'>['commands']

const KIND_WORDS = { check: 'reads only', change: 'changes the host', verify: 'verifies' } as const

export interface WhatThisRunsProps {
  /** What the step would be told; null while the form is not complete. */
  readonly input: WizardStepInput | null
  readonly hosts: HostLabels
}

export function WhatThisRuns({ input, hosts }: WhatThisRunsProps) {
  const [open, setOpen] = useState(false)
  const [shown, setShown] = useState<{ key: string; commands: Shown } | null>(null)
  const action = useApiAction()
  const panelId = useId()
  const key = input === null ? null : JSON.stringify(input)

  const load = async () => {
    if (input === null || key === null) return
    const answer = await action.run(() => api().previewWizardStep(input))
    if (answer) setShown({ key, commands: answer.commands })
  }

  const toggle = () => {
    const next = !open
    setOpen(next)
    if (next && key !== null && shown?.key !== key) void load()
  }

  return (
    <div className="what-this-runs">
      <button type="button" className="button button-quiet" aria-expanded={open} aria-controls={panelId} onClick={toggle}>
        What this runs
      </button>
      {open ? (
        <div id={panelId} role="region" aria-label="What this runs" className="what-this-runs-panel">
          {input === null ? <p className="hint">Fill in the form to see the exact commands.</p> : null}
          {action.pending ? <LoadingNotice what="the commands" /> : null}
          {action.error ? <ErrorNotice error={action.error} /> : null}
          {shown && key !== null && shown.key !== key && !action.pending ? (
            <p className="hint">
              These are the commands for what was entered before.{' '}
              <button type="button" className="button button-quiet" onClick={() => void load()}>
                Show the commands for the current entries
              </button>
            </p>
          ) : null}
          {shown && shown.commands.length === 0 ? <p>This step runs no command on the hosts: it is saved in this app.</p> : null}
          {shown && shown.commands.length > 0 ? (
            <ol className="command-list" aria-label="Commands">
              {shown.commands.map((c, i) => (
                <li key={i} className="command">
                  <p className="command-head">
                    <span className="command-host">on {hosts[c.host]}</span> · {c.purpose} <StatusBadge tone={c.kind === 'change' ? 'warn' : 'neutral'}>{KIND_WORDS[c.kind]}</StatusBadge>
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
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
