// The lab API's replay sessions (the timeline, heap map, charts and Compare), part of the contract
// (electron/contract.ts re-exports all of it): one trace replayed in the host against one allocator
// (the student's code, the exercise's reference or starter, the engine's TunableAllocator, or a
// policy of the fragmentation paper; replayPolicies ranks all of the paper's on one trace), its
// progress streamed as replayProgress events (at most ~10 a second, each with decimated charts and
// the heap map at the newest operation), then any operation's state on request. Everything sent is
// bounded: charts at most MAX_CHART_BUCKETS points per series, heap maps at most MAX_HEAP_CELLS cells.
// Pure TypeScript, as the contract: imported by electron/ and, through contract.ts, by renderer/.
import type { Check } from './contractMachine';
import { PAPER_POLICIES, type PolicyRankingView } from './contractPolicies';

/** At most this many replay sessions per host: starting one more closes the least recently used. */
export const MAX_REPLAY_SESSIONS = 6;
export const MAX_HEAP_CELLS = 65_536;
export const MAX_CHART_BUCKETS = 4_000;
/** The most operations a generated trace may have. */
export const MAX_REPLAY_OPS = 2_000_000;

/** What allocator a replay runs: the student's source, the exercise's own files, the engine's TunableAllocator with a config, or a policy of the fragmentation paper. */
export type ReplaySubject =
  | { code: 'submission'; source: string }
  | { code: 'reference' }
  | { code: 'starter' }
  /** The engine's TunableAllocator (08-fragmentation's) with these TuningConfig fields (the rest default). */
  | { code: 'engine'; config: Record<string, unknown> }
  /** One of PAPER_POLICIES by id (engine/workload/paperPolicies.ts). */
  | { code: 'policy'; policy: string };

/** The trace: one of the exercise's runnable traces by name, or a generator's trace (engine/workload/generators.ts). */
export type ReplayTraceSpec = { trace: string } | { generator: string; options: Record<string, number | string> };

export interface ReplayStartRequest {
  exercise: string;
  trace: ReplayTraceSpec;
  subject: ReplaySubject;
}

/** The per-operation series a replay keeps (engine/grader/Replay.ts's ReplaySeries), in chart order. */
export const replaySeriesNames = ['payload', 'heap', 'holes', 'largestHole', 'external', 'rss', 'work'] as const;
export type ReplaySeriesName = (typeof replaySeriesNames)[number];

/** One series cut into buckets of operations: each bucket's first operation, min, max and value at its last operation. */
export interface ChartSeries {
  x: number[];
  min: number[];
  max: number[];
  last: number[];
}

/** Every series over operations [from, to). */
export interface ReplayCharts {
  from: number;
  to: number;
  series: Record<ReplaySeriesName, ChartSeries>;
}

/**
 * What a heap-map cell shows, by its character in HeapCells.cells: the kind holding most of its bytes.
 * '0' beyond the heap's end, '1' free (a hole of at least minHole bytes), '2' payload, '3' overhead (a
 * gap below minHole: headers, footers or padding the replay cannot tell apart), '4' metadata and
 * '5' padding (known only for an allocator whose block layout is declared: the engine's).
 */
export const heapCellKinds = ['beyond', 'free', 'payload', 'overhead', 'metadata', 'padding'] as const;
export type HeapCellKind = (typeof heapCellKinds)[number];

/** The heap's bytes [from, to) in `cells.length` cells of bytesPerCell bytes each. */
export interface HeapCells {
  from: number;
  to: number;
  bytesPerCell: number;
  /** One character per cell: the index of its kind in heapCellKinds. */
  cells: string;
  /** Payload bytes per cell in tenths ('0'..'9', 'a' for all of it), for shading mixed cells. */
  fill: string;
}

/** Which bytes a heap map draws: [from, to) (default: the heap's base to its largest end), in `cells` cells. */
export interface HeapWindow {
  from?: number;
  to?: number;
  cells: number;
}

