// scoreTest, failAll, gradeReport and describeOutcome on hand-made outcomes: correctness is all or
// nothing, the performance index is computed here by hand (mean utilization, reference work over
// submission work, clamping to the bands), and traces a time limit cut off are listed as not run.
import { describe, expect, it } from 'vitest';
import { WORK_UNIT_TEXT, describeOutcome, failAll, gradeReport, grouped, scoreTest, throughputText, type TraceOutcome } from '../../../engine/grader/Grade';
import type { ReplayFailure, TraceMetrics } from '../../../engine/grader/Replay';
import type { RubricTest } from '../../../engine/grader/Rubric';
import type { Thresholds } from '../../../engine/grader/Score';

const thresholds: Thresholds = { utilization: { min: 0.5, max: 0.9 }, throughput: { min: 0.25, max: 0.75 } };

function test(overrides: Partial<RubricTest> = {}): RubricTest {
  return { name: 'mix', number: '3', kind: 'correctness', traces: ['a', 'b'], points: 10, visibility: 'visible', timeLimitMs: 5000, ...overrides };
}

function metrics(utilization: number, work: number, operations = 100): TraceMetrics {
  return {
    operations, peakPayload: 1000, heapHighWater: 2000, utilization, livePayload: 0, heapSize: 2000, holes: 0, holeBytes: 0,
    largestHole: 0, overhead: 2000, external: 0, rss: 0, meanExternal: 0, work, workPerOp: work / operations,
  };
}

function passed(trace: string, utilization: number, work: number, logs: string[] = []): TraceOutcome {
  return { trace, file: `${trace}.trace`, ok: true, failure: null, metrics: metrics(utilization, work), logs, ms: 12 };
}

function failed(trace: string, failure: Partial<ReplayFailure> = {}, logs: string[] = []): TraceOutcome {
  const f: ReplayFailure = { op: 4, line: 9, where: `${trace}.trace:9`, operation: 'malloc(24)', kind: 'overlap', reason: 'it overlaps', ...failure };
  return { trace, file: `${trace}.trace`, ok: false, failure: f, metrics: metrics(0.5, 7, 4), logs, ms: 30 };
}

describe('scoreTest: correctness', () => {
  it('gives every point when every trace passes, and sums the traces\' time', () => {
    const result = scoreTest(test(), [passed('a', 0.61, 300), passed('b', 0.8, 500)], {}, thresholds);
    expect(result).toMatchObject({ name: 'mix', number: '3', kind: 'correctness', visibility: 'visible', status: 'passed', score: 10, maxScore: 10, performance: null, ms: 24 });
    expect(result.output).toBe([
      'a: passed (100 operations, utilization 61.0 %, 300 work units)',
      'b: passed (100 operations, utilization 80.0 %, 500 work units)',
    ].join('\n'));
    expect(result.traces).toHaveLength(2);
    expect(result.notRun).toEqual([]);
  });

  it('gives nothing when one trace fails, and shows the failure and the logs after the verdicts', () => {
    const result = scoreTest(test({ visibility: 'hidden' }), [passed('a', 0.6, 1, ['hello']), failed('b', {}, ['one', 'two'])], {}, thresholds);
    expect(result).toMatchObject({ status: 'failed', score: 0, maxScore: 10, visibility: 'hidden', ms: 42 });
    expect(result.output).toBe([
      'a: passed (100 operations, utilization 60.0 %, 1 work units)',
      'b: FAILED at operation 4 (b.trace:9: malloc(24)): it overlaps',
      'log on a:',
      '  | hello',
      'log on b:',
      '  | one',
      '  | two',
    ].join('\n'));
  });

  it('lists the traces a time limit left unrun, and fails the test', () => {
    const timeout = failed('a', { op: 17, kind: 'timeout', reason: "malloc(8) was stopped: the test's time limit (5 s) ran out" });
    const result = scoreTest(test({ traces: ['a', 'b', 'c'] }), [timeout], {}, thresholds);
    expect(result.status).toBe('failed');
    expect(result.score).toBe(0);
    expect(result.output.split('\n')).toEqual([
      "a: TIMED OUT at operation 17 (a.trace:9: malloc(24)): malloc(8) was stopped: the test's time limit (5 s) ran out",
      'b: not run (an earlier trace of this test used up its time limit)',
      'c: not run (an earlier trace of this test used up its time limit)',
    ]);
    expect(result.notRun).toEqual(['b', 'c']);
    // Fewer outcomes than traces is a failure even when every outcome it has passed.
    expect(scoreTest(test(), [passed('a', 1, 1)], {}, thresholds).status).toBe('failed');
  });
});

