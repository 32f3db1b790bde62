// StreamDecimator: series pushed in random chunks give, at every moment, buckets of one power-of-two
// width (the smallest that fits the capacity) covering every operation once, with exact min, max and
// last per bucket (checked against a direct computation); a one-operation spike survives any amount
// of merging; bad capacities are refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamDecimator, type Decimated } from '../../../engine/grader/Decimate';
import type { ReplaySeries } from '../../../engine/grader/Replay';

const KEYS = ['payload', 'heap', 'holes', 'largestHole', 'external', 'rss', 'work'] as const satisfies readonly (keyof ReplaySeries)[];

/** A ReplaySeries of length n whose series `key` is values(key) (the others zero). */
function seriesOf(n: number, values: Partial<Record<keyof ReplaySeries, ArrayLike<number>>>): ReplaySeries {
  return Object.fromEntries(KEYS.map((key) => [key, Float64Array.from(values[key] ?? new Float64Array(n))])) as unknown as ReplaySeries;
}

/** The smallest power of two w with ⌈n / w⌉ ≤ capacity. */
function widthFor(n: number, capacity: number): number {
  let w = 1;
  while (n > capacity * w) w *= 2;
  return w;
}

/** Buckets [b·w, (b+1)·w) ∩ [0, n) computed directly. */
function direct(values: ArrayLike<number>, n: number, w: number): Decimated {
  const out: Decimated = { x: [], min: [], max: [], last: [] };
  for (let lo = 0; lo < n; lo += w) {
    const hi = Math.min(n, lo + w);
    let min = Infinity, max = -Infinity;
    for (let i = lo; i < hi; i++) {
      min = Math.min(min, values[i]!);
      max = Math.max(max, values[i]!);
    }
    out.x.push(lo);
    out.min.push(min);
    out.max.push(max);
    out.last.push(values[hi - 1]!);
  }
  return out;
}

/** Checks a snapshot after n operations against the direct computation. */
function expectSnapshot(d: StreamDecimator, series: ReplaySeries, keys: readonly (keyof ReplaySeries)[], n: number, capacity: number): void {
  const snap = d.snapshot();
  expect(d.size).toBe(n);
  expect(Object.keys(snap).sort()).toEqual([...keys].sort());
  const w = widthFor(n, capacity);
  for (const key of keys) {
    const got = snap[key];
    expect(got.x.length).toBeLessThanOrEqual(capacity);
    // The width the x axis implies, when there are two buckets to tell it.
    if (got.x.length >= 2) expect(got.x[1]! - got.x[0]!).toBe(w);
    // Every operation in exactly one bucket: consecutive buckets of w from 0, the last one holding n - 1.
    got.x.forEach((x, b) => expect(x).toBe(b * w));
    if (n > 0) {
      expect(got.x.at(-1)!).toBeLessThanOrEqual(n - 1);
      expect(got.x.at(-1)! + w).toBeGreaterThanOrEqual(n);
    }
    expect(got).toEqual(direct(series[key], n, w));
  }
}

