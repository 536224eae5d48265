// The collapsible "What this runs" panel of a wizard step: the exact commands the step
// would run for what is entered now, on which host, and why — read from the services'
// own preview, so what is shown is what runs. Loaded when opened (the tunnel's preview
// reads both hosts), and again on request once the entries changed.
import { api } from '../api'
import { CommandList } from '../components/command-list'
import { PreviewPanel } from '../components/preview-panel'
import type { MethodOutput, WizardStepInput } from '../../../src-main/shared/contract'
import type { HostLabels } from './step-words'

type Shown = MethodOutput<'previewWizardStep'>['commands']


export interface WhatThisRunsProps {
  /** What the step would be told; null while the form is not complete. */
  readonly input: WizardStepInput | null
  readonly hosts: HostLabels
}

export function WhatThisRuns({ input, hosts }: WhatThisRunsProps) {
  return (
    <PreviewPanel<Shown>
      input={input}
      load={async () => {
        const r = await api().previewWizardStep(input!)
        return r.ok ? { ok: true, value: r.value.commands } : r
      }}
      incomplete="Fill in the form to see the exact commands."
      render={(commands) =>
        commands.length === 0 ? <p>This step runs no command on the hosts: it is saved in this app.</p> : <CommandList commands={commands} hosts={hosts} />
      }
    />
  )
}
