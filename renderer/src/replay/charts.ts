// The charts' data, pure: the series a chart shows (utilization computed from payload and heap),
// Chart.js points for a line's band (min, max) and its last values, the accessible table's rows
// (capped), the y axis' number format per unit, and the charts the Timeline shows.
import type { ChartSeries, ReplayCharts, ReplaySeriesName } from '../../../electron/contract';

/** A series a chart can show: one the replay keeps, or utilization (payload / heap, from both). */
export type ChartSeriesName = ReplaySeriesName | 'utilization';
export type ChartUnit = 'bytes' | 'ratio' | 'count' | 'work';

export interface ChartLine {
  label: string;
  charts: ReplayCharts | null;
}

export interface Point {
  x: number;
  y: number;
}

/** The Timeline's charts, in order. */
export const timelineCharts: { series: ChartSeriesName; title: string; unit: ChartUnit }[] = [
  { series: 'utilization', title: 'Utilization (payload / heap)', unit: 'ratio' },
  { series: 'external', title: 'External fragmentation (1 − largest hole / free bytes)', unit: 'ratio' },
  { series: 'rss', title: 'RSS fragmentation measure', unit: 'ratio' },
  { series: 'holes', title: 'Free blocks (holes)', unit: 'count' },
  { series: 'heap', title: 'Heap size', unit: 'bytes' },
  { series: 'work', title: 'Search cost: work units per operation', unit: 'work' },
];

/** What one work unit is, in the line under a chart of work (the sandbox's count; tests/renderer check the words). */
export const WORK_UNIT_HINT = 'One work unit = one call or loop step of the allocator\'s code, or one heap access.';
/** The rest of it, in that line's tooltip. */
export const WORK_UNIT_DETAIL =
  'A built-in costs one unit per element it scans; entering a catch or finally block costs 1,000. The engine\'s own allocator (tune exercises) counts its heap accesses only. Throughput is scored as the reference\'s work / yours.';

/**
 * Utilization per bucket: payload.last / heap.last (the state at the bucket's last operation; the
 * buckets' extremes of a ratio cannot be had from the two series' extremes, so min = max = last).
 * NaN where the heap is empty (a gap in the chart, '—' in the table). Assumes both series share x.
 */
export function utilizationOf(charts: ReplayCharts): ChartSeries {
  const payload = charts.series.payload;
  const heap = charts.series.heap;
  const last = payload.last.map((p, i) => {
    const h = heap.last[i] ?? 0;
    return h > 0 ? p / h : Number.NaN;
  });
  return { x: payload.x.slice(), min: last, max: last, last };
}

/** The series `name` of `charts` (null when there are no charts). */
export function seriesOf(charts: ReplayCharts | null, name: ChartSeriesName): ChartSeries | null {
  if (!charts) return null;
  return name === 'utilization' ? utilizationOf(charts) : charts.series[name];
}

/** Whether a series has a band worth drawing (some bucket's min differs from its max). */
export function hasBand(series: ChartSeries): boolean {
  return series.min.some((m, i) => m !== series.max[i]);
}

/** Chart.js points (x = the bucket's first operation) of one of the series' value lists. */
export function pointsOf(series: ChartSeries, values: 'min' | 'max' | 'last'): Point[] {
  const ys = series[values];
  return series.x.map((x, i) => ({ x, y: ys[i]! }));
}

/** The x axis' last operation over the lines' charts (to - 1), or 0 with none. */
export function lastOperation(lines: ChartLine[]): number {
  return lines.reduce((most, line) => Math.max(most, line.charts ? line.charts.to - 1 : 0), 0);
}

/** The x axis' first operation: the smallest `from` of the lines' charts (zoomed charts start later), 0 with none. */
export function firstOperation(lines: ChartLine[]): number {
  const froms = lines.flatMap((line) => (line.charts ? [line.charts.from] : []));
  return froms.length ? Math.min(...froms) : 0;
}

/** A value as the axis and the table show it, by unit. */
export function formatValue(value: number, unit: ChartUnit): string {
  if (!Number.isFinite(value)) return '—';
  switch (unit) {
    case 'ratio': return `${(value * 100).toFixed(1)} %`;
    case 'bytes': return formatBytes(value);
    default: return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
  }
}

