// Download from a look (issue 9): copies files or folders from a read-only look to a new
// folder on this computer over SFTP on the off-site box's connection. Everything read
// stays inside the look: each chosen path's folder is resolved on the off-site box
// (realpath) and must be inside the mountpoint, every entry is taken from lstat (ssh2's
// readdir carries the server's lstat), and symbolic links and special files are listed
// as skipped, never followed. Nothing on this computer is overwritten.
import { createWriteStream, mkdirSync } from 'node:fs'
import { chmod, mkdir, rm, utimes } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { FileEntryWithStats, SFTPWrapper } from 'ssh2'
import type { ConfigStore } from '../adapters/config/config-store'
import type { Logger } from '../core/logging/logger'
import { LookPathError } from '../core/recovery/browse'
import {
  childPath,
  downloadFolderName,
  insideLook,
  keptWords,
  kindOfMode,
  localFileMode,
  localFolderMode,
  localNameProblem,
  numberedName,
  parentPath,
  pathsToWalk,
  remotePath,
} from '../core/recovery/download-plan'
import type { MethodName, MethodOutput } from '../shared/contract'
import { AppFailure, appError, type AppError } from '../shared/errors'
import type { DownloadResult } from '../shared/recovery'
import type { ParsedInput } from './app-services'
import type { EventBus } from './event-bus'
import type { HostServices } from './hosts-service'
import type { RecoveryOperations } from './recovery-operations'
import type { RecoveryToolkit } from './recovery-service'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>
type Method = 'downloadFromLook'

export interface RecoveryDownloadDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly events: EventBus
  readonly toolkit: RecoveryToolkit
  readonly operations: RecoveryOperations
  /** The app's downloads folder; each download makes a new folder inside it. */
  readonly downloadsDir: string
  readonly platform?: NodeJS.Platform
}

const fail = (code: AppError['code'], cause: string, fix: string, details?: string): AppFailure => new AppFailure(appError(code, cause, fix, details))

// SFTP status codes (draft-ietf-secsh-filexfer-02): what ssh2 puts in err.code.
const SFTP_NO_SUCH_FILE = 2

const sftpCode = (err: unknown): number | undefined => (err && typeof err === 'object' && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : undefined)

function call<T>(fn: (cb: (err: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))))
}

export interface WalkedEntry {
  /** The path inside the look. */
  readonly rel: string
  readonly size: number
  readonly mode: number
  /** Seconds since the epoch. */
  readonly atime: number
  readonly mtime: number
}

export interface LookWalk {
  /** In the order they are copied. */
  readonly files: WalkedEntry[]
  /** Parents before children. */
  readonly folders: WalkedEntry[]
  readonly skipped: Array<{ path: string; reason: string }>
  readonly bytes: number
}

/**
 * Reads what the chosen paths hold, copying nothing: the sizes (for the progress total),
 * and what will be skipped. Throws AppFailure for a path that is not there or leads out.
 */
