// The performance index: interpolation between thresholds, default weights 0.6/0.4, the ratio.
import { describe, expect, it } from 'vitest';
import { interpolate, performanceIndex, throughputRatio } from '../../../engine/grader/Score';

describe('performance index (malloc-lab 2016 form)', () => {
  const thresholds = { utilization: { min: 0.55, max: 0.74 }, throughput: { min: 0.5, max: 0.9 } };

  it('interpolates linearly between the thresholds and clamps outside them', () => {
    expect(interpolate(0.55, thresholds.utilization)).toBe(0);
    expect(interpolate(0.74, thresholds.utilization)).toBe(1);
    expect(interpolate(0.645, thresholds.utilization)).toBeCloseTo(0.5, 12);
    expect(interpolate(0.2, thresholds.utilization)).toBe(0);
    expect(interpolate(3, thresholds.throughput)).toBe(1);
    expect(interpolate(0.5, { min: 0.5, max: 0.5 })).toBe(1);
    expect(interpolate(0.49, { min: 0.5, max: 0.5 })).toBe(0);
  });

  it('weighs utilization 0.6 and throughput 0.4 unless told otherwise', () => {
    expect(performanceIndex(0.645, 0.7, thresholds).index).toBeCloseTo(100 * (0.6 * 0.5 + 0.4 * 0.5), 9);
    expect(performanceIndex(0.9, 0.1, thresholds).index).toBeCloseTo(60, 9);
    expect(performanceIndex(0.9, 0.1, { ...thresholds, weights: { utilization: 0.2, throughput: 0.8 } }).index).toBeCloseTo(20, 9);
    expect(() => performanceIndex(1, 1, { ...thresholds, weights: { utilization: 0.5, throughput: 0.6 } })).toThrow('weights must add up to 1, got 0.5 + 0.6');
  });

  it('computes throughput as reference work over submission work', () => {
    expect(throughputRatio(1000, 2000)).toBe(0.5);
    expect(throughputRatio(0, 0)).toBe(1);
    expect(throughputRatio(10, 0)).toBe(Infinity);
    expect(interpolate(throughputRatio(10, 0), thresholds.throughput)).toBe(1);
  });
});
