// Builds window.api from the contract over any transport: one closure per contract
// method on a fixed name, plus `on` for contract events. Nothing here lets the page
// pick a channel or call a method by a name it chose.
import { eventNames, methodNames, type Api, type EventName, type MethodName } from '../src-main/shared/contract'
import type { Result } from '../src-main/shared/result'

export interface ApiTransport {
  invoke(method: MethodName, input: unknown): Promise<Result<unknown>>
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void
}

export function buildApi(transport: ApiTransport): Api {
  const api: Record<string, unknown> = {}
  for (const method of methodNames) {
    api[method] = (input?: unknown) => transport.invoke(method, input ?? {})
  }
  api['on'] = (event: unknown, listener: unknown) => {
    if (typeof event !== 'string' || !(eventNames as readonly string[]).includes(event)) {
      throw new TypeError(`unknown event: ${String(event)}`)
    }
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    return transport.subscribe(event as EventName, (payload) => (listener as (p: unknown) => void)(payload))
  }
  return Object.freeze(api) as unknown as Api
}
