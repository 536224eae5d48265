// The renderer's wording of sizes, rates and durations (pure functions, no browser).
import { describe, expect, it } from 'vitest'
import { formatBytes, formatRate } from '../../src-renderer/src/format/bytes'
import { formatDuration } from '../../src-renderer/src/format/duration'

describe('sizes and rates', () => {
  it('says bytes below a kilobyte and one decimal below ten units', () => {
    expect(formatBytes(0)).toBe('0 bytes')
    expect(formatBytes(1)).toBe('1 byte')
    expect(formatBytes(999)).toBe('999 bytes')
    expect(formatBytes(1_500)).toBe('1.5 kB')
    expect(formatBytes(250_000_000)).toBe('250 MB')
    expect(formatBytes(1_000_000_000)).toBe('1.0 GB')
    expect(formatBytes(12_300_000_000_000)).toBe('12 TB')
    expect(formatRate(50_000_000)).toBe('50 MB/s')
  })

  it('shows a dash for values that cannot be a size', () => {
    expect(formatBytes(-1)).toBe('—')
    expect(formatBytes(Number.NaN)).toBe('—')
  })
})

describe('durations', () => {
  it('reads like a person would say it', () => {
    expect(formatDuration(15)).toBe('15 s')
    expect(formatDuration(90)).toBe('2 min')
    expect(formatDuration(3_600)).toBe('1 h')
    expect(formatDuration(7_500)).toBe('2 h 5 min')
    expect(formatDuration(3 * 86_400 + 2 * 3_600)).toBe('3 days 2 h')
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—')
  })
})
