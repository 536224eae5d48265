// Reads a run's state file (written by run-script.ts on the NAS) into what the app
// shows: per transfer, bytes sent, the estimate, exit statuses and errors; for the run,
// whether it is going, done, failed, cancelled, or refused because the job was busy.
// The same reading serves live progress and reattaching after the app restarted.
import { SendProgressTracker, parseSendProgressLine } from '../zfs/send-progress'

export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'busy'

export interface TransferState {
  readonly index: number
  readonly source: string
  readonly target: string
  readonly label: string
  readonly status: 'running' | 'succeeded' | 'failed'
  readonly bytesDone: number
  readonly totalBytes: number | null
  /** Exit status of each pipeline stage, send first. */
  readonly stageStatus: readonly number[] | null
  /** What the stages other than send wrote to stderr (receive errors, ssh errors). */
  readonly errors: readonly string[]
  /** Lines of zfs send's own stderr that are neither estimates nor progress (its errors). */
  readonly sendMessages: readonly string[]
  /** µs since the epoch of the first and the latest line about this transfer. */
  readonly startedAtUs: number
  readonly lastActivityUs: number
}

export interface RunState {
  readonly runId: string | null
  readonly pid: number | null
  readonly pgid: number | null
  readonly plannedTransfers: number
  readonly outcome: RunOutcome
  /** Who holds the job's lock, when the outcome is busy. */
  readonly busyHolder: string | null
  readonly transfers: readonly TransferState[]
  readonly startedAtUs: number | null
  readonly endedAtUs: number | null
}

interface MutableTransfer {
  index: number
  source: string
  target: string
  label: string
  status: TransferState['status']
  tracker: SendProgressTracker
  stageStatus: number[] | null
  errors: string[]
  sendMessages: string[]
  startedAtUs: number
  lastActivityUs: number
}

const RESUME_DUMP = /^(resume token contents:|nvlist version: \d+|\t[a-z_]+ = .*)$/

export function parseRunState(text: string): RunState {
  let runId: string | null = null
  let pid: number | null = null
  let pgid: number | null = null
  let planned = 0
  let outcome: RunOutcome = 'running'
  let busyHolder: string | null = null
  let startedAtUs: number | null = null
  let endedAtUs: number | null = null
  const transfers = new Map<number, MutableTransfer>()
  const transfer = (index: number, at: number): MutableTransfer => {
    let t = transfers.get(index)
    if (!t) {
      t = { index, source: '', target: '', label: '', status: 'running', tracker: new SendProgressTracker(), stageStatus: null, errors: [], sendMessages: [], startedAtUs: at, lastActivityUs: at }
      transfers.set(index, t)
    }
    t.lastActivityUs = Math.max(t.lastActivityUs, at)
    return t
  }
  // The last line may still be being written: only complete lines count.
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1)
  for (const line of complete.split('\n')) {
    if (line === '') continue
    const f = line.split('\t')
    const at = Number(f[0])
    const event = f[1]
    if (!Number.isFinite(at) || event === undefined) continue
    switch (event) {
      case 'run-start':
        runId = f[2] ?? null
        pid = Number(f[3]) || null
        pgid = Number(f[4]) || null
        planned = Number(f[5]) || 0
        startedAtUs = at
        break
      case 'busy':
        outcome = 'busy'
        busyHolder = f.slice(2).join('\t') || null
        endedAtUs = at
        break
      case 'step-start': {
        const t = transfer(Number(f[2]), at)
        t.source = f[3] ?? ''
        t.target = f[4] ?? ''
        t.label = f[5] ?? ''
        t.startedAtUs = at
        break
      }
      case 'progress': {
        const t = transfer(Number(f[2]), at)
        const text = f.slice(3).join('\t')
        // `send -t` first prints the token's contents (an nvlist dump): not a message.
        if (RESUME_DUMP.test(text)) break
        if (parseSendProgressLine(text).kind === 'other' && text.trim() !== '') t.sendMessages.push(text)
        else t.tracker.push(text)
        break
      }
      case 'stderr': {
        const message = f.slice(3).join('\t')
        if (message.trim() !== '') transfer(Number(f[2]), at).errors.push(message)
        break
      }
      case 'step-end': {
        const t = transfer(Number(f[2]), at)
        t.stageStatus = (f[3] ?? '').split(' ').filter(Boolean).map(Number)
        t.status = t.stageStatus.length > 0 && t.stageStatus.every((s) => s === 0) ? 'succeeded' : 'failed'
        break
      }
      case 'run-end':
        outcome = f[2] === 'succeeded' || f[2] === 'failed' || f[2] === 'cancelled' ? f[2] : 'failed'
        endedAtUs = at
        break
    }
  }
  return {
    runId,
    pid,
    pgid,
    plannedTransfers: planned,
    outcome,
    busyHolder,
    startedAtUs,
    endedAtUs,
    transfers: [...transfers.values()]
      .sort((a, b) => a.index - b.index)
      .map((t) => {
        const p = t.tracker.state
        return {
          index: t.index,
          source: t.source,
          target: t.target,
          label: t.label,
          status: t.status,
          bytesDone: p.bytesDone,
          totalBytes: p.totalBytes,
          stageStatus: t.stageStatus,
          errors: t.errors,
          sendMessages: t.sendMessages,
          startedAtUs: t.startedAtUs,
          lastActivityUs: t.lastActivityUs,
        }
      }),
  }
}
