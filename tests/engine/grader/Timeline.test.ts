// Timeline and decimation: at(k) equals a naive rebuild (operations 0..k applied to a Map) and the
// replay's own per-operation series, for every k of small and random traces and for random k of a
// 50 000-operation generated trace, at several checkpoint spacings; replay's addresses are what the
// allocator returned; decimate keeps the extremes and cuts buckets exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimate } from '../../../engine/grader/Decimate';
import { localTarget } from '../../../engine/grader/LocalTarget';
import { replay, type ReplayOptions, type ReplayResult } from '../../../engine/grader/Replay';
import type { ReplayTarget } from '../../../engine/grader/ReplayTarget';
import { Timeline, type TimelineBlock } from '../../../engine/grader/Timeline';
import { randomSizes, reallocHeavy } from '../../../engine/workload/generators';
import { TunableAllocator } from '../../../engine/workload/TunableAllocator';
import { OpKind, traceOf, type Trace } from '../../../engine/workload/Trace';
import Reference from '../../../exercises/07-malloc/reference';
import { randomTraces } from './randomTraces';

const { Alloc, Realloc, Free } = OpKind;
const HEAP = 1 << 20;
const run = (trace: Trace, options: ReplayOptions = {}): ReplayResult =>
  replay(trace, localTarget(Reference, { limit: HEAP }), { addresses: true, series: true, heapLimit: HEAP, ...options });

/** The live blocks after each of `ks` (ascending), by applying the operations to a Map as ReplayResult.addresses documents them. */
function naive(trace: Trace, result: ReplayResult, ks: number[]): TimelineBlock[][] {
  const live = new Map<number, TimelineBlock>();
  const out: TimelineBlock[][] = [];
  let k = 0;
  for (const want of ks) {
    for (; k <= want; k++) {
      const [kind, id, size, address] = [trace.kind[k]!, trace.id[k]!, trace.size[k]!, result.addresses![k]!];
      if (kind === Free) live.delete(id);
      else if (address !== -1) live.set(id, { id, address, size });
      else if (kind === Alloc || size === 0) live.delete(id);
    }
    out.push([...live.values()].sort((a, b) => a.address - b.address || a.id - b.id));
  }
  return out;
}

/** Checks at(k) for each k of `ks` against the naive rebuild and the replay's series. */
function check(trace: Trace, result: ReplayResult, timeline: Timeline, ks: number[]): void {
  const sorted = [...ks].sort((a, b) => a - b);
  const expected = naive(trace, result, sorted);
  sorted.forEach((k, i) => {
    const state = timeline.at(k);
    expect(state.op).toBe(k);
    expect(state.blocks).toEqual(expected[i]);
    const s = result.series!;
    expect(state.payload).toBe(s.payload[k]);
    expect(state.heapEnd).toBe(result.heapBase + s.heap[k]!);
    expect(state.holes).toBe(s.holes[k]);
    expect(state.largestHole).toBe(s.largestHole[k]);
    expect(state.external).toBeCloseTo(s.external[k]!, 12);
  });
}

const every = (n: number) => Array.from({ length: n }, (_, k) => k);

const mixed = traceOf('mixed', [
  [Alloc, 0, 100], [Alloc, 1, 2000], [Alloc, 2, 30], [Free, 1], [Alloc, 3, 1500], [Realloc, 0, 4000],
  [Realloc, 2, 10], [Free, -1], [Alloc, 1, 0], [Free, 0], [Alloc, 4, 5000], [Alloc, 5, 2 * HEAP], [Realloc, 4, 2 * HEAP],
  [Realloc, 3, 0], [Free, 5], [Free, 1], [Free, 4], [Free, 2],
]);

