import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { SECURE_WEB_PREFERENCES } from '../../../../src-main/core/security/web-preferences'

describe('window web preferences', () => {
  it('isolate and sandbox the page and give it no Node and no webviews', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })

  it('are the ones the main window is created with', () => {
    const source = readFileSync(resolve(import.meta.dirname, '../../../../src-main/platform/main-window.ts'), 'utf8')
    expect(source).toMatch(/webPreferences: \{ \.\.\.SECURE_WEB_PREFERENCES, preload: preloadPath \}/)
  })
})
