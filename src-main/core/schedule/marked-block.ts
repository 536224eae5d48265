// The app's own lines inside a file that others edit too (/etc/cron.d/zfs-offsite,
// /etc/sanoid/sanoid.conf): one block per job between a BEGIN and an END comment line.
// Merging replaces only that block and removing takes out only its lines; every other
// byte of the file stays as it was. A file whose markers were damaged by hand is not
// guessed at: it is an error value, and nothing is written.
import { checkRemotePath } from '../receive-user/nas-key'
import type { CommandSpec } from '../zfs/command'

export interface BlockMarkers {
  /** The BEGIN line starts with this, followed by the end of the line or a space or colon. */
  readonly begin: string
  /** The END line is exactly this. */
  readonly end: string
}

export type MarkedBlockErrorCode = 'MARKED_BLOCK_DAMAGED'

export interface MarkedBlockError {
  readonly code: MarkedBlockErrorCode
  readonly cause: string
  readonly fix: string
  readonly details?: string
}

export type BlockResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: MarkedBlockError }

/** Lines with their own line ending kept, so joining them gives back the text exactly. */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g)
  return lines ?? []
}

const bare = (line: string): string => line.replace(/\r?\n$/, '')

function isBegin(line: string, m: BlockMarkers): boolean {
  const l = bare(line)
  return l === m.begin || l.startsWith(`${m.begin} `) || l.startsWith(`${m.begin}:`)
}

export interface BlockSpan {
  /** Index of the BEGIN line. */
  readonly first: number
  /** Index of the END line. */
  readonly last: number
}

function damaged(m: BlockMarkers, what: string, path: string | undefined): { ok: false; error: MarkedBlockError } {
  return {
    ok: false,
    error: {
      code: 'MARKED_BLOCK_DAMAGED',
      cause: `The app’s marked lines${path ? ` in ${path}` : ''} were changed by hand: ${what}.`,
      fix: `Open the file, keep or delete the lines between “${m.begin}” and “${m.end}” so that each appears once and in order, then try again.`,
      details: m.begin,
    },
  }
}

/** Where the block is, null when absent; an error for a BEGIN without END, an END without BEGIN, or two blocks. */
export function findBlock(text: string, m: BlockMarkers, path?: string): BlockResult<BlockSpan | null> {
  const lines = splitLines(text)
  let span: BlockSpan | null = null
  let open: number | null = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (isBegin(line, m)) {
      if (open !== null) return damaged(m, 'a second BEGIN line comes before the END line', path)
      if (span !== null) return damaged(m, 'the block appears twice', path)
      open = i
    } else if (bare(line) === m.end) {
      if (open === null) return damaged(m, 'an END line has no BEGIN line', path)
      span = { first: open, last: i }
      open = null
    }
  }
  if (open !== null) return damaged(m, 'the BEGIN line has no END line', path)
  return { ok: true, value: span }
}

/** The block's lines (markers included), or null when absent. */
export function blockText(text: string, m: BlockMarkers): BlockResult<string | null> {
  const found = findBlock(text, m)
  if (!found.ok) return found
  if (found.value === null) return { ok: true, value: null }
  return { ok: true, value: splitLines(text).slice(found.value.first, found.value.last + 1).join('') }
}

/**
 * Puts `block` (which must begin with the BEGIN line and end with the END line and a
 * line break) in place of the old block, or appends it. A last line without a line
 * break gets one, so the block starts on a line of its own.
 */
export function mergeBlock(text: string, m: BlockMarkers, block: string, path?: string): BlockResult<string> {
  const own = splitLines(block)
  if (own.length < 2 || !isBegin(own[0]!, m) || own[own.length - 1] !== `${m.end}\n`) throw new Error('a block begins with its BEGIN line and ends with its END line')
  const found = findBlock(text, m, path)
  if (!found.ok) return found
  const lines = splitLines(text)
  if (found.value === null) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n'
    return { ok: true, value: `${text}${sep}${block}` }
  }
  return { ok: true, value: [...lines.slice(0, found.value.first), block, ...lines.slice(found.value.last + 1)].join('') }
}

/** Takes the block's lines out; the text is unchanged when there is none. */
export function removeBlock(text: string, m: BlockMarkers, path?: string): BlockResult<string> {
  const found = findBlock(text, m, path)
  if (!found.ok) return found
  if (found.value === null) return { ok: true, value: text }
  const lines = splitLines(text)
  return { ok: true, value: [...lines.slice(0, found.value.first), ...lines.slice(found.value.last + 1)].join('') }
}

/** Reads a file the app merges into: "present" and its text, or "absent". */
export function readFileCommand(path: string): CommandSpec {
  // A marker line first, so an empty file and a missing one are told apart.
  const script = 'if [ -e "$1" ]; then echo present; cat -- "$1"; else echo absent; fi'
  return { argv: ['sh', '-c', script, 'sh', checkRemotePath(path)], successCodes: [0] }
}

export function parseReadFile(stdout: string): string | null {
  if (stdout === 'absent\n') return null
  if (stdout.startsWith('present\n')) return stdout.slice('present\n'.length)
  throw new Error(`not the output of the file read: ${JSON.stringify(stdout.slice(0, 80))}`)
}

/** Past this the old text cannot travel as one argument (Linux's 128 KiB per argument). */
export const MAX_COMPARED_BYTES = 100_000

const REPLACE_SCRIPT = [
  'set -e',
  'f=$1',
  // Compare-and-swap: the file must still be what the app read, so an edit made meanwhile
  // (by a person or by another run) is never lost.
  'if [ "$2" = absent ]; then [ ! -e "$f" ] || { echo "$f appeared since it was read; nothing written" >&2; exit 4; }',
  'else [ -e "$f" ] && printf %s "$3" | cmp -s - "$f" || { echo "$f changed since it was read; nothing written" >&2; exit 4; }; fi',
  'umask 022',
  'mkdir -p "${f%/*}"',
  'if [ "$4" = remove ]; then rm -f -- "$f"; echo removed; exit 0; fi',
  'cat > "$f.zfs-offsite-new"',
  'chmod 644 "$f.zfs-offsite-new"',
  'mv -f "$f.zfs-offsite-new" "$f"',
  'echo written',
].join('\n')

/** Exit status when the file changed between reading and writing. */
export const FILE_CHANGED_EXIT = 4

/**
 * Writes `next` (null: removes the file) only if the file still holds `previous` (null:
 * still absent). Prints written or removed; exit 4 when it changed meanwhile.
 */
export function replaceFileCommand(path: string, previous: string | null, next: string | null): CommandSpec {
  if (previous !== null && previous.length > MAX_COMPARED_BYTES) throw new Error('the file is too large to compare on the host')
  const argv = ['sh', '-c', REPLACE_SCRIPT, 'sh', checkRemotePath(path), previous === null ? 'absent' : 'present', previous ?? '', next === null ? 'remove' : 'write']
  return next === null ? { argv, successCodes: [0] } : { argv, successCodes: [0], stdin: next }
}

export function parseReplaceFile(stdout: string): 'written' | 'removed' {
  const word = stdout.trim()
  if (word === 'written' || word === 'removed') return word
  throw new Error(`not the output of the file write: ${JSON.stringify(stdout.slice(0, 80))}`)
}