describe('scoreTest: performance', () => {
  const perf = test({ kind: 'performance', points: 10 });

  it('scores the index of the mean utilization and reference work / submission work', () => {
    // utilization mean (0.6 + 0.8) / 2 = 0.7 → (0.7 - 0.5) / 0.4 = 0.5
    // throughput (200 + 200) / (300 + 500) = 0.5 → (0.5 - 0.25) / 0.5 = 0.5
    // index 100 × (0.6 × 0.5 + 0.4 × 0.5) = 50 → 10 points × 50 / 100 = 5
    const result = scoreTest(perf, [passed('a', 0.6, 300), passed('b', 0.8, 500)], { a: 200, b: 200, unused: 1 }, thresholds);
    expect(result.status).toBe('passed');
    expect(result.performance!.utilization).toBeCloseTo(0.7, 12);
    expect(result.performance!.throughput).toBe(0.5);
    expect(result.performance!.pUtilization).toBeCloseTo(0.5, 12);
    expect(result.performance!.pThroughput).toBe(0.5);
    expect(result.performance!.index).toBeCloseTo(50, 9);
    expect(result.score).toBe(5);
    // The work in named units, how many times the reference's that is, and the ratio the index uses; then what a unit is.
    expect(result.output.split('\n').slice(-2)).toEqual([
      "performance index 50.0 / 100: utilization 70.0 % (band 50.0 %–90.0 %); 800 work units vs the reference's 400 (2.0× its work) → throughput 400 / 800 = 0.50 (band 0.25–0.75)",
      WORK_UNIT_TEXT,
    ]);
    expect(WORK_UNIT_TEXT).toMatch(/^one work unit = one call or one loop step of your code, one heap access, or one element a built-in scans; .*catch or finally.* 1,000$/);
  });

  it('uses the thresholds\' weights and rounds the score to 3 decimals', () => {
    // utilization 0.6 → 0.25; throughput 100 / 150 = 0.667 → 0.8333; weights 0.3 / 0.7
    // index 100 × (0.3 × 0.25 + 0.7 × 0.8333…) = 65.8333… → 7 × 0.658333… = 4.608333… → 4.608
    const weighted: Thresholds = { ...thresholds, weights: { utilization: 0.3, throughput: 0.7 } };
    const result = scoreTest(test({ kind: 'performance', points: 7, traces: ['a'] }), [passed('a', 0.6, 150)], { a: 100 }, weighted);
    expect(result.performance!.index).toBeCloseTo(65.8333333, 6);
    expect(result.score).toBe(4.608);
  });

  it('clamps each part to [0, 1]: far above the bands earns every point, far below none (still passed)', () => {
    const top = scoreTest(perf, [passed('a', 0.95, 100), passed('b', 1, 100)], { a: 400, b: 400 }, thresholds);
    expect(top.performance).toMatchObject({ pUtilization: 1, pThroughput: 1, throughput: 4, index: 100 });
    expect(top.score).toBe(10);
    const bottom = scoreTest(perf, [passed('a', 0.1, 1000), passed('b', 0.2, 1000)], { a: 10, b: 10 }, thresholds);
    expect(bottom.performance).toMatchObject({ pUtilization: 0, pThroughput: 0, index: 0 });
    expect(bottom.status).toBe('passed');
    expect(bottom.score).toBe(0);
    // Only utilization in the band, throughput far above: 0.6 × 0.75 + 0.4 = 85 %.
    const mixed = scoreTest(perf, [passed('a', 0.8, 50), passed('b', 0.8, 50)], { a: 300, b: 300 }, thresholds);
    expect(mixed.performance!.index).toBeCloseTo(85, 9);
    expect(mixed.score).toBe(8.5);
  });

  it('treats no submission work as infinitely fast (throughput clamps to 1)', () => {
    const result = scoreTest(perf, [passed('a', 0.5, 0), passed('b', 0.5, 0)], { a: 10, b: 0 }, thresholds);
    expect(result.performance!.throughput).toBe(Infinity);
    expect(result.performance!.pThroughput).toBe(1);
    expect(result.score).toBe(4);
  });

  it('throws when the reference work of a trace is missing', () => {
    expect(() => scoreTest(perf, [passed('a', 0.7, 1), passed('b', 0.7, 1)], { a: 5 }, thresholds)).toThrow(RangeError);
    expect(() => scoreTest(perf, [passed('a', 0.7, 1), passed('b', 0.7, 1)], {}, thresholds)).toThrow('no reference work for a, b');
  });

  it('does not score (or need the reference) when a trace fails or was not run', () => {
    const one = scoreTest(perf, [passed('a', 0.9, 1), failed('b')], {}, thresholds);
    expect(one).toMatchObject({ status: 'failed', score: 0, performance: null });
    expect(one.output.split('\n').at(-1)).toBe('performance is scored only when every trace of the test passes');
    const cut = scoreTest(perf, [passed('a', 0.9, 1)], {}, thresholds);
    expect(cut.output.split('\n')).toEqual([
      'a: passed (100 operations, utilization 90.0 %, 1 work units)',
      'b: not run (an earlier trace of this test used up its time limit)',
      'performance is scored only when every trace of the test passes',
    ]);
    expect(cut.score).toBe(0);
    expect(cut.notRun).toEqual(['b']);
  });
});

