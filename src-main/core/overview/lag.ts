// How far behind the off-site copy is, per dataset and per job: the age of its newest
// snapshot, and how many snapshots and how much time separate the newest snapshot both
// sides hold (matched by GUID: names can lie) from the newest one on the NAS.
import type { RetentionSnapshot } from '../retention/sanoid-prune'
import { spanWords } from '../../shared/span-words'

export interface LagInput {
  /** The NAS's snapshots of one dataset. */
  readonly source: readonly RetentionSnapshot[]
  /** The off-site copy's snapshots of the same dataset. */
  readonly target: readonly RetentionSnapshot[]
  /** Seconds since the epoch. */
  readonly now: number
}

export type LagState = 'nothing-yet' | 'up-to-date' | 'behind' | 'no-common'

export interface OffsiteLag {
  readonly state: LagState
  readonly newestTarget: RetentionSnapshot | null
  /** How old the newest off-site snapshot is (by its creation time). */
  readonly newestTargetAgeSeconds: number | null
  /** The NAS's record of the newest snapshot both sides hold. */
  readonly newestCommon: RetentionSnapshot | null
  /** NAS snapshots newer than the newest common one (all of them when there is none). */
  readonly snapshotsBehind: number
  /** From the newest common snapshot to the NAS's newest, in seconds; null without a common one. */
  readonly timeBehindSeconds: number | null
  /** "The off-site copy is 2 days behind (12 snapshots); its newest snapshot is 2 days old." */
  readonly words: string
}

function newest<S extends RetentionSnapshot>(list: readonly S[]): S | null {
  let best: S | null = null
  for (const s of list) if (best === null || s.creation >= best.creation) best = s
  return best
}

export function offsiteLag(input: LagInput): OffsiteLag {
  const targetGuids = new Set(input.target.map((s) => s.guid))
  const newestTarget = newest(input.target)
  const newestSource = newest(input.source)
  const newestCommon = newest(input.source.filter((s) => targetGuids.has(s.guid)))
  const age = newestTarget ? Math.max(0, input.now - newestTarget.creation) : null
  const ageWords = age === null ? '' : `; its newest snapshot is ${spanWords(age)} old`
  if (newestTarget === null) {
    return { state: 'nothing-yet', newestTarget, newestTargetAgeSeconds: null, newestCommon: null, snapshotsBehind: input.source.length, timeBehindSeconds: null, words: 'Nothing has been copied off-site yet.' }
  }
  if (newestCommon === null) {
    return {
      state: 'no-common',
      newestTarget,
      newestTargetAgeSeconds: age,
      newestCommon,
      snapshotsBehind: input.source.length,
      timeBehindSeconds: null,
      words: `The off-site copy shares no snapshot with the NAS any more: the next backup must send everything again${ageWords}.`,
    }
  }
  const behind = input.source.filter((s) => s.creation > newestCommon.creation && s.guid !== newestCommon.guid).length
  const time = newestSource ? Math.max(0, newestSource.creation - newestCommon.creation) : 0
  if (behind === 0) {
    return { state: 'up-to-date', newestTarget, newestTargetAgeSeconds: age, newestCommon, snapshotsBehind: 0, timeBehindSeconds: 0, words: `The off-site copy is up to date${ageWords}.` }
  }
  return {
    state: 'behind',
    newestTarget,
    newestTargetAgeSeconds: age,
    newestCommon,
    snapshotsBehind: behind,
    timeBehindSeconds: time,
    words: `The off-site copy is ${spanWords(time)} behind (${behind} snapshot${behind === 1 ? '' : 's'})${ageWords}.`,
  }
}

const RANK: Record<LagState, number> = { 'up-to-date': 0, behind: 1, 'nothing-yet': 2, 'no-common': 3 }

/** A job's lag is its worst dataset's: no common snapshot first, then the most time behind, then the oldest copy. */
export function worstLag(lags: readonly OffsiteLag[]): OffsiteLag | null {
  let worst: OffsiteLag | null = null
  for (const l of lags) {
    if (worst === null) {
      worst = l
      continue
    }
    const byState = RANK[l.state] - RANK[worst.state]
    const byTime = (l.timeBehindSeconds ?? 0) - (worst.timeBehindSeconds ?? 0)
    const byAge = (l.newestTargetAgeSeconds ?? 0) - (worst.newestTargetAgeSeconds ?? 0)
    if (byState > 0 || (byState === 0 && (byTime > 0 || (byTime === 0 && byAge > 0)))) worst = l
  }
  return worst
}
