// The charts' data: utilization from payload and heap, the series of a chart, band and points,
// the x axis' end, number formats, and the accessible table (capped, lines side by side).
import { describe, expect, it } from 'vitest';
import {
  WORK_UNIT_DETAIL, WORK_UNIT_HINT, byteAxis, byteTickLabels, byteTicks, firstOperation, formatBytes, formatValue, hasBand, lastOperation, pointsOf,
  seriesOf, tableOf, timelineCharts, utilizationOf,
} from '../../../renderer/src/replay/charts';
import { charts, series } from './fixtures';

describe('series', () => {
  it('computes utilization from the last values of payload and heap, NaN where the heap is empty', () => {
    const c = charts(4, { payload: [0, 10, 30, 50], heap: [0, 40, 40, 100] });
    const u = utilizationOf(c);
    expect(u.x).toEqual([0, 1, 2, 3]);
    expect(u.last).toEqual([Number.NaN, 0.25, 0.75, 0.5]);
    expect(u.min).toEqual(u.last);
    expect(u.max).toEqual(u.last);
    // Buckets of 2: the value at each bucket's last operation.
    expect(utilizationOf(charts(4, { payload: [0, 10, 30, 50], heap: [0, 40, 40, 100] }, 2)).last).toEqual([0.25, 0.5]);
  });

  it('gives a kept series as it is, utilization computed, and null without charts', () => {
    const c = charts(3, { holes: [1, 2, 3] });
    expect(seriesOf(c, 'holes')).toBe(c.series.holes);
    expect(seriesOf(c, 'utilization')?.last).toEqual([Number.NaN, 1, 1]);
    expect(seriesOf(null, 'holes')).toBeNull();
  });

  it('keeps a one-operation spike in the band of its bucket', () => {
    const spiky = series([0, 9, 0, 0, 0, 0, 0, 0], 4);
    expect(hasBand(spiky)).toBe(true);
    // The last values miss the spike; the band's max keeps it.
    expect(pointsOf(spiky, 'last')).toEqual([{ x: 0, y: 0 }, { x: 4, y: 0 }]);
    expect(pointsOf(spiky, 'max')).toEqual([{ x: 0, y: 9 }, { x: 4, y: 0 }]);
    expect(hasBand(series([1, 2, 3]))).toBe(false);
  });

  it('starts the x axis at the earliest line, and ends it at the last operation of the longest', () => {
    const zoomed = { ...charts(10), from: 40, to: 50 };
    expect(firstOperation([{ label: 'a', charts: zoomed }, { label: 'b', charts: null }])).toBe(40);
    expect(firstOperation([{ label: 'a', charts: zoomed }, { label: 'b', charts: charts(5) }])).toBe(0);
    expect(firstOperation([])).toBe(0);
    expect(lastOperation([{ label: 'a', charts: charts(10) }, { label: 'b', charts: charts(25) }, { label: 'c', charts: null }])).toBe(24);
    expect(lastOperation([])).toBe(0);
  });

  it('lists the six timeline charts, utilization first', () => {
    expect(timelineCharts.map((c) => c.series)).toEqual(['utilization', 'external', 'rss', 'holes', 'heap', 'work']);
  });
});

describe('formats', () => {
  it('formats by unit', () => {
    expect(formatValue(0.6654, 'ratio')).toBe('66.5 %');
    expect(formatValue(1536, 'bytes')).toBe('1.50 KiB');
    expect(formatValue(12345, 'count')).toBe('12,345');
    expect(formatValue(2.5, 'work')).toBe('2.50');
    expect(formatValue(Number.NaN, 'ratio')).toBe('—');
    expect(formatBytes(100)).toBe('100 B');
    expect(formatBytes(20 * 1024)).toBe('20.0 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.00 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.00 GiB');
  });
});

