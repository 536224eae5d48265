// Set up: the guided path from two hosts to a running off-site copy (issue 7). The
// stored wizard (getWizard) decides where it resumes: the first step not done, with an
// interrupted one offered again. Each step is its own component in src/wizard/.
import { useEffect, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { ScreenHeading } from '../components/screen-heading'
import { useApiAction } from '../hooks/use-api-action'
import { useApiQuery } from '../hooks/use-api-query'
import type { Navigate } from '../navigation/screens'
import type { HostState } from '../../../src-main/shared/contract'
import type { Host } from '../../../src-main/shared/model'
import { fail, ok, type Result } from '../../../src-main/shared/result'
import type { WizardState } from '../../../src-main/shared/wizard'
import { ChooseHostsStep } from '../wizard/choose-hosts-step'
import { WizardSteps } from '../wizard/wizard-steps'
import { firstNotDone } from '../wizard/step-words'
import { StepList, type View } from '../wizard/step-list'
import '../styles/wizard.css'

interface SetupData {
  readonly wizard: WizardState | null
  readonly hosts: Host[]
  readonly states: HostState[]
}

const loadSetup = async (): Promise<Result<SetupData>> => {
  const [wizard, hosts, states] = await Promise.all([api().getWizard(), api().listHosts(), api().listHostStates()])
  if (!wizard.ok) return fail(wizard.error)
  if (!hosts.ok) return fail(hosts.error)
  return ok({ wizard: wizard.value, hosts: hosts.value, states: states.ok ? states.value : [] })
}

export interface SetupScreenProps {
  readonly navigate: Navigate
  readonly focusHeading: boolean
}

export function SetupScreen({ navigate, focusHeading }: SetupScreenProps) {
  const setup = useApiQuery(loadSetup)
  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Set up</ScreenHeading>
      <p className="lead">From your NAS and an off-site box to encrypted copies that arrive on their own, one checked step at a time.</p>
      {setup.state.status === 'loading' ? <LoadingNotice what="the setup" /> : null}
      {setup.state.status === 'failed' ? <ErrorNotice error={setup.state.error} /> : null}
      {setup.state.status === 'ready' ? <SetupBody data={setup.state.value} reload={setup.reload} navigate={navigate} /> : null}
    </>
  )
}

function SetupBody({ data, reload, navigate }: { readonly data: SetupData; reload(): void; readonly navigate: Navigate }) {
  const [wizard, setWizard] = useState<WizardState | null>(data.wizard)
  // Resume at the first step not done; a finished wizard shows its last step.
  const [view, setView] = useState<View>(data.wizard ? (firstNotDone(data.wizard) ?? 'job') : 'hosts')
  const probeAction = useApiAction()
  const [probes, setProbes] = useState<ReadonlyMap<string, HostState['probe']>>(() => new Map(data.states.map((s) => [s.id, s.probe])))

  // What the app last saw of each host (steps probe them as they go): read again, without
  // contacting any host, whenever another step is shown.
  useEffect(() => {
    let current = true
    void api()
      .listHostStates()
      .then((r) => {
        if (!current || !r.ok) return
        setProbes((m) => {
          const next = new Map(m)
          for (const s of r.value) if (s.probe) next.set(s.id, s.probe)
          return next
        })
      })
    return () => {
      current = false
    }
  }, [view])

  const probe = async (id: string) => {
    const found = await probeAction.run(() => api().probeHost({ id }))
    if (found) setProbes((m) => new Map(m).set(id, found))
  }

  return (
    <div className="wizard">
      <StepList wizard={wizard} view={view} onView={setView} />
      <div className="wizard-body">
        {view === 'hosts' || wizard === null ? (
          <ChooseHostsStep
            hosts={data.hosts}
            wizard={wizard}
            onHostsChanged={reload}
            onStarted={(state) => {
              setWizard(state)
              setView(firstNotDone(state) ?? 'job')
            }}
          />
        ) : (
          <WizardSteps
            view={view}
            wizard={wizard}
            hosts={data.hosts}
            probes={probes}
            probing={probeAction.pending}
            probeError={probeAction.error}
            onProbe={(id) => void probe(id)}
            onState={setWizard}
            onView={setView}
            navigate={navigate}
          />
        )}
      </div>
    </div>
  )
}
