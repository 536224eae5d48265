// Waits until a file's content satisfies a check, woken by file-system events (no
// polling, no fixed sleeps), failing after a deadline with what it last saw.
import { existsSync, readFileSync, watch } from 'node:fs'
import { basename, dirname } from 'node:path'

export function waitForFile<T>(path: string, check: (content: string) => T | null | undefined | false, what: string, deadlineMs = 20_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false
    const read = (): string => (existsSync(path) ? readFileSync(path, 'utf8') : '')
    const attempt = (): void => {
      if (done) return
      const value = check(read())
      if (value) finish(() => resolve(value))
    }
    const watcher = watch(dirname(path), (_event, name) => {
      if (name === null || name === basename(path)) attempt()
    })
    const deadline = setTimeout(() => finish(() => reject(new Error(`gave up waiting for ${what} after ${deadlineMs} ms; ${path} holds:\n${read()}`))), deadlineMs)
    function finish(settle: () => void): void {
      done = true
      watcher.close()
      clearTimeout(deadline)
      settle()
    }
    attempt()
  })
}
