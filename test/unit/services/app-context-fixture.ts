// A real app context for service and bridge tests: real files in a temp folder, the
// real keychain under a throwaway service name.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { createAppContext, type AppContext } from '../../../src-main/services/app-context'
import { openConfBackend } from '../../../src-main/adapters/config/conf-backend'
import { KeytarSecretStore } from '../../../src-main/adapters/secrets/keytar-secret-store'
import { Redactor } from '../../../src-main/core/logging/redactor'

export interface TestContext {
  readonly ctx: AppContext
  readonly dataDir: string
  readonly keychainService: string
  cleanup(): Promise<void>
}

export function makeTestContext(transport: 'bridge' | 'electron' = 'bridge'): TestContext {
  const dataDir = mkdtempSync(join(tmpdir(), 'zfs-offsite-app-'))
  const keychainService = `zfs-offsite-test-${randomUUID()}`
  const ctx = createAppContext({ dataDir, transport, version: '0.0.0-test', openConfig: openConfBackend, keychainService })
  return {
    ctx,
    dataDir,
    keychainService,
    async cleanup() {
      ctx.dispose()
      const keychain = new KeytarSecretStore(new Redactor(), keychainService)
      for (const account of await keychain.list()) await keychain.delete(account)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
