// The demo mode's replays (`?fake`) on the real engine, in the page: a generated trace
// (engine/workload/generators) replayed by the engine's TunableAllocator or a paper policy on
// 07-malloc's heap (32 MiB in 128 KiB pages), then Timeline, HeapMap and Decimate answer frames,
// charts and blocks as electron/host/lab/replays.ts does. The demo runs no student code: 'submission',
// 'starter' and 'reference' replay the engine's default allocator, labelled so. A replay runs in one
// go (at most DEMO_MAX_OPS operations), then sends one replayProgress and one replayDone.
import {
  heapCellKinds, replaySeriesNames, type HeapWindow, type LabEvent, type LabEvents, type ReplayCharts, type ReplayEnd, type ReplayFrame,
  type ReplayInfo, type ReplayStartRequest,
} from '../../../electron/contract';
import { decimateSeries, StreamDecimator, type DecimatedSeries } from '../../../engine/grader/Decimate';
import { CellKind, heapPicture, heapSegments, segmentAt, TUNABLE_LAYOUT } from '../../../engine/grader/HeapMap';
import { heapBaseOf, localTarget } from '../../../engine/grader/LocalTarget';
import { replay, type ReplayResult, type ReplaySeries } from '../../../engine/grader/Replay';
import { Timeline } from '../../../engine/grader/Timeline';
import { generate } from '../../../engine/workload/generators';
import { isPaperPolicyId, paperPolicy } from '../../../engine/workload/paperPolicies';
import { describeOp, type Trace } from '../../../engine/workload/Trace';
import { tunableAllocatorClass } from '../../../engine/workload/TunableAllocator';
import { readTuningConfig } from '../../../engine/workload/TuningConfig';

type Emit = <E extends LabEvent>(event: E, data: LabEvents[E]) => void;
interface Session { info: ReplayInfo; trace: Trace; result: ReplayResult | null; timeline: Timeline | null; maxHeap: number; stopped: boolean }

/** 07-malloc's heap (exercise.yaml), the replay's minHole, and the most operations the page replays at once. */
export const DEMO_HEAP = { limit: 32 * 1024 * 1024, parent: 'pages' as const };
const MIN_HOLE = 32;
export const DEMO_MAX_OPS = 200_000;

/** The allocator class, legend label and layout for a subject; Error for an unknown policy or a bad config. */
function allocatorOf(subject: ReplayStartRequest['subject']) {
  if (subject.code === 'policy') {
    if (!isPaperPolicyId(subject.policy)) throw new Error(`no policy '${subject.policy}'`);
    const p = paperPolicy(subject.policy);
    return { allocator: p.allocator, label: p.label, layout: p.config !== null };
  }
  const config = subject.code === 'engine' ? subject.config : {};
  const fit = typeof config.fit === 'string' ? config.fit : 'first';
  const label = subject.code === 'engine' ? `engine (${fit} fit)` : `engine (${fit} fit; the demo cannot run ${subject.code} code)`;
  return { allocator: tunableAllocatorClass(readTuningConfig(config)), label, layout: true };
}

/** Decimated series with fractions rounded to 5 decimals, as the host sends them. */
function rounded(d: DecimatedSeries): ReplayCharts['series'] {
  const r = (values: number[]) => values.map((v) => (Number.isInteger(v) ? v : Math.round(v * 1e5) / 1e5));
  return Object.fromEntries(replaySeriesNames.map((k) => [k, { x: d[k].x, min: r(d[k].min), max: r(d[k].max), last: r(d[k].last) }])) as ReplayCharts['series'];
}

