// Binds every contract method to its fixed channel: trusted-sender check, then the
// shared dispatch (schema parse, service call, Result). Events go to the app windows.
import { BrowserWindow, ipcMain, type WebContents } from 'electron'
import { eventChannel, invokeChannel } from '../shared/channels'
import { methodNames } from '../shared/contract'
import { appError } from '../shared/errors'
import { fail } from '../shared/result'
import { dispatch } from '../services/dispatch'
import type { AppContext } from '../services/app-context'
import { isTrustedSender } from '../platform/security'

export function bindIpc(ctx: AppContext, isAppWindow: (wc: WebContents) => boolean): () => void {
  for (const method of methodNames) {
    ipcMain.handle(invokeChannel(method), async (event, input: unknown) => {
      if (!isTrustedSender(event, isAppWindow)) {
        ctx.logger.warn('refused an API call from an untrusted frame', { method, url: event.senderFrame?.url })
        return fail(appError('UNTRUSTED_SENDER', 'A page that is not part of the app tried to use it.', 'Nothing was done.'))
      }
      return dispatch(ctx.services, ctx.logger, method, input)
    })
  }
  const stop = ctx.events.subscribe((e) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed() && isAppWindow(win.webContents)) win.webContents.send(eventChannel(e.name), e.payload)
    }
  })
  return () => {
    stop()
    for (const method of methodNames) ipcMain.removeHandler(invokeChannel(method))
  }
}
