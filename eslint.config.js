import tseslint from 'typescript-eslint'
import layers from './tools/eslint/layers-plugin.js'

// Browser globals that must not appear in layers that run under Node or stay pure.
const DOM_GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'release/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { layers },
    rules: {
      'layers/imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/platform/**', 'src-main/ipc/**'],
    rules: { 'no-restricted-globals': ['error', ...DOM_GLOBALS] },
  },
)