export async function walkLook(sftp: SFTPWrapper, mountpoint: string, paths: readonly string[], platform: NodeJS.Platform, signal?: AbortSignal): Promise<LookWalk> {
  let chosen: string[]
  try {
    chosen = pathsToWalk(paths)
  } catch (err) {
    if (err instanceof LookPathError) throw fail('RECOVERY_PATH_REFUSED', `“${err.path}” is not a path inside the backup.`, 'Choose files and folders from the list.', err.message)
    throw err
  }
  const realOf = (p: string) => call<string>((cb) => sftp.realpath(p, cb))
  // The mountpoint itself must be a real folder (no link on the way), as browsing checks.
  if ((await realOf(mountpoint)) !== mountpoint) throw fail('RECOVERY_PATH_REFUSED', 'The look’s folder on the off-site box is not where it should be.', 'End the look and start a new one.', mountpoint)
  const files: WalkedEntry[] = []
  const folders: WalkedEntry[] = []
  const skipped: Array<{ path: string; reason: string }> = []
  let bytes = 0

  const folderInside = async (rel: string) => insideLook(mountpoint, await realOf(remotePath(mountpoint, rel)))

  const visit = async (rel: string, attrs: { mode: number; size: number; atime: number; mtime: number }): Promise<void> => {
    if (signal?.aborted) throw fail('RECOVERY_CANCELLED', 'The download was cancelled before anything was copied.', 'Start it again when you want.')
    const entry: WalkedEntry = { rel, size: attrs.size, mode: attrs.mode, atime: attrs.atime, mtime: attrs.mtime }
    const name = rel.slice(rel.lastIndexOf('/') + 1)
    const problem = rel === '' ? null : localNameProblem(name, platform)
    if (problem) {
      skipped.push({ path: rel, reason: `Not copied: ${problem}.` })
      return
    }
    switch (kindOfMode(attrs.mode)) {
      case 'symlink': {
        const target = await call<string>((cb) => sftp.readlink(remotePath(mountpoint, rel), cb)).catch(() => '?')
        skipped.push({ path: rel, reason: `A symbolic link (to ${target}); links are not followed.` })
        return
      }
      case 'file':
        files.push(entry)
        bytes += attrs.size
        return
      case 'directory': {
        // A real folder reached without a link stays inside; checked anyway, it costs one round trip.
        if (!(await folderInside(rel))) {
          skipped.push({ path: rel, reason: 'It leads outside the backup, so it is not opened.' })
          return
        }
        folders.push(entry)
        const list = await call<FileEntryWithStats[]>((cb) => sftp.readdir(remotePath(mountpoint, rel), cb))
        list.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))
        for (const e of list) {
          if (e.filename === '.' || e.filename === '..') continue
          await visit(childPath(rel, e.filename), e.attrs)
        }
        return
      }
      default:
        skipped.push({ path: rel, reason: 'A special file (a device, pipe or socket); only files and folders are copied.' })
    }
  }

  for (const rel of chosen) {
    // The folder the path is in must resolve inside the look: "link-to-etc/passwd" does not.
    let realFolder: string
    try {
      realFolder = await realOf(remotePath(mountpoint, parentPath(rel)))
    } catch (err) {
      if (sftpCode(err) === SFTP_NO_SUCH_FILE) throw fail('NOT_FOUND', `There is no “${rel}” in this snapshot.`, 'Choose files and folders from the list.')
      throw err
    }
    if (!insideLook(mountpoint, realFolder)) {
      throw fail('RECOVERY_PATH_REFUSED', `“${rel}” leads outside the backup (through a symbolic link), so it is not copied.`, 'Choose the files the link points to inside the backup instead.')
    }
    let attrs
    try {
      attrs = await call<{ mode: number; size: number; atime: number; mtime: number }>((cb) => sftp.lstat(remotePath(mountpoint, rel), cb))
    } catch (err) {
      if (sftpCode(err) === SFTP_NO_SUCH_FILE) throw fail('NOT_FOUND', `There is no “${rel}” in this snapshot.`, 'Choose files and folders from the list.')
      throw err
    }
    await visit(rel, attrs)
  }
  return { files, folders, skipped, bytes }
}

/** Makes a new folder for the download inside `downloadsDir` (never an existing one). */
export function newDownloadFolder(downloadsDir: string, base: string): string {
  mkdirSync(downloadsDir, { recursive: true })
  for (let n = 1; n < 10_000; n++) {
    const folder = join(downloadsDir, numberedName(base, n))
    try {
      mkdirSync(folder)
      return folder
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
  throw new Error(`no free folder name for ${base} in ${downloadsDir}`)
}

export interface CopyTally {
  files: number
  bytes: number
}

/** Thrown by copyFromLook when it stops early; `tally` is what is on disk, whole. */
export class CopyStopped extends Error {
  constructor(
    readonly tally: CopyTally,
    readonly reason: unknown,
    readonly file: string | null,
  ) {
    super(reason instanceof Error ? reason.message : String(reason))
    this.name = 'CopyStopped'
  }
}

const localOf = (folder: string, rel: string) => join(folder, ...rel.split('/'))

/**
 * Copies the walked files into `folder` (which exists and is new). A file cut off by the
 * signal or an error is removed; the whole ones stay. Modes and times are kept.
 */
export async function copyFromLook(
  sftp: SFTPWrapper,
  mountpoint: string,
  walk: LookWalk,
  folder: string,
  options: { signal?: AbortSignal; onBytes?: (bytesDone: number, current: string) => void } = {},
): Promise<CopyTally> {
  const tally: CopyTally = { files: 0, bytes: 0 }
  for (const d of walk.folders) await mkdir(localOf(folder, d.rel), { recursive: true, mode: 0o700 })
  for (const f of walk.files) {
    const local = localOf(folder, f.rel)
    let written = 0
    try {
      if (options.signal?.aborted) throw options.signal.reason
      await mkdir(dirname(local), { recursive: true, mode: 0o700 })
      options.onBytes?.(tally.bytes, f.rel)
      const read = sftp.createReadStream(remotePath(mountpoint, f.rel), { highWaterMark: 256 * 1024 })
      await pipeline(
        read,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            written += chunk.length
            options.onBytes?.(tally.bytes + written, f.rel)
            yield chunk
          }
        },
        // 'wx': the folder is new, so the file cannot exist; if it does, it is not ours to write over.
        createWriteStream(local, { flags: 'wx', mode: 0o600 }),
        ...(options.signal ? [{ signal: options.signal }] : []),
      )
      await chmod(local, localFileMode(f.mode))
      await utimes(local, f.atime, f.mtime)
    } catch (err) {
      await rm(local, { force: true }).catch(() => undefined)
      throw new CopyStopped(tally, err, f.rel)
    }
    tally.files += 1
    tally.bytes += written
  }
  // Children first, so setting a folder's time is not undone by writing into it.
  for (const d of [...walk.folders].reverse()) {
    const local = localOf(folder, d.rel)
    await chmod(local, localFolderMode(d.mode)).catch(() => undefined)
    await utimes(local, d.atime, d.mtime).catch(() => undefined)
  }
  return tally
}

