// Compare's coinciding lines (renderer/src/compare/overlap.ts): identical series, series within the
// tolerance of the chart's range, lines that differ, lines without data or with other buckets; the
// legend's note in words; the widths that keep each coinciding line visible under the one above it.
import { describe, expect, it } from 'vitest';
import { OVERLAP_TOLERANCE, lineWidths, overlapGroups, overlapNote } from '../../../renderer/src/compare/overlap';
import type { ChartLine } from '../../../renderer/src/replay/charts';
import { charts } from '../replay/fixtures';

const line = (label: string, holes: number[] | null, per = 1): ChartLine => ({ label, charts: holes ? charts(holes.length, { holes }, per) : null });

describe('overlapGroups', () => {
  it('groups lines with identical values at every bucket, and leaves a different one out', () => {
    const lines = [line('A', [1, 2, 3, 4]), line('B', [1, 5, 3, 4]), line('C', [1, 2, 3, 4])];
    expect(overlapGroups(lines, 'holes')).toEqual([{ lines: [0, 2], identical: true }]);
    expect(overlapGroups([line('A', [1, 2]), line('B', [3, 4])], 'holes')).toEqual([]);
  });

  it('counts values within the tolerance of the chart\'s range as coinciding, not identical', () => {
    // Range 0..1000: 1 % is 10.
    const near = [line('A', [0, 500, 1000]), line('B', [0, 509, 1000])];
    expect(overlapGroups(near, 'holes')).toEqual([{ lines: [0, 1], identical: false }]);
    expect(overlapGroups([line('A', [0, 500, 1000]), line('B', [0, 511, 1000])], 'holes')).toEqual([]);
    expect(overlapGroups(near, 'holes', 0)).toEqual([]);
    expect(OVERLAP_TOLERANCE).toBe(0.01);
  });

  it('compares the bands too (min and max of a bucket), not only the last values', () => {
    // Buckets of two operations: the same last values, but B's first bucket reaches 9.
    expect(overlapGroups([line('A', [0, 1, 2, 3], 2), line('B', [9, 1, 2, 3], 2)], 'holes')).toEqual([]);
    expect(overlapGroups([line('A', [0, 1, 2, 3], 2), line('B', [0, 1, 2, 3], 2)], 'holes')).toEqual([{ lines: [0, 1], identical: true }]);
  });

  it('needs the same buckets and data on both lines: a running or failed line, or none, coincides with nothing', () => {
    expect(overlapGroups([line('A', [1, 2, 3]), line('B', [1, 2])], 'holes')).toEqual([]);
    expect(overlapGroups([line('A', [1, 2]), line('B', null), line('C', [1, 2])], 'holes')).toEqual([{ lines: [0, 2], identical: true }]);
    expect(overlapGroups([line('A', null), line('B', null)], 'holes')).toEqual([]);
  });

  it('works on the derived utilization series (NaN where the heap is empty equals NaN)', () => {
    const a = charts(3, { payload: [0, 4, 8], heap: [0, 16, 16] });
    const b = charts(3, { payload: [0, 4, 8], heap: [0, 16, 16] });
    const c = charts(3, { payload: [0, 4, 8], heap: [0, 32, 32] });
    expect(overlapGroups([{ label: 'a', charts: a }, { label: 'b', charts: b }, { label: 'c', charts: c }], 'utilization'))
      .toEqual([{ lines: [0, 1], identical: true }]);
  });

  it('finds several groups, and flat equal lines (all zero) as identical', () => {
    const lines = [line('A', [0, 0]), line('B', [5, 6]), line('C', [0, 0]), line('D', [5, 6])];
    expect(overlapGroups(lines, 'holes')).toEqual([{ lines: [0, 2], identical: true }, { lines: [1, 3], identical: true }]);
    expect(overlapGroups([line('A', [0, 0]), line('B', [0, 0])], 'holes')).toEqual([{ lines: [0, 1], identical: true }]);
  });
});

describe('overlapNote and lineWidths', () => {
  it('says which allocators coincide, in words', () => {
    expect(overlapNote([], ['A', 'B'])).toBeNull();
    expect(overlapNote([{ lines: [0, 1], identical: true }], ['your code', 'reference']))
      .toBe('your code and reference coincide on this chart (drawn on top of each other, each line wider than the one above it).');
    expect(overlapNote([{ lines: [0, 1, 2], identical: false }], ['A', 'B', 'C']))
      .toBe('A, B and C coincide within 1 % of the axis on this chart (drawn on top of each other, each line wider than the one above it).');
    expect(overlapNote([{ lines: [0, 2], identical: true }, { lines: [1, 3], identical: true }], ['A', 'B', 'C', 'D']))
      .toBe('A and C coincide on this chart; B and D coincide on this chart (drawn on top of each other, each line wider than the one above it).');
  });

  it('draws a coinciding line wider for each line of its group drawn over it (Chart.js draws the first on top)', () => {
    expect(lineWidths([], 3)).toEqual([2, 2, 2]);
    expect(lineWidths([{ lines: [0, 2], identical: true }], 3)).toEqual([2, 2, 5]);
    expect(lineWidths([{ lines: [0, 1, 2], identical: true }], 4)).toEqual([2, 5, 8, 2]);
  });
});
