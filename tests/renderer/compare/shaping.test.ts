// Compare's pure shaping: subjects (defaults, labels told apart, API requests, the next row's kind),
// the trace picker (route parameter to picker and back, field checks), the metrics table (best per
// column with ties and neutral columns, work relative to the first row, notes for failed, stopped
// and unstarted rows), the charts shown and the zoom window.
import { describe, expect, it } from 'vitest';
import type { ReplayEnd, ReplayMetricsView } from '../../../electron/contract';
import { compareCharts, windowAround, zoomed } from '../../../renderer/src/compare/charts';
import { bestMarks, formatBytes, formatMetric, metricColumns, metricsTable, relativeWork, workBase } from '../../../renderer/src/compare/metrics';
import { defaultSubjects, nextSubject, rowLabels, subjectRequest } from '../../../renderer/src/compare/subjects';
import { paramOf, pickOf, tracePickErrors, traceTitle } from '../../../renderer/src/compare/traces';

function metrics(extra: Partial<ReplayMetricsView> = {}): ReplayMetricsView {
  return {
    operations: 100, utilization: 0.8, peakPayload: 8000, heapHighWater: 10_000, holes: 3, largestHole: 512,
    external: 0.25, meanExternal: 0.3, rss: 0.4, work: 1000, workPerOp: 10, ...extra,
  };
}

function end(extra: Partial<ReplayEnd> = {}): ReplayEnd {
  return { replayId: 'replay-1-a', ok: true, done: 100, failure: null, metrics: metrics(), error: null, stopped: false, ms: 12, ...extra };
}

describe('subjects', () => {
  it('starts with your code, the reference and the engine with first fit, as the API takes them', () => {
    expect(defaultSubjects()).toEqual(['submission', 'reference', 'engine-first']);
    expect(defaultSubjects().map((k) => subjectRequest(k, 'src'))).toEqual([
      { code: 'submission', source: 'src' }, { code: 'reference' }, { code: 'engine', config: { fit: 'first' } },
    ]);
    expect(subjectRequest('engine-best', '')).toEqual({ code: 'engine', config: { fit: 'best' } });
    expect(subjectRequest('starter', 'x')).toEqual({ code: 'starter' });
  });

  it('labels a kind met twice apart, and adds the first kind not yet used, up to 4 rows', () => {
    expect(rowLabels(['reference', 'engine-next', 'reference'])).toEqual(['reference', 'engine (next fit)', 'reference #2']);
    expect(nextSubject(['submission', 'reference', 'engine-first'])).toBe('starter');
    expect(nextSubject(['submission', 'reference', 'starter'])).toBe('engine-first');
    expect(nextSubject(['submission', 'reference', 'starter', 'engine-best'])).toBeNull();
  });
});

describe('trace picker', () => {
  it('reads a named trace and a generated one from the route, and writes them back', () => {
    const named = pickOf('plateau', ['peak', 'plateau']);
    expect(named).toMatchObject({ mode: 'named', name: 'plateau' });
    expect(paramOf(named)).toBe('plateau');
    const generated = pickOf('gen:randomSizes:ops=5000,seed=7,sizes=lognormal', ['peak']);
    expect(generated).toMatchObject({ mode: 'generator', generator: 'randomSizes', ops: '5000', seed: '7', name: 'peak' });
    expect(paramOf(generated)).toBe('gen:randomSizes:ops=5000,seed=7,sizes=lognormal');
    // Another generator drops the options that were the first one's.
    expect(paramOf({ ...generated, generator: 'peak', ops: ' 200 ' })).toBe('gen:peak:ops=200,seed=7');
    expect(paramOf({ ...named, mode: 'generator' })).toBe('gen:randomSizes:ops=10000,seed=1');
  });

  it('names each bad field', () => {
    const base = pickOf('gen:ramp', []);
    expect(tracePickErrors(base)).toEqual({});
    expect(tracePickErrors({ ...base, ops: '1', seed: '-3' })).toEqual({
      ops: 'Operations must be a whole number from 2 to 2,000,000.', seed: 'The seed must be a whole number from 0 to 4294967295.',
    });
    expect(tracePickErrors({ ...base, ops: '2000001' }).ops).toMatch(/from 2 to 2,000,000/);
    expect(tracePickErrors({ ...base, ops: '1e4' }).ops).toBeDefined();
    expect(tracePickErrors({ ...base, mode: 'named', name: '' }).name).toMatch(/Pick a trace/);
  });

  it('titles a trace for people', () => {
    expect(traceTitle({ trace: 'peak' })).toBe('peak');
    expect(traceTitle({ generator: 'randomSizes', options: { ops: 100000, seed: 1, sizes: 'lognormal' } })).toBe('randomSizes (100,000 ops, seed 1, sizes lognormal)');
    expect(traceTitle({ generator: 'ramp', options: {} })).toBe('ramp');
  });
});

