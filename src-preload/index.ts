// The Electron preload: exposes exactly the contract as window.api over fixed IPC
// channels. The renderer never sees ipcRenderer or an Electron event object.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { eventChannel, invokeChannel } from '../src-main/shared/channels'
import type { Result } from '../src-main/shared/result'
import { buildApi } from './build-api'

const api = buildApi({
  invoke: (method, input) => ipcRenderer.invoke(invokeChannel(method), input) as Promise<Result<unknown>>,
  subscribe: (event, listener) => {
    const channel = eventChannel(event)
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload)
    ipcRenderer.on(channel, handler)
    return () => {
      ipcRenderer.removeListener(channel, handler)
    }
  },
})

contextBridge.exposeInMainWorld('api', api)
