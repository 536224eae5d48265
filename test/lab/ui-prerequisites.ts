// What a lab test of the UI needs before it opens the app: the keychain's D-Bus session
// and the built renderer and bridge client (built here when missing).
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')

export function ensureUiPrerequisites(testFile: string): void {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error(`${testFile} needs the keychain: run it under scripts/with-keyring.sh`)
  if (!existsSync(join(root, 'out/renderer/index.html')) || !existsSync(join(root, 'out/bridge-client/bridge-client.js'))) {
    const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
    if (built.status !== 0) throw new Error('npm run build failed')
  }
}
