// The one app window, with every web preference the security checklist asks for.
import { BrowserWindow, nativeTheme } from 'electron'
import { APP_ORIGIN } from './app-protocol'
import { guardWebContents } from './security'
import { SECURE_WEB_PREFERENCES } from '../core/security/web-preferences'


export function createMainWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'ZFS Offsite',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181d' : '#f7f7f8',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: preloadPath },
  })
  guardWebContents(win.webContents)
  win.once('ready-to-show', () => win.show())
  void win.loadURL(`${APP_ORIGIN}/index.html`)
  return win
}
