// The retention horizon: when the NAS's own pruning (sanoid, by the job's policy) removes
// the last snapshot the off-site copy still shares with it. After that moment no
// incremental is possible and the next backup is a full re-send, so a copy that lags
// towards the horizon is the overview's most urgent warning. Any common snapshot will do
// as a base, so the horizon is when the longest-kept one goes; a held one never goes.
import { sanoidPruneTime, type RetentionSnapshot, type SanoidPrunePolicy } from '../retention/sanoid-prune'
import type { Guid } from '../zfs/dataset-tree'
import { spanWords } from './words'

export interface HorizonInput {
  readonly source: readonly RetentionSnapshot[]
  readonly target: readonly RetentionSnapshot[]
  /** The NAS's sanoid policy for this dataset; null when sanoid does not prune it. */
  readonly policy: SanoidPrunePolicy | null
  /** sanoid keeps taking snapshots on the NAS (its template's autosnap). */
  readonly autosnap: boolean
  /** Snapshots on the NAS with a hold (the app holds the base of each job). */
  readonly heldGuids?: ReadonlySet<Guid>
  readonly now: number
  /** Warn when the horizon is this close; default three days. */
  readonly warnWithinSeconds?: number
  /** Alarm when it is this close; default one day. */
  readonly criticalWithinSeconds?: number
}

export type HorizonLevel = 'ok' | 'warning' | 'critical' | 'lost'

export interface RetentionHorizon {
  readonly level: HorizonLevel
  /** When the last common snapshot is pruned on the NAS (seconds since the epoch); null when it never is. */
  readonly prunedAt: number | null
  readonly inSeconds: number | null
  /** The common snapshot that stays longest (the NAS's record of it). */
  readonly lastCommon: RetentionSnapshot | null
  /** Why there is no horizon: a hold protects a common snapshot, or the policy never prunes one. */
  readonly protectedBy: 'hold' | 'policy' | null
  readonly words: string
}

const DAY = 86400

export function retentionHorizon(input: HorizonInput): RetentionHorizon {
  const targetGuids = new Set(input.target.map((s) => s.guid))
  const common = input.source.filter((s) => targetGuids.has(s.guid))
  if (input.target.length === 0) return { level: 'ok', prunedAt: null, inSeconds: null, lastCommon: null, protectedBy: null, words: 'Nothing has been copied off-site yet.' }
  if (common.length === 0) {
    return { level: 'lost', prunedAt: null, inSeconds: null, lastCommon: null, protectedBy: null, words: 'The NAS no longer has any snapshot the off-site copy holds: the next backup must send everything again.' }
  }
  const held = common.filter((s) => input.heldGuids?.has(s.guid))
  if (held.length > 0) {
    const h = held.reduce((a, b) => (b.creation > a.creation ? b : a))
    return { level: 'ok', prunedAt: null, inSeconds: null, lastCommon: h, protectedBy: 'hold', words: `The common snapshot ${h.name} is held on the NAS, so pruning there cannot remove it.` }
  }
  if (input.policy === null) {
    const n = common.reduce((a, b) => (b.creation > a.creation ? b : a))
    return { level: 'ok', prunedAt: null, inSeconds: null, lastCommon: n, protectedBy: 'policy', words: 'The NAS does not prune these snapshots on a schedule.' }
  }
  let last: RetentionSnapshot | null = null
  let lastAt = -Infinity
  for (const s of common) {
    const at = sanoidPruneTime(s, input.source, input.policy, input.autosnap)
    if (at === null) {
      return { level: 'ok', prunedAt: null, inSeconds: null, lastCommon: s, protectedBy: 'policy', words: `The NAS’s snapshot policy does not remove the common snapshot ${s.name}.` }
    }
    if (at > lastAt || (at === lastAt && last !== null && s.creation > last.creation)) {
      last = s
      lastAt = at
    }
  }
  const inSeconds = lastAt - input.now
  const warn = input.warnWithinSeconds ?? 3 * DAY
  const critical = input.criticalWithinSeconds ?? DAY
  const level: HorizonLevel = inSeconds <= critical ? 'critical' : inSeconds <= warn ? 'warning' : 'ok'
  const words =
    inSeconds <= 0
      ? 'The last common snapshot is due to be pruned on the NAS at its next snapshot run; then a full re-send is needed. Run a backup now.'
      : level === 'ok'
        ? `The NAS keeps the last common snapshot for another ${spanWords(inSeconds)}.`
        : `In ${spanWords(inSeconds)} the last common snapshot is pruned on the NAS; then a full re-send is needed. A backup before then avoids it.`
  return { level, prunedAt: lastAt, inSeconds, lastCommon: last, protectedBy: null, words }
}
