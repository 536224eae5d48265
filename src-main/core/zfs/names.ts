// Dataset, snapshot, bookmark and pool names, checked by OpenZFS's own rules
// (module/zcommon/zfs_namecheck.c and libzfs's zpool_name_valid) before any name
// reaches a command. Each refusal says what is wrong in words a person understands.

declare const brand: unique symbol
type Brand<T, B extends string> = T & { readonly [brand]: B }

export type PoolName = Brand<string, 'PoolName'>
export type DatasetName = Brand<string, 'DatasetName'>
export type SnapshotName = Brand<string, 'SnapshotName'>
export type BookmarkName = Brand<string, 'BookmarkName'>

export interface SnapshotRef {
  readonly dataset: DatasetName
  /** The part after '@'. */
  readonly snapshot: string
  readonly full: SnapshotName
}

export interface BookmarkRef {
  readonly dataset: DatasetName
  /** The part after '#'. */
  readonly bookmark: string
  readonly full: BookmarkName
}

export type NameCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string }

/** ZFS_MAX_DATASET_NAME_LEN: a full name must be shorter than this. */
export const MAX_NAME_LENGTH = 256
/** zfs_max_dataset_nesting: a name with this many '/' or more is too deep. */
export const MAX_NESTING = 50

const RESERVED_POOL_PREFIXES = ['mirror', 'raidz', 'draid', 'spare']

function validChar(c: string): boolean {
  return /^[A-Za-z0-9\-_.: ]$/.test(c)
}

function describeChar(c: string): string {
  if (c === '\n') return 'a line break'
  if (c === '\t') return 'a tab'
  if (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127) return `a control character (code ${c.charCodeAt(0)})`
  return `“${c}”`
}

function bad<T>(reason: string): NameCheck<T> {
  return { ok: false, reason }
}

const ALLOWED = 'letters, digits, spaces and - _ . :'

function checkComponent(component: string, what: string): string | null {
  if (component.length === 0) return `${what} has an empty part (two “/” in a row, or nothing around “/”, “@” or “#”).`
  for (const c of component) {
    if (c === '%') return `“%” is reserved for ZFS’s own temporary datasets; use ${ALLOWED}.`
    if (!validChar(c)) return `${describeChar(c)} is not allowed in ${what}; use ${ALLOWED}.`
  }
  return null
}

export function checkPoolName(name: string): NameCheck<PoolName> {
  if (name.length === 0) return bad('Enter a pool name.')
  if (name.length >= MAX_NAME_LENGTH) return bad(`A pool name must be shorter than ${MAX_NAME_LENGTH} characters.`)
  for (const c of name) {
    if (c === '/' || c === '@' || c === '#') return bad(`A pool name cannot contain ${describeChar(c)}; that is a dataset, snapshot or bookmark name.`)
    if (!validChar(c)) return bad(`${describeChar(c)} is not allowed in a pool name; use ${ALLOWED}.`)
  }
  if (!/^[A-Za-z]/.test(name)) return bad('A pool name must begin with a letter.')
  if (/^c[0-9]/.test(name)) return bad('A pool name cannot begin with “c” and a digit: ZFS would mistake it for a disk (like c0t0d0).')
  if (name === 'log' || RESERVED_POOL_PREFIXES.some((p) => name.startsWith(p))) {
    return bad('Pool names that are “log” or begin with mirror, raidz, draid or spare are reserved by ZFS.')
  }
  return { ok: true, value: name as PoolName }
}

export function checkDatasetName(name: string): NameCheck<DatasetName> {
  if (name.length === 0) return bad('Enter a dataset name, such as tank/photos.')
  if (name.includes('@')) return bad('That is a snapshot name (it contains “@”); a dataset name has none.')
  if (name.includes('#')) return bad('That is a bookmark name (it contains “#”); a dataset name has none.')
  if (name.length >= MAX_NAME_LENGTH) return bad(`A dataset name must be shorter than ${MAX_NAME_LENGTH} characters (this one has ${name.length}).`)
  if (name.startsWith('/')) return bad('A dataset name does not begin with “/”: write tank/photos, not a mount path like /tank/photos.')
  if (name.endsWith('/')) return bad('A dataset name cannot end with “/”.')
  const parts = name.split('/')
  for (const part of parts) {
    const problem = checkComponent(part, 'a dataset name')
    if (problem) return bad(problem)
    if (part === '.' || part === '..') return bad(`A dataset name cannot have “${part}” as a part.`)
  }
  const pool = checkPoolName(parts[0] ?? '')
  if (!pool.ok) return bad(pool.reason)
  if (parts.length - 1 >= MAX_NESTING) return bad(`That dataset is nested too deep: ZFS allows fewer than ${MAX_NESTING} levels below the pool.`)
  return { ok: true, value: name as DatasetName }
}

