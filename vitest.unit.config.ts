import { defineConfig } from 'vitest/config'

// Unit tests: plain Node, real files, real shell, real keychain (run under
// scripts/with-keyring.sh), no Electron and no lab VMs.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/unit.json' },
  },
})
