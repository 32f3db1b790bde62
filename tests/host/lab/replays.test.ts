// The lab host's replay sessions (replayStart, replayFrame, replayCharts, replayBlock, replayStop,
// replayClose) on a temp workspace with the built-in exercises: a 07-malloc reference replay streams
// bounded progress events and one replayDone, and its frames, charts and blocks agree with the engine's
// replay() and Timeline in process; compile errors, a throwing malloc, a stopped 1M-operation replay,
// the session limit (least recently used closed), refused exercises, traces and generator options;
// 08-fragmentation's engine allocator with its declared layout (metadata cells) and a bad config.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_REPLAY_OPS, MAX_REPLAY_SESSIONS, replaySeriesNames, type LabEvent, type LabEvents, type ReplayEnd, type ReplayInfo, type ReplayStartRequest,
} from '../../../electron/contract';
import { createLabHost, type LabHost } from '../../../electron/host/lab';
import { decimate } from '../../../engine/grader/Decimate';
import { heapPicture, heapSegments, TUNABLE_LAYOUT } from '../../../engine/grader/HeapMap';
import { localTarget } from '../../../engine/grader/LocalTarget';
import { replay, type ReplayResult } from '../../../engine/grader/Replay';
import { Timeline } from '../../../engine/grader/Timeline';
import { generate } from '../../../engine/workload/generators';
import { describeOp, OpKind, type Trace } from '../../../engine/workload/Trace';
import { tunableAllocatorClass } from '../../../engine/workload/TunableAllocator';
import { readTuningConfig } from '../../../engine/workload/TuningConfig';
import { findExercise, loadExercise, loadTrace } from '../../../electron/host/grader/exercise';
import Reference from '../../../exercises/07-malloc/reference';

type Progress = LabEvents['replayProgress'];
const LIMIT = 32 * 1024 * 1024;
const GENERATED = { generator: 'randomSizes', options: { ops: 30_000, seed: 3 } };
const SMALL = { generator: 'randomSizes', options: { ops: 200, seed: 3 } };
const MIN_HOLE = 32;

/** A bump allocator whose malloc throws at its sixth call. */
const THROWS_AT_SIXTH = `import type { Heap, MallocAllocator } from 'freenos-lab';
export default class Bump implements MallocAllocator {
  private calls = 0;
  constructor(private readonly heap: Heap) {}
  malloc(size: number): number {
    if (++this.calls > 5) throw new Error('malloc gave up at call ' + this.calls);
    return this.heap.grow(Math.ceil(size / 8) * 8);
  }
  free(address: number): void {}
}
`;
const THROWS_AT_FIRST = THROWS_AT_SIXTH.replace('> 5', '> 0');
/** Line 4 does not parse. */
const DOES_NOT_COMPILE = `export default class Broken {
  malloc(size: number): number {
    const x = 1;
    return size + ;
  }
  free(address: number): void {}
}
`;

const progress = new Map<string, Progress[]>();
const ends = new Map<string, ReplayEnd[]>();
function listener<E extends LabEvent>(event: E, data: LabEvents[E]): void {
  if (event === 'replayProgress') {
    const p = data as Progress;
    progress.set(p.replayId, [...(progress.get(p.replayId) ?? []), p]);
  } else if (event === 'replayDone') {
    const e = data as ReplayEnd;
    ends.set(e.replayId, [...(ends.get(e.replayId) ?? []), e]);
  }
}

