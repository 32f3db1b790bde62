// Replay sessions of the live views (contractReplay.ts): each replays one trace against one allocator
// in a worker of its own (replayJob.ts), takes in its chunks as they come (every series and address,
// a Timeline with checkpoints, a streaming decimator) and emits replayProgress at most every
// REPLAY_PROGRESS_MS with the charts so far and the heap at the newest operation; then answers any
// operation's state (frame, block under an address) and zoomed charts. At most MAX_REPLAY_SESSIONS:
// one more closes the least recently used. Memory: about 64 bytes per operation per session.
import {
  type BlockLayout, CellKind, type DecimatedSeries, decimateSeries, heapBaseOf, heapPicture,
  type HeapSegment, heapSegments, type ReplaySeries, segmentAt, StreamDecimator, Timeline,
  type TimelineState, TUNABLE_LAYOUT,
} from '../../../engine/grader';
import { describeOp, generate, isPaperPolicyId, PAPER_POLICY_IDS, paperPolicy, type Trace } from '../../../engine/workload';
import { lowerHex } from '../../../engine/format';
import {
  heapCellKinds, MAX_REPLAY_OPS, MAX_REPLAY_SESSIONS, REPLAY_PROGRESS_MS, replaySeriesNames,
  type HeapWindow, type LabEvents, type ReplayBlockInfo, type ReplayCharts, type ReplayEnd, type ReplayFrame, type ReplayInfo, type ReplayStartRequest,
} from '../../contract';
import { loadTrace, readExerciseFile, type Exercise } from '../grader/exercise';
import type { ReplayChunk, ReplayJobInput, ReplayJobOutput, ReplayJobSubject } from '../grader/replayJob';
import { WorkerPool } from '../sandbox/WorkerPool';
import { runnableTraces } from './catalog';
import { SUBMISSION_FILE } from './runs';

const JOB = new URL('../grader/replayJob.ts', import.meta.url);
/** A replay may run this long before it is stopped (a student's allocator that crawls). */
const REPLAY_LIMIT_MS = 30 * 60_000;
/** Cells of the heap map sent with each progress event. */
const PROGRESS_CELLS = 4096;
/** Gaps below this are overhead, as the replay's default minHole. */
const MIN_HOLE = 32;

type Emit = <E extends 'replayProgress' | 'replayDone'>(event: E, data: LabEvents[E]) => void;

interface Session {
  info: ReplayInfo;
  trace: Trace;
  series: ReplaySeries;
  addresses: Float64Array;
  timeline: Timeline | null;
  decimator: StreamDecimator;
  layout: BlockLayout | null;
  done: number;
  /** Largest heap size seen so far: the heap map's default window ends at heapBase + this. */
  maxHeap: number;
  pool: WorkerPool<ReplayJobInput, ReplayJobOutput>;
  end: ReplayEnd | null;
  stopped: boolean;
  lastEmit: number;
  /** Operations done at the last progress event (none is sent twice for the same). */
  emitted: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** The state and segments of the last operation asked for (hover asks the same one many times). */
  cached: { op: number; state: TimelineState; segments: HeapSegment[] } | null;
  used: number;
}

/** The exercise's trace or a generated one; throws an Error naming what is wrong. */
export function replayTrace(exercise: Exercise, spec: ReplayStartRequest['trace']): Trace {
  if ('trace' in spec) {
    const runnable = runnableTraces(exercise);
    if (!runnable.includes(spec.trace)) throw new Error(`${exercise.spec.id}: no trace '${spec.trace}' to replay (traces: ${runnable.join(', ') || 'none'})`);
    return loadTrace(exercise, spec.trace);
  }
  const ops = spec.options.ops;
  if (ops !== undefined && Number(ops) > MAX_REPLAY_OPS) throw new Error(`a generated trace may have at most ${MAX_REPLAY_OPS} operations, not ${ops}`);
  return generate(spec.generator, spec.options);
}

export class ReplaySessions {
  private readonly sessions = new Map<string, Session>();
  private count = 0;
  private clock = 0;

  constructor(private readonly emit: Emit) {}

