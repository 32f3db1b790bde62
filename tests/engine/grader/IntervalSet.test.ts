// IntervalSet and HoleStats against brute-force models: random inserts and removes of disjoint
// intervals (enough to split buckets), then every query compared with a plain sorted list.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HoleStats } from '../../../engine/grader/HoleStats';
import { IntervalSet } from '../../../engine/grader/IntervalSet';

describe('IntervalSet', () => {
  it('answers floor, ceiling and overlapping like a sorted list, across bucket splits', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 8 })), { maxLength: 3000 }), (ops) => {
      const set = new IntervalSet();
      const model = new Map<number, number>();
      for (const [remove, at, length] of ops) {
        const start = at * 10;
        if (remove) {
          expect(set.remove(start)).toBe(model.get(start) ?? -1);
          model.delete(start);
          continue;
        }
        const clash = [...model].find(([s, e]) => s < start + length && start < e);
        expect(set.overlapping(start, start + length) !== null).toBe(clash !== undefined);
        if (!clash) {
          set.insert(start, start + length);
          model.set(start, start + length);
        }
      }
      const sorted = [...model].sort((a, b) => a[0] - b[0]).map(([start, end]) => ({ start, end }));
      expect(set.toArray()).toEqual(sorted);
      expect(set.size).toBe(sorted.length);
      for (const probe of [0, 5, 12345, 39995, 40005]) {
        expect(set.floor(probe)).toEqual(sorted.filter((x) => x.start <= probe).at(-1) ?? null);
        expect(set.ceiling(probe)).toEqual(sorted.find((x) => x.start >= probe) ?? null);
      }
      expect(set.lastEnd()).toBe(sorted.at(-1)?.end ?? -1);
    }), { seed: 20261124, numRuns: 60 });
  });
});

describe('HoleStats', () => {
  it('keeps count, total, largest, external and RSS equal to a recount of its holes', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 400 }), fc.array(fc.nat(), { maxLength: 300 }), (sizes, picks) => {
      const stats = new HoleStats();
      const model: number[] = [];
      sizes.forEach((size) => { stats.add(size); model.push(size); });
      for (const pick of picks) {
        if (model.length === 0) break;
        const [size] = model.splice(pick % model.length, 1);
        stats.remove(size!);
      }
      const total = model.reduce((a, b) => a + b, 0);
      const largest = Math.max(0, ...model);
      expect([stats.count, stats.total, stats.largest()]).toEqual([model.length, total, largest]);
      expect(stats.external()).toBeCloseTo(total > 0 ? 1 - largest / total : 0, 12);
      expect(stats.rss()).toBeCloseTo(total > 0 ? 1 - Math.sqrt(model.reduce((a, b) => a + b * b, 0)) / total : 0, 9);
    }), { seed: 20261124, numRuns: 200 });
  });

  it('leaves out gaps below its minimum size (headers and padding)', () => {
    const stats = new HoleStats(32);
    stats.add(8);
    stats.add(31);
    stats.add(32);
    stats.remove(8);
    expect([stats.count, stats.total, stats.largest()]).toEqual([1, 32, 32]);
  });

  it('refuses to remove a hole it does not have, and ignores empty ones', () => {
    const stats = new HoleStats();
    stats.add(0);
    stats.add(-3);
    expect(stats.count).toBe(0);
    expect(() => stats.remove(8)).toThrow('HoleStats: no hole of 8 bytes to remove');
    stats.add(8);
    stats.add(24);
    expect(stats.external()).toBeCloseTo(1 - 24 / 32, 12);
    expect(stats.rss()).toBeCloseTo(1 - Math.sqrt(64 + 576) / 32, 12);
  });
});
