// Compare's final table as data: one row per subject with its end-of-trace metrics as text, the
// best value of each column marked (among the rows that completed the trace; a column where lower
// or higher is not simply better, or where every row ties, marks none), the work relative to the
// first row (the first that finished, when it did not), and a note instead of numbers for a row that failed, could not run, or was stopped.
import type { ReplayEnd, ReplayFailureView, ReplayMetricsView } from '../../../electron/contract';
import { formatBytes } from '../replay/charts';

export { formatBytes };

export type MetricKey = keyof Omit<ReplayMetricsView, 'operations' | 'work'> | 'relativeWork';
export type MetricUnit = 'percent' | 'bytes' | 'count' | 'ratio' | 'work' | 'times';

export interface MetricColumn {
  key: MetricKey;
  title: string;
  /** What it means, for the header's title and screen readers. */
  describe: string;
  unit: MetricUnit;
  /** Which way is better, or null when neither is (the trace fixes it, or it cuts both ways). */
  better: 'higher' | 'lower' | null;
}

export const metricColumns: MetricColumn[] = [
  { key: 'utilization', title: 'Utilization', describe: 'peak live payload / heap high-water (higher is better)', unit: 'percent', better: 'higher' },
  { key: 'peakPayload', title: 'Peak payload', describe: 'most payload bytes live at once (the trace fixes it)', unit: 'bytes', better: null },
  { key: 'heapHighWater', title: 'Heap high-water', describe: 'largest heap size (lower is better)', unit: 'bytes', better: 'lower' },
  { key: 'holes', title: 'Holes', describe: 'free blocks at the end (lower is better)', unit: 'count', better: 'lower' },
  { key: 'largestHole', title: 'Largest hole', describe: 'largest free block at the end', unit: 'bytes', better: null },
  { key: 'external', title: 'External frag. (end)', describe: '1 − largest hole / free bytes, at the end (lower is better)', unit: 'percent', better: 'lower' },
  { key: 'meanExternal', title: 'External frag. (mean)', describe: 'external fragmentation averaged over the operations (lower is better)', unit: 'percent', better: 'lower' },
  { key: 'rss', title: 'RSS frag.', describe: '1 − √(Σ hole²) / Σ hole, at the end (lower is better)', unit: 'ratio', better: 'lower' },
  { key: 'workPerOp', title: 'Work units per op', describe: 'mean work units per operation: one unit per call, loop step or heap access of the allocator, one per element a built-in scans for it (lower is better)', unit: 'work', better: 'lower' },
  { key: 'relativeWork', title: 'Work vs first', describe: 'total work units as a multiple of the first finished row\'s: 2.00× is twice its work, a throughput of 1 / 2.00 = 0.50 against it as the grader scores it (lower is faster)', unit: 'times', better: 'lower' },
];

/** One subject's state as the table sees it. */
export interface SubjectOutcome {
  label: string;
  /** The replay's end, once it came. */
  end: ReplayEnd | null;
  /** It could not start (the host's message), else null. */
  error: string | null;
}

export interface MetricCell {
  key: MetricKey;
  text: string;
  value: number | null;
  best: boolean;
}

export interface TableRow {
  label: string;
  status: 'ok' | 'failed' | 'error' | 'stopped' | 'pending';
  /** The numbers (status 'ok' only). */
  cells: MetricCell[] | null;
  /** What happened instead of numbers: the failure, the error, the stop, or that it has not ended. */
  note: string | null;
  /** The failing operation, for the timeline link (status 'failed' only). */
  failure: ReplayFailureView | null;
}

/** A metric as text in its unit ('81.2%', '1.50 KiB', '2.35×'); '—' for null. */
export function formatMetric(value: number | null, unit: MetricUnit): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'percent': return `${(value * 100).toFixed(1)}%`;
    case 'bytes': return formatBytes(value);
    case 'count': return Math.round(value).toLocaleString('en-US');
    case 'ratio': return value.toFixed(3);
    case 'work': return value < 100 ? value.toFixed(2) : Math.round(value).toLocaleString('en-US');
    case 'times': return `${value.toFixed(2)}×`;
  }
}