describe('failAll, gradeReport and describeOutcome', () => {
  it('failAll fails every test with no score and the same output', () => {
    const tests = [test({ name: 'x', points: 3 }), test({ name: 'y', number: '9', kind: 'performance', points: 4, visibility: 'after_due_date' })];
    const results = failAll(tests, 'the submission does not compile:\nstudent.ts:1:1: nope');
    expect(results).toEqual([
      { name: 'x', number: '3', kind: 'correctness', visibility: 'visible', status: 'failed', score: 0, maxScore: 3, output: 'the submission does not compile:\nstudent.ts:1:1: nope', performance: null, traces: [], notRun: ['a', 'b'], ms: 0 },
      { name: 'y', number: '9', kind: 'performance', visibility: 'after_due_date', status: 'failed', score: 0, maxScore: 4, output: 'the submission does not compile:\nstudent.ts:1:1: nope', performance: null, traces: [], notRun: ['a', 'b'], ms: 0 },
    ]);
  });

  it('gradeReport sums the scores and the maxima (rounded to 3 decimals)', () => {
    const results = [
      scoreTest(test({ points: 0.1 }), [passed('a', 1, 1), passed('b', 1, 1)], {}, thresholds),
      scoreTest(test({ points: 0.2 }), [passed('a', 1, 1), passed('b', 1, 1)], {}, thresholds),
      scoreTest(test({ points: 5 }), [failed('a')], {}, thresholds),
    ];
    const report = gradeReport('tiny', 'student.ts', results, ['a note'], 1234.5);
    expect(report.score).toBe(0.3);
    expect(report.maxScore).toBe(5.3);
    expect(report).toMatchObject({ exercise: 'tiny', submission: 'student.ts', notes: ['a note'], ms: 1234.5 });
    expect(report.tests).toBe(results);
    expect(gradeReport('tiny', 's.ts', [], [], 0)).toMatchObject({ score: 0, maxScore: 0, tests: [] });
  });

  it('describeOutcome names start-up failures without an operation index', () => {
    const startUp = failed('a', { op: -1, operation: 'new Allocator(heap)', kind: 'target', reason: "the allocator's constructor threw Error: no" });
    expect(describeOutcome(startUp)).toBe("a: FAILED (new Allocator(heap)) the allocator's constructor threw Error: no");
    const slow = failed('a', { op: -1, operation: 'new Allocator(heap)', kind: 'timeout', reason: "the submission's top level did not return within 2000 ms" });
    expect(describeOutcome(slow)).toBe("a: TIMED OUT (new Allocator(heap)) the submission's top level did not return within 2000 ms");
    expect(describeOutcome({ ...failed('a'), failure: null })).toBe('a: failed');
  });

  it('describeOutcome counts an api scenario\'s calls from 1, as its where says, without the 0-based index', () => {
    const api: TraceOutcome = {
      trace: 'small', file: 'scenario small', ok: false, metrics: null, logs: [], ms: 3, calls: 3,
      failure: { op: 3, line: 0, where: 'call 4 of 40', operation: 'allocate(16, 0)', kind: 'mismatch', reason: 'allocate(16, 0) returned 4, FreeNOS returns 0' },
    };
    expect(describeOutcome(api)).toBe('small: FAILED at call 4 of 40 (allocate(16, 0)): allocate(16, 0) returned 4, FreeNOS returns 0');
    expect(describeOutcome({ ...api, failure: { ...api.failure!, kind: 'timeout', reason: 'allocate(16, 0) did not finish' } }))
      .toBe('small: TIMED OUT at call 4 of 40 (allocate(16, 0)): allocate(16, 0) did not finish');
    // A malloc trace keeps the timeline's 0-based operation and its trace line.
    expect(describeOutcome(failed('b'))).toBe('b: FAILED at operation 4 (b.trace:9: malloc(24)): it overlaps');
  });

  it('throughputText names the units, the times the reference\'s work and the ratio scored; grouped groups thousands', () => {
    expect(throughputText(19519, 1264, 1264 / 19519, { min: 0.5, max: 0.9 }))
      .toBe("19,519 work units vs the reference's 1,264 (15.4× its work) → throughput 1,264 / 19,519 = 0.06 (band 0.5–0.9)");
    expect(throughputText(0, 10, Infinity, { min: 0.5, max: 0.9 })).toBe("0 work units vs the reference's 10 (0.0× its work) → throughput 10 / 0 = unbounded (band 0.5–0.9)");
    expect(throughputText(5, 0, 0, { min: 0.5, max: 0.9 })).toBe("5 work units vs the reference's 0 → throughput 0 / 5 = 0.00 (band 0.5–0.9)");
    expect([grouped(0), grouped(999), grouped(1000), grouped(1234567), grouped(1234.5)]).toEqual(['0', '999', '1,000', '1,234,567', '1,234.5']);
  });
});

