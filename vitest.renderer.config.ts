// Renderer tests: the built UI in headless Chromium (playwright-core), talking to the
// real services through the web bridge. Run with `npm run test:renderer`, which builds
// out/renderer and out/bridge-client first and provides a private unlocked keychain.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/renderer/**/*.test.ts'],
    environment: 'node',
    globalSetup: 'test/renderer/global-setup.ts',
    // One browser at a time: files start their own Chromium and bridge.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/renderer.json' },
  },
})
