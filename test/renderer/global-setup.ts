// Global setup for `npm run test:renderer`: one shared app for the files that only look
// (shell, keyboard, contract); files that change data start their own app. Teardown
// closes the bridge and removes the data folder.
import type { TestProject } from 'vitest/node'
import { startTestApp } from './support/test-app'

declare module 'vitest' {
  export interface ProvidedContext {
    bridgeUrl: string
    dataDir: string
    keychainService: string
    configFile: string
    logFile: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const app = await startTestApp()
  project.provide('bridgeUrl', app.url)
  project.provide('dataDir', app.dataDir)
  project.provide('keychainService', app.keychainService)
  project.provide('configFile', app.configFile)
  project.provide('logFile', app.logFile)
  return () => app.close()
}
