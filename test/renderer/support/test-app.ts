// One running app for renderer tests: a fresh data folder, the real services (config
// file, log file, keychain under a throwaway service name) and the web bridge serving
// the built renderer. Whatever it created is removed again by close().
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { createAppContext, type AppContext } from '../../../src-main/services/app-context'
import { openConfBackend } from '../../../src-main/adapters/config/conf-backend'
import { startBridge } from '../../../src-main/bridge/bridge-server'
import { CONFIG_SCHEMA_VERSION, type Config } from '../../../src-main/shared/model'

type Keytar = typeof import('keytar')

export const keytar: Keytar = createRequire(import.meta.url)('keytar') as Keytar

const root = resolve(import.meta.dirname, '../../..')
const rendererDir = join(root, 'out/renderer')
const bridgeClientFile = join(root, 'out/bridge-client/bridge-client.js')

export interface TestApp {
  /** The page to open, with the bridge token in the fragment. */
  readonly url: string
  readonly dataDir: string
  readonly keychainService: string
  readonly configFile: string
  readonly logFile: string
  readonly context: AppContext
  close(): Promise<void>
}

export interface TestAppOptions {
  /** A config file already there when the app starts, as after an earlier session (runs still going are followed again). */
  readonly config?: Partial<Omit<Config, 'schemaVersion'>>
  /** Milliseconds between the services' progress events while following a run. */
  readonly progressTickMs?: number
  /** How long the wizard waits for a tunnel's handshake (tests of an unreachable endpoint shorten it). */
  readonly tunnelDeadlineMs?: number
  /** Where downloads from a look go; a folder inside the data folder unless given (never the person's Downloads). */
  readonly downloadsDir?: string
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  for (const built of [join(rendererDir, 'index.html'), bridgeClientFile]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run the renderer tests with \`npm run test:renderer\`, which builds first.`)
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-renderer-'))
  const keychainService = `zfs-offsite-test-${randomBytes(6).toString('hex')}`
  if (options.config) {
    const doc = { schemaVersion: CONFIG_SCHEMA_VERSION, hosts: [], jobs: [], runs: [], preferences: {}, ...options.config }
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify(doc), { mode: 0o600 })
  }
  const context = createAppContext({
    dataDir,
    transport: 'bridge',
    version: '0.0.0-test',
    openConfig: openConfBackend,
    keychainService,
    downloadsDir: options.downloadsDir ?? join(dataDir, 'downloads'),
    ...(options.progressTickMs === undefined ? {} : { progressTickMs: options.progressTickMs }),
    ...(options.tunnelDeadlineMs === undefined ? {} : { tunnelDeadlineMs: options.tunnelDeadlineMs }),
  })
  const bridge = await startBridge({ context, rendererDir, bridgeClientFile })
  return {
    url: bridge.url,
    dataDir,
    keychainService,
    configFile: context.info.configFile,
    logFile: context.info.logFile,
    context,
    async close() {
      await bridge.close()
      context.dispose()
      try {
        // The keyring is throwaway under scripts/with-keyring.sh, but not on a desktop session.
        for (const c of await keytar.findCredentials(keychainService)) await keytar.deletePassword(keychainService, c.account)
      } finally {
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}

/** A file's text, or null when it does not exist (yet). */
export function readTextOrNull(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null
}