/** The heap after one operation: the operation, its numbers, and the map of a window. */
export interface ReplayFrame {
  /** The operation after which this is the state (-1: before the first). */
  op: number;
  /** The operation as text ('malloc(24) → 0xb0001010') and its trace line (0: generated); '' for -1. */
  operation: string;
  line: number;
  /** Live payload bytes, heap size, live blocks, holes, largest hole, external fragmentation (0..1). */
  payload: number;
  heapSize: number;
  blocks: number;
  holes: number;
  largestHole: number;
  external: number;
  heap: HeapCells;
}

/** The block (or hole) under an address after an operation, for the heap map's hover. */
export interface ReplayBlockInfo {
  kind: HeapCellKind;
  /** The block's payload or the hole: its first address and size in bytes. */
  address: number;
  size: number;
  /** The trace's block id and the operation that allocated it (payload only, else -1). */
  id: number;
  allocatedAt: number;
}

export interface ReplayFailureView {
  op: number;
  where: string;
  operation: string;
  kind: string;
  reason: string;
}

export interface ReplayMetricsView {
  operations: number;
  utilization: number;
  peakPayload: number;
  heapHighWater: number;
  holes: number;
  largestHole: number;
  external: number;
  meanExternal: number;
  rss: number;
  work: number;
  workPerOp: number;
}

/** A replay session as started. */
export interface ReplayInfo {
  replayId: string;
  exercise: string;
  /** The trace's name, and its operation count. */
  trace: string;
  total: number;
  /** 'submission', 'reference', 'starter' or 'engine (best fit)': for legends. */
  label: string;
  heapBase: number;
  /** Whether the heap map knows metadata and padding (the allocator's layout is declared). */
  layout: boolean;
  /** The session closed to make room (MAX_REPLAY_SESSIONS), or null. */
  closed: string | null;
}

/** Where a replay is: its progress is the events'; once done, its result. */
export interface ReplayEnd {
  replayId: string;
  ok: boolean;
  /** Operations completed (the failing one is not among them). */
  done: number;
  failure: ReplayFailureView | null;
  metrics: ReplayMetricsView | null;
  /** Set when it could not run at all (a compile error, a broken trace, a crash) or was stopped. */
  error: string | null;
  stopped: boolean;
  ms: number;
}

/** The replay methods of LabApi. */
export interface ReplayApi {
  /** Starts a replay; it goes on in a worker, reported by replayProgress events and one replayDone. */
  replayStart(request: ReplayStartRequest): Promise<ReplayInfo>;
  /** The state after operation `op` (-1 .. done - 1) and the heap map of `window`. */
  replayFrame(replayId: string, op: number, window: HeapWindow): Promise<ReplayFrame>;
  /** Every series over operations [from, to) in at most `buckets` buckets. */
  replayCharts(replayId: string, from: number, to: number, buckets: number): Promise<ReplayCharts>;
  /** What is at `address` after operation `op`: a payload, a hole or overhead; null outside the heap. */
  replayBlock(replayId: string, op: number, address: number): Promise<ReplayBlockInfo | null>;
  /** Stops a replay still running (it ends with stopped: true); false when it was not running. */
  replayStop(replayId: string): Promise<boolean>;
  /** Forgets a session; false when there was none. */
  replayClose(replayId: string): Promise<boolean>;
  /** Every policy of PAPER_POLICIES replayed on the trace (on the exercise's heap), ranked by fragmentation. */
  replayPolicies(request: { exercise: string; trace: ReplayTraceSpec }): Promise<PolicyRankingView>;
}

export interface ReplayEvents {
  /** Sent at most every REPLAY_PROGRESS_MS while a replay runs: operations done, charts so far and the heap at the newest operation. */
  replayProgress: { replayId: string; done: number; total: number; charts: ReplayCharts; frame: ReplayFrame };
  replayDone: ReplayEnd;
}

export const REPLAY_PROGRESS_MS = 100;

