// Reads output captured from the real tools in the lab (test/fixtures/, written by
// `npm run lab:capture`). Tests never invent tool output.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const FIXTURES = resolve(import.meta.dirname, '../fixtures')
/** Both OpenZFS versions the app is tested against. */
export const ZFS_VERSIONS = ['zfs-2.3', 'zfs-2.1'] as const

export interface Fixture {
  readonly name: string
  readonly command: string
  readonly exitCode: number
  readonly expected: 'success' | 'failure' | 'any'
  readonly zfsVersion: string
  readonly stdout: string
  readonly stderr: string
}

export function fixture(folder: string, name: string): Fixture {
  const base = join(FIXTURES, folder, name)
  if (!existsSync(`${base}.json`)) {
    throw new Error(`fixture ${folder}/${name} is missing: capture it with npm run lab:capture`)
  }
  const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Omit<Fixture, 'stdout' | 'stderr'>
  return { ...meta, stdout: readFileSync(`${base}.stdout`, 'utf8'), stderr: readFileSync(`${base}.stderr`, 'utf8') }
}

export function fixtureNames(folder: string): string[] {
  const dir = join(FIXTURES, folder)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort()
}
