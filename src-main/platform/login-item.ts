// Starting with the session (the `startAtLogin` preference): applied when the app starts
// and whenever the preference changes. Started at login, the app opens to the tray only.
import { app } from 'electron'
import type { ConfigStore } from '../adapters/config/config-store'
import type { EventBus } from '../services/event-bus'

/** The argument the login item starts the app with: no window, only the tray. */
export const BACKGROUND_ARG = '--background'

export function startedInBackground(argv: readonly string[]): boolean {
  return argv.includes(BACKGROUND_ARG) || app.getLoginItemSettings().wasOpenedAtLogin
}

export function applyLoginItem(config: ConfigStore, events: EventBus): () => void {
  let applied: boolean | null = null
  const apply = (): void => {
    const wanted = config.read().preferences.startAtLogin
    if (wanted === applied) return
    applied = wanted
    // args reach the app on Windows; macOS says wasOpenedAtLogin; Electron has no login items on Linux.
    app.setLoginItemSettings({ openAtLogin: wanted, args: [BACKGROUND_ARG] })
  }
  apply()
  // Every settings change is logged; reading the preference again is cheap, so any log entry will do.
  return events.subscribe((e) => {
    if (e.name === 'log') apply()
  })
}
