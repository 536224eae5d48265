// Electron main entry: secure defaults first, then the shared app context, the app://
// protocol, IPC, and the window.
import { app, BrowserWindow, session } from 'electron'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { createAppContext } from './services/app-context'
import { bindIpc } from './ipc/bind-ipc'
import { registerAppScheme, serveAppProtocol } from './platform/app-protocol'
import { guardWebContents, hardenSession } from './platform/security'
import { createMainWindow } from './platform/main-window'
import { openElectronStoreBackend } from './platform/electron-store-backend'
import { showNotifications } from './platform/desktop-notifications'
import { applyLoginItem, startedInBackground } from './platform/login-item'
import { createTray, type AppTray } from './platform/tray'

const here = dirname(fileURLToPath(import.meta.url))
/** Started with the session, the app lives on in the tray when its window is closed. */
let livesInTray = (): boolean => false
/** Held here: a tray icon that is garbage-collected disappears. */
let tray: AppTray | null = null

app.enableSandbox()
registerAppScheme()
app.on('web-contents-created', (_event, contents) => guardWebContents(contents))

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  void app.whenReady().then(() => {
    hardenSession(session.defaultSession)
    serveAppProtocol(join(here, '../renderer'))
    // Tests point the app at a throwaway data folder.
    const dataDir = process.env['ZFS_OFFSITE_DATA_DIR'] ?? app.getPath('userData')
    const ctx = createAppContext({
      dataDir,
      transport: 'electron',
      version: app.getVersion(),
      openConfig: openElectronStoreBackend,
      ...(process.env['ZFS_OFFSITE_KEYCHAIN_SERVICE'] ? { keychainService: process.env['ZFS_OFFSITE_KEYCHAIN_SERVICE'] } : {}),
    })
    const windows = new Set<number>()
    bindIpc(ctx, (wc) => windows.has(wc.id))
    const open = (): void => {
      const win = createMainWindow(join(here, '../preload/index.cjs'))
      windows.add(win.webContents.id)
      const id = win.webContents.id
      win.on('closed', () => windows.delete(id))
    }
    const show = (): void => {
      const win = BrowserWindow.getAllWindows()[0]
      if (win) win.focus()
      else open()
    }
    // Notifications, the tray and the login item (issue 8); the notifier checks every job on its interval.
    showNotifications(ctx.events, show)
    applyLoginItem(ctx.config, ctx.events)
    tray = createTray(ctx.notifier, show, () => {
      tray?.dispose()
      app.quit()
    })
    ctx.notifier.start()
    livesInTray = () => ctx.config.read().preferences.startAtLogin
    if (!startedInBackground(process.argv)) open()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open()
    })
    app.on('second-instance', show)
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && !livesInTray()) app.quit()
  })
}
