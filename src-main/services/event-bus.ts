// Events from services to whichever transport is attached (IPC or the web bridge).
// Payloads are checked against the contract before they leave.
import { events, type EventName, type EventPayload } from '../shared/contract'

export type AnyEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName]

export class EventBus {
  readonly #listeners = new Set<(e: AnyEvent) => void>()

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const parsed = events[name].parse(payload) as EventPayload<E>
    const event = { name, payload: parsed } as AnyEvent
    for (const l of this.#listeners) l(event)
  }

  subscribe(listener: (e: AnyEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
