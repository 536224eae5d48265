import { defineConfig } from 'vitest/config'

// Electron end-to-end tests (Playwright's _electron). They need the Electron binary and
// a display; scripts/electron-tests.sh provides xvfb where there is no display.
export default defineConfig({
  test: {
    include: ['test/electron/**/*.test.ts'],
    globalSetup: ['test/electron/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/electron.json' },
  },
})
