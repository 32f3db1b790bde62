// Timeline streaming: a Timeline that follows a replay still running (extendTo in random steps over
// arrays being filled, read directly or copied chunk by chunk as electron/host/lab/replays.ts does)
// answers at(k) as one built from the finished result, also in mid-stream; allocatedAt(id, k) is the
// latest malloc/realloc of the id at or before k that gave an address (a naive scan), and the op that
// placed each live block; replay's onProgress(done, total, partial) arrays are valid up to done.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localTarget } from '../../../engine/grader/LocalTarget';
import { replay, type ReplayOptions, type ReplayPartial, type ReplayResult, type ReplaySeries } from '../../../engine/grader/Replay';
import { Timeline } from '../../../engine/grader/Timeline';
import { randomSizes, reallocHeavy } from '../../../engine/workload/generators';
import { OpKind, traceOf, type Trace } from '../../../engine/workload/Trace';
import { TunableAllocator } from '../../../engine/workload/TunableAllocator';
import Reference from '../../../exercises/07-malloc/reference';
import { randomTraces } from './randomTraces';

const { Alloc, Realloc, Free } = OpKind;
const HEAP = 1 << 20;
const KEYS = ['payload', 'heap', 'holes', 'largestHole', 'external', 'rss', 'work'] as const;
const reference = () => localTarget(Reference, { limit: HEAP });

const traceArb = randomTraces(150, HEAP);

interface Streamed {
  result: ReplayResult;
  timeline: Timeline;
  /** `done` of each extendTo, in order. */
  steps: number[];
}

/**
 * Replays `trace` with onProgress every `every` operations and follows it with a Timeline fed by extendTo at the
 * callbacks `take` picks (the last always): over the replay's own arrays ('shared'), or over arrays the chunks
 * [sent, done) are copied into ('copied', as replays.ts). At each step, checks mid-stream states against `check`.
 */
function stream(trace: Trace, target: ReturnType<typeof reference>, mode: 'shared' | 'copied', every: number, take: (i: number) => boolean,
  spacing: number, midway?: (timeline: Timeline, from: number, done: number) => void): Streamed {
  const n = trace.length;
  const own = { series: Object.fromEntries(KEYS.map((k) => [k, new Float64Array(n)])) as unknown as ReplaySeries, addresses: new Float64Array(n) };
  let timeline: Timeline | null = null;
  let sent = 0;
  let call = 0;
  const steps: number[] = [];
  let pending: ReplayPartial | null = null;
  const extend = (done: number, partial: ReplayPartial) => {
    if (mode === 'copied') {
      for (const key of KEYS) own.series[key].set(partial.series![key].subarray(sent, done), sent);
      own.addresses.set(partial.addresses!.subarray(sent, done), sent);
    }
    const source = mode === 'copied' ? own : { series: partial.series, addresses: partial.addresses };
    timeline ??= new Timeline(trace, { ...source, heapBase: partial.heapBase, metrics: { operations: 0 } }, { every: spacing });
    timeline.extendTo(done);
    timeline.extendTo(sent); // going back changes nothing
    expect(timeline.operations).toBe(done);
    steps.push(done);
    midway?.(timeline, sent, done);
    sent = done;
  };
  const result = replay(trace, target, {
    addresses: true, series: true, heapLimit: HEAP, progressEvery: every,
    onProgress: (done, _total, partial) => {
      pending = partial;
      if (take(call++)) extend(done, partial);
    },
  });
  if (sent < result.metrics.operations || timeline === null) extend(result.metrics.operations, pending!);
  return { result, timeline: timeline!, steps };
}

/** The latest op ≤ k that allocated `id` (malloc or realloc returning an address), by scanning every operation. */
function naiveAllocatedAt(trace: Trace, addresses: Float64Array, id: number, k: number): number {
  let found = -1;
  for (let op = 0; op <= k && op < addresses.length; op++) {
    if (trace.id[op] === id && (trace.kind[op] === Alloc || trace.kind[op] === Realloc) && addresses[op]! >= 0) found = op;
  }
  return found;
}

const allOps = (n: number) => Array.from({ length: n + 1 }, (_, k) => k - 1);

