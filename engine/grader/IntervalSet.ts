// IntervalSet: the live payloads of a heap as disjoint intervals [start, end), sorted by start, for
// the checker's overlap test and the hole metrics. Kept as sorted buckets of at most 512 starts
// (split when full, dropped when empty), so insert, remove and neighbour queries cost a binary
// search over bucket heads plus a splice inside one bucket: fast for million-operation traces.

const BucketLimit = 512;

export class IntervalSet {
  /** buckets[b] holds ascending starts; ends[b][i] is the end of the interval starting at buckets[b][i]. */
  private readonly buckets: number[][] = [];
  private readonly ends: number[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The interval that overlaps [start, end) (its start and end), or null. Empty ranges overlap nothing. */
  overlapping(start: number, end: number): { start: number; end: number } | null {
    if (end <= start) return null;
    const before = this.floor(start);
    if (before && before.end > start) return before;
    const after = this.ceiling(start);
    if (after && after.start < end) return after;
    return null;
  }

  /** Adds [start, end); assumes it overlaps nothing (check with overlapping() first) and start is not present. */
  insert(start: number, end: number): void {
    this.count++;
    if (this.buckets.length === 0) {
      this.buckets.push([start]);
      this.ends.push([end]);
      return;
    }
    const b = Math.max(0, this.bucketOf(start));
    const starts = this.buckets[b]!;
    const i = lowerBound(starts, start);
    starts.splice(i, 0, start);
    this.ends[b]!.splice(i, 0, end);
    if (starts.length > BucketLimit * 2) {
      this.buckets.splice(b + 1, 0, starts.splice(BucketLimit));
      this.ends.splice(b + 1, 0, this.ends[b]!.splice(BucketLimit));
    }
  }

  /** Removes the interval starting at `start`; returns its end, or -1 when there is none. */
  remove(start: number): number {
    const b = this.bucketOf(start);
    if (b < 0) return -1;
    const starts = this.buckets[b]!;
    const i = lowerBound(starts, start);
    if (starts[i] !== start) return -1;
    const end = this.ends[b]![i]!;
    starts.splice(i, 1);
    this.ends[b]!.splice(i, 1);
    if (starts.length === 0) {
      this.buckets.splice(b, 1);
      this.ends.splice(b, 1);
    }
    this.count--;
    return end;
  }

  /** The interval with the greatest start <= `at`, or null. */
  floor(at: number): { start: number; end: number } | null {
    const b = this.bucketOf(at);
    if (b < 0) return null;
    const starts = this.buckets[b]!;
    let i = lowerBound(starts, at);
    if (i === starts.length || starts[i]! > at) i--;
    return { start: starts[i]!, end: this.ends[b]![i]! };
  }

  /** The interval with the smallest start >= `at`, or null. */
  ceiling(at: number): { start: number; end: number } | null {
    const b = Math.max(0, this.bucketOf(at));
    for (let k = b; k < this.buckets.length; k++) {
      const starts = this.buckets[k]!;
      const i = lowerBound(starts, at);
      if (i < starts.length) return { start: starts[i]!, end: this.ends[k]![i]! };
    }
    return null;
  }

  /** The end of the last interval, or -1 when empty. */
  lastEnd(): number {
    const ends = this.ends.at(-1);
    return ends ? ends.at(-1)! : -1;
  }

  /** Every interval in address order (for tests and snapshots). */
  toArray(): { start: number; end: number }[] {
    const out: { start: number; end: number }[] = [];
    this.buckets.forEach((starts, b) => starts.forEach((start, i) => out.push({ start, end: this.ends[b]![i]! })));
    return out;
  }

  /** Index of the last bucket whose first start is <= `at`, or -1 when `at` is below every start. */
  private bucketOf(at: number): number {
    let lo = 0;
    let hi = this.buckets.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.buckets[mid]![0]! <= at) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

/** First index i with values[i] >= target (values ascending). */
function lowerBound(values: number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