function checkTagged(name: string, delimiter: '@' | '#'): NameCheck<{ dataset: DatasetName; tag: string }> {
  const kind = delimiter === '@' ? 'snapshot' : 'bookmark'
  const at = name.indexOf(delimiter)
  if (at < 0) return bad(`A ${kind} name has the form dataset${delimiter}name, such as tank/photos${delimiter}daily-1.`)
  const other = delimiter === '@' ? '#' : '@'
  if (name.includes(other)) return bad(`A name cannot contain both “@” and “#”.`)
  const tag = name.slice(at + 1)
  if (tag.includes(delimiter)) return bad(`A ${kind} name has exactly one “${delimiter}”.`)
  if (tag.includes('/')) return bad(`The part after “${delimiter}” cannot contain “/”.`)
  if (name.length >= MAX_NAME_LENGTH) return bad(`A ${kind} name must be shorter than ${MAX_NAME_LENGTH} characters in all (this one has ${name.length}).`)
  const dataset = checkDatasetName(name.slice(0, at))
  if (!dataset.ok) return bad(dataset.reason)
  const problem = checkComponent(tag, `a ${kind} name`)
  if (problem) return bad(problem)
  return { ok: true, value: { dataset: dataset.value, tag } }
}

export function checkSnapshotName(name: string): NameCheck<SnapshotRef> {
  const r = checkTagged(name, '@')
  return r.ok ? { ok: true, value: { dataset: r.value.dataset, snapshot: r.value.tag, full: name as SnapshotName } } : r
}

export function checkBookmarkName(name: string): NameCheck<BookmarkRef> {
  const r = checkTagged(name, '#')
  return r.ok ? { ok: true, value: { dataset: r.value.dataset, bookmark: r.value.tag, full: name as BookmarkName } } : r
}

/** Checks the short name that goes after '@' or '#' (e.g. a snapshot the app is about to take). */
export function checkShortName(tag: string, kind: 'snapshot' | 'bookmark'): NameCheck<string> {
  const problem = checkComponent(tag, `a ${kind} name`)
  if (problem) return bad(problem)
  return { ok: true, value: tag }
}

export class InvalidNameError extends Error {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`${JSON.stringify(input)}: ${reason}`)
    this.name = 'InvalidNameError'
  }
}

function orThrow<T>(input: string, r: NameCheck<T>): T {
  if (!r.ok) throw new InvalidNameError(input, r.reason)
  return r.value
}

export const datasetName = (s: string): DatasetName => orThrow(s, checkDatasetName(s))
export const snapshotName = (s: string): SnapshotRef => orThrow(s, checkSnapshotName(s))
export const bookmarkName = (s: string): BookmarkRef => orThrow(s, checkBookmarkName(s))
export const poolName = (s: string): PoolName => orThrow(s, checkPoolName(s))

export function snapshotOf(dataset: DatasetName, tag: string): SnapshotRef {
  return snapshotName(`${dataset}@${tag}`)
}

/** The pool a dataset lives in. */
export function poolOf(dataset: DatasetName): PoolName {
  return dataset.split('/')[0] as PoolName
}

/** Parent dataset, or null for the pool's root dataset. */
export function parentOf(dataset: DatasetName): DatasetName | null {
  const i = dataset.lastIndexOf('/')
  return i < 0 ? null : (dataset.slice(0, i) as DatasetName)
}

/** `tank/a/b` relative to `tank` is `a/b`; '' for the root itself; null when outside. */
export function relativeTo(root: DatasetName, dataset: DatasetName): string | null {
  if (dataset === root) return ''
  return dataset.startsWith(root + '/') ? dataset.slice(root.length + 1) : null
}