/** '512 B', '12.5 KiB', '3.00 MiB'. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${Math.round(bytes)} B`;
  if (abs < 1024 * 1024) return `${(bytes / 1024).toFixed(abs < 10 * 1024 ? 2 : 1)} KiB`;
  if (abs < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** A byte axis: its top (a whole number of steps at or above max) and a step of a power of two bytes. */
export interface ByteAxis {
  max: number;
  step: number;
}

/**
 * Round ticks for a byte axis from 0 to `max`: the smallest power-of-two step (512 KiB, 1 MiB, 128 KiB
 * ...) that needs at most `maxTicks` intervals, and the top rounded up to a whole step. An empty
 * axis (max ≤ 0) gets one step of 1 KiB.
 */
export function byteAxis(max: number, maxTicks = 5): ByteAxis {
  if (!(max > 0)) return { max: 1024, step: 1024 };
  let step = 1;
  while (step * maxTicks < max) step *= 2;
  return { max: Math.ceil(max / step) * step, step };
}

/** The ticks of a byte axis: 0, step, 2·step ... up to its max. */
export function byteTicks(axis: ByteAxis): number[] {
  const ticks: number[] = [];
  for (let v = 0; v <= axis.max; v += axis.step) ticks.push(v);
  return ticks;
}

/**
 * Labels for a byte axis' ticks, each in its own binary unit (B, KiB, MiB, GiB) with the same number
 * of decimals across the ticks of a unit, the fewest that shows every one exactly (at most 2):
 * 0, 512 KiB, 1.0 MiB, 1.5 MiB, 2.0 MiB.
 */
export function byteTickLabels(values: number[]): string[] {
  const units = ['B', 'KiB', 'MiB', 'GiB'] as const;
  const unitOf = (v: number) => (v === 0 ? 0 : Math.min(3, Math.floor(Math.log2(Math.abs(v)) / 10)));
  const decimals = [0, 0, 0, 0];
  for (const v of values) {
    const u = unitOf(v);
    const x = v / 1024 ** u;
    let d = 0;
    while (d < 2 && Math.abs(Math.round(x * 10 ** d) - x * 10 ** d) > 1e-9) d++;
    decimals[u] = Math.max(decimals[u]!, d);
  }
  return values.map((v) => {
    if (v === 0) return '0';
    const u = unitOf(v);
    return `${(v / 1024 ** u).toFixed(decimals[u])} ${units[u]}`;
  });
}

export interface TableRow {
  /** The bucket's operations [from, to]. */
  from: number;
  to: number;
  /** Per line: [min, max, last] formatted, or null where the line has no such bucket. */
  values: ([string, string, string] | null)[];
}

export interface ChartTable {
  rows: TableRow[];
  /** Buckets in all (the longest line's); rows.length < total when capped. */
  total: number;
}

/**
 * The table of `lines`' series `name`: one row per bucket of the longest line (every k-th bucket
 * when there are more than `cap`, the last always kept), the operations it spans, and each line's
 * min, max and last there (a line is matched by bucket index; lines of one chart share buckets).
 */
export function tableOf(lines: ChartLine[], name: ChartSeriesName, unit: ChartUnit, cap = 200): ChartTable {
  const all = lines.map((line) => ({ series: seriesOf(line.charts, name), to: line.charts?.to ?? 0 }));
  const longest = all.reduce((best, s) => ((s.series?.x.length ?? 0) > (best.series?.x.length ?? 0) ? s : best), all[0] ?? { series: null, to: 0 });
  const total = longest.series?.x.length ?? 0;
  if (!longest.series || total === 0) return { rows: [], total: 0 };
  const step = Math.max(1, Math.ceil(total / cap));
  const indices: number[] = [];
  for (let i = 0; i < total; i += step) indices.push(i);
  if (indices[indices.length - 1] !== total - 1) indices.push(total - 1);
  const xs = longest.series.x;
  const rows = indices.map((i) => ({
    from: xs[i]!,
    to: (i + 1 < total ? xs[i + 1]! : longest.to) - 1,
    values: all.map(({ series }) => (series && i < series.x.length
      ? [formatValue(series.min[i]!, unit), formatValue(series.max[i]!, unit), formatValue(series.last[i]!, unit)] as [string, string, string]
      : null)),
  }));
  return { rows, total };
}
