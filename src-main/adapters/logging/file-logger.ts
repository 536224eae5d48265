// The structured log file: one JSON object per line under the app's data folder,
// redacted before it is written, rotated at a size bound.
import { appendFileSync, mkdirSync, openSync, readSync, closeSync, renameSync, statSync, existsSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Logger } from '../../core/logging/logger'
import type { Redactor } from '../../core/logging/redactor'
import { LogEntrySchema, type LogEntry, type LogLevel } from '../../shared/model'

export interface FileLoggerOptions {
  readonly path: string
  readonly redactor: Redactor
  readonly maxBytes?: number
  readonly clock?: () => Date
  /** Also echo to stderr (development). */
  readonly echo?: boolean
}

const TAIL_BYTES = 512 * 1024

export class FileLogger implements Logger {
  readonly #listeners = new Set<(e: LogEntry) => void>()
  readonly #maxBytes: number
  readonly #clock: () => Date

  constructor(private readonly options: FileLoggerOptions) {
    this.#maxBytes = options.maxBytes ?? 5 * 1024 * 1024
    this.#clock = options.clock ?? (() => new Date())
    mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 })
  }

  get path(): string {
    return this.options.path
  }

  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    const r = this.options.redactor
    const entry: LogEntry = { time: this.#clock().toISOString(), level, msg: r.redactText(msg) }
    if (fields !== undefined) entry.fields = r.redact(fields) as Record<string, unknown>
    const line = JSON.stringify(entry) + '\n'
    this.#rotateIfNeeded(line.length)
    appendFileSync(this.options.path, line, { mode: 0o600 })
    if (this.options.echo) process.stderr.write(line)
    for (const l of this.#listeners) l(entry)
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.log('debug', msg, fields)
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.log('info', msg, fields)
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.log('warn', msg, fields)
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.log('error', msg, fields)
  }

  onEntry(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async recent(limit: number): Promise<LogEntry[]> {
    if (!existsSync(this.options.path)) return []
    const size = statSync(this.options.path).size
    const start = Math.max(0, size - TAIL_BYTES)
    const buf = Buffer.alloc(size - start)
    const fd = openSync(this.options.path, 'r')
    try {
      readSync(fd, buf, 0, buf.length, start)
    } finally {
      closeSync(fd)
    }
    const lines = buf.toString('utf8').split('\n')
    if (start > 0) lines.shift() // first line may be cut
    const entries: LogEntry[] = []
    for (const line of lines) {
      if (line.trim() === '') continue
      try {
        const parsed = LogEntrySchema.safeParse(JSON.parse(line))
        if (parsed.success) entries.push(parsed.data)
      } catch {
        // A torn last line (crash mid-write) is skipped, not fatal.
      }
    }
    return entries.slice(-limit)
  }

  #rotateIfNeeded(incoming: number): void {
    try {
      if (statSync(this.options.path).size + incoming > this.#maxBytes) {
        renameSync(this.options.path, this.options.path + '.1')
      }
    } catch {
      // No file yet: nothing to rotate.
    }
  }
}
