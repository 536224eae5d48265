import { describe, expect, it } from 'vitest'
import { apiKeys, contract, eventNames, methodNames, type EventName, type MethodName } from '../../../src-main/shared/contract'
import { eventChannel, invokeChannel } from '../../../src-main/shared/channels'
import { buildApi } from '../../../src-preload/build-api'
import { ok } from '../../../src-main/shared/result'

/** A transport that records what window.api sends through it. */
function recordingApi() {
  const calls: Array<[MethodName, unknown]> = []
  const subscribed: EventName[] = []
  const api = buildApi({
    invoke: async (m, input) => {
      calls.push([m, input])
      return ok(null)
    },
    subscribe: (e) => {
      subscribed.push(e)
      return () => undefined
    },
  })
  return { api, calls, subscribed }
}

describe('the contract', () => {
  it('gives every method an input and an output schema and a distinct fixed channel', () => {
    for (const m of methodNames) {
      expect(typeof contract[m].input.safeParse).toBe('function')
      expect(typeof contract[m].output.safeParse).toBe('function')
    }
    const channels = [...methodNames.map(invokeChannel), ...eventNames.map(eventChannel)]
    expect(new Set(channels).size).toBe(channels.length)
  })

  it('builds window.api with exactly the contract methods plus on()', () => {
    const { api } = recordingApi()
    expect(Object.keys(api).sort()).toEqual([...apiKeys])
    expect(Object.isFrozen(api)).toBe(true)
  })

  it('sends each method on its own name and defaults a missing input to {}', async () => {
    const { api, calls } = recordingApi()
    await api.listHosts()
    await api.removeHost({ id: 'abc' })
    expect(calls).toEqual([
      ['listHosts', {}],
      ['removeHost', { id: 'abc' }],
    ])
  })

  it('refuses to subscribe to an event outside the contract', () => {
    const { api, subscribed } = recordingApi()
    api.on('log', () => undefined)
    expect(() => (api.on as (e: string, l: () => void) => void)('anything', () => undefined)).toThrow(/unknown event/)
    expect(subscribed).toEqual(['log'])
  })
})
