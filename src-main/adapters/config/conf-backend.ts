// The config backend under plain Node (tests, the web bridge): conf, the engine that
// electron-store wraps, pointed at an explicit folder.
import Conf from 'conf'
import type { ConfigBackend } from './config-store'

export function openConfBackend(dir: string): ConfigBackend {
  return new Conf<Record<string, unknown>>({
    cwd: dir,
    configName: 'config',
    configFileMode: 0o600,
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
  })
}