describe('replay with addresses: true', () => {
  it('records what malloc and realloc returned (-1 for NULL) and what free released (0 for free(NULL))', () => {
    const returned: number[] = [];
    const target = localTarget(Reference, { limit: HEAP });
    const spy: ReplayTarget = {
      ...target,
      malloc: (size) => { const a = target.malloc(size); returned.push(a); return a; },
      realloc: (at, size) => { const a = target.realloc(at, size); returned.push(a); return a; },
    };
    const result = replay(mixed, spy, { addresses: true, heapLimit: HEAP });
    expect(result.ok).toBe(true);
    const a = Array.from(result.addresses!);
    expect(returned.filter((x) => x !== 0)).toEqual(a.filter((x, k) => x > 0 && mixed.kind[k] !== Free));
    // f 1 frees what a 1 2000 got; f -1 is free(NULL); a 1 0 gives NULL; a 5 2 MiB and r 4 2 MiB too (r 4 keeps the block).
    expect(a[3]).toBe(a[1]);
    expect([a[7], a[8], a[11], a[12], a[13], a[14]]).toEqual([0, -1, -1, -1, -1, 0]);
    expect(a[5]).not.toBe(a[0]); // realloc to 4000 moved id 0 (1500 sits after it)
  });

  it('keeps the result unchanged otherwise (addresses null)', () => {
    const off = replay(mixed, localTarget(Reference, { limit: HEAP }), { series: true, heapLimit: HEAP });
    const on = run(mixed);
    expect(off.addresses).toBeNull();
    expect({ ...on, addresses: null }).toEqual(off);
  });

  it('stops the addresses at a failure', () => {
    const result = run(traceOf('bad', [[Alloc, 0, 8], [Free, 1]]));
    expect(result.ok).toBe(false);
    expect(result.addresses!.length).toBe(1);
    expect(new Timeline(traceOf('bad', [[Alloc, 0, 8], [Free, 1]]), result).operations).toBe(1);
  });
});

describe('Timeline.at', () => {
  it.each([1, 2, 7, 4096])('rebuilds every operation of a small trace, a realloc moving a block included (every %i)', (n) => {
    const result = run(mixed);
    expect(result.ok).toBe(true);
    const timeline = new Timeline(mixed, result, { every: n });
    check(mixed, result, timeline, every(mixed.length));
    const before = timeline.at(4).blocks.find((b) => b.id === 0)!;
    const after = timeline.at(5).blocks.find((b) => b.id === 0)!;
    expect(after.size).toBe(4000);
    expect(after.address).not.toBe(before.address);
    expect(timeline.at(12).blocks.find((b) => b.id === 4)!.size).toBe(5000); // failed realloc keeps the block
    expect(timeline.at(-1)).toEqual({ op: -1, blocks: [], heapEnd: result.heapBase, payload: 0, holes: 0, largestHole: 0, external: 0 });
    expect(timeline.at(mixed.length - 1).blocks).toEqual([]);
  });

  it('throws a RangeError naming the range outside -1 .. operations - 1', () => {
    const timeline = new Timeline(mixed, run(mixed));
    expect(() => timeline.at(18)).toThrow(RangeError);
    expect(() => timeline.at(18)).toThrow('-1 .. 17');
    expect(() => timeline.at(-2)).toThrow('-1 .. 17');
    expect(() => timeline.at(1.5)).toThrow(RangeError);
    expect(() => new Timeline(mixed, replay(mixed, localTarget(Reference)))).toThrow('addresses: true');
  });

  it('gives the holes as address ranges that add up to the counts', () => {
    const result = run(mixed);
    const timeline = new Timeline(mixed, result, { every: 3 });
    for (const k of every(mixed.length)) {
      const holes = timeline.holesAt(k);
      expect(holes.length).toBe(result.series!.holes[k]);
      expect(Math.max(0, ...holes.map((h) => h.size))).toBe(result.series!.largestHole[k]);
    }
  });

  it('equals the naive rebuild on random valid traces, for every k and every spacing', () => {
    fc.assert(fc.property(randomTraces(120, HEAP), fc.constantFrom(1, 7, 4096), (trace, spacing) => {
      const result = run(trace);
      expect(result.failure).toBeNull();
      check(trace, result, new Timeline(trace, result, { every: spacing }), every(trace.length));
    }), { numRuns: 60 });
  });

  it('equals the naive rebuild at random k of a 50 000-operation trace (engine allocator and the reference)', () => {
    const trace = randomSizes({ seed: 7, ops: 50_000, live: 800 });
    const realloc = reallocHeavy({ seed: 3, ops: 20_000 });
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: trace.length - 1 }), { minLength: 50, maxLength: 50 }), (ks) => {
      for (const [t, result] of [
        [trace, replay(trace, localTarget(TunableAllocator), { addresses: true, series: true })],
        [realloc, replay(realloc, localTarget(Reference), { addresses: true, series: true })],
      ] as const) {
        expect(result.ok).toBe(true);
        for (const spacing of [7, 4096]) check(t, result, new Timeline(t, result, { every: spacing }), ks.map((k) => k % t.length));
      }
    }), { numRuns: 2 });
  });

  it('reports the checkpoints\' bytes: 20 per live block per checkpoint, 8 per heap end', () => {
    const trace = traceOf('two', [[Alloc, 0, 8], [Alloc, 1, 8], [Free, 0], [Free, 1]]);
    const timeline = new Timeline(trace, run(trace), { every: 1 });
    expect(timeline.checkpointCount).toBe(4);
    expect(timeline.bytes()).toBe((0 + 1 + 2 + 1) * 20 + 4 * 8);
  });
});

