// How the Transfers screen folds progress, job states and reattached runs into what it
// shows, and how the rate chart keeps and draws its samples (pure, no browser).
import { describe, expect, it } from 'vitest'
import { applyActiveRuns, applyCancelled, applyJobState, applyProgress, type LiveRuns } from '../../src-renderer/src/transfers/live-runs'
import { addRateSample, chartPoints } from '../../src-renderer/src/transfers/rate-samples'
import type { RunProgress } from '../../src-main/shared/contract'

function progress(runId: string, bytesDone: number, rate: number, at: string): RunProgress {
  return { jobId: 'photos', runId, phase: 'sending', bytesDone, rateBytesPerSecond: rate, stalled: false, secondsSinceLastByte: 0, datasets: [], at }
}

describe('live runs', () => {
  it('keeps one run per job with a rate sample per report, and starts over for a new run', () => {
    let runs: LiveRuns = new Map()
    runs = applyProgress(runs, progress('r1', 10, 100, '2025-05-01T08:00:00Z'), 0)
    runs = applyProgress(runs, progress('r1', 20, 200, '2025-05-01T08:00:01Z'), 0)
    expect(runs.get('photos')?.samples.map((s) => s.bytesPerSecond)).toEqual([100, 200])
    expect(runs.get('photos')?.progress?.bytesDone).toBe(20)
    runs = applyProgress(runs, progress('r2', 5, 50, '2025-05-02T08:00:00Z'), 0)
    expect(runs.get('photos')?.runId).toBe('r2')
    expect(runs.get('photos')?.samples).toHaveLength(1)
  })

  it('does not bring an ended run back to life with a late report', () => {
    let runs: LiveRuns = applyProgress(new Map(), progress('r1', 10, 100, '2025-05-01T08:00:00Z'), 0)
    runs = applyJobState(runs, { jobId: 'photos', runId: 'r1', state: 'succeeded' })
    runs = applyProgress(runs, progress('r1', 10, 0, '2025-05-01T08:00:02Z'), 0)
    expect(runs.get('photos')?.state).toBe('succeeded')
  })

  it('ignores idle for jobs it never saw, and marks a cancelled run paused', () => {
    expect(applyJobState(new Map(), { jobId: 'docs', state: 'idle' }).size).toBe(0)
    const runs = applyActiveRuns(new Map(), [progress('r1', 10, 100, '2025-05-01T08:00:00Z')], 0)
    expect(runs.get('photos')?.state).toBe('running')
    expect(applyCancelled(runs, 'photos', 'other-run')).toBe(runs)
    expect(applyCancelled(runs, 'photos', 'r1').get('photos')?.state).toBe('cancelled')
  })
})

describe('rate samples', () => {
  it('replaces a sample for the same instant, drops one from the past, and keeps the newest ones', () => {
    let samples = addRateSample([], { at: 1000, bytesPerSecond: 1 })
    samples = addRateSample(samples, { at: 1000, bytesPerSecond: 2 })
    samples = addRateSample(samples, { at: 500, bytesPerSecond: 3 })
    expect(samples).toEqual([{ at: 1000, bytesPerSecond: 2 }])
    for (let i = 1; i <= 5; i++) samples = addRateSample(samples, { at: 1000 + i, bytesPerSecond: i }, 3)
    expect(samples.map((s) => s.bytesPerSecond)).toEqual([3, 4, 5])
  })

  it('draws time left to right and the highest rate at the top', () => {
    const points = chartPoints(
      [
        { at: 0, bytesPerSecond: 0 },
        { at: 1000, bytesPerSecond: 50 },
        { at: 2000, bytesPerSecond: 100 },
      ],
      300,
      60,
    )
    expect(points).toBe('0,60 150,30 300,0')
    expect(chartPoints([], 300, 60)).toBe('')
  })
})