/** The replayDone of a session (waits for it). */
async function ended(replayId: string, timeoutMs = 40_000): Promise<ReplayEnd> {
  const until = performance.now() + timeoutMs;
  while (!ends.has(replayId)) {
    if (performance.now() > until) throw new Error(`no replayDone for ${replayId} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return ends.get(replayId)![0]!;
}

const newHost = () => createLabHost({ workspace: mkdtempSync(path.join(tmpdir(), 'lab-replays-')), host: 'web', listener });

describe('the lab host: replay sessions', () => {
  let host: LabHost;
  beforeAll(() => {
    host = newHost();
  });
  afterAll(async () => {
    await host.dispose();
  });

  describe('07-malloc\'s reference on a generated 30 000-operation trace', () => {
    let info: ReplayInfo;
    let end: ReplayEnd;
    let trace: Trace;
    let result: ReplayResult;
    let timeline: Timeline;
    let maxHeap: number;

    beforeAll(async () => {
      info = await host.replayStart({ exercise: '07-malloc', trace: GENERATED, subject: { code: 'reference' } });
      // The same trace and allocator in process, while the host's worker runs.
      trace = generate(GENERATED.generator, GENERATED.options);
      result = replay(trace, localTarget(Reference, { limit: LIMIT, parent: 'pages' }), { heapLimit: LIMIT, series: true, addresses: true });
      timeline = new Timeline(trace, result, { minHole: MIN_HOLE });
      maxHeap = Math.max(...result.series!.heap);
      end = await ended(info.replayId);
    }, 60_000);

    it('starts with the session\'s description', () => {
      expect(info).toMatchObject({ exercise: '07-malloc', trace: trace.name, total: trace.length, label: 'reference', layout: false, closed: null });
      expect(info.replayId).toMatch(/^replay-[0-9]+-[0-9a-z]+$/);
      expect(result.ok).toBe(true);
    });

    it('streams replayProgress: done increasing up to total, bounded charts, the frame at the newest operation', () => {
      const events = progress.get(info.replayId)!;
      expect(events.length).toBeGreaterThanOrEqual(2);
      let before = 0;
      for (const e of events) {
        expect(e.total).toBe(trace.length);
        // Never back (strictly increasing, no repeats, is checked on a short replay below, where it is deterministic).
        expect(e.done).toBeGreaterThanOrEqual(before);
        expect(e.done).toBeLessThanOrEqual(e.total);
        before = e.done;
        expect(e.frame.op).toBe(e.done - 1);
        expect(e.frame.heap.cells.length).toBeLessThanOrEqual(4096);
        expect(e.charts).toMatchObject({ from: 0, to: e.done });
        expect(Object.keys(e.charts.series).sort()).toEqual([...replaySeriesNames].sort());
        for (const name of replaySeriesNames) {
          const s = e.charts.series[name];
          expect(s.x.length).toBeGreaterThan(0);
          expect(s.x.length).toBeLessThanOrEqual(512);
          expect([s.min.length, s.max.length, s.last.length]).toEqual([s.x.length, s.x.length, s.x.length]);
          expect(s.x[0]).toBe(0);
          expect(s.x.at(-1)!).toBeLessThan(e.done);
        }
        // The charts so far agree with the engine's series: the last bucket ends at the newest operation.
        expect(e.charts.series.payload.last.at(-1)).toBe(result.series!.payload[e.done - 1]);
        expect(Math.max(...e.charts.series.heap.max)).toBe(Math.max(...result.series!.heap.subarray(0, e.done)));
        expect(e.frame.payload).toBe(result.series!.payload[e.done - 1]);
      }
      expect(events.at(-1)!.done).toBe(trace.length);
    });

    it('ends with one replayDone: ok, every operation done, the metrics of the engine\'s replay', () => {
      expect(ends.get(info.replayId)).toHaveLength(1);
      expect(end).toMatchObject({ replayId: info.replayId, ok: true, done: trace.length, failure: null, error: null, stopped: false });
      expect(end.ms).toBeGreaterThan(0);
      const m = result.metrics;
      expect(end.metrics).toMatchObject({
        operations: trace.length, peakPayload: m.peakPayload, heapHighWater: m.heapHighWater, holes: m.holes, largestHole: m.largestHole,
      });
      expect(end.metrics!.utilization).toBeCloseTo(m.utilization, 12);
      expect(end.metrics!.meanExternal).toBeCloseTo(m.meanExternal, 12);
    });

    it('answers replayFrame for any operation as the engine\'s Timeline does: numbers and heap map', async () => {
      const n = trace.length;
      for (const op of [-1, 0, 1, 2, 1023, 1024, 4095, 4096, 9999, 12_345, 20_000, n - 2, n - 1]) {
        const frame = await host.replayFrame(info.replayId, op, { cells: 1024 });
        const state = timeline.at(op);
        expect(frame).toMatchObject({
          op, payload: state.payload, heapSize: state.heapEnd - result.heapBase, blocks: state.blocks.length,
          holes: state.holes, largestHole: state.largestHole, line: 0,
        });
        expect(frame.external).toBeCloseTo(state.external, 12);
        // The default window: the heap's base to its largest end over the replay.
        const segments = heapSegments(state.blocks, result.heapBase, state.heapEnd, MIN_HOLE);
        const to = Math.max(result.heapBase + maxHeap, state.heapEnd, result.heapBase + 1);
        expect(frame.heap).toEqual(heapPicture(segments, result.heapBase, to, 1024));
        if (op < 0) expect(frame.operation).toBe('');
        else expect(frame.operation.startsWith(describeOp(trace, op))).toBe(true);
        if (op >= 0 && trace.kind[op] === OpKind.Alloc) expect(frame.operation).toBe(`${describeOp(trace, op)} → 0x${result.addresses![op]!.toString(16)}`);
      }
      // A window of its own: the heap's first 4 KiB, 64 bytes a cell.
      const op = 15_000;
      const state = timeline.at(op);
      const window = { from: result.heapBase, to: result.heapBase + 4096, cells: 64 };
      const frame = await host.replayFrame(info.replayId, op, window);
      expect(frame.heap).toEqual(heapPicture(heapSegments(state.blocks, result.heapBase, state.heapEnd, MIN_HOLE), window.from, window.to, 64));
      expect(frame.heap.bytesPerCell).toBe(64);
      await expect(host.replayFrame(info.replayId, n, { cells: 16 })).rejects.toThrow(/operation 30000 is not replayed yet \(30000 of 30000 done\)/);
    });

    it('answers replayCharts clamped to the operations done, in at most `buckets` buckets', async () => {
      const all = await host.replayCharts(info.replayId, 0, MAX_REPLAY_OPS - 1, 100);
      expect(all).toMatchObject({ from: 0, to: trace.length });
      for (const name of replaySeriesNames) expect(all.series[name].x.length).toBe(100);
      expect(all.series.payload).toEqual(decimate(result.series!.payload, 0, trace.length, 100));
      expect(all.series.heap).toEqual(decimate(result.series!.heap, 0, trace.length, 100));
      expect(all.series.holes).toEqual(decimate(result.series!.holes, 0, trace.length, 100));

      const zoom = await host.replayCharts(info.replayId, 1000, 2000, 7);
      expect(zoom).toMatchObject({ from: 1000, to: 2000 });
      expect(zoom.series.payload).toEqual(decimate(result.series!.payload, 1000, 2000, 7));
      expect(zoom.series.largestHole.x).toHaveLength(7);

      const fine = await host.replayCharts(info.replayId, 100, 110, 4000);
      expect(fine.series.payload.x).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
      expect(fine.series.payload.last).toEqual(Array.from(result.series!.payload.subarray(100, 110)));

      const one = await host.replayCharts(info.replayId, 0, 30_000, 1);
      expect(one.series.payload).toEqual({ x: [0], min: [0], max: [result.metrics.peakPayload], last: [result.series!.payload[trace.length - 1]] });
      // Fractions are rounded to 5 decimals.
      for (const v of all.series.external.max) expect(Math.abs(v * 1e5 - Math.round(v * 1e5))).toBeLessThan(1e-6);

      const empty = await host.replayCharts(info.replayId, 5000, 4000, 10);
      expect(empty).toMatchObject({ from: 5000, to: 5000 });
      expect(empty.series.rss.x).toEqual([]);
      const past = await host.replayCharts(info.replayId, 40_000, 50_000, 10);
      expect(past.to).toBeGreaterThanOrEqual(past.from);
      expect(past.series.work.x).toEqual([]);
    });

    it('answers replayBlock: the payload under an address with the op that allocated it, holes, null outside', async () => {
      for (const op of [10, 5000, 15_000, 25_000]) {
        const state = timeline.at(op);
        expect(state.blocks.length).toBeGreaterThan(2);
        for (const block of [state.blocks[0]!, state.blocks[Math.floor(state.blocks.length / 2)]!, state.blocks.at(-1)!]) {
          for (const address of [block.address, block.address + block.size - 1]) {
            const got = await host.replayBlock(info.replayId, op, address);
            expect(got).toMatchObject({ kind: 'payload', address: block.address, size: block.size, id: block.id });
            expect(got!.allocatedAt).toBeLessThanOrEqual(op);
            expect(got!.allocatedAt).toBe(timeline.allocatedAt(block.id, op));
            expect(trace.id[got!.allocatedAt]).toBe(block.id);
            expect(result.addresses![got!.allocatedAt]).toBe(block.address);
          }
        }
        const hole = timeline.holesAt(op)[0];
        if (hole) {
          expect(await host.replayBlock(info.replayId, op, hole.address + 1)).toEqual({ kind: 'free', address: hole.address, size: hole.size, id: -1, allocatedAt: -1 });
        }
        expect(await host.replayBlock(info.replayId, op, result.heapBase - 1)).toBeNull();
        expect(await host.replayBlock(info.replayId, op, state.heapEnd)).toBeNull();
      }
      // Before the first operation the heap is empty: nothing is inside it.
      expect(await host.replayBlock(info.replayId, -1, result.heapBase)).toBeNull();
      await expect(host.replayBlock(info.replayId, trace.length, result.heapBase)).rejects.toThrow(/not replayed yet/);
    });

    it('refuses bad arguments with checkCall\'s text', async () => {
      await expect(host.replayFrame(info.replayId, 0, { cells: 0 })).rejects.toThrow('replayFrame: args[2] (window): cells must be an integer');
      await expect(host.replayCharts(info.replayId, 0, 10, 0)).rejects.toThrow('replayCharts: args[3] (buckets)');
      await expect(host.replayBlock('nope', 0, 0)).rejects.toThrow('replayBlock: args[0] (replayId): must be a replay id');
    });

    it('closes the session: later calls reject naming it', async () => {
      expect(await host.replayStop(info.replayId)).toBe(false); // it has ended
      expect(await host.replayClose(info.replayId)).toBe(true);
      expect(await host.replayClose(info.replayId)).toBe(false);
      await expect(host.replayFrame(info.replayId, 0, { cells: 8 })).rejects.toThrow(`no replay '${info.replayId}'`);
    });
  });

  it('sends each progress only once: a short replay (one chunk) gives one replayProgress, then replayDone', async () => {
    const info = await host.replayStart({ exercise: '07-malloc', trace: SMALL, subject: { code: 'reference' } });
    const end = await ended(info.replayId);
    expect(end).toMatchObject({ ok: true, done: 200 });
    const dones = progress.get(info.replayId)!.map((e) => e.done);
    // done strictly increasing: the same state twice is a repeat the REPLAY_PROGRESS_MS throttle should not let through.
    expect(dones).toEqual([200]);
    await host.replayClose(info.replayId);
  });

  it('ends a submission that does not compile with an error naming submission.ts and the line', async () => {
    const info = await host.replayStart({ exercise: '07-malloc', trace: SMALL, subject: { code: 'submission', source: DOES_NOT_COMPILE } });
    expect(info.label).toBe('your code');
    const end = await ended(info.replayId);
    expect(end).toMatchObject({ ok: false, done: 0, failure: null, metrics: null, stopped: false });
    expect(end.error).toMatch(/^submission\.ts does not compile: line 4:\d+ /);
    expect(progress.get(info.replayId)).toBeUndefined();
    await host.replayClose(info.replayId);
  });

  it('ends with the failure when the student\'s malloc throws, the operations before it still answered', async () => {
    const info = await host.replayStart({ exercise: '07-malloc', trace: SMALL, subject: { code: 'submission', source: THROWS_AT_SIXTH } });
    const trace = generate(SMALL.generator, SMALL.options);
    const mallocs = [...trace.kind.keys()].filter((k) => trace.kind[k] !== OpKind.Free);
    const sixth = mallocs[5]!;
    const end = await ended(info.replayId);
    expect(end).toMatchObject({ ok: false, error: null, stopped: false });
    expect(end.failure).toMatchObject({ op: sixth, kind: 'target', operation: describeOp(trace, sixth) });
    expect(end.failure!.reason).toMatch(/malloc gave up at call 6 \(at submission\.ts:6:/);
    expect(end.metrics!.operations).toBe(sixth);
    // ReplayEnd.done: the operations completed, the failing one not among them.
    expect(end.done).toBe(sixth);
    expect(progress.get(info.replayId)!.at(-1)!.done).toBe(sixth);
    const frame = await host.replayFrame(info.replayId, sixth - 1, { cells: 32 });
    const live = new Set<number>();
    for (let k = 0; k < sixth; k++) {
      if (trace.kind[k] === OpKind.Free) live.delete(trace.id[k]!);
      else live.add(trace.id[k]!);
    }
    expect(frame.blocks).toBe(live.size);
    expect(frame.op).toBe(sixth - 1);
    await expect(host.replayFrame(info.replayId, sixth, { cells: 32 })).rejects.toThrow(/not replayed yet/);
    await host.replayClose(info.replayId);
  });

  it('answers op -1 (the empty heap) for a replay that failed at its first operation', async () => {
    const info = await host.replayStart({ exercise: '07-malloc', trace: SMALL, subject: { code: 'submission', source: THROWS_AT_FIRST } });
    const end = await ended(info.replayId);
    expect(end).toMatchObject({ ok: false, done: 0, error: null });
    expect(end.failure).toMatchObject({ op: 0, kind: 'target' });
    // The contract: replayFrame takes -1 .. done - 1, so -1 even when done is 0.
    try {
      const frame = await host.replayFrame(info.replayId, -1, { cells: 16 });
      expect(frame).toMatchObject({ op: -1, operation: '', payload: 0, blocks: 0, holes: 0 });
    } finally {
      await host.replayClose(info.replayId);
    }
  });

  it('stops a long replay (1M operations): stopped, fewer operations done, charts clamped to them', async () => {
    const info = await host.replayStart({ exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: 1_000_000, seed: 9 } }, subject: { code: 'reference' } });
    expect(info.total).toBe(1_000_000);
    const until = performance.now() + 30_000;
    while (!progress.get(info.replayId)?.length && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    const first = progress.get(info.replayId)![0]!;
    expect(first.done).toBeLessThan(info.total);
    const charts = await host.replayCharts(info.replayId, 0, MAX_REPLAY_OPS - 1, 50);
    expect(charts.from).toBe(0);
    expect(charts.to).toBeGreaterThanOrEqual(first.done);
    expect(charts.to).toBeLessThan(info.total);
    expect(charts.series.payload.x.length).toBeLessThanOrEqual(50);
    const stoppedAt = performance.now();
    expect(await host.replayStop(info.replayId)).toBe(true);
    const end = await ended(info.replayId);
    expect(performance.now() - stoppedAt).toBeLessThan(5000);
    expect(end).toMatchObject({ ok: false, stopped: true, failure: null, metrics: null, error: 'the replay was stopped' });
    expect(end.done).toBeLessThan(info.total);
    expect(end.done).toBeGreaterThanOrEqual(first.done);
    expect(ends.get(info.replayId)).toHaveLength(1);
    expect(await host.replayStop(info.replayId)).toBe(false);
    // What was done stays answerable.
    expect((await host.replayFrame(info.replayId, first.done - 1, { cells: 8 })).op).toBe(first.done - 1);
    await host.replayClose(info.replayId);
  }, 45_000);

  it('refuses an api exercise, an unknown trace (listing the traces) and an unknown generator', async () => {
    await expect(host.replayStart({ exercise: '01-bit-allocator', trace: { trace: 'small' }, subject: { code: 'reference' } }))
      .rejects.toThrow(/01-bit-allocator is an api exercise.*07-malloc/);
    const unknown = host.replayStart({ exercise: '07-malloc', trace: { trace: 'nope' }, subject: { code: 'reference' } });
    await expect(unknown).rejects.toThrow(/07-malloc: no trace 'nope' to replay \(traces: .*ramp-random.*peak.*adversarial-next-fit/);
    await expect(unknown).rejects.not.toThrow(/hidden-random/);
    await expect(host.replayStart({ exercise: '07-malloc', trace: { generator: 'noSuchThing', options: {} }, subject: { code: 'reference' } }))
      .rejects.toThrow(/unknown generator 'noSuchThing'/);
    await expect(host.replayStart({ exercise: '99-none', trace: SMALL, subject: { code: 'reference' } })).rejects.toThrow(/no exercise '99-none'/);
  });

  it('refuses a generated trace above MAX_REPLAY_OPS, ops given as a number or as a numeric string', async () => {
    const over = MAX_REPLAY_OPS + 2;
    await expect(host.replayStart({ exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: over } }, subject: { code: 'reference' } }))
      .rejects.toThrow(`at most ${MAX_REPLAY_OPS}`);
    // The generator reads '2000002' as 2000002: the limit must hold for it too.
    const started = host.replayStart({ exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: String(over) } }, subject: { code: 'reference' } })
      .then(async (info) => {
        await host.replayClose(info.replayId);
        return info;
      });
    await expect(started).rejects.toThrow(`at most ${MAX_REPLAY_OPS}`);
  });

  describe('08-fragmentation\'s engine allocator', () => {
    it('replays { fit: best } with its declared layout: metadata cells at byte granularity', async () => {
      const request: ReplayStartRequest = { exercise: '08-fragmentation', trace: { trace: 'coalescing' }, subject: { code: 'engine', config: { fit: 'best' } } };
      const info = await host.replayStart(request);
      expect(info).toMatchObject({ label: 'engine (best fit)', layout: true, trace: 'coalescing' });
      const end = await ended(info.replayId);
      expect(end).toMatchObject({ ok: true, done: info.total, error: null });
      // The same replay in process.
      const exercise = loadExercise(findExercise('08-fragmentation'));
      const trace = loadTrace(exercise, 'coalescing');
      expect(trace.length).toBe(info.total);
      const result = replay(trace, localTarget(tunableAllocatorClass(readTuningConfig({ fit: 'best' })), { limit: LIMIT, parent: 'sbrk' }),
        { heapLimit: LIMIT, series: true, addresses: true });
      const timeline = new Timeline(trace, result, { minHole: MIN_HOLE });
      const op = Math.floor(trace.length / 2);
      const state = timeline.at(op);
      const whole = await host.replayFrame(info.replayId, op, { cells: 2048 });
      expect(whole).toMatchObject({ payload: state.payload, blocks: state.blocks.length, heapSize: state.heapEnd - result.heapBase });
      // Zoomed on one block, a cell a byte: header (metadata), payload, padding to the 8-byte block, footer (metadata).
      const block = state.blocks.find((b) => (b.size + 8) % 8 !== 0)!;
      expect(block).toBeDefined();
      const window = { from: block.address - 8, to: block.address + block.size + 16, cells: 4096 };
      const frame = await host.replayFrame(info.replayId, op, window);
      expect(frame.heap.bytesPerCell).toBe(1);
      expect(frame.heap.cells.length).toBe(window.to - window.from);
      expect(frame.heap.cells.slice(4, 8)).toBe('4444');
      expect(frame.heap.cells.slice(8, 8 + block.size)).toBe('2'.repeat(block.size));
      expect(frame.heap.cells.slice(8 + block.size)).toMatch(/^5+4444/);
      const segments = heapSegments(state.blocks, result.heapBase, state.heapEnd, MIN_HOLE, TUNABLE_LAYOUT);
      expect(frame.heap).toEqual(heapPicture(segments, window.from, window.to, 4096));
      expect(await host.replayBlock(info.replayId, op, block.address - 1)).toMatchObject({ kind: 'metadata', address: block.address - 4, size: 4, id: -1, allocatedAt: -1 });
      expect(await host.replayBlock(info.replayId, op, block.address + block.size)).toMatchObject({ kind: 'padding', id: -1 });
      await host.replayClose(info.replayId);
    });

    it('ends an invalid engine config with an error naming config.fit', async () => {
      const info = await host.replayStart({ exercise: '08-fragmentation', trace: { trace: 'coalescing' }, subject: { code: 'engine', config: { fit: 'worst' } } });
      const end = await ended(info.replayId);
      expect(end).toMatchObject({ ok: false, done: 0, failure: null, metrics: null, stopped: false });
      expect(end.error).toMatch(/^config\.fit: 'worst' must be first, next or best/);
      await host.replayClose(info.replayId);
    });
  });
});

describe('the lab host: at most MAX_REPLAY_SESSIONS replays', () => {
  let host: LabHost;
  beforeAll(() => {
    host = newHost();
  });
  afterAll(async () => {
    await host.dispose();
  });

  it('closes the least recently used session to start one more; calls on it reject naming it', async () => {
    const start = () => host.replayStart({ exercise: '07-malloc', trace: SMALL, subject: { code: 'reference' } });
    const ids: string[] = [];
    for (let i = 0; i < MAX_REPLAY_SESSIONS; i++) {
      const info = await start();
      expect(info.closed).toBeNull();
      ids.push(info.replayId);
    }
    expect(new Set(ids).size).toBe(MAX_REPLAY_SESSIONS);
    // Using the oldest makes the second the least recently used.
    await host.replayCharts(ids[0]!, 0, 10, 5);
    const seventh = await start();
    expect(seventh.closed).toBe(ids[1]);
    const eighth = await start();
    expect(eighth.closed).toBe(ids[2]);
    for (const closed of [ids[1]!, ids[2]!]) {
      const message = `no replay '${closed}' (it ended with its page, or was closed to make room: start it again)`;
      await expect(host.replayFrame(closed, -1, { cells: 8 })).rejects.toThrow(message);
      await expect(host.replayCharts(closed, 0, 10, 5)).rejects.toThrow(message);
      await expect(host.replayBlock(closed, -1, 0)).rejects.toThrow(message);
      expect(await host.replayStop(closed)).toBe(false);
      expect(await host.replayClose(closed)).toBe(false);
    }
    // The others go on to their end.
    for (const id of [ids[0]!, ...ids.slice(3), seventh.replayId, eighth.replayId]) {
      expect(await ended(id)).toMatchObject({ ok: true, done: 200 });
      expect((await host.replayFrame(id, 199, { cells: 8 })).op).toBe(199);
    }
    // Closing one makes room without closing another.
    expect(await host.replayClose(ids[0]!)).toBe(true);
    const ninth = await start();
    expect(ninth.closed).toBeNull();
    await ended(ninth.replayId);
  }, 60_000);
});
