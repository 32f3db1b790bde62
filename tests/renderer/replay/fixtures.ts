// Replay data for the renderer's tests: charts from per-operation values (one bucket per operation
// or evenly cut), frames with a small heap, the end of a replay, and ReplayInfo.
import type { ChartSeries, ReplayCharts, ReplayEnd, ReplayFrame, ReplayInfo, ReplaySeriesName } from '../../../electron/contract';
import { replaySeriesNames } from '../../../electron/contract';

/** One series of `values` over operations [from, from + values.length), in buckets of `per` operations. */
export function series(values: number[], per = 1, from = 0): ChartSeries {
  const out: ChartSeries = { x: [], min: [], max: [], last: [] };
  for (let i = 0; i < values.length; i += per) {
    const bucket = values.slice(i, i + per);
    out.x.push(from + i);
    out.min.push(Math.min(...bucket));
    out.max.push(Math.max(...bucket));
    out.last.push(bucket[bucket.length - 1]!);
  }
  return out;
}

/** Charts over [0, n) where series `name` is `values[name]` (else i for operation i). */
export function charts(n: number, values: Partial<Record<ReplaySeriesName, number[]>> = {}, per = 1): ReplayCharts {
  const s = {} as ReplayCharts['series'];
  for (const name of replaySeriesNames) s[name] = series(values[name] ?? Array.from({ length: n }, (_, i) => i), per);
  return { from: 0, to: n, series: s };
}

/** The state after `op`: a heap of 64 bytes at 0xb0001000 in 16-byte cells (payload, free, overhead, payload). */
export function frame(op: number, extra: Partial<ReplayFrame> = {}): ReplayFrame {
  return {
    op, operation: op < 0 ? '' : `a ${op} 16 → 0xb0001000`, line: op < 0 ? 0 : op + 2, payload: 32, heapSize: 64, blocks: 2, holes: 1,
    largestHole: 16, external: 0, heap: { from: 0xb0001000, to: 0xb0001040, bytesPerCell: 16, cells: '2132', fill: 'a0aa' }, ...extra,
  };
}

export function info(replayId = 'replay-1-a', extra: Partial<ReplayInfo> = {}): ReplayInfo {
  return { replayId, exercise: '07-malloc', trace: 'peak', total: 1000, label: 'your code', heapBase: 0xb0001000, layout: false, closed: null, ...extra };
}

export function end(replayId: string, done: number, extra: Partial<ReplayEnd> = {}): ReplayEnd {
  return { replayId, ok: true, done, failure: null, metrics: null, error: null, stopped: false, ms: 1234, ...extra };
}

/** A manual requestAnimationFrame: `schedule` queues, frames run when `run(t)` is called. */
export function manualFrames() {
  const queue = new Map<number, (t: number) => void>();
  let next = 1;
  return {
    schedule: (fn: (t: number) => void) => { queue.set(next, fn); return next++; },
    cancel: (h: number) => { queue.delete(h); },
    run(t = 0) { const due = [...queue.values()]; queue.clear(); due.forEach((fn) => fn(t)); },
    get pending() { return queue.size; },
  };
}
