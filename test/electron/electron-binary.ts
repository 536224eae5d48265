// Where the Electron binary is, without triggering electron's lazy download, or why
// it is missing. The Electron suite runs only where this finds a binary.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const electronDir = resolve(import.meta.dirname, '../../node_modules/electron')

export type ElectronBinary = { readonly path: string } | { readonly missing: string }

export function findElectronBinary(): ElectronBinary {
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH']
  const pathFile = join(electronDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron'
  if (!existsSync(electronDir)) return { missing: 'the electron package is not installed (run npm install)' }
  const candidate = override ? join(override, relative) : join(electronDir, 'dist', relative)
  if (existsSync(candidate)) return { path: candidate }
  return {
    missing: override
      ? `ELECTRON_OVERRIDE_DIST_PATH=${override} holds no Electron binary`
      : 'the Electron binary is not installed (node_modules/electron/dist is empty: its download host could not be reached)',
  }
}
