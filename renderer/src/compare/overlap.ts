// Compare's coinciding lines, pure: which allocators draw the same line on a chart (identical values,
// or within a small part of the chart's range, at every bucket shown), the legend's note saying so,
// and line widths that keep every one of them visible (Chart.js draws the first line on top: in a
// group it is the thinnest, each later one wider beneath it). Lines are compared by bucket where both have the same operations: Compare's
// replays of one trace share their buckets.
import { seriesOf, type ChartLine, type ChartSeriesName } from '../replay/charts';

/** Lines within this part of the chart's range (largest value shown − smallest, or the largest magnitude) coincide. */
export const OVERLAP_TOLERANCE = 0.01;

export interface OverlapGroup {
  /** Indices of the lines, in order (at least two). */
  lines: number[];
  /** Whether every value is equal, not only within the tolerance. */
  identical: boolean;
}

/**
 * The groups of lines of `lines` whose series `name` coincide over the shown range: the same
 * operations bucket by bucket (x), and at each bucket last, min and max within `tolerance` of the
 * chart's range (NaN only with NaN). A line without data, or with other buckets (still running,
 * failed early), coincides with none. Groups are transitive through their first line.
 */
export function overlapGroups(lines: ChartLine[], name: ChartSeriesName, tolerance = OVERLAP_TOLERANCE): OverlapGroup[] {
  const series = lines.map((line) => seriesOf(line.charts, name));
  let low = Infinity;
  let high = -Infinity;
  for (const s of series) {
    for (const values of s ? [s.min, s.max, s.last] : []) {
      for (const v of values) {
        if (!Number.isFinite(v)) continue;
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    }
  }
  const span = high > low ? high - low : Math.max(Math.abs(high), Math.abs(low), 0);
  const allowed = span * tolerance;
  /** 'same', 'near' or null (different). */
  const compare = (a: number, b: number): 'same' | 'near' | null => {
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return 'same';
    return Math.abs(a - b) <= allowed ? 'near' : null;
  };
  const groups: OverlapGroup[] = [];
  const taken = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const a = series[i];
    if (taken.has(i) || !a || a.x.length === 0) continue;
    const group: OverlapGroup = { lines: [i], identical: true };
    for (let j = i + 1; j < lines.length; j++) {
      const b = series[j];
      if (taken.has(j) || !b || b.x.length !== a.x.length || b.x.some((x, k) => x !== a.x[k])) continue;
      let identical = true;
      let close = true;
      for (let k = 0; close && k < a.x.length; k++) {
        for (const values of ['last', 'min', 'max'] as const) {
          const c = compare(a[values][k]!, b[values][k]!);
          if (c === null) { close = false; break; }
          if (c === 'near') identical = false;
        }
      }
      if (!close) continue;
      group.lines.push(j);
      group.identical &&= identical;
      taken.add(j);
    }
    if (group.lines.length > 1) groups.push(group);
  }
  return groups;
}

/** 'A and B', 'A, B and C'. */
function listed(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The legend's note for `groups` of the lines labelled `labels`: 'A and B coincide on this chart
 * (drawn on top of each other, each line wider than the one above it).', null when no lines coincide.
 */
export function overlapNote(groups: OverlapGroup[], labels: string[]): string | null {
  if (groups.length === 0) return null;
  const parts = groups.map((g) => {
    const names = g.lines.map((k) => labels[k] ?? `line ${k + 1}`);
    const how = g.identical ? 'coincide' : `coincide within ${OVERLAP_TOLERANCE * 100} % of the axis`;
    return `${listed(names)} ${how} on this chart`;
  });
  return `${parts.join('; ')} (drawn on top of each other, each line wider than the one above it).`;
}

/** The width of each line's value stroke: 2, and in a group 3 more for each line of the group drawn over it (before it). */
export function lineWidths(groups: OverlapGroup[], count: number): number[] {
  const widths = new Array<number>(count).fill(2);
  for (const g of groups) g.lines.forEach((k, at) => { if (k < count) widths[k] = 2 + 3 * at; });
  return widths;
}
