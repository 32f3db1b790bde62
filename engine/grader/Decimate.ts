// Decimate: long per-operation series (ReplaySeries) cut down to a few points per pixel column for
// charts (Chart.js), keeping each bucket's min and max so a one-operation spike is never lost, and
// its last value (the state at the bucket's end) for tables and line charts. Part of Timeline.ts.
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