describe('a trace a time limit stopped: where, and partial credit', () => {
  /** Trace `trace` of `total` operations stopped at 0-based operation `at` in the student's malloc(24) (line at + 2: one header line). */
  function stopped(trace: string, at: number, total: number): TraceOutcome {
    const failure: ReplayFailure = {
      op: at, line: at + 2, where: `${trace}.trace:${at + 2}`, operation: 'a 7 24', kind: 'timeout', call: 'malloc(24)',
      reason: "malloc(24) did not finish within the test's time limit (1 s: 100,000,000 units)",
    };
    return { trace, file: `${trace}.trace`, ok: false, failure, metrics: metrics(0.5, 100_000_000, at), logs: [], ms: 900, total };
  }
  const withTotal = (o: TraceOutcome, total: number): TraceOutcome => ({ ...o, total });

  it('describeOutcome adds where the limit stopped the trace: the operation of how many, the student\'s call, the line, how many passed', () => {
    expect(describeOutcome(stopped('random', 41_233, 81_823)).split('\n')).toEqual([
      "random: TIMED OUT at operation 41233 (random.trace:41235: a 7 24): malloc(24) did not finish within the test's time limit (1 s: 100,000,000 units)",
      '  stopped by its time limit at operation 41,233 of 81,823 (malloc(24), line 41,235 of the trace): 41,233 operations passed',
    ]);
    // A generated trace has no lines; a start-up timeout has no operation; an unknown total adds nothing.
    const generated = stopped('gen', 1, 10);
    generated.failure = { ...generated.failure!, line: 0 };
    expect(describeOutcome(generated).split('\n')[1]).toBe('  stopped by its time limit at operation 1 of 10 (malloc(24)): 1 operation passed');
    expect(describeOutcome({ ...stopped('a', 5, 10), failure: { ...stopped('a', 5, 10).failure!, op: -1 } })).not.toContain('stopped by');
    expect(describeOutcome({ ...stopped('a', 5, 10), total: undefined })).not.toContain('\n');
    // Any other failure says nothing more.
    expect(describeOutcome(withTotal(failed('b'), 100))).toBe('b: FAILED at operation 4 (b.trace:9: malloc(24)): it overlaps');
  });

  it('describeOutcome on an api scenario: stopped at call k of n, and the calls answered before', () => {
    const api: TraceOutcome = {
      trace: 'small', file: 'scenario small', ok: false, metrics: null, logs: [], ms: 3, calls: 3, total: 40,
      failure: { op: 3, line: 0, where: 'call 4 of 40', operation: 'allocate(16, 0)', kind: 'timeout', reason: 'allocate(16, 0) did not finish' },
    };
    expect(describeOutcome(api).split('\n')).toEqual([
      'small: TIMED OUT at call 4 of 40 (allocate(16, 0)): allocate(16, 0) did not finish',
      '  stopped by its time limit at call 4 of 40 (allocate(16, 0)): 3 calls answered as FreeNOS does',
    ]);
    // With partialCredit: 10 × 3 / 40.
    const result = scoreTest(test({ traces: ['small'], partialCredit: true }), [api], {}, thresholds);
    expect(result.score).toBe(0.75);
    expect(result.partial).toEqual({ fraction: 3 / 40, traces: [{ trace: 'small', state: 'stopped', passed: 3, total: 40 }] });
  });

  it('without partialCredit a stopped trace earns nothing, as before', () => {
    const result = scoreTest(test({ traces: ['random'], points: 6 }), [stopped('random', 41_233, 81_823)], {}, thresholds);
    expect(result).toMatchObject({ status: 'failed', score: 0 });
    expect(result.partial).toBeUndefined();
    expect(result.output).not.toContain('partial credit');
  });

  it('with partialCredit: points × operations passed / operations (the worked example of docs/grading.md)', () => {
    const result = scoreTest(test({ traces: ['random'], points: 6, partialCredit: true }), [stopped('random', 41_233, 81_823)], {}, thresholds);
    expect(result.status).toBe('failed');
    expect(result.score).toBe(3.024); // 6 × 41,233 / 81,823 = 3.0235…
    expect(result.output.split('\n').at(-1)).toBe('partial credit (partialCredit): 6 × 41,233 / 81,823 operations passed = 3.024 points');
  });

  it('with partialCredit over several traces: the mean of their shares, a passed trace 1 and a trace not run 0', () => {
    const t = test({ traces: ['a', 'b', 'c'], points: 9, partialCredit: true });
    const result = scoreTest(t, [withTotal(passed('a', 0.5, 10), 100), stopped('b', 50, 200)], {}, thresholds);
    // (1 + 50 / 200 + 0) / 3 = 0.41666…; 9 × that = 3.75
    expect(result.score).toBe(3.75);
    expect(result.partial!.traces.map((x) => x.state)).toEqual(['passed', 'stopped', 'not run']);
    expect(result.output.split('\n').at(-1)).toBe('partial credit (partialCredit): 9 × mean(a 1, b 50 / 200, c not run 0 operations passed) = 9 × 0.417 = 3.75 points');
  });

  it('with partialCredit a wrong answer, or a start-up timeout, still earns nothing', () => {
    const t = test({ traces: ['a', 'b'], points: 9, partialCredit: true });
    const wrong = scoreTest(t, [stopped('a', 50, 200), withTotal(failed('b'), 100)], {}, thresholds);
    expect(wrong.score).toBe(0);
    expect(wrong.output.split('\n').at(-1)).toBe('no partial credit: a trace failed for a reason other than its time limit');
    const startUp = stopped('a', 0, 200);
    startUp.failure = { ...startUp.failure!, op: -1 };
    expect(scoreTest(t, [startUp], {}, thresholds).score).toBe(0);
    // A performance test never takes it (the rubric refuses the field there; scoreTest ignores it).
    expect(scoreTest({ ...t, kind: 'performance' }, [stopped('a', 50, 200)], { a: 1, b: 1 }, thresholds).score).toBe(0);
  });
});
