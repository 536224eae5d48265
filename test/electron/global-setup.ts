// Finds the Electron binary (trying electron's own download once when it is missing)
// and tells the tests. Where there is none, says so in one line: the suite is then
// reported as skipped, never as passed.
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { findElectronBinary } from './electron-binary'

declare module 'vitest' {
  export interface ProvidedContext {
    electronPath: string | null
  }
}

export default function setup(project: TestProject): void {
  let found = findElectronBinary()
  if ('missing' in found && !process.env['ELECTRON_OVERRIDE_DIST_PATH']) {
    spawnSync(process.execPath, [resolve(import.meta.dirname, '../../node_modules/electron/install.js')], {
      stdio: 'ignore',
      timeout: 180_000,
    })
    found = findElectronBinary()
  }
  if ('missing' in found) {
    console.log(`test:electron: NOT RUN — ${found.missing}; the Electron window tests run where the binary exists.`)
    project.provide('electronPath', null)
  } else {
    project.provide('electronPath', found.path)
  }
}
