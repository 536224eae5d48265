// The logging port: services log structured entries; adapters decide where they go.
import type { LogEntry, LogLevel } from '../../shared/model'

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  /** The newest entries, oldest first. */
  recent(limit: number): Promise<LogEntry[]>
  /** Called with every entry after redaction. */
  onEntry(listener: (entry: LogEntry) => void): () => void
}
