// Builds the web transport (src-preload/web-bridge-client.ts) into one classic script
// that the local bridge injects before the app, so a plain browser gets window.api.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

export default defineConfig({
  build: {
    outDir: 'out/bridge-client',
    emptyOutDir: true,
    minify: false,
    lib: {
      entry: resolve('src-preload/web-bridge-client.ts'),
      formats: ['iife'],
      name: 'ZfsOffsiteBridgeClient',
      fileName: () => 'bridge-client.js',
    },
  },
})
