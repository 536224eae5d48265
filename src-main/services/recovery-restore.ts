// Restore to a NAS (issue 9): send a snapshot from the off-site box back to a NAS under a new dataset.
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
type Method = 'previewRestore' | 'startRestore'

export interface RecoveryRestoreDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly events: EventBus
  readonly toolkit: RecoveryToolkit
  readonly operations: RecoveryOperations
}

export function createRecoveryRestoreServices(deps: RecoveryRestoreDeps): { [M in Method]: ServiceImpl<M> } {
  void deps
  const notYet = (): never => {
    throw new AppFailure(appError('INTERNAL', 'This part of recovery is not built yet.', 'Use a newer version of the app.'))
  }
  return {
    previewRestore: async () => notYet(),
    startRestore: async () => notYet(),
  }
}