/** The demo's replay methods (LabApi's replay part), emitting through `emit`. */
export function demoReplays(emit: Emit) {
  const sessions = new Map<string, Session>();
  let count = 0;
  const find = (id: string) => {
    const s = sessions.get(id);
    if (!s) throw new Error(`no replay '${id}' (closed, or from before a reload)`);
    return s;
  };
  const stateAt = (s: Session, op: number) => {
    if (!s.timeline || op >= s.result!.metrics.operations) throw new RangeError(`operation ${op} is not replayed (${s.result?.metrics.operations ?? 0} of ${s.info.total} done)`);
    const state = s.timeline.at(op);
    return { state, segments: heapSegments(state.blocks, s.info.heapBase, state.heapEnd, MIN_HOLE, s.info.layout ? TUNABLE_LAYOUT : null) };
  };
  const frame = (s: Session, op: number, window: HeapWindow): ReplayFrame => {
    const { state, segments } = stateAt(s, op);
    const base = s.info.heapBase, from = window.from ?? base;
    const to = window.to ?? Math.max(base + s.maxHeap, state.heapEnd, from + 1);
    const address = op >= 0 ? s.result!.addresses![op]! : -1;
    const operation = op < 0 ? '' : `${describeOp(s.trace, op)}${address > 0 ? ` → 0x${address.toString(16)}` : address < 0 ? ' → NULL' : ''}`;
    return {
      op, operation, line: op < 0 ? 0 : s.trace.line[op]!, payload: state.payload, heapSize: state.heapEnd - base, blocks: state.blocks.length,
      holes: state.holes, largestHole: state.largestHole, external: state.external, heap: heapPicture(segments, from, Math.max(to, from + 1), window.cells),
    };
  };

  /** Replays the session's trace, then reports it (or its stop) as the host's worker would. */
  function finish(s: Session, allocator: ReturnType<typeof allocatorOf>['allocator'], started: number): void {
    if (!sessions.has(s.info.replayId)) return;
    const base = { replayId: s.info.replayId, ms: 0 };
    if (s.stopped) { emit('replayDone', { ...base, ok: false, done: 0, failure: null, metrics: null, stopped: true, error: 'the replay was stopped' }); return; }
    const result = replay(s.trace, localTarget(allocator, { name: s.info.label, ...DEMO_HEAP }), { heapLimit: DEMO_HEAP.limit, series: true, addresses: true });
    const done = result.metrics.operations;
    Object.assign(s, { result, timeline: new Timeline(s.trace, result, { minHole: MIN_HOLE }), maxHeap: Math.max(0, ...result.series!.heap.subarray(0, done)) });
    if (done > 0) {
      const decimator = new StreamDecimator(replaySeriesNames, 512);
      decimator.pushUpTo(result.series!, done);
      emit('replayProgress', { replayId: s.info.replayId, done, total: s.info.total, charts: { from: 0, to: done, series: rounded(decimator.snapshot()) }, frame: frame(s, done - 1, { cells: 4096 }) });
    }
    const { operations, utilization, peakPayload, heapHighWater, holes, largestHole, external, meanExternal, rss, work, workPerOp } = result.metrics;
    const metrics = { operations, utilization, peakPayload, heapHighWater, holes, largestHole, external, meanExternal, rss, work, workPerOp };
    const end: ReplayEnd = { ...base, ok: result.ok, done, failure: result.failure && { ...result.failure }, metrics, error: null, stopped: false, ms: Math.round(performance.now() - started) };
    emit('replayDone', end);
  }

  return {
    async replayStart(request: ReplayStartRequest): Promise<ReplayInfo> {
      const t = request.trace;
      const ops = 'trace' in t ? undefined : Number(t.options.ops ?? 0);
      if (ops !== undefined && ops > DEMO_MAX_OPS) throw new Error(`the demo replays at most ${DEMO_MAX_OPS} operations in the page, not ${ops} (the lab replays up to 2 000 000)`);
      // The demo's exercise traces are the generators of the same name, seed 1.
      const trace = 'trace' in t ? generate(t.trace, { seed: 1 }) : generate(t.generator, t.options);
      const { allocator, label, layout } = allocatorOf(request.subject);
      const info: ReplayInfo = { replayId: `replay-${++count}-demo`, exercise: request.exercise, trace: trace.name, total: trace.length, label, heapBase: heapBaseOf(DEMO_HEAP.parent), layout, closed: null };
      const session: Session = { info, trace, result: null, timeline: null, maxHeap: 0, stopped: false };
      sessions.set(info.replayId, session);
      setTimeout(() => finish(session, allocator, performance.now()), 0);
      return info;
    },
    replayFrame: async (id: string, op: number, window: HeapWindow) => frame(find(id), op, window),
    replayCharts: async (id: string, from: number, to: number, buckets: number): Promise<ReplayCharts> => {
      const s = find(id), lo = Math.max(0, from), hi = Math.min(to, s.result?.metrics.operations ?? 0);
      return { from: lo, to: Math.max(lo, hi), series: rounded(decimateSeries(s.result?.series ?? emptySeries(), lo, hi, buckets)) };
    },
    replayBlock: async (id: string, op: number, address: number) => {
      const s = find(id), segment = segmentAt(stateAt(s, op).segments, address);
      if (!segment) return null;
      const payload = segment.kind === CellKind.Payload;
      return { kind: heapCellKinds[segment.kind]!, address: segment.address, size: segment.size, id: segment.id, allocatedAt: payload ? s.timeline!.allocatedAt(segment.id, op) : -1 };
    },
    replayStop: async (id: string) => { const s = sessions.get(id); if (!s || s.result || s.stopped) return false; s.stopped = true; return true; },
    replayClose: async (id: string) => sessions.delete(id),
  };
}

/** Empty series (charts asked for before the replay ran). */
function emptySeries(): ReplaySeries {
  return Object.fromEntries(replaySeriesNames.map((k) => [k, new Float64Array(0)])) as unknown as ReplaySeries;
}
