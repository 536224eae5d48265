import { describe, expect, it } from 'vitest'
import { createRequire } from 'node:module'

const config = createRequire(import.meta.url)('../../../electron-builder.config.cjs') as {
  asar: boolean
  electronFuses: Record<string, boolean>
  files: string[]
}

describe('packaging configuration', () => {
  it('turns off the RunAsNode and inspect fuses and the NODE_OPTIONS variable', () => {
    expect(config.electronFuses.runAsNode).toBe(false)
    expect(config.electronFuses.enableNodeCliInspectArguments).toBe(false)
    expect(config.electronFuses.enableNodeOptionsEnvironmentVariable).toBe(false)
  })

  it('loads the app only from a validated asar', () => {
    expect(config.asar).toBe(true)
    expect(config.electronFuses.onlyLoadAppFromAsar).toBe(true)
    expect(config.electronFuses.enableEmbeddedAsarIntegrityValidation).toBe(true)
    expect(config.electronFuses.grantFileProtocolExtraPrivileges).toBe(false)
  })

  it('ships only the built output, not sources or tests', () => {
    expect(config.files.every((f) => f.startsWith('out/') || f === 'package.json')).toBe(true)
  })
})
