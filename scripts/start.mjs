// `npm start`: builds the app and opens it in Electron. Electron fetches its own binary
// on first use; where that download is impossible, says so and points to the browser
// version (`npm run dev:web`) instead of failing obscurely.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

let electron
try {
  electron = createRequire(import.meta.url)('electron')
} catch (err) {
  console.error(`start: Electron could not be installed here (${err instanceof Error ? err.message.split('\n')[0] : err}).`)
  console.error('start: to use ZFS Offsite in a browser on this machine instead, run: npm run dev:web')
  process.exit(1)
}
const run = spawnSync(electron, [resolve(root, 'out/main/index.js')], { cwd: root, stdio: 'inherit' })
process.exit(run.status ?? 1)