describe('Timeline.extendTo', () => {
  it('followed in random steps gives the same at(k) for every k as one built from the finished result', () => {
    fc.assert(fc.property(traceArb, fc.integer({ min: 1, max: 25 }), fc.array(fc.boolean(), { maxLength: 200 }), fc.constantFrom(1, 3, 16, 4096),
      fc.constantFrom('shared', 'copied'), (trace, every, picks, spacing, mode) => {
        const finished = replay(trace, reference(), { addresses: true, series: true, heapLimit: HEAP });
        expect(finished.ok).toBe(true);
        const whole = new Timeline(trace, finished, { every: spacing });
        // States asked for in mid-stream are already final: later operations do not change them.
        const { result, timeline, steps } = stream(trace, reference(), mode, every, (i) => picks[i] ?? true, spacing, (t, from, done) => {
          for (let k = Math.max(-1, from - 2); k < done; k++) expect(t.at(k)).toEqual(whole.at(k));
          expect(() => t.at(done)).toThrow(RangeError);
        });
        expect(result.ok).toBe(true);
        expect(steps.at(-1)).toBe(trace.length);
        steps.forEach((s, i) => expect(s).toBeGreaterThanOrEqual(steps[i - 1] ?? 0));
        expect(timeline.operations).toBe(whole.operations);
        expect(timeline.checkpointCount).toBe(whole.checkpointCount);
        expect(timeline.bytes()).toBe(whole.bytes());
        for (const k of allOps(trace.length)) {
          expect(timeline.at(k)).toEqual(whole.at(k));
          expect(timeline.holesAt(k)).toEqual(whole.holesAt(k));
        }
      }), { numRuns: 80 });
  });

  it('follows a 20 000-operation generated trace fed in the replay job\'s 1024-operation chunks', () => {
    const trace = randomSizes({ seed: 11, ops: 20_000, live: 500 });
    const finished = replay(trace, localTarget(TunableAllocator), { addresses: true, series: true });
    const whole = new Timeline(trace, finished, { every: 4096 });
    const { timeline, steps } = stream(trace, localTarget(TunableAllocator), 'copied', 1024, (i) => i % 3 !== 1, 4096);
    expect(steps.length).toBeGreaterThan(5);
    fc.assert(fc.property(fc.integer({ min: -1, max: trace.length - 1 }), (k) => {
      expect(timeline.at(k)).toEqual(whole.at(k));
    }), { numRuns: 150 });
  });

  it('starts empty from metrics.operations 0 and takes nothing past the source\'s arrays or the trace', () => {
    const trace = traceOf('t', [[Alloc, 0, 10], [Alloc, 1, 20], [Free, 0], [Free, 1]]);
    const result = replay(trace, reference(), { addresses: true, series: true, heapLimit: HEAP });
    const timeline = new Timeline(trace, { ...result, metrics: { operations: 0 } });
    expect(timeline.operations).toBe(0);
    expect(timeline.at(-1).blocks).toEqual([]);
    expect(() => timeline.at(0)).toThrow(RangeError);
    timeline.extendTo(2);
    expect(timeline.at(1).blocks.map((b) => b.id)).toEqual([0, 1]);
    timeline.extendTo(1000);
    expect(timeline.operations).toBe(4);
    const short = new Timeline(trace, { ...result, addresses: result.addresses!.slice(0, 3), metrics: { operations: 0 } });
    short.extendTo(4);
    expect(short.operations).toBe(3);
  });
});

describe('Timeline.allocatedAt', () => {
  it('is the naive scan\'s answer for every id and k, and the op that placed each live block', () => {
    fc.assert(fc.property(traceArb, fc.constantFrom(1, 5, 4096), (trace, spacing) => {
      const result = replay(trace, reference(), { addresses: true, series: true, heapLimit: HEAP });
      const timeline = new Timeline(trace, result, { every: spacing });
      const addresses = result.addresses!;
      for (let k = -1; k < trace.length; k++) {
        for (let id = -1; id <= trace.ids; id++) expect(timeline.allocatedAt(id, k)).toBe(naiveAllocatedAt(trace, addresses, id, k));
        for (const block of timeline.at(k).blocks) {
          const op = timeline.allocatedAt(block.id, k);
          expect(op).toBeGreaterThanOrEqual(0);
          expect(op).toBeLessThanOrEqual(k);
          expect([trace.id[op], addresses[op], trace.size[op]]).toEqual([block.id, block.address, block.size]);
        }
      }
    }), { numRuns: 60 });
  });

  it('finds realloc as the allocating op, skips a failed realloc and a NULL malloc, and looks only at operations taken in', () => {
    const trace = traceOf('r', [
      [Alloc, 0, 100], [Alloc, 1, 0], [Realloc, 0, 300], [Realloc, 0, 2 * HEAP], [Free, 0], [Alloc, 0, 8], [Free, -1], [Free, 0], [Free, 1],
    ]);
    const result = replay(trace, reference(), { addresses: true, series: true, heapLimit: HEAP });
    expect(result.ok).toBe(true);
    const timeline = new Timeline(trace, result);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => timeline.allocatedAt(0, k))).toEqual([0, 0, 2, 2, 2, 5, 5, 5, 5]);
    expect(timeline.allocatedAt(1, 8)).toBe(-1); // malloc(0) gave NULL
    expect(timeline.allocatedAt(0, -1)).toBe(-1);
    expect(timeline.allocatedAt(7, 8)).toBe(-1); // no such id
    expect(timeline.allocatedAt(0, 1e9)).toBe(5);
    const partial = new Timeline(trace, { ...result, metrics: { operations: 3 } });
    expect(partial.allocatedAt(0, 8)).toBe(2);
    partial.extendTo(6);
    expect(partial.allocatedAt(0, 8)).toBe(5);
  });
});

