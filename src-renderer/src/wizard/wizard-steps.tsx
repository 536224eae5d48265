// The five steps after the hosts are chosen: the one being viewed, with what the steps
// share (host names, the probes, the datasets picked in the preflight for the job).
import { useState } from 'react'
import type { Navigate } from '../navigation/screens'
import type { HostState } from '../../../src-main/shared/contract'
import type { AppError } from '../../../src-main/shared/errors'
import type { Host } from '../../../src-main/shared/model'
import { WIZARD_STEPS, type WizardState, type WizardStepName } from '../../../src-main/shared/wizard'
import { DestinationStep } from './destination-step'
import { JobStep } from './job-step'
import { PreflightStep, type Picked } from './preflight-step'
import { ReceiveUserStep } from './receive-user-step'
import type { View } from './step-list'
import { slug, type HostLabels } from './step-words'
import { TunnelStep } from './tunnel-step'

export interface WizardStepsProps {
  readonly view: WizardStepName
  readonly wizard: WizardState
  readonly hosts: readonly Host[]
  readonly probes: ReadonlyMap<string, HostState['probe']>
  readonly probing: boolean
  readonly probeError: AppError | null
  onProbe(hostId: string): void
  onState(state: WizardState): void
  onView(view: View): void
  readonly navigate: Navigate
}

export function WizardSteps({ view, wizard, hosts, probes, probing, probeError, onProbe, onState, onView, navigate }: WizardStepsProps) {
  const [picked, setPicked] = useState<Picked>({ datasets: [], recursive: true, raw: true })
  const nas = hosts.find((h) => h.id === wizard.nasHostId)
  const offsite = hosts.find((h) => h.id === wizard.offsiteHostId)
  const labels: HostLabels = { nas: nas?.label ?? 'the NAS', offsite: offsite?.label ?? 'the off-site box' }
  const nasProbe = probes.get(wizard.nasHostId) ?? null
  const firstPool = probes.get(wizard.offsiteHostId)?.pools[0]?.name ?? 'backup'

  const i = WIZARD_STEPS.indexOf(view)
  const back = () => onView(i === 0 ? 'hosts' : WIZARD_STEPS[i - 1]!)
  const next = () => {
    const following = WIZARD_STEPS[i + 1]
    if (following) onView(following)
  }
  const common = { key: view, wizard, hosts: labels, onState, onBack: back }
  const datasets = { nasProbe, probing, probeError, onProbe: () => onProbe(wizard.nasHostId), picked, onPicked: setPicked }

  switch (view) {
    case 'tunnel':
      return <TunnelStep {...common} offsite={offsite} onNext={next} />
    case 'receive-user':
      return <ReceiveUserStep {...common} onNext={next} />
    case 'destination':
      return <DestinationStep {...common} suggestedParent={`${firstPool}/${slug(labels.nas)}`} onNext={next} />
    case 'preflight':
      return <PreflightStep {...common} {...datasets} onNext={next} />
    case 'job':
      return <JobStep {...common} {...datasets} navigate={navigate} />
  }
}
