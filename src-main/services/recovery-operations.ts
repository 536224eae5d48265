// Long recovery work (a download from a look, a restore to a NAS) as operations: each
// has an id the renderer chose, an AbortSignal that cancelRecoveryOperation trips, and
// recoveryProgress events at least once a second while it runs, then one final event.
import type { Logger } from '../core/logging/logger'
import { AppFailure, appError } from '../shared/errors'
import type { RecoveryProgress } from '../shared/recovery'
import type { EventBus } from './event-bus'

export type RecoveryOperationKind = RecoveryProgress['kind']

export interface ProgressUpdate {
  readonly phase?: RecoveryProgress['phase']
  readonly bytesDone?: number
  readonly bytesTotal?: number | null
  readonly current?: string | null
}

export interface RecoveryOperation {
  readonly id: string
  readonly kind: RecoveryOperationKind
  /** Tripped by cancelRecoveryOperation (and by the app shutting down). */
  readonly signal: AbortSignal
  /** Records where the work is; the next tick reports it. */
  update(u: ProgressUpdate): void
  /** Ends the operation with its last event (done, failed or cancelled) and a sentence. */
  finish(phase: 'done' | 'failed' | 'cancelled', message: string): void
}

export interface RecoveryOperations {
  begin(operationId: string, kind: RecoveryOperationKind): RecoveryOperation
  /** True when the operation was running and is now told to stop. */
  cancel(operationId: string): boolean
  isRunning(operationId: string): boolean
  /** Stops every operation (shutdown). */
  dispose(): void
}

export interface RecoveryOperationsDeps {
  readonly events: EventBus
  readonly logger: Logger
  /** Milliseconds between progress events (1 s by default; tests may ask for more often). */
  readonly tickMs?: number
  readonly nowMs?: () => number
}

/** The rate over the last few seconds, so a pause shows as a falling rate, not an average since the start. */
const RATE_WINDOW_MS = 5000

export function createRecoveryOperations(deps: RecoveryOperationsDeps): RecoveryOperations {
  const tickMs = deps.tickMs ?? 1000
  const nowMs = deps.nowMs ?? (() => Date.now())
  const running = new Map<string, { controller: AbortController; stop: () => void }>()

  return {
    begin(operationId, kind) {
      if (running.has(operationId)) {
        throw new AppFailure(appError('INVALID_INPUT', 'An operation with that id is already running.', 'Start it again; the screen makes a new id each time.', operationId))
      }
      const controller = new AbortController()
      let phase: RecoveryProgress['phase'] = 'preparing'
      let bytesDone = 0
      let bytesTotal: number | null = null
      let current: string | null = null
      const samples: Array<{ at: number; bytes: number }> = [{ at: nowMs(), bytes: 0 }]
      let ended = false

      const snapshot = (): RecoveryProgress => {
        const at = nowMs()
        samples.push({ at, bytes: bytesDone })
        while (samples.length > 2 && at - samples[0]!.at > RATE_WINDOW_MS) samples.shift()
        const first = samples[0]!
        const seconds = (at - first.at) / 1000
        const rate = seconds > 0 ? Math.max(0, (bytesDone - first.bytes) / seconds) : 0
        const eta = bytesTotal !== null && rate > 0 ? Math.max(0, (bytesTotal - bytesDone) / rate) : null
        return { operationId, kind, phase, bytesDone, bytesTotal, rateBytesPerSecond: rate, etaSeconds: eta, current }
      }
      const emit = (p: RecoveryProgress) => deps.events.emit('recoveryProgress', p)
      const timer = setInterval(() => emit(snapshot()), tickMs)
      const stop = () => clearInterval(timer)
      running.set(operationId, { controller, stop })
      emit(snapshot())

      return {
        id: operationId,
        kind,
        signal: controller.signal,
        update(u) {
          if (ended) return
          if (u.phase !== undefined) phase = u.phase
          if (u.bytesDone !== undefined) bytesDone = u.bytesDone
          if (u.bytesTotal !== undefined) bytesTotal = u.bytesTotal
          if (u.current !== undefined) current = u.current
        },
        finish(last, message) {
          if (ended) return
          ended = true
          stop()
          running.delete(operationId)
          phase = last
          emit({ ...snapshot(), message })
          deps.logger.info(`recovery ${kind} ${last}`, { operationId, bytes: bytesDone })
        },
      }
    },
    cancel(operationId) {
      const op = running.get(operationId)
      if (!op) return false
      op.controller.abort()
      return true
    },
    isRunning: (operationId) => running.has(operationId),
    dispose() {
      for (const op of running.values()) {
        op.controller.abort()
        op.stop()
      }
      running.clear()
    },
  }
}
