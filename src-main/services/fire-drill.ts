// Fire drill (issue 9): check, restoring nothing, that the keychain's passphrases unlock a job's off-site copy and that it mounts read-only.
// Placeholder wiring: the methods fail plainly until this file is written.
import type { ConfigStore } from '../adapters/config/config-store'
import type { Logger } from '../core/logging/logger'
import type { MethodName, MethodOutput } from '../shared/contract'
import { AppFailure, appError } from '../shared/errors'
import type { ParsedInput } from './app-services'
import type { EventBus } from './event-bus'
import type { HostServices } from './hosts-service'
import type { RecoveryOperations } from './recovery-operations'
import type { RecoveryToolkit } from './recovery-service'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>
type Method = 'runFireDrill' | 'listFireDrills'

export interface FireDrillDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly events: EventBus
  readonly toolkit: RecoveryToolkit
  readonly operations: RecoveryOperations
}

export function createFireDrillServices(deps: FireDrillDeps): { [M in Method]: ServiceImpl<M> } {
  void deps
  const notYet = (): never => {
    throw new AppFailure(appError('INTERNAL', 'This part of recovery is not built yet.', 'Use a newer version of the app.'))
  }
  return {
    runFireDrill: async () => notYet(),
    listFireDrills: async () => notYet(),
  }
}