export function createRecoveryDownloadServices(deps: RecoveryDownloadDeps): { [M in Method]: ServiceImpl<M> } {
  const { toolkit, operations, logger } = deps
  const platform = deps.platform ?? process.platform

  return {
    async downloadFromLook({ hostId, lookId, paths, operationId }): Promise<DownloadResult> {
      const op = operations.begin(operationId, 'download')
      let folder: string | null = null
      let tally: CopyTally = { files: 0, bytes: 0 }
      try {
        const host = toolkit.findHost(hostId)
        const connection = await toolkit.connect(host)
        const look = await toolkit.findLook(connection, lookId)
        if (!look.mounted) throw fail('RECOVERY_LOOK_NOT_FOUND', 'That look is not mounted any more (the off-site box may have restarted).', 'End the look, then start a new one.', look.name)
        const sftp = await connection.sftp()
        try {
          const walk = await walkLook(sftp, look.mountpoint, paths, platform, op.signal)
          op.update({ phase: 'copying', bytesTotal: walk.bytes, bytesDone: 0 })
          folder = newDownloadFolder(deps.downloadsDir, downloadFolderName(look.origin ?? look.name, platform))
          try {
            tally = await copyFromLook(sftp, look.mountpoint, walk, folder, {
              signal: op.signal,
              onBytes: (bytesDone, current) => op.update({ bytesDone, current }),
            })
          } catch (err) {
            if (!(err instanceof CopyStopped)) throw err
            tally = err.tally
            if (op.signal.aborted) throw err
            const words = keptWords({ folder, ...tally }, 'failed')
            throw fail(
              'RECOVERY_DOWNLOAD_FAILED',
              `Copying “${err.file ?? ''}” failed. ${words}`,
              'Check the connection to the off-site box and the free space on this computer, then download again.',
              err.message,
            )
          }
          const message = keptWords({ folder, ...tally }, 'done')
          op.update({ phase: 'done', bytesDone: tally.bytes, current: null })
          op.finish('done', message)
          logger.info('downloaded from a look', { hostId, lookId, files: tally.files, bytes: tally.bytes, skipped: walk.skipped.length })
          return { operationId, folder, files: tally.files, bytes: tally.bytes, skipped: walk.skipped }
        } finally {
          sftp.end()
        }
      } catch (err) {
        if (op.signal.aborted) {
          // Nothing whole was kept: leave no empty folder behind.
          if (folder !== null && tally.files === 0) await rm(folder, { recursive: true, force: true }).catch(() => undefined)
          const words = folder === null ? 'Nothing was copied.' : keptWords({ folder, ...tally }, 'cancelled')
          op.finish('cancelled', `The download was cancelled. ${words}`)
          throw fail('RECOVERY_CANCELLED', `The download was cancelled. ${words}`, 'Download again when you want; a new folder is made each time.')
        }
        const failure =
          err instanceof AppFailure
            ? err
            : fail(
                'RECOVERY_DOWNLOAD_FAILED',
                `The download stopped. ${folder === null ? 'Nothing was copied.' : keptWords({ folder, ...tally }, 'failed')}`,
                'Check the connection to the off-site box and the free space on this computer, then download again.',
                err instanceof Error ? err.message : String(err),
              )
        op.finish('failed', failure.appError.cause)
        throw failure
      }
    },
  }
}
