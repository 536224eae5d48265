// Browsing a look: one folder at a time, listed by `find` on the off-site box with NUL
// separators (file names may hold tabs and newlines). The folder is resolved with
// `realpath -e` there and must stay inside the look's mountpoint, so a symbolic link
// inside the copy (to /etc, say) is shown as a link and never followed out.
import type { CommandSpec } from '../zfs/command'

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other'

export interface BrowseEntry {
  readonly name: string
  readonly kind: EntryKind
  readonly sizeBytes: number
  /** Milliseconds since the epoch. */
  readonly modifiedMs: number
  readonly linkTarget?: string
}

export interface BrowseListing {
  readonly entries: readonly BrowseEntry[]
  readonly truncated: boolean
}

/** Exit codes of the browse script besides 0, and what each means. */
export const BROWSE_EXIT = { missing: 3, outside: 4, notFolder: 5 } as const

export class LookPathError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${JSON.stringify(path)}: ${reason}`)
    this.name = 'LookPathError'
  }
}

/** Checks a path relative to the look's root: '' or a/b/c, with no '.', '..', empty parts or NUL. */
export function checkLookPath(path: string): string {
  if (path === '') return ''
  if (path.startsWith('/')) throw new LookPathError(path, 'a path inside the copy does not begin with “/”')
  if (path.includes('\u0000')) throw new LookPathError(path, 'a path has no NUL characters')
  const parts = path.replace(/\/+$/, '').split('/')
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') throw new LookPathError(path, 'a path inside the copy has no empty, “.” or “..” parts')
  }
  return parts.join('/')
}

const FIELDS = 5
// %y type, %s size, %T@ mtime (seconds.fraction), %f name, %l link target ('' unless a link).
const BROWSE_SCRIPT = [
  'root=$1; rel=$2; limit=$3',
  'case "$rel" in "") dir=$root ;; *) dir=$root/$rel ;; esac',
  // The root itself must be a real folder path (no symbolic link in it).
  '[ "$(realpath -e -- "$root")" = "$root" ] || exit 3',
  'real=$(realpath -e -- "$dir") || exit 3',
  'case "$real/" in "$root"/*) ;; *) exit 4 ;; esac',
  '[ -d "$real" ] || exit 5',
  `find "$real" -mindepth 1 -maxdepth 1 -printf '%y\\0%s\\0%T@\\0%f\\0%l\\0' | head -z -n $(( (limit + 1) * ${FIELDS} ))`,
].join('\n')

/** Lists one folder of the look (at most `limit` entries, one more to tell a longer folder). */
export function browseCommand(mountpoint: string, path: string, limit: number): CommandSpec {
  if (!mountpoint.startsWith('/') || mountpoint.includes('..')) throw new LookPathError(mountpoint, 'the look’s mountpoint is an absolute path')
  if (!Number.isInteger(limit) || limit < 1) throw new Error('list at least one entry')
  return { argv: ['sh', '-c', BROWSE_SCRIPT, 'sh', mountpoint, checkLookPath(path), String(limit)], successCodes: [0] }
}

const KINDS: Readonly<Record<string, EntryKind>> = { f: 'file', d: 'directory', l: 'symlink' }

export function parseBrowseListing(stdout: string, limit: number): BrowseListing {
  const fields = stdout.split('\u0000')
  // A listing ends with a NUL: the last split part is empty.
  if (fields.pop() !== '') throw new Error('find: the listing does not end with NUL')
  if (fields.length % FIELDS !== 0) throw new Error(`find: ${fields.length} fields is not a whole number of entries`)
  const entries: BrowseEntry[] = []
  for (let i = 0; i < fields.length; i += FIELDS) {
    const [type, size, mtime, name, link] = fields.slice(i, i + FIELDS) as [string, string, string, string, string]
    if (!/^\d+$/.test(size) || !/^\d+(\.\d+)?$/.test(mtime) || name === '') throw new Error(`find: unexpected entry ${JSON.stringify(fields.slice(i, i + FIELDS))}`)
    const kind = KINDS[type] ?? 'other'
    entries.push({
      name,
      kind,
      sizeBytes: Number(size),
      modifiedMs: Math.floor(Number(mtime) * 1000),
      ...(kind === 'symlink' ? { linkTarget: link } : {}),
    })
  }
  const truncated = entries.length > limit
  const shown = entries.slice(0, limit)
  shown.sort((a, b) => Number(b.kind === 'directory') - Number(a.kind === 'directory') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { entries: shown, truncated }
}
