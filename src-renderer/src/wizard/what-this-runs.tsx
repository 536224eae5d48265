// The collapsible "What this runs" panel of a wizard step: the exact commands the step
// would run for what is entered now, on which host, and why — read from the services'
// own preview, so what is shown is what runs. Loaded when opened (the tunnel's preview
// reads both hosts), and again on request once the entries changed.
import { useId, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { CommandList } from '../components/command-list'
import { useApiAction } from '../hooks/use-api-action'
import type { MethodOutput, WizardStepInput } from '../../../src-main/shared/contract'
import type { HostLabels } from './step-words'

type Shown = MethodOutput<'previewWizardStep'>['commands']


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
            <CommandList commands={shown.commands} hosts={hosts} />
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