describe('StreamDecimator', () => {
  it('equals the direct computation for random series pushed in random chunks, at every chunk', () => {
    // -0 made 0: the decimator and Math.min may keep either of two equal zeros.
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), fc.integer({ min: -5, max: 5 })).map((v) => v || 0);
    fc.assert(fc.property(
      fc.array(value, { maxLength: 700 }), fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 60 }),
      fc.constantFrom(2, 4, 6, 10, 16, 64), fc.subarray([...KEYS], { minLength: 1 }),
      (values, chunks, capacity, keys) => {
        const n = values.length;
        // Each key gets its own values (shifted), so a mix-up between keys shows.
        const series = seriesOf(n, Object.fromEntries(KEYS.map((key, i) => [key, values.map((v) => v + i)])));
        const d = new StreamDecimator(keys, capacity);
        expectSnapshot(d, series, keys, 0, capacity);
        let done = 0;
        for (const chunk of chunks) {
          if (done >= n) break;
          done = Math.min(n, done + chunk);
          d.pushUpTo(series, done);
          expectSnapshot(d, series, keys, done, capacity);
        }
        d.pushUpTo(series, n);
        expectSnapshot(d, series, keys, n, capacity);
      },
    ), { numRuns: 300 });
  });

  it('merges when full: 512 buckets of 1, then 257 of 2 ... (default capacity 512)', () => {
    const n = 5000;
    const series = seriesOf(n, { payload: Array.from({ length: n }, (_, i) => i) });
    const d = new StreamDecimator(['payload']);
    d.pushUpTo(series, 512);
    expect(d.snapshot().payload.x.length).toBe(512);
    expect(d.snapshot().payload.x[1]).toBe(1);
    d.pushUpTo(series, 513);
    expect(d.snapshot().payload.x.length).toBe(257);
    expect(d.snapshot().payload.x[1]).toBe(2);
    d.pushUpTo(series, n);
    const snap = d.snapshot().payload;
    expect(snap.x.length).toBe(Math.ceil(n / 16));
    expect(snap.x[1]).toBe(16);
    expect(snap.last.at(-1)).toBe(n - 1);
    expect(snap.min[3]).toBe(48);
    expect(snap.max[3]).toBe(63);
  });

  it('keeps one operation\'s spike (up and down) through every merge', () => {
    fc.assert(fc.property(fc.integer({ min: 1000, max: 100_000 }), fc.nat(), fc.nat(), (n, a, b) => {
      const up = a % n, down = b % n;
      const values = new Float64Array(n).fill(7);
      values[up] = 1e9;
      if (down !== up) values[down] = -3;
      const series = seriesOf(n, { heap: values });
      const d = new StreamDecimator(['heap'], 512);
      for (let done = 0; done < n; done = Math.min(n, done + 4096)) d.pushUpTo(series, Math.min(n, done + 4096));
      const snap = d.snapshot().heap;
      const w = snap.x.length > 1 ? snap.x[1]! - snap.x[0]! : n;
      expect(snap.x.length).toBeLessThanOrEqual(512);
      expect(Math.max(...snap.max)).toBe(1e9);
      expect(snap.max[Math.floor(up / w)]).toBe(1e9);
      if (down !== up) {
        expect(Math.min(...snap.min)).toBe(-3);
        expect(snap.min[Math.floor(down / w)]).toBe(-3);
      }
      // Buckets without a spike stay flat.
      snap.x.forEach((_, i) => {
        if (Math.floor(up / w) !== i && Math.floor(down / w) !== i) expect([snap.min[i], snap.max[i]]).toEqual([7, 7]);
      });
    }), { numRuns: 20 });
  });

  it('ignores a push that does not go past what it has', () => {
    const series = seriesOf(10, { rss: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    const d = new StreamDecimator(['rss'], 4);
    d.pushUpTo(series, 6);
    const before = d.snapshot();
    d.pushUpTo(series, 3);
    d.pushUpTo(series, 6);
    d.pushUpTo(series, 0);
    expect(d.size).toBe(6);
    expect(d.snapshot()).toEqual(before);
    expect(before.rss).toEqual({ x: [0, 2, 4], min: [1, 3, 5], max: [2, 4, 6], last: [2, 4, 6] });
  });

  it('gives empty series before anything is pushed, and none for no keys', () => {
    expect(new StreamDecimator(['payload', 'work']).snapshot()).toEqual({
      payload: { x: [], min: [], max: [], last: [] }, work: { x: [], min: [], max: [], last: [] },
    });
    const none = new StreamDecimator([], 2);
    none.pushUpTo(seriesOf(5, {}), 5);
    expect(none.snapshot()).toEqual({});
    expect(none.size).toBe(5);
  });

  it('refuses a capacity that is not an even integer ≥ 2', () => {
    for (const capacity of [0, 1, 3, 7, -2, 2.5, Number.NaN, Infinity]) {
      expect(() => new StreamDecimator(['payload'], capacity)).toThrow(RangeError);
      expect(() => new StreamDecimator(['payload'], capacity)).toThrow(`capacity must be an even integer ≥ 2, not ${capacity}`);
    }
    expect(() => new StreamDecimator(['payload'], 2)).not.toThrow();
  });
});
