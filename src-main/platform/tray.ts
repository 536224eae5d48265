// The tray icon: "Open" brings the window up, "Check now" reads every job at once (the
// notifier raises what is due), "Quit" ends the app. The icon is drawn here, so the app
// ships no image file for it.
import { Menu, Tray, nativeImage } from 'electron'
import type { Notifier } from '../services/notifier'

const SIZE = 16

/** A 16×16 RGBA bitmap (BGRA in memory, as Electron reads bitmaps): a filled disc with a lighter ring. */
export function trayBitmap(): Buffer {
  const buf = Buffer.alloc(SIZE * SIZE * 4)
  const c = (SIZE - 1) / 2
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const d = Math.hypot(x - c, y - c)
      const i = (y * SIZE + x) * 4
      if (d > 7.5) continue
      const ring = d > 5.5
      buf[i] = ring ? 0xe0 : 0x9a // blue
      buf[i + 1] = ring ? 0xb0 : 0x5c // green
      buf[i + 2] = ring ? 0x60 : 0x1f // red
      buf[i + 3] = 0xff
    }
  }
  return buf
}

export interface AppTray {
  dispose(): void
}

export function createTray(notifier: Notifier, openWindow: () => void, quit: () => void): AppTray {
  const tray = new Tray(nativeImage.createFromBitmap(trayBitmap(), { width: SIZE, height: SIZE }))
  tray.setToolTip('ZFS Offsite')
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open', click: openWindow },
      { label: 'Check now', click: () => void notifier.checkNow() },
      { type: 'separator' },
      { label: 'Quit', click: quit },
    ]),
  )
  tray.on('click', openWindow)
  return { dispose: () => tray.destroy() }
}
