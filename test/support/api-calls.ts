// Calling the API as the renderer does (through dispatch, inputs parsed by the contract)
// in service and lab tests, and waiting for the events the services emit.
import { dispatch } from '../../src-main/services/dispatch'
import type { AppContext } from '../../src-main/services/app-context'
import type { EventBus } from '../../src-main/services/event-bus'
import type { AppError } from '../../src-main/shared/errors'
import type { Result } from '../../src-main/shared/result'

/** `call` returns the value or throws with the error's code and cause; `callFails` expects the error. */
export function apiCalls(context: () => AppContext) {
  async function call<T>(method: string, input: unknown): Promise<T> {
    const ctx = context()
    const r = (await dispatch(ctx.services, ctx.logger, method, input)) as Result<T>
    if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.cause} ${r.error.details ?? ''}`)
    return r.value
  }
  async function callFails(method: string, input: unknown): Promise<AppError> {
    const ctx = context()
    const r = (await dispatch(ctx.services, ctx.logger, method, input)) as Result<unknown>
    if (r.ok) throw new Error(`${method} succeeded but should have failed`)
    return r.error
  }
  return { call, callFails }
}

/** Resolves with the first event `pick` turns into a value, or fails at the deadline. */
export function eventWhere<T>(events: EventBus, pick: (e: { name: string; payload: unknown }) => T | undefined, what: string, seconds: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`no ${what} within ${seconds} s`))
    }, seconds * 1000)
    const stop = events.subscribe((e) => {
      const hit = pick(e)
      if (hit === undefined) return
      clearTimeout(timer)
      stop()
      resolve(hit)
    })
  })
}
