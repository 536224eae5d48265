// A dataset's snapshots (or bookmarks), oldest first, read lazily from the listing text.
// Big trees list hundreds of thousands of snapshots while a plan looks at a few per
// dataset; making an object for every line dominated planning time (bench/plan.ts), so
// only the order (createtxg) and creation time are kept up front and a snapshot's full
// record is built the first time it is asked for.
import type { Guid, SnapshotInfo } from './dataset-tree'

type Materialize = (index: number) => SnapshotInfo

export class SnapshotList implements Iterable<SnapshotInfo> {
  readonly #txgs: readonly number[]
  readonly #creations: readonly number[]
  readonly #cache: Array<SnapshotInfo | undefined>
  readonly #materialize: Materialize

  private constructor(txgs: readonly number[], creations: readonly number[], materialize: Materialize, cache: Array<SnapshotInfo | undefined>) {
    this.#txgs = txgs
    this.#creations = creations
    this.#materialize = materialize
    this.#cache = cache
  }

  /** From records already made (tests, other sources); sorted by createtxg. */
  static of(items: readonly SnapshotInfo[]): SnapshotList {
    const sorted = [...items].sort((a, b) => a.createtxg - b.createtxg)
    return new SnapshotList(
      sorted.map((s) => s.createtxg),
      sorted.map((s) => s.creation),
      (i) => sorted[i]!,
      [...sorted],
    )
  }

  /** Lazily: entry i (oldest first) is built by `materialize(i)` when first asked for. */
  static lazy(txgs: readonly number[], creations: readonly number[], materialize: Materialize): SnapshotList {
    return new SnapshotList(txgs, creations, materialize, new Array<SnapshotInfo | undefined>(txgs.length))
  }

  get length(): number {
    return this.#txgs.length
  }

  createtxgAt(index: number): number {
    this.#check(index)
    return this.#txgs[index]!
  }

  creationAt(index: number): number {
    this.#check(index)
    return this.#creations[index]!
  }

  get(index: number): SnapshotInfo {
    this.#check(index)
    let s = this.#cache[index]
    if (s === undefined) {
      s = this.#materialize(index)
      this.#cache[index] = s
    }
    return s
  }

  newest(): SnapshotInfo | null {
    return this.length === 0 ? null : this.get(this.length - 1)
  }

  /** Index of the newest entry with this GUID, or -1. Scans newest first. */
  lastIndexOfGuid(guid: Guid): number {
    for (let i = this.length - 1; i >= 0; i--) if (this.get(i).guid === guid) return i
    return -1
  }

  *[Symbol.iterator](): Iterator<SnapshotInfo> {
    for (let i = 0; i < this.length; i++) yield this.get(i)
  }

  toArray(): SnapshotInfo[] {
    return [...this]
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.#txgs.length) throw new RangeError(`no snapshot at ${index} of ${this.#txgs.length}`)
  }
}
