// The config backend inside Electron: electron-store in the app's data folder.
import Store from 'electron-store'
import type { ConfigBackend } from '../adapters/config/config-store'

export function openElectronStoreBackend(dir: string): ConfigBackend {
  return new Store<Record<string, unknown>>({
    cwd: dir,
    name: 'config',
    configFileMode: 0o600,
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
  })
}
