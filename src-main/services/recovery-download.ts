// Download from a look (issue 9): copy files or folders from a read-only look to a new folder on this computer.
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
type Method = 'downloadFromLook'

export interface RecoveryDownloadDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly events: EventBus
  readonly toolkit: RecoveryToolkit
  readonly operations: RecoveryOperations
}

export function createRecoveryDownloadServices(deps: RecoveryDownloadDeps): { [M in Method]: ServiceImpl<M> } {
  void deps
  const notYet = (): never => {
    throw new AppFailure(appError('INTERNAL', 'This part of recovery is not built yet.', 'Use a newer version of the app.'))
  }
  return {
    downloadFromLook: async () => notYet(),
  }
}
