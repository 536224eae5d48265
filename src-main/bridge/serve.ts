// `npm run dev:web`: the app's services under Node, served to a browser through the
// web bridge. Prints the address (with its one-time token) to open.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createAppContext } from '../services/app-context'
import { openConfBackend } from '../adapters/config/conf-backend'
import { AppFailure } from '../shared/errors'
import { startBridge } from './bridge-server'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'keychain-service': { type: 'string' },
  },
})

const root = resolve(import.meta.dirname, '../..')
const rendererDir = join(root, 'out/renderer')
const bridgeClientFile = join(root, 'out/bridge-client/bridge-client.js')
for (const built of [join(rendererDir, 'index.html'), bridgeClientFile]) {
  if (!existsSync(built)) {
    console.error(`dev:web: ${built} is missing. Run \`npm run build\` first (npm run dev:web does it for you).`)
    process.exit(1)
  }
}

const dataDir = resolve(values['data-dir'] ?? process.env['ZFS_OFFSITE_DATA_DIR'] ?? join(homedir(), '.config', 'zfs-offsite-web'))
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version

try {
  const keychainService = values['keychain-service'] ?? process.env['ZFS_OFFSITE_KEYCHAIN_SERVICE']
  const context = createAppContext({
    dataDir,
    transport: 'bridge',
    version,
    openConfig: openConfBackend,
    ...(keychainService ? { keychainService } : {}),
  })
  const bridge = await startBridge({
    context,
    rendererDir,
    bridgeClientFile,
    ...(values.port ? { port: Number(values.port) } : {}),
  })
  // One machine-readable line first (tests read it), then words for a person.
  console.log(JSON.stringify({ bridge: bridge.url, port: bridge.port, dataDir }))
  console.log(`ZFS Offsite (web bridge) — open ${bridge.url}`)
  const stop = (): void => {
    void bridge.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
} catch (err) {
  if (err instanceof AppFailure) {
    console.error(`dev:web: ${err.appError.cause} ${err.appError.fix}${err.appError.details ? `\n  ${err.appError.details}` : ''}`)
    process.exit(1)
  }
  throw err
}
