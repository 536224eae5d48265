// The retention horizon: when the NAS's own pruning (sanoid, by the job's policy) removes
// the last snapshot the off-site copy still shares with it. After that moment no
// incremental is possible and the next backup is a full re-send, so a copy that lags
// towards the horizon is the overview's most urgent warning. Any common snapshot will do
// as a base, so the horizon is when the longest-kept one goes. A held one never goes
// (the app's runs and its scheduled runs hold the base), but it then stays past what the
// policy keeps, with its space: near or past the horizon that is still worth a warning,
// just not the alarm of a chain about to break.
import { sanoidPruneTime, type RetentionSnapshot, type SanoidPrunePolicy } from '../retention/sanoid-prune'
import type { Guid } from '../zfs/dataset-tree'
import { spanWords } from '../../shared/span-words'

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
  /**
   * What keeps a common snapshot: a hold (the chain cannot break; prunedAt is then when the
   * policy alone would have removed the last common snapshot), or a policy that never prunes one.
   */
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
  if (held.length > 0) return heldHorizon(input, common, held.reduce((a, b) => (b.creation > a.creation ? b : a)))
  if (input.policy === null) {
    const n = common.reduce((a, b) => (b.creation > a.creation ? b : a))
    return { level: 'ok', prunedAt: null, inSeconds: null, lastCommon: n, protectedBy: 'policy', words: 'The NAS does not prune these snapshots on a schedule.' }
  }
  const policyEnd = lastCommonPruned(input, input.policy, common)
  if (policyEnd.kind === 'never') {
    const s = policyEnd.snapshot
    return { level: 'ok', prunedAt: null, inSeconds: null, lastCommon: s, protectedBy: 'policy', words: `The NAS’s snapshot policy does not remove the common snapshot ${s.name}.` }
  }
  const { snapshot: last, at: lastAt } = policyEnd
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

type PolicyEnd = { readonly kind: 'never'; readonly snapshot: RetentionSnapshot } | { readonly kind: 'at'; readonly snapshot: RetentionSnapshot; readonly at: number }

/** When the policy alone removes the last of the common snapshots (the one it keeps longest), or one it never removes. */
function lastCommonPruned(input: HorizonInput, policy: SanoidPrunePolicy, common: readonly RetentionSnapshot[]): PolicyEnd {
  let last: RetentionSnapshot | null = null
  let lastAt = -Infinity
  for (const s of common) {
    const at = sanoidPruneTime(s, input.source, policy, input.autosnap)
    if (at === null) return { kind: 'never', snapshot: s }
    if (at > lastAt || (at === lastAt && last !== null && s.creation > last.creation)) {
      last = s
      lastAt = at
    }
  }
  return { kind: 'at', snapshot: last!, at: lastAt }
}

/**
 * A common snapshot is held on the NAS: nothing is lost whatever the policy says. Within
 * the warning time of the policy's horizon (or past it) the person still hears of it: the
 * copy has fallen that far behind, and the held snapshot keeps space the policy would free.
 */
function heldHorizon(input: HorizonInput, common: readonly RetentionSnapshot[], held: RetentionSnapshot): RetentionHorizon {
  const safe = `The common snapshot ${held.name} is held on the NAS, so pruning there cannot remove it.`
  const ok = { level: 'ok', prunedAt: null, inSeconds: null, lastCommon: held, protectedBy: 'hold', words: safe } as const
  if (input.policy === null) return ok
  const end = lastCommonPruned(input, input.policy, common)
  if (end.kind === 'never') return ok
  const inSeconds = end.at - input.now
  const warn = input.warnWithinSeconds ?? 3 * DAY
  if (inSeconds > warn) return { ...ok, prunedAt: end.at, inSeconds }
  const keeps = `The hold on ${held.name} keeps that one, so the next backup stays incremental, but it keeps space on the NAS that pruning would free until a backup moves the hold to a newer snapshot.`
  const words =
    inSeconds <= 0
      ? `The NAS’s snapshot policy would already have pruned the last snapshot the off-site copy shares with it. ${keeps}`
      : `In ${spanWords(inSeconds)} the NAS’s snapshot policy would prune the last snapshot the off-site copy shares with it. ${keeps}`
  return { level: 'warning', prunedAt: end.at, inSeconds, lastCommon: held, protectedBy: 'hold', words }
}
