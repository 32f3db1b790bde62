// Decimate: long per-operation series (ReplaySeries) cut down to a few points per pixel column for
// charts (Chart.js), keeping each bucket's min and max so a one-operation spike is never lost, and
// its last value (the state at the bucket's end) for tables and line charts; StreamDecimator does the
// same for a replay still streaming. Part of Timeline.ts.
import type { ReplaySeries } from './Replay';

export interface Decimated {
  /** Index of each bucket's first operation. */
  x: number[];
  min: number[];
  max: number[];
  /** The value at each bucket's last operation. */
  last: number[];
}

export type DecimatedSeries = Record<keyof ReplaySeries, Decimated>;

/**
 * Values [from, to) of `series` (clamped to it) in at most `buckets` buckets of near-equal width: bucket b holds indices
 * from + ⌊b·n/buckets⌋ up to from + ⌊(b+1)·n/buckets⌋ (n = to - from). One point per index when buckets ≥ n;
 * empty arrays for an empty range. Throws a RangeError for buckets below 1 or not an integer.
 */
export function decimate(series: Float64Array, from: number, to: number, buckets: number): Decimated {
  if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`decimate: buckets must be an integer ≥ 1, not ${buckets}`);
  const start = Math.max(0, Math.floor(from));
  const end = Math.min(series.length, Math.ceil(to));
  const out: Decimated = { x: [], min: [], max: [], last: [] };
  const n = end - start;
  if (n <= 0) return out;
  const count = Math.min(buckets, n);
  for (let b = 0; b < count; b++) {
    const lo = start + Math.floor((b * n) / count);
    const hi = start + Math.floor(((b + 1) * n) / count);
    let min = series[lo]!;
    let max = min;
    for (let i = lo + 1; i < hi; i++) {
      const v = series[i]!;
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    out.x.push(lo);
    out.min.push(min);
    out.max.push(max);
    out.last.push(series[hi - 1]!);
  }
  return out;
}

/** Every field of `series` decimated over the same window and buckets (a zoomed chart set). */
export function decimateSeries(series: ReplaySeries, from: number, to: number, buckets: number): DecimatedSeries {
  const keys = Object.keys(series) as (keyof ReplaySeries)[];
  return Object.fromEntries(keys.map((key) => [key, decimate(series[key], from, to, buckets)])) as DecimatedSeries;
}

/**
 * Decimation while a replay streams: values arrive in order, a few thousand at a time, and the
 * chart of everything so far must be ready at any moment. Buckets are `width` operations wide
 * (a power of two); when `capacity` buckets fill up, neighbours merge pairwise and the width
 * doubles, so each value costs O(1) and a snapshot at most `capacity` points per series.
 */
export class StreamDecimator {
  private width = 1;
  private count = 0;
  /** Values taken in so far (the next value's operation index). */
  private taken = 0;
  private readonly keys: (keyof ReplaySeries)[];
  private readonly min: Float64Array[];
  private readonly max: Float64Array[];
  private readonly last: Float64Array[];

  constructor(keys: readonly (keyof ReplaySeries)[], private readonly capacity = 512) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity % 2 !== 0) throw new RangeError(`StreamDecimator: capacity must be an even integer ≥ 2, not ${capacity}`);
    this.keys = [...keys];
    this.min = this.keys.map(() => new Float64Array(capacity));
    this.max = this.keys.map(() => new Float64Array(capacity));
    this.last = this.keys.map(() => new Float64Array(capacity));
  }

  /** Operations taken in so far. */
  get size(): number {
    return this.taken;
  }

  /** Takes in operations [taken, to) of `series` (each array filled that far). */
  pushUpTo(series: ReplaySeries, to: number): void {
    for (let k = this.taken; k < to; k++) {
      if (k % this.width === 0) {
        if (this.count === this.capacity) this.halve();
        const b = this.count++;
        for (let s = 0; s < this.keys.length; s++) {
          const v = series[this.keys[s]!][k]!;
          this.min[s]![b] = v;
          this.max[s]![b] = v;
          this.last[s]![b] = v;
        }
      } else {
        const b = this.count - 1;
        for (let s = 0; s < this.keys.length; s++) {
          const v = series[this.keys[s]!][k]!;
          if (v < this.min[s]![b]!) this.min[s]![b] = v;
          if (v > this.max[s]![b]!) this.max[s]![b] = v;
          this.last[s]![b] = v;
        }
      }
    }
    this.taken = Math.max(this.taken, to);
  }

  /** Every series so far: bucket b starts at operation b · width (the last bucket may be partly filled); the series share one x array. */
  snapshot(): DecimatedSeries {
    const out = {} as DecimatedSeries;
    const x: number[] = [];
    for (let b = 0; b < this.count; b++) x.push(b * this.width);
    for (const [s, key] of this.keys.entries()) {
      out[key] = { x, min: Array.from(this.min[s]!.subarray(0, this.count)), max: Array.from(this.max[s]!.subarray(0, this.count)), last: Array.from(this.last[s]!.subarray(0, this.count)) };
    }
    return out;
  }

  /** Merges buckets pairwise (capacity is even, so they pair up) and doubles the width. */
  private halve(): void {
    for (let s = 0; s < this.keys.length; s++) {
      const min = this.min[s]!, max = this.max[s]!, last = this.last[s]!;
      for (let b = 0; b < this.count / 2; b++) {
        min[b] = Math.min(min[2 * b]!, min[2 * b + 1]!);
        max[b] = Math.max(max[2 * b]!, max[2 * b + 1]!);
        last[b] = last[2 * b + 1]!;
      }
    }
    this.count /= 2;
    this.width *= 2;
  }
}
