import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileLogger } from '../../../src-main/adapters/logging/file-logger'
import { Redactor } from '../../../src-main/core/logging/redactor'
import type { LogEntry } from '../../../src-main/shared/model'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-log-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('FileLogger', () => {
  it('writes one JSON entry per line, owner-readable only, and reads the newest back', async () => {
    const path = join(dir, 'logs', 'app.log')
    const log = new FileLogger({ path, redactor: new Redactor() })
    log.info('first', { n: 1 })
    log.warn('second')
    log.error('third', { n: 3 })
    const lines = readFileSync(path, 'utf8').trim().split('\n')
    expect(lines.map((l) => (JSON.parse(l) as LogEntry).msg)).toEqual(['first', 'second', 'third'])
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const recent = await log.recent(2)
    expect(recent.map((e) => [e.level, e.msg])).toEqual([
      ['warn', 'second'],
      ['error', 'third'],
    ])
  })

  it('never writes a registered secret or a secret-named field', async () => {
    const path = join(dir, 'app.log')
    const redactor = new Redactor()
    const log = new FileLogger({ path, redactor })
    redactor.register('correct horse battery staple')
    log.info('loading key with correct horse battery staple', { passphrase: 'other-secret-value', note: 'x correct horse battery staple' })
    const text = readFileSync(path, 'utf8')
    expect(text).not.toContain('correct horse battery staple')
    expect(text).not.toContain('other-secret-value')
    expect(text).toContain('[redacted]')
  })

  it('tells listeners about each entry after redaction', () => {
    const redactor = new Redactor()
    redactor.register('topsecret!')
    const log = new FileLogger({ path: join(dir, 'a.log'), redactor })
    const seen: LogEntry[] = []
    log.onEntry((e) => seen.push(e))
    log.info('value topsecret!')
    expect(seen.map((e) => e.msg)).toEqual(['value [redacted]'])
  })

  it('rotates the file when it would pass its size bound', async () => {
    const path = join(dir, 'app.log')
    const log = new FileLogger({ path, redactor: new Redactor(), maxBytes: 300 })
    for (let i = 0; i < 10; i++) log.info(`entry ${i}`, { pad: 'x'.repeat(20) })
    expect(existsSync(path + '.1')).toBe(true)
    expect(statSync(path).size).toBeLessThanOrEqual(300)
    const recent = await log.recent(1)
    expect(recent[0]?.msg).toBe('entry 9')
  })

  it('returns nothing, not an error, before the first entry', async () => {
    const log = new FileLogger({ path: join(dir, 'none', 'app.log'), redactor: new Redactor() })
    expect(await log.recent(10)).toEqual([])
  })
})