const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Which values are the best of their column: true for each one equal to the best (ties all marked),
 * all false when `better` is null, fewer than two values are known, or all known values are equal.
 */
export function bestMarks(values: readonly (number | null)[], better: 'higher' | 'lower' | null): boolean[] {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!better || known.length < 2 || known.every((v) => same(v, known[0]!))) return values.map(() => false);
  const best = better === 'higher' ? Math.max(...known) : Math.min(...known);
  return values.map((v) => v !== null && Number.isFinite(v) && same(v, best));
}

/**
 * Each row's total work as a multiple of the base row's: the first row with a known, positive work
 * (the first row unless it failed). Returns the multiples (null where unknown) and the base's index (-1: none).
 */
export function relativeWork(works: readonly (number | null)[]): { values: (number | null)[]; base: number } {
  const base = works.findIndex((w) => w !== null && w > 0);
  const by = base < 0 ? null : works[base]!;
  return { values: works.map((w) => (w === null || by === null ? null : w / by)), base };
}

/** The failure in one line: 'op 812, free(0x1010) (line 815): double-free — block 7 is not live'. */
export function failureText(f: ReplayFailureView): string {
  const where = f.where ? ` (${f.where})` : '';
  return `op ${f.op}, ${f.operation}${where}: ${f.kind} — ${f.reason}`;
}

function statusOf(o: SubjectOutcome): TableRow['status'] {
  if (o.error !== null) return 'error';
  if (!o.end) return 'pending';
  if (o.end.error !== null) return o.end.stopped ? 'stopped' : 'error';
  if (o.end.stopped) return 'stopped';
  if (!o.end.ok || o.end.failure) return 'failed';
  return o.end.metrics ? 'ok' : 'error';
}

function noteOf(o: SubjectOutcome, status: TableRow['status']): string | null {
  switch (status) {
    case 'ok': return null;
    case 'pending': return 'Not finished yet.';
    case 'stopped': return `Stopped after ${o.end!.done.toLocaleString('en-US')} operations.`;
    case 'failed': return o.end!.failure ? `Failed at ${failureText(o.end!.failure)}` : 'Failed.';
    case 'error': return o.error !== null ? `Could not start: ${o.error}` : `Could not run: ${o.end!.error ?? 'no metrics came back'}`;
  }
}

/** The label of the row the relative work is measured against, or null when no row finished. */
export function workBase(outcomes: readonly SubjectOutcome[]): string | null {
  const { base } = relativeWork(outcomes.map((o) => (statusOf(o) === 'ok' ? o.end!.metrics!.work : null)));
  return base < 0 ? null : outcomes[base]!.label;
}

/** The table's rows, in the subjects' order: numbers for the rows that completed, a note for the others. */
export function metricsTable(outcomes: readonly SubjectOutcome[]): TableRow[] {
  const statuses = outcomes.map(statusOf);
  const metrics = outcomes.map((o, k) => (statuses[k] === 'ok' ? o.end!.metrics : null));
  const relative = relativeWork(metrics.map((m) => m?.work ?? null)).values;
  const valueOf = (k: number, key: MetricKey): number | null => {
    if (key === 'relativeWork') return relative[k] ?? null;
    return metrics[k]?.[key] ?? null;
  };
  const marks = new Map(metricColumns.map((c) => [c.key, bestMarks(outcomes.map((_, k) => valueOf(k, c.key)), c.better)]));
  return outcomes.map((o, k) => ({
    label: o.label,
    status: statuses[k]!,
    cells: statuses[k] === 'ok'
      ? metricColumns.map((c) => {
        const value = valueOf(k, c.key);
        return { key: c.key, value, text: formatMetric(value, c.unit), best: marks.get(c.key)![k]! };
      })
      : null,
    note: noteOf(o, statuses[k]!),
    failure: statuses[k] === 'failed' ? o.end!.failure : null,
  }));
}