// ---- Argument checks ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nameOk = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(v);

export const replayId: Check = (v) => (typeof v === 'string' && /^replay-[0-9]+-[0-9a-z]+$/.test(v) ? null : 'must be a replay id');
export const replayOp: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= -1 && v < MAX_REPLAY_OPS ? null : `must be an operation index (an integer from -1 to ${MAX_REPLAY_OPS - 1})`);
export const replayAddress: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 53 ? null : 'must be an address (a whole number ≥ 0)');
export const replayBuckets: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_CHART_BUCKETS ? null : `must be an integer from 1 to ${MAX_CHART_BUCKETS}`);

export const heapWindow: Check = (v) => {
  if (!isObject(v)) return 'must be { cells, from?, to? }';
  const extra = Object.keys(v).find((k) => !['cells', 'from', 'to'].includes(k));
  if (extra) return `${extra}: not a field of a heap window (cells, from, to)`;
  const { cells, from, to } = v;
  if (typeof cells !== 'number' || !Number.isInteger(cells) || cells < 1 || cells > MAX_HEAP_CELLS) return `cells must be an integer from 1 to ${MAX_HEAP_CELLS}`;
  for (const [key, value] of [['from', from], ['to', to]] as const) {
    if (value !== undefined && replayAddress(value)) return `${key} ${replayAddress(value)}`;
  }
  if (typeof from === 'number' && typeof to === 'number' && to <= from) return 'to must be above from';
  return null;
};

/** The first problem with a request's `exercise` and `trace` (a ReplayTraceSpec), or null. */
function exerciseAndTrace(v: Record<string, unknown>): string | null {
  if (!nameOk(v.exercise)) return 'exercise must be an exercise id (letters, digits, . _ -)';
  const t = v.trace;
  if (!isObject(t)) return 'trace must be { trace } or { generator, options }';
  if ('trace' in t) {
    if (typeof t.trace !== 'string' || t.trace.length === 0 || t.trace.length > 200) return 'trace.trace must be a trace name (1 to 200 characters)';
  } else {
    if (typeof t.generator !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,59}$/.test(t.generator)) return 'trace.generator must be a generator name';
    if (!isObject(t.options)) return 'trace.options must be an object of numbers and strings';
    for (const [key, value] of Object.entries(t.options)) {
      if (typeof value !== 'number' && !(typeof value === 'string' && value.length <= 100)) return `trace.options.${key} must be a number or a short string`;
    }
    if (t.options.ops !== undefined && Number(t.options.ops) > MAX_REPLAY_OPS) return `trace.options.ops must be at most ${MAX_REPLAY_OPS}`;
  }
  return null;
}

export const replayPoliciesRequest: Check = (v) => (isObject(v) ? exerciseAndTrace(v) : 'must be { exercise, trace }');

export const replayRequest: Check = (v) => {
  if (!isObject(v)) return 'must be { exercise, trace, subject }';
  const problem = exerciseAndTrace(v);
  if (problem) return problem;
  const s = v.subject;
  if (!isObject(s)) return "subject must be { code: 'submission', source }, { code: 'reference' }, { code: 'starter' }, { code: 'engine', config } or { code: 'policy', policy }";
  switch (s.code) {
    case 'submission':
      return typeof s.source === 'string' && s.source.length <= 1_000_000 ? null : 'subject.source must be a string (at most 1 MB)';
    case 'reference':
    case 'starter':
      return null;
    case 'engine':
      return isObject(s.config) && JSON.stringify(s.config).length <= 64 * 1024 ? null : 'subject.config must be an object (TuningConfig fields)';
    case 'policy':
      return PAPER_POLICIES.some((p) => p.id === s.policy) ? null : `subject.policy must be one of ${PAPER_POLICIES.map((p) => p.id).join(', ')}`;
    default:
      return "subject.code must be 'submission', 'reference', 'starter', 'engine' or 'policy'";
  }
};
