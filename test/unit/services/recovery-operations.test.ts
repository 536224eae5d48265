// Recovery operations (downloads and restores): progress events while they run, with a
// rate and ETA from the bytes reported; one last event when they end; cancel and shutdown
// trip their signal; an id in use is refused.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileLogger } from '../../../src-main/adapters/logging/file-logger'
import { Redactor } from '../../../src-main/core/logging/redactor'
import { EventBus } from '../../../src-main/services/event-bus'
import { createRecoveryOperations, type RecoveryOperations } from '../../../src-main/services/recovery-operations'
import { AppFailure } from '../../../src-main/shared/errors'
import type { RecoveryProgress } from '../../../src-main/shared/recovery'
import { until } from '../../support/until'

let dir: string
let events: EventBus
let seen: RecoveryProgress[]
let ops: RecoveryOperations
let clockMs: number

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zfs-offsite-operations-'))
  events = new EventBus()
  seen = []
  events.subscribe((e) => {
    if (e.name === 'recoveryProgress') seen.push(e.payload)
  })
  clockMs = 1_000_000
  const logger = new FileLogger({ path: join(dir, 'app.log'), redactor: new Redactor() })
  ops = createRecoveryOperations({ events, logger, tickMs: 10, nowMs: () => clockMs })
})

afterEach(() => {
  ops.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('recovery operations', () => {
  it('reports progress on a timer with the rate and ETA from the bytes reported, then one last event', async () => {
    const op = ops.begin('restore-0001', 'restore')
    expect(seen[0]).toMatchObject({ operationId: 'restore-0001', kind: 'restore', phase: 'preparing', bytesDone: 0, bytesTotal: null, etaSeconds: null })
    op.update({ phase: 'copying', bytesTotal: 10_000, current: 'tank/photos' })
    clockMs += 2000
    op.update({ bytesDone: 4000 })
    await until('a tick after the bytes moved', () => seen.some((p) => p.bytesDone === 4000), 5000, 5)
    const tick = seen.find((p) => p.bytesDone === 4000)!
    // 4000 bytes in 2 s: 2000 B/s, and 6000 bytes left take 3 s.
    expect(tick).toMatchObject({ phase: 'copying', current: 'tank/photos', rateBytesPerSecond: 2000, etaSeconds: 3 })
    op.finish('done', 'Restored tank/photos.')
    const last = seen.at(-1)!
    expect(last).toMatchObject({ phase: 'done', message: 'Restored tank/photos.' })
    expect(ops.isRunning('restore-0001')).toBe(false)
    // Nothing after the end: updates are ignored and the timer is gone.
    const count = seen.length
    op.update({ bytesDone: 9999 })
    op.finish('failed', 'late')
    expect(seen.length).toBe(count)
  })

  it('cancel trips the signal of a running operation only', () => {
    const op = ops.begin('download-01', 'download')
    expect(ops.cancel('download-99')).toBe(false)
    expect(op.signal.aborted).toBe(false)
    expect(ops.cancel('download-01')).toBe(true)
    expect(op.signal.aborted).toBe(true)
    op.finish('cancelled', 'Stopped; 2 files were copied.')
    expect(ops.cancel('download-01')).toBe(false)
  })

  it('refuses a second operation with an id in use, and shutdown stops every one', () => {
    const a = ops.begin('restore-a1b2', 'restore')
    const b = ops.begin('download-c3d4', 'download')
    let refused: unknown
    try {
      ops.begin('restore-a1b2', 'restore')
    } catch (err) {
      refused = err
    }
    expect(refused).toBeInstanceOf(AppFailure)
    expect((refused as AppFailure).appError.code).toBe('INVALID_INPUT')
    ops.dispose()
    expect(a.signal.aborted).toBe(true)
    expect(b.signal.aborted).toBe(true)
    expect(ops.isRunning('restore-a1b2')).toBe(false)
  })
})