describe('metrics table', () => {
  it('marks the best value per column, all tied ones, and none where every value ties or only one is known', () => {
    expect(bestMarks([0.5, 0.8, 0.8], 'higher')).toEqual([false, true, true]);
    expect(bestMarks([3, 1, null], 'lower')).toEqual([false, true, false]);
    expect(bestMarks([2, 2], 'lower')).toEqual([false, false]);
    expect(bestMarks([2, null], 'lower')).toEqual([false, false]);
    expect(bestMarks([1, 2], null)).toEqual([false, false]);
  });

  it('gives work relative to the first row, or to the first that finished when it did not', () => {
    expect(relativeWork([200, 500, null])).toEqual({ values: [1, 2.5, null], base: 0 });
    expect(relativeWork([null, 500, 250])).toEqual({ values: [null, 1, 0.5], base: 1 });
    expect(relativeWork([0, 5])).toEqual({ values: [0, 1], base: 1 });
    expect(relativeWork([null, null])).toEqual({ values: [null, null], base: -1 });
  });

  it('formats bytes, ratios and multiples', () => {
    expect(formatBytes(320)).toBe('320 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(12 * 1024 * 1024)).toBe('12.00 MiB');
    expect(formatMetric(0.8123, 'percent')).toBe('81.2%');
    expect(formatMetric(2.345, 'times')).toBe('2.35×');
    expect(formatMetric(null, 'bytes')).toBe('—');
  });

  it('shows numbers for finished rows with the best marked, and a note for the others', () => {
    const rows = metricsTable([
      { label: 'your code', end: end({ metrics: metrics({ utilization: 0.7, work: 2000, workPerOp: 20 }) }), error: null },
      { label: 'reference', end: end({ metrics: metrics({ utilization: 0.9, heapHighWater: 9000 }) }), error: null },
      {
        label: 'starter', error: null,
        end: end({ ok: false, done: 41, failure: { op: 41, where: 'peak.trace:43', operation: 'free(0xb0001010)', kind: 'overlap', reason: 'block 3 overlaps block 2' } }),
      },
      { label: 'engine (first fit)', end: null, error: 'reference.ts: no such file' },
    ]);
    expect(rows.map((r) => r.status)).toEqual(['ok', 'ok', 'failed', 'error']);
    const cell = (k: number, key: string) => rows[k]!.cells!.find((c) => c.key === key)!;
    expect(cell(0, 'utilization')).toMatchObject({ text: '70.0%', best: false });
    expect(cell(1, 'utilization')).toMatchObject({ text: '90.0%', best: true });
    expect(cell(1, 'heapHighWater').best).toBe(true);
    expect(cell(1, 'workPerOp').best).toBe(true);
    expect(cell(0, 'peakPayload').best).toBe(false);
    expect(cell(0, 'relativeWork').text).toBe('1.00×');
    expect(cell(1, 'relativeWork')).toMatchObject({ text: '0.50×', best: true });
    expect(rows[0]!.cells!.map((c) => c.key)).toEqual(metricColumns.map((c) => c.key));
    expect(rows[2]!.cells).toBeNull();
    expect(rows[2]!.note).toBe('Failed at op 41, free(0xb0001010) (peak.trace:43): overlap — block 3 overlaps block 2');
    expect(rows[2]!.failure?.op).toBe(41);
    expect(rows[3]!.note).toBe('Could not start: reference.ts: no such file');
    expect(workBase([{ label: 'a', end: null, error: 'x' }, { label: 'b', end: end(), error: null }])).toBe('b');
    expect(workBase([{ label: 'a', end: null, error: 'x' }])).toBeNull();
  });

  it('tells a stopped run, a compile error and a run not ended yet apart', () => {
    const rows = metricsTable([
      { label: 'a', end: end({ stopped: true, ok: false, done: 5000, error: 'stopped' }), error: null },
      { label: 'b', end: end({ ok: false, done: 0, metrics: null, error: 'submission.ts:3: missing ;' }), error: null },
      { label: 'c', end: null, error: null },
    ]);
    expect(rows.map((r) => [r.status, r.note])).toEqual([
      ['stopped', 'Stopped after 5,000 operations.'],
      ['error', 'Could not run: submission.ts:3: missing ;'],
      ['pending', 'Not finished yet.'],
    ]);
  });
});

describe('zoom', () => {
  it('zooms around a centre, inside the trace', () => {
    expect(windowAround(50, 20, 1000)).toEqual({ from: 40, to: 60 });
    expect(windowAround(5, 20, 1000)).toEqual({ from: 0, to: 20 });
    expect(windowAround(995, 20, 1000)).toEqual({ from: 980, to: 1000 });
    expect(zoomed(null, 100, 0.5, 1000)).toEqual({ from: 0, to: 500 });
    expect(zoomed({ from: 0, to: 500 }, null, 0.5, 1000)).toEqual({ from: 125, to: 375 });
    expect(zoomed({ from: 0, to: 500 }, null, 2, 1000)).toBeNull();
  });

  it('shows the five measures, utilization first', () => {
    expect(compareCharts.map((c) => [c.series, c.unit])).toEqual([
      ['utilization', 'ratio'], ['external', 'ratio'], ['heap', 'bytes'], ['holes', 'count'], ['work', 'work'],
    ]);
  });
});
