// Score: malloc-lab's performance index with the thresholds as data. Each metric is placed on a
// line between the instructor's thresholds, p = clamp((x - min) / (max - min), 0, 1), and the index
// is 100 * (wUtil * pUtil + wThru * pThru), 0.6 and 0.4 by default (the 2016 driver's form).
// Throughput is a ratio of deterministic work: reference work / submission work on the same traces,
// so 1 means as fast as the reference and the same code scores the same on every machine.

export interface Band {
  min: number;
  max: number;
}

export interface Thresholds {
  /** Mean utilization band, e.g. 0.55 to 0.74. */
  utilization: Band;
  /** Throughput ratio band against the reference, e.g. 0.5 to 0.9. */
  throughput: Band;
  /** Weights; they must add up to 1. Default { utilization: 0.6, throughput: 0.4 }. */
  weights?: { utilization: number; throughput: number };
}

export interface PerformanceIndex {
  utilization: number;
  throughput: number;
  pUtilization: number;
  pThroughput: number;
  /** 0 to 100. */
  index: number;
}

/** Where `value` lies between band.min (0) and band.max (1), clamped; a band with max <= min is a step at min. */
export function interpolate(value: number, band: Band): number {
  if (!(band.max > band.min)) return value >= band.min ? 1 : 0;
  return Math.min(1, Math.max(0, (value - band.min) / (band.max - band.min)));
}

/** The performance index of a mean utilization and a throughput ratio under `thresholds`. */
export function performanceIndex(utilization: number, throughput: number, thresholds: Thresholds): PerformanceIndex {
  const weights = thresholds.weights ?? { utilization: 0.6, throughput: 0.4 };
  if (Math.abs(weights.utilization + weights.throughput - 1) > 1e-9) {
    throw new RangeError(`weights must add up to 1, got ${weights.utilization} + ${weights.throughput}`);
  }
  const pUtilization = interpolate(utilization, thresholds.utilization);
  const pThroughput = interpolate(throughput, thresholds.throughput);
  return { utilization, throughput, pUtilization, pThroughput, index: 100 * (weights.utilization * pUtilization + weights.throughput * pThroughput) };
}

/** Throughput ratio: reference work / submission work (1 when both did no work; Infinity when only the submission did none). */
export function throughputRatio(referenceWork: number, submissionWork: number): number {
  if (submissionWork <= 0) return referenceWork <= 0 ? 1 : Infinity;
  return referenceWork / submissionWork;
}
