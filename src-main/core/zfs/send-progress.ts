// The progress lines `zfs send -vP` writes to stderr about once a second while data
// flows: "HH:MM:SS<TAB>bytes sent so far in this stream<TAB>snapshot". Before them
// come the estimate lines (see send-estimate.ts). A line-by-line parser, fed as stderr
// arrives, so the UI gets bytes and rate live.

export type SendProgressLine =
  | { readonly kind: 'stream'; readonly type: 'full' | 'incremental'; readonly from: string | null; readonly to: string; readonly bytes: number }
  | { readonly kind: 'total'; readonly bytes: number }
  | { readonly kind: 'progress'; readonly time: string; readonly bytes: number; readonly snapshot: string }
  | { readonly kind: 'other'; readonly text: string }

export function parseSendProgressLine(line: string): SendProgressLine {
  const f = line.split('\t')
  if (f.length === 3 && /^\d{2}:\d{2}:\d{2}$/.test(f[0]!) && /^\d+$/.test(f[1]!)) {
    return { kind: 'progress', time: f[0]!, bytes: Number(f[1]), snapshot: f[2]! }
  }
  if (f[0] === 'full' && f.length === 3 && /^\d+$/.test(f[2]!)) return { kind: 'stream', type: 'full', from: null, to: f[1]!, bytes: Number(f[2]) }
  if (f[0] === 'incremental' && f.length === 4 && /^\d+$/.test(f[3]!)) {
    return { kind: 'stream', type: 'incremental', from: f[1]!, to: f[2]!, bytes: Number(f[3]) }
  }
  if (f[0] === 'size' && f.length === 2 && /^\d+$/.test(f[1]!)) return { kind: 'total', bytes: Number(f[1]) }
  return { kind: 'other', text: line }
}

export interface SendProgressState {
  readonly totalBytes: number | null
  /** Bytes of streams already finished (their estimate), plus the current stream's count. */
  readonly bytesDone: number
  readonly currentSnapshot: string | null
}

/**
 * Folds progress lines into one running count across the streams of a -I send: the
 * per-stream counter restarts at each snapshot, so finished streams add their size.
 */
export class SendProgressTracker {
  #total: number | null = null
  #estimates = new Map<string, number>()
  #finished = 0
  #current: string | null = null
  #currentBytes = 0

  push(line: string): SendProgressState {
    const p = parseSendProgressLine(line)
    if (p.kind === 'stream') this.#estimates.set(p.to, p.bytes)
    else if (p.kind === 'total') this.#total = p.bytes
    else if (p.kind === 'progress') {
      if (this.#current !== null && p.snapshot !== this.#current) {
        this.#finished += this.#estimates.get(this.#current) ?? this.#currentBytes
        this.#currentBytes = 0
      }
      this.#current = p.snapshot
      this.#currentBytes = Math.max(this.#currentBytes, p.bytes)
    }
    return this.state
  }

  get state(): SendProgressState {
    return { totalBytes: this.#total, bytesDone: this.#finished + this.#currentBytes, currentSnapshot: this.#current }
  }
}
