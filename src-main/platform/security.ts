// Electron security checklist, applied in one place: permissions denied, navigation
// and new windows blocked, webviews refused, IPC senders checked.
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron'
import { openExternalAllowed } from './open-external'
import { APP_HOST, APP_SCHEME } from './app-protocol'

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}

export function isAppUrl(candidate: string | undefined): boolean {
  if (!candidate) return false
  try {
    const url = new URL(candidate)
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST
  } catch {
    return false
  }
}

export function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalAllowed(url)
    return { action: 'deny' }
  })
}

/** Only the app's own page in one of the app's own windows may call the API. */
export function isTrustedSender(event: IpcMainInvokeEvent, trusted: (wc: WebContents) => boolean): boolean {
  const frame = event.senderFrame
  if (!frame || frame.parent !== null) return false
  return trusted(event.sender) && isAppUrl(frame.url)
}