describe('decimate', () => {
  const values = Float64Array.from([5, 1, 9, 3, 3, -4, 8, 2, 7, 6]);

  it('keeps each bucket\'s min, max and last, with exact bucket edges', () => {
    expect(decimate(values, 0, 10, 5)).toEqual({ x: [0, 2, 4, 6, 8], min: [1, 3, -4, 2, 6], max: [5, 9, 3, 8, 7], last: [1, 3, -4, 2, 6] });
    expect(decimate(values, 0, 10, 3)).toEqual({ x: [0, 3, 6], min: [1, -4, 2], max: [9, 3, 8], last: [9, -4, 6] });
    expect(decimate(values, 2, 6, 2)).toEqual({ x: [2, 4], min: [3, -4], max: [9, 3], last: [3, -4] });
  });

  it('gives one point per index when buckets ≥ length, nothing for an empty range, and clamps the window', () => {
    expect(decimate(values, 0, 3, 1000)).toEqual({ x: [0, 1, 2], min: [5, 1, 9], max: [5, 1, 9], last: [5, 1, 9] });
    for (const [from, to] of [[4, 4], [6, 2], [20, 30]] as const) expect(decimate(values, from, to, 10).x).toEqual([]);
    expect(decimate(values, -5, 50, 1)).toEqual({ x: [0], min: [-4], max: [9], last: [6] });
    expect(() => decimate(values, 0, 10, 0)).toThrow(RangeError);
  });

  it('keeps the global min and max and covers the range on random series', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 500 }),
      fc.integer({ min: 1, max: 600 }), (array, buckets) => {
        const d = decimate(Float64Array.from(array), 0, array.length, buckets);
        expect(d.x.length).toBe(Math.min(buckets, array.length));
        expect(Math.min(...d.min)).toBe(Math.min(...array));
        expect(Math.max(...d.max)).toBe(Math.max(...array));
        expect(d.x[0]).toBe(0);
        expect(d.last.at(-1)).toBe(array.at(-1));
        d.x.forEach((x, b) => expect(x).toBeLessThan(d.x[b + 1] ?? Infinity));
      }));
  });

  it('decimates every series of a replay over a window (Timeline.charts)', () => {
    const result = run(mixed);
    const charts = new Timeline(mixed, result).charts(2, 12, 4)!;
    expect(Object.keys(charts).sort()).toEqual(Object.keys(result.series!).sort());
    expect(charts.payload).toEqual(decimate(result.series!.payload, 2, 12, 4));
    expect(charts.work.x).toEqual([2, 4, 7, 9]);
  });
});