  /** Starts replaying; the worker runs on while events report it. Throws an Error for an exercise, trace or subject that cannot be replayed. */
  start(exercise: Exercise, request: ReplayStartRequest): ReplayInfo {
    const { spec } = exercise;
    if (spec.kind === 'api') throw new Error(`${spec.id} is an api exercise: its scenarios are shown call by call (apiTimelineStart), and replays are of malloc traces (a malloc or tune exercise, such as 07-malloc)`);
    const trace = replayTrace(exercise, request.trace);
    const { subject, label, layout } = this.subjectOf(exercise, request.subject);
    let closed: string | null = null;
    if (this.sessions.size >= MAX_REPLAY_SESSIONS) {
      const oldest = [...this.sessions.values()].reduce((a, b) => (b.used < a.used ? b : a));
      closed = oldest.info.replayId;
      this.drop(oldest);
    }
    const replayId = `replay-${++this.count}-${Date.now().toString(36)}`;
    const n = trace.length;
    const series = Object.fromEntries(replaySeriesNames.map((key) => [key, new Float64Array(n)])) as unknown as ReplaySeries;
    const pool = new WorkerPool<ReplayJobInput, ReplayJobOutput>(JOB, 1);
    const info: ReplayInfo = { replayId, exercise: spec.id, trace: trace.name, total: n, label, heapBase: heapBaseOf(spec.heap.parent), layout: layout !== null, closed };
    const session: Session = {
      info, trace, series, addresses: new Float64Array(n), timeline: null, decimator: new StreamDecimator(replaySeriesNames, 512),
      layout, done: 0, maxHeap: 0, pool, end: null, stopped: false, lastEmit: 0, emitted: 0, timer: null, cached: null, used: ++this.clock,
    };
    this.sessions.set(replayId, session);
    const started = performance.now();
    const input: ReplayJobInput = { trace, subject, heap: spec.heap, progressMs: 40 };
    void pool.run(input, { timeoutMs: REPLAY_LIMIT_MS, onProgress: (chunk) => this.take(session, chunk as ReplayChunk) }).then((result) => {
      if (this.sessions.get(replayId) !== session) return;
      void pool.close();
      const ms = Math.round(performance.now() - started);
      const end: ReplayEnd = result.ok
        ? {
          replayId, ok: result.value.ok, done: session.done, failure: result.value.failure && { ...result.value.failure },
          metrics: result.value.metrics && metricsView(result.value.metrics), error: result.value.error, stopped: false, ms,
        }
        : { replayId, ok: false, done: session.done, failure: null, metrics: null, stopped: session.stopped, ms,
          error: session.stopped ? 'the replay was stopped' : result.reason === 'timeout' ? `the replay ran past ${REPLAY_LIMIT_MS / 60_000} minutes and was stopped` : `the replay crashed: ${result.message}` };
      this.emitProgress(session); // the operations since the last event, if any (and no timer left)
      session.end = end;
      this.emit('replayDone', end);
    });
    return info;
  }

  /** The state after operation `op` with the heap map of `window`. Throws for an unknown session or an operation not replayed yet. */
  frame(replayId: string, op: number, window: HeapWindow): ReplayFrame {
    return this.frameOf(this.session(replayId), op, window);
  }

  /** Every series over [from, to) (clamped to the operations done) in at most `buckets` buckets. */
  charts(replayId: string, from: number, to: number, buckets: number): ReplayCharts {
    const session = this.session(replayId);
    const lo = Math.max(0, from), hi = Math.min(to, session.done);
    return { from: lo, to: Math.max(lo, hi), series: rounded(decimateSeries(session.series, lo, hi, buckets)) };
  }

  /** What is at `address` after operation `op`, or null outside the heap. */
  block(replayId: string, op: number, address: number): ReplayBlockInfo | null {
    const session = this.session(replayId);
    const segment = segmentAt(this.stateAt(session, op).segments, address);
    if (!segment) return null;
    const payload = segment.kind === CellKind.Payload;
    return {
      kind: heapCellKinds[segment.kind]!, address: segment.address, size: segment.size, id: segment.id,
      allocatedAt: payload ? session.timeline!.allocatedAt(segment.id, op) : -1,
    };
  }

  /** Stops a running replay (it ends with replayDone, stopped); false when it was not running. */
  async stop(replayId: string): Promise<boolean> {
    const session = this.sessions.get(replayId);
    if (!session || session.end || session.stopped) return false;
    session.stopped = true;
    await session.pool.close();
    return true;
  }

  /** Forgets a session (stopping it first); false when there was none. */
  async close(replayId: string): Promise<boolean> {
    const session = this.sessions.get(replayId);
    if (!session) return false;
    this.drop(session);
    return true;
  }