describe('byte axes', () => {
  const KiB = 1024;
  const MiB = 1024 * KiB;

  it('steps by a power of two bytes, at most five intervals, the top a whole step at or above the data', () => {
    // The issue's axis: Chart.js' decimal steps gave 976.6 KiB and 1.91 MiB; a 1.9 MiB heap gets 512 KiB steps to 2 MiB.
    expect(byteAxis(1.9 * MiB)).toEqual({ max: 2 * MiB, step: 512 * KiB });
    expect(byteTicks(byteAxis(1.9 * MiB))).toEqual([0, 512 * KiB, MiB, 1.5 * MiB, 2 * MiB]);
    expect(byteAxis(2 * MiB)).toEqual({ max: 2 * MiB, step: 512 * KiB });
    expect(byteAxis(384 * KiB)).toEqual({ max: 384 * KiB, step: 128 * KiB });
    expect(byteAxis(100)).toEqual({ max: 128, step: 32 });
    expect(byteAxis(0)).toEqual({ max: KiB, step: KiB });
    // Asking again with the rounded top gives the same axis (Chart.js calls back with it).
    for (const max of [1, 700, 5000, 130 * KiB, 1.9 * MiB, 33 * MiB, 3 * 1024 * MiB]) {
      const axis = byteAxis(max);
      expect(byteAxis(axis.max), String(max)).toEqual(axis);
      expect(axis.max / axis.step).toBeLessThanOrEqual(5);
      expect(Math.log2(axis.step) % 1).toBe(0);
    }
  });

  it('labels each tick in its binary unit with one precision per unit', () => {
    expect(byteTickLabels([0, 512 * KiB, MiB, 1.5 * MiB, 2 * MiB])).toEqual(['0', '512 KiB', '1.0 MiB', '1.5 MiB', '2.0 MiB']);
    expect(byteTickLabels([0, 256 * KiB, 512 * KiB, 768 * KiB, MiB, 1.25 * MiB])).toEqual(['0', '256 KiB', '512 KiB', '768 KiB', '1.00 MiB', '1.25 MiB']);
    expect(byteTickLabels([0, 32, 64, 96, 128])).toEqual(['0', '32 B', '64 B', '96 B', '128 B']);
    expect(byteTickLabels([0, 2 * MiB, 4 * MiB])).toEqual(['0', '2 MiB', '4 MiB']);
    expect(byteTickLabels([0, 512 * MiB, 1024 * MiB])).toEqual(['0', '512 MiB', '1 GiB']);
    // No label a decimal step would give.
    expect(byteTickLabels(byteTicks(byteAxis(1.9 * MiB))).join(' ')).not.toMatch(/976|1\.91/);
  });
});

describe('work units', () => {
  it('names the unit in the search-cost title and says what one unit is', () => {
    expect(timelineCharts.find((c) => c.series === 'work')!.title).toBe('Search cost: work units per operation');
    expect(WORK_UNIT_HINT).toBe("One work unit = one call or loop step of the allocator's code, or one heap access.");
    expect(WORK_UNIT_DETAIL).toMatch(/catch or finally block costs 1,000/);
    expect(WORK_UNIT_DETAIL).toMatch(/reference's work \/ yours/);
  });
});

describe('tableOf', () => {
  it('gives each bucket\'s operations and every line\'s min, max and last', () => {
    const a = charts(6, { holes: [1, 5, 2, 2, 3, 7] }, 2);
    const b = charts(4, { holes: [0, 0, 1, 1] }, 2);
    const t = tableOf([{ label: 'a', charts: a }, { label: 'b', charts: b }], 'holes', 'count');
    expect(t.total).toBe(3);
    expect(t.rows).toEqual([
      { from: 0, to: 1, values: [['1', '5', '5'], ['0', '0', '0']] },
      { from: 2, to: 3, values: [['2', '2', '2'], ['1', '1', '1']] },
      { from: 4, to: 5, values: [['3', '7', '7'], null] },
    ]);
  });

  it('caps the rows, evenly spaced, keeping the last bucket', () => {
    const t = tableOf([{ label: 'a', charts: charts(1000) }], 'heap', 'bytes', 100);
    expect(t.total).toBe(1000);
    expect(t.rows.length).toBe(101);
    expect(t.rows[1]!.from).toBe(10);
    expect(t.rows[t.rows.length - 1]).toEqual({ from: 999, to: 999, values: [['999 B', '999 B', '999 B']] });
  });

  it('is empty without data', () => {
    expect(tableOf([{ label: 'a', charts: null }], 'heap', 'bytes')).toEqual({ rows: [], total: 0 });
    expect(tableOf([], 'heap', 'bytes')).toEqual({ rows: [], total: 0 });
  });
});