describe('replay onProgress(done, total, partial)', () => {
  /** Every callback's done, total and heap base, with copies of the partial arrays up to done. */
  function record(trace: Trace, options: ReplayOptions, target = reference()) {
    const calls: { done: number; total: number; heapBase: number; series: Record<string, number[]> | null; addresses: number[] | null; partial: ReplayPartial }[] = [];
    const result = replay(trace, target, {
      heapLimit: HEAP, ...options,
      onProgress: (done, total, partial) => calls.push({
        done, total, heapBase: partial.heapBase, partial,
        series: partial.series && Object.fromEntries(KEYS.map((k) => [k, Array.from(partial.series![k].subarray(0, done))])),
        addresses: partial.addresses && Array.from(partial.addresses.subarray(0, done)),
      }),
    });
    return { result, calls };
  }

  it('hands arrays valid up to done at every call, every `progressEvery` operations and at the end', () => {
    fc.assert(fc.property(traceArb, fc.integer({ min: 1, max: 40 }), (trace, every) => {
      const { result, calls } = record(trace, { series: true, addresses: true, progressEvery: every });
      expect(result.ok).toBe(true);
      const n = trace.length;
      const inLoop = Array.from({ length: Math.floor(n / every) }, (_, i) => (i + 1) * every);
      expect(calls.map((c) => c.done)).toEqual([...inLoop, n]);
      for (const c of calls) {
        expect(c.total).toBe(n);
        expect(c.heapBase).toBe(result.heapBase);
        for (const key of KEYS) expect(c.series![key]).toEqual(Array.from(result.series![key].subarray(0, c.done)));
        expect(c.addresses).toEqual(Array.from(result.addresses!.subarray(0, c.done)));
        // The same growing arrays each time (a Timeline may read them as they fill).
        expect(c.partial.addresses).toBe(calls[0]!.partial.addresses);
        expect(c.partial.series).toBe(calls[0]!.partial.series);
        expect(c.partial.addresses!.length).toBe(n);
      }
    }), { numRuns: 60 });
  });

  it('gives null arrays when none are kept, and the default spacing of 4096', () => {
    const trace = randomSizes({ seed: 2, ops: 10_000 });
    const { result, calls } = record(trace, {}, localTarget(TunableAllocator));
    expect(result.ok).toBe(true);
    expect(calls.map((c) => c.done)).toEqual([4096, 8192, trace.length]);
    for (const c of calls) expect([c.partial.series, c.partial.addresses]).toEqual([null, null]);
    const some = record(trace, { series: true, progressEvery: 5000 }, localTarget(TunableAllocator));
    // n a multiple of progressEvery: the end's call may repeat the last one (same done).
    expect([...new Set(some.calls.map((c) => c.done))]).toEqual([5000, trace.length]);
    expect(some.calls.at(-1)!.done).toBe(trace.length);
    expect(some.calls.every((c) => c.partial.series !== null && c.partial.addresses === null)).toBe(true);
  });

  it('ends at the failing operation: done is the operations completed, the arrays valid that far', () => {
    const trace = traceOf('bad', [[Alloc, 0, 8], [Alloc, 1, 16], [Free, 0], [Realloc, 1, 40], [Free, 0], [Free, 1]]);
    const { result, calls } = record(trace, { series: true, addresses: true, progressEvery: 2 });
    expect(result.failure).toMatchObject({ op: 4, kind: 'trace' });
    expect(calls.map((c) => [c.done, c.total])).toEqual([[2, 6], [4, 6], [4, 6]]);
    const last = calls.at(-1)!;
    expect(last.addresses).toEqual(Array.from(result.addresses!));
    expect(result.addresses!.length).toBe(4);
    expect(last.series!.payload).toEqual([8, 24, 16, 40]);
    // A Timeline over the partial arrays, extended to done, is the finished one.
    const followed = new Timeline(trace, { ...last.partial, metrics: { operations: 0 } });
    followed.extendTo(last.done);
    const whole = new Timeline(trace, result);
    for (const k of [-1, 0, 1, 2, 3]) expect(followed.at(k)).toEqual(whole.at(k));
  });
});

describe('reallocHeavy streamed', () => {
  it('agrees with the finished timeline at every operation', () => {
    const trace = reallocHeavy({ seed: 5, ops: 3000 });
    const finished = replay(trace, reference(), { addresses: true, series: true, heapLimit: HEAP });
    expect(finished.ok).toBe(true);
    const whole = new Timeline(trace, finished, { every: 64 });
    const { timeline } = stream(trace, reference(), 'shared', 100, (i) => i % 4 === 0, 64);
    for (let k = -1; k < trace.length; k++) expect(timeline.at(k)).toEqual(whole.at(k));
  });
});
