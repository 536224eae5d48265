// Downloading from a look (issue 9), the decisions without the copying: which of the
// chosen paths to walk (a path inside another chosen folder comes with it), what the
// new folder on this computer is called, whether a remote path is still inside the
// look, what each remote entry is, and the sentence that says what is on disk.
import { bytesWords } from '../overview/words'
import { checkLookPath } from './browse'

/**
 * The chosen paths, checked and without repeats: '' (the whole look) swallows the rest,
 * and a path inside another chosen folder is dropped (the folder brings it). Throws
 * LookPathError for a path that is not a plain path inside the look.
 */
export function pathsToWalk(paths: readonly string[]): string[] {
  const checked = [...new Set(paths.map(checkLookPath))]
  if (checked.includes('')) return ['']
  return checked.filter((p) => !checked.some((other) => other !== p && p.startsWith(`${other}/`)))
}

/** Where a path of the look is on the off-site box. */
export function remotePath(mountpoint: string, rel: string): string {
  return rel === '' ? mountpoint : `${mountpoint}/${rel}`
}

/** A path of the look one level down. */
export function childPath(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`
}

/** The folder above a path of the look ('' for a top-level entry). */
export function parentPath(rel: string): string {
  const i = rel.lastIndexOf('/')
  return i < 0 ? '' : rel.slice(0, i)
}

/** True when `real` (a path resolved on the off-site box) is the look's mountpoint or below it. */
export function insideLook(mountpoint: string, real: string): boolean {
  return real === mountpoint || real.startsWith(`${mountpoint}/`)
}

// Characters Windows refuses in a file name; the rest of the systems refuse only '/' and NUL,
// which a remote name cannot hold either.
const WINDOWS_BAD = /[<>:"/\\|?*\u0000-\u001f]/
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i

/** Why a remote name cannot be a file name on this computer, or null when it can. */
export function localNameProblem(name: string, platform: NodeJS.Platform): string | null {
  if (name === '' || name === '.' || name === '..') return 'not a file name'
  if (platform !== 'win32') return null
  if (WINDOWS_BAD.test(name)) return 'its name holds a character Windows does not allow in file names'
  if (WINDOWS_RESERVED.test(name)) return 'its name is reserved on Windows'
  if (/[. ]$/.test(name)) return 'its name ends with a dot or a space, which Windows drops'
  return null
}

/**
 * The new folder's name for a snapshot: the dataset's last part and the snapshot's name
 * (`backup/nas/photos@daily-1` → `photos@daily-1`), safe as a folder name here.
 */
export function downloadFolderName(snapshot: string, platform: NodeJS.Platform): string {
  const at = snapshot.indexOf('@')
  const dataset = at < 0 ? snapshot : snapshot.slice(0, at)
  const snap = at < 0 ? '' : snapshot.slice(at + 1)
  const last = dataset.slice(dataset.lastIndexOf('/') + 1) || 'backup'
  const name = snap === '' ? last : `${last}@${snap}`
  return platform === 'win32' ? name.replace(/[<>:"/\\|?*]/g, '-').replace(/[. ]+$/, '') : name
}

/** The n-th candidate for the folder: `photos@daily-1`, then `photos@daily-1 (2)`, … */
export function numberedName(base: string, n: number): string {
  return n <= 1 ? base : `${base} (${n})`
}

export type RemoteKind = 'file' | 'directory' | 'symlink' | 'other'

// The file type bits of st_mode, as SFTP carries them (POSIX values).
const S_IFMT = 0o170000
const TYPES: Readonly<Record<number, RemoteKind>> = { 0o100000: 'file', 0o040000: 'directory', 0o120000: 'symlink' }

/** What an entry is, from its (lstat) mode; devices, pipes and sockets are 'other'. */
export function kindOfMode(mode: number): RemoteKind {
  return TYPES[mode & S_IFMT] ?? 'other'
}

/** A file's permissions here: its own, and always readable and writable by the person. */
export function localFileMode(mode: number): number {
  return (mode & 0o777) | 0o600
}

export function localFolderMode(mode: number): number {
  return (mode & 0o777) | 0o700
}

export interface DownloadTally {
  readonly folder: string
  readonly files: number
  readonly bytes: number
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** What is on this computer after a download, in one sentence. */
export function keptWords(t: DownloadTally, ended: 'done' | 'cancelled' | 'failed'): string {
  const what = `${count(t.files, 'file', 'files')} (${bytesWords(t.bytes)})`
  if (ended === 'done') return `Copied ${what} to ${t.folder}.`
  if (t.files === 0) return 'Nothing was kept on this computer: the file being copied was removed.'
  return `${what.charAt(0).toUpperCase()}${what.slice(1)} copied whole ${t.files === 1 ? 'is' : 'are'} kept in ${t.folder}; the file being copied was removed.`
}
