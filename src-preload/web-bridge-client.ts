// The web transport: in a plain browser (tests, development without Electron) this
// script gives the page the same window.api, over a WebSocket to the local bridge.
// The bridge's token arrives in the URL fragment, which is never sent to a server.
import { appError } from '../src-main/shared/errors'
import { fail, type Result } from '../src-main/shared/result'
import type { EventName } from '../src-main/shared/contract'
import { buildApi } from './build-api'

type ServerMessage =
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown }

function connect(): void {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? sessionStorage.getItem('zfs-offsite-bridge-token')
  if (token) sessionStorage.setItem('zfs-offsite-bridge-token', token)
  const url = `ws://${location.host}/api?token=${encodeURIComponent(token ?? '')}`
  let socket: WebSocket
  let opened: Promise<WebSocket>
  const pending = new Map<number, (r: Result<unknown>) => void>()
  const listeners = new Map<EventName, Set<(p: unknown) => void>>()
  let nextId = 1

  const lost = (why: string): Result<unknown> =>
    fail(appError('INTERNAL', 'The connection to the app’s services was lost.', 'Reload the page; if that fails, restart `npm run dev:web`.', why))

  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      socket = new WebSocket(url)
      socket.addEventListener('open', () => resolve(socket))
      socket.addEventListener('error', () => reject(new Error('bridge connection failed')))
      socket.addEventListener('close', (e) => {
        for (const [, settle] of pending) settle(lost(`closed: ${e.code} ${e.reason}`))
        pending.clear()
      })
      socket.addEventListener('message', (m) => {
        const msg = JSON.parse(String(m.data)) as ServerMessage
        if (msg.kind === 'result') {
          pending.get(msg.id)?.(msg.result)
          pending.delete(msg.id)
        } else {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload)
        }
      })
    })
  opened = open()

  const api = buildApi({
    async invoke(method, input) {
      let ws: WebSocket
      try {
        ws = await opened
        if (ws.readyState !== WebSocket.OPEN) {
          opened = open()
          ws = await opened
        }
      } catch (err) {
        return lost(err instanceof Error ? err.message : String(err))
      }
      const id = nextId++
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve)
        ws.send(JSON.stringify({ id, method, input }))
      })
    },
    subscribe(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => set.delete(listener)
    },
  })
  Object.defineProperty(window, 'api', { value: api, writable: false, configurable: false })
}

connect()
