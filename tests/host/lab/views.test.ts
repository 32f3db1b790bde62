// testView on hand-made TestResults: a passed performance test shows its index line and what a
// work unit is (the rest of its output, the per-trace lines and the log, stays in the report); an
// api failure is explained with its 1-based call while the view keeps the 0-based index for the timeline.
import { describe, expect, it } from 'vitest';
import { testView } from '../../../electron/host/lab/views';
import { WORK_UNIT_TEXT, type TestResult } from '../../../engine/grader/Grade';

function result(overrides: Partial<TestResult>): TestResult {
  return {
    name: 'perf', number: '3', kind: 'performance', visibility: 'visible', status: 'passed', score: 4, maxScore: 10,
    output: '', performance: null, traces: [], notRun: [], ms: 12, ...overrides,
  };
}

describe('testView', () => {
  it('shows a passed performance test\'s index and the work unit, not its per-trace lines or log', () => {
    const index = "performance index 40.0 / 100: utilization 60.0 % (band 55.0 %–65.0 %); 19,519 work units vs the reference's 1,264 (15.4× its work) → throughput 1,264 / 19,519 = 0.06 (band 0.5–0.9)";
    const output = ['a: passed (10 operations, utilization 60.0 %, 19519 work units)', index, WORK_UNIT_TEXT, 'log on a:', '  hi'].join('\n');
    const view = testView(result({ output, performance: { utilization: 0.6, throughput: 0.06, pUtilization: 0.5, pThroughput: 0, index: 40 } }));
    expect(view).toEqual({ name: 'perf', points: 4, maxPoints: 10, passed: true, ms: 12, output: `${index}\n${WORK_UNIT_TEXT}`, failure: null });
    // A tune exercise's index (no work counted) stays one line.
    const tune = testView(result({ output: 'a: passed\nperformance index 75.0 / 100: utilization 75.0 % (band 60.0 %–80.0 %)', performance: { utilization: 0.75, throughput: NaN, pUtilization: 0.75, pThroughput: 0, index: 75 } }));
    expect(tune.output).toBe('performance index 75.0 / 100: utilization 75.0 % (band 60.0 %–80.0 %)');
  });

  it('explains an api failure by its call counted from 1 and keeps the 0-based op for the timeline', () => {
    const failure = { op: 3, line: 0, where: 'call 4 of 40', operation: 'allocate(16, 0)', kind: 'mismatch' as const, reason: 'allocate(16, 0) returned 4, FreeNOS returns 0' };
    const view = testView(result({
      name: 'small', kind: 'correctness', status: 'failed', score: 0,
      traces: [{ trace: 'small', file: 'scenario small', ok: false, failure, metrics: null, logs: [], ms: 1, calls: 3 }],
    }));
    expect(view.output).toBe('small: FAILED at call 4 of 40 (allocate(16, 0)): allocate(16, 0) returned 4, FreeNOS returns 0');
    expect(view.failure).toEqual({ trace: 'small', op: 3 });
  });
});