  /** Ends every session. */
  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => this.drop(s)));
  }

  private session(replayId: string): Session {
    const session = this.sessions.get(replayId);
    if (!session) throw new Error(`no replay '${replayId}' (it ended with its page, or was closed to make room: start it again)`);
    session.used = ++this.clock;
    return session;
  }

  private drop(session: Session): Promise<void> {
    this.sessions.delete(session.info.replayId);
    if (session.timer) clearTimeout(session.timer);
    session.stopped = true;
    return session.pool.close();
  }

  /** What the worker runs for a request's subject, its legend label and its block layout (known for the engine's allocator). */
  private subjectOf(exercise: Exercise, subject: ReplayStartRequest['subject']): { subject: ReplayJobSubject; label: string; layout: BlockLayout | null } {
    const tune = exercise.spec.kind === 'tune';
    const code = (source: string, file: string, name: string): ReplayJobSubject => (tune ? { kind: 'tune', source, file } : { kind: 'code', source, file, name });
    const layout = tune ? TUNABLE_LAYOUT : null;
    switch (subject.code) {
      case 'submission': return { subject: code(subject.source, SUBMISSION_FILE, 'student'), label: 'your code', layout };
      case 'reference': return { subject: code(readExerciseFile(exercise, exercise.spec.reference), exercise.spec.reference, 'reference'), label: 'reference', layout };
      case 'starter': return { subject: code(readExerciseFile(exercise, exercise.spec.starter), exercise.spec.starter, 'starter'), label: 'starter', layout };
      case 'engine': {
        const fit = typeof subject.config.fit === 'string' ? subject.config.fit : 'first';
        return { subject: { kind: 'engine', config: subject.config }, label: `engine (${fit} fit)`, layout: TUNABLE_LAYOUT };
      }
      case 'policy': {
        if (!isPaperPolicyId(subject.policy)) throw new Error(`no policy '${subject.policy}' (policies: ${PAPER_POLICY_IDS.join(', ')})`);
        const policy = paperPolicy(subject.policy);
        // The free-list policies are the engine's TunableAllocator: its block layout is known.
        return { subject: { kind: 'policy', policy: subject.policy }, label: policy.label, layout: policy.config ? TUNABLE_LAYOUT : null };
      }
    }
  }

  /** Copies a chunk into the session's arrays and brings the timeline and the decimator up to it. */
  private take(session: Session, chunk: ReplayChunk): void {
    if (session.stopped || this.sessions.get(session.info.replayId) !== session) return;
    if (!session.timeline) {
      session.timeline = new Timeline(session.trace, { addresses: session.addresses, series: session.series, heapBase: chunk.heapBase, metrics: { operations: 0 } }, { minHole: MIN_HOLE });
    }
    for (const key of replaySeriesNames) session.series[key].set(chunk.series[key], chunk.from);
    session.addresses.set(chunk.addresses, chunk.from);
    for (let k = chunk.from; k < chunk.done; k++) if (session.series.heap[k]! > session.maxHeap) session.maxHeap = session.series.heap[k]!;
    session.done = chunk.done;
    session.timeline.extendTo(chunk.done);
    session.decimator.pushUpTo(session.series, chunk.done);
    session.cached = null;
    const wait = session.lastEmit + REPLAY_PROGRESS_MS - performance.now();
    if (wait <= 0) this.emitProgress(session);
    else session.timer ??= setTimeout(() => { if (!session.stopped) this.emitProgress(session); }, wait);
  }

  /** Sends the charts and the newest heap, unless this many operations were sent already; clears a pending timer either way. */
  private emitProgress(session: Session): void {
    if (session.timer) clearTimeout(session.timer);
    session.timer = null;
    if (session.done === session.emitted) return;
    session.emitted = session.done;
    session.lastEmit = performance.now();
    const charts: ReplayCharts = { from: 0, to: session.done, series: rounded(session.decimator.snapshot()) };
    const frame = this.frameOf(session, session.done - 1, { cells: PROGRESS_CELLS });
    this.emit('replayProgress', { replayId: session.info.replayId, done: session.done, total: session.info.total, charts, frame });
  }

  /** The state after `op` and its segments (cached for the last op); RangeError for an operation not replayed yet. */
  private stateAt(session: Session, op: number): { state: TimelineState; segments: HeapSegment[] } {
    if (session.cached?.op === op) return session.cached;
    if (!session.timeline || op >= session.done) throw new RangeError(`operation ${op} is not replayed yet (${session.done} of ${session.info.total} done)`);
    const state = session.timeline.at(op);
    const segments = heapSegments(state.blocks, session.info.heapBase, state.heapEnd, MIN_HOLE, session.layout);
    session.cached = { op, state, segments };
    return session.cached;
  }

  private frameOf(session: Session, op: number, window: HeapWindow): ReplayFrame {
    const { state, segments } = this.stateAt(session, op);
    const base = session.info.heapBase;
    const from = window.from ?? base;
    const to = window.to ?? Math.max(base + session.maxHeap, state.heapEnd, from + 1);
    const picture = heapPicture(segments, from, Math.max(to, from + 1), window.cells);
    const address = op >= 0 ? session.addresses[op]! : -1;
    const operation = op < 0 ? '' : `${describeOp(session.trace, op)}${address > 0 ? ` → ${lowerHex(address)}` : address < 0 ? ' → NULL' : ''}`;
    return {
      op, operation, line: op < 0 ? 0 : session.trace.line[op]!, payload: state.payload, heapSize: state.heapEnd - base, blocks: state.blocks.length,
      holes: state.holes, largestHole: state.largestHole, external: state.external, heap: picture,
    };
  }
}

function metricsView(m: NonNullable<ReplayJobOutput['metrics']>) {
  return {
    operations: m.operations, utilization: m.utilization, peakPayload: m.peakPayload, heapHighWater: m.heapHighWater, holes: m.holes,
    largestHole: m.largestHole, external: m.external, meanExternal: m.meanExternal, rss: m.rss, work: m.work, workPerOp: m.workPerOp,
  };
}

/** Decimated series with fractions rounded to 5 decimals (shorter JSON; integers stay as they are). */
function rounded(decimated: DecimatedSeries): ReplayCharts['series'] {
  const r = (values: number[]) => values.map((v) => (Number.isInteger(v) ? v : Math.round(v * 1e5) / 1e5));
  const series = {} as ReplayCharts['series'];
  for (const key of replaySeriesNames) {
    const d = decimated[key];
    series[key] = { x: d.x, min: r(d.min), max: r(d.max), last: r(d.last) };
  }
  return series;
}
