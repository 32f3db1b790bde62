// PolicyRanking: the fragmentation paper's table (Johnstone & Wilson, ISMM 1998) on the lab's
// traces. Each policy (paperPolicies.ts) replays each trace under the checker, in-process; its
// fragmentation on a trace is the paper's measure #4, (heap high-water mark / peak live payload) - 1,
// beside measures #3 and #2 (jwMeasures). A row's score is the mean of #4 over the traces, as the
// paper averages over its programs; rows are ranked by it, lowest first. Extra rows (a student's
// allocator, run elsewhere, e.g. in the sandbox) are ranked with them. Pure and deterministic.
import { localTarget } from './LocalTarget';
import { replay, type ReplayFailure } from './Replay';
import type { Trace } from '../workload/Trace';
import { PAPER_POLICY_IDS, paperPolicy, type PaperPolicyId } from '../workload/paperPolicies';

/** The paper's fragmentation measures of one run, as fractions (0.05 = 5 %). */
export interface JwMeasures {
  /** #4: heap high-water mark / peak live payload - 1 (the two maxima may come at different times). */
  frag4: number;
  /** #3: heap high-water mark / live payload at the operation that first reached it - 1. */
  frag3: number;
  /** #2: heap size / live payload at the operation where the live payload first peaked - 1. */
  frag2: number;
}

/**
 * The measures from per-operation live payload and heap size (operations 0 .. n - 1, as a replay's
 * series keeps them); null when nothing was ever live (no ratio exists).
 */
export function jwMeasures(payload: ArrayLike<number>, heap: ArrayLike<number>, n: number): JwMeasures | null {
  let maxLive = 0, atMaxLive = -1, maxHeap = 0, atMaxHeap = -1;
  for (let k = 0; k < n; k++) {
    if (payload[k]! > maxLive) [maxLive, atMaxLive] = [payload[k]!, k];
    if (heap[k]! > maxHeap) [maxHeap, atMaxHeap] = [heap[k]!, k];
  }
  if (maxLive === 0 || atMaxHeap < 0 || payload[atMaxHeap]! === 0) return null;
  return { frag4: maxHeap / maxLive - 1, frag3: maxHeap / payload[atMaxHeap]! - 1, frag2: heap[atMaxLive]! / maxLive - 1 };
}

/** One row's result on one trace: the measures, or why the replay failed (then null). */
export interface PolicyCell {
  trace: string;
  ok: boolean;
  /** The checker's verdict in one line (`file:line: a 3 100: malloc(100) returned ...`), or null. */
  failure: string | null;
  measures: JwMeasures | null;
  peakPayload: number;
  heapHighWater: number;
}

export interface RankingRow {
  /** A policy id (paperPolicies.ts), or the extra row's own id ('submission'). */
  id: string;
  label: string;
  /** True for a row not of the paper (a student's allocator). */
  extra: boolean;
  /** One cell per trace, in the ranking's trace order. */
  cells: PolicyCell[];
  /** Means over the traces with a measure (null when none has one). */
  mean4: number | null;
  mean3: number | null;
  mean2: number | null;
  /** 1 for the lowest mean #4 (ties share a rank); null for a row that failed a trace (ranked after every complete row). */
  rank: number | null;
}

export interface PolicyRanking {
  traces: { name: string; file: string; operations: number }[];
  heap: { limit: number; parent: 'sbrk' | 'pages' };
  rows: RankingRow[];
}

export interface RankingOptions {
  heap: { limit: number; parent: 'sbrk' | 'pages' };
  /** The policies to run (default: all of PAPER_POLICY_IDS). */
  policies?: readonly PaperPolicyId[];
  /** Rows measured elsewhere, one cell per trace in `traces` order. */
  extra?: { id: string; label: string; cells: PolicyCell[] }[];
}

/** A cell from a replay's outcome: its failure (if any), live payload and heap series over `n` operations. */
export function policyCell(trace: string, failure: ReplayFailure | null, payload: ArrayLike<number>, heap: ArrayLike<number>, n: number): PolicyCell {
  let peakPayload = 0, heapHighWater = 0;
  for (let k = 0; k < n; k++) {
    if (payload[k]! > peakPayload) peakPayload = payload[k]!;
    if (heap[k]! > heapHighWater) heapHighWater = heap[k]!;
  }
  const text = failure && `${failure.where}: ${failure.operation}: ${failure.reason}`;
  return { trace, ok: failure === null, failure: text, measures: failure ? null : jwMeasures(payload, heap, n), peakPayload, heapHighWater };
}

/** Policy `id` replayed on `trace` over a fresh heap, under the checker. */
export function runPolicy(trace: Trace, id: PaperPolicyId, heap: RankingOptions['heap']): PolicyCell {
  const policy = paperPolicy(id);
  const target = localTarget(policy.allocator, { name: policy.label, limit: heap.limit, parent: heap.parent });
  const result = replay(trace, target, { heapLimit: heap.limit, series: true });
  return policyCell(trace.name, result.failure, result.series!.payload, result.series!.heap, result.metrics.operations);
}

/** Every policy on every trace, with the extra rows, ranked. */
export function rankPolicies(traces: readonly Trace[], options: RankingOptions): PolicyRanking {
  const rows: Omit<RankingRow, 'mean4' | 'mean3' | 'mean2' | 'rank'>[] = (options.policies ?? PAPER_POLICY_IDS).map((id) => ({
    id, label: paperPolicy(id).label, extra: false, cells: traces.map((trace) => runPolicy(trace, id, options.heap)),
  }));
  for (const row of options.extra ?? []) {
    if (row.cells.length !== traces.length) throw new Error(`row '${row.id}' has ${row.cells.length} cells for ${traces.length} traces`);
    rows.push({ ...row, extra: true });
  }
  return {
    traces: traces.map((t) => ({ name: t.name, file: t.file, operations: t.length })),
    heap: { ...options.heap },
    rows: rankRows(rows),
  };
}

/**
 * Rows with their means and ranks, in rank order: complete rows by mean #4 (then #3, then the order
 * given), rows that failed a trace after them by failures, then mean #4. Equal means share a rank.
 */
export function rankRows(rows: readonly Omit<RankingRow, 'mean4' | 'mean3' | 'mean2' | 'rank'>[]): RankingRow[] {
  const mean = (cells: PolicyCell[], key: keyof JwMeasures): number | null => {
    const values = cells.flatMap((c) => (c.measures ? [c.measures[key]] : []));
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
  };
  const failures = (row: { cells: PolicyCell[] }) => row.cells.filter((c) => !c.ok).length;
  const key = (v: number | null) => v ?? Infinity;
  const measured = rows.map((row, order) => ({ row: { ...row, mean4: mean(row.cells, 'frag4'), mean3: mean(row.cells, 'frag3'), mean2: mean(row.cells, 'frag2'), rank: null as number | null }, order }));
  measured.sort((a, b) => failures(a.row) - failures(b.row) || key(a.row.mean4) - key(b.row.mean4) || key(a.row.mean3) - key(b.row.mean3) || a.order - b.order);
  const ranked = measured.map((m) => m.row);
  ranked.forEach((row, k) => {
    if (failures(row) > 0) return;
    const before = ranked[k - 1];
    row.rank = before && before.rank !== null && same(before.mean4, row.mean4) ? before.rank : k + 1;
  });
  return ranked;
}

/** Equal means: both absent, or within a relative 1e-9 (sums in a different order round differently). */
function same(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
