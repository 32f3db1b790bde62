// The grader's report as the results panel shows it: one TestView per test (its failure explained
// in one line with describeOutcome, the failing operation for "show in timeline") and the log lines
// of the student's code. Hidden tests show only passed or failed: their traces and operations are
// the instructor's. Pure functions of a GradeReport.
import type { TestView } from '../../contract';
import { WORK_UNIT_TEXT, describeOutcome, type GradeReport, type TestResult } from '../../../engine/grader/Grade';
import type { RubricTest } from '../../../engine/grader/Rubric';

/** Log lines a run returns at most; the rest are counted in a last line. */
export const LOG_LIMIT = 200;

const hidden = (t: { visibility: string }) => t.visibility !== 'visible';

/** One test's view: for a failure its first failed trace explained (or the whole output when none ran). */
export function testView(t: TestResult): TestView {
  const passed = t.status === 'passed';
  const view = { name: t.name, points: t.score, maxPoints: t.maxScore, passed, ms: Math.round(t.ms) };
  if (hidden(t)) return { ...view, output: passed ? '' : `${t.name}: failed (a hidden test: its details are shown after the due date)`, failure: null };
  if (passed) {
    // A passed performance test earns part of its points: say why (and what a work unit is, when it counts work).
    const lines = t.output.split('\n');
    const at = t.performance ? lines.findIndex((line) => line.startsWith('performance index')) : -1;
    const index = at < 0 ? [] : [lines[at]!, ...(lines[at + 1] === WORK_UNIT_TEXT ? [WORK_UNIT_TEXT] : [])];
    return { ...view, output: index.join('\n'), failure: null };
  }
  const failed = t.traces.find((o) => !o.ok);
  const notRun = t.notRun.length > 0 && t.traces.length > 0 ? `\nnot run (the time limit was used up): ${t.notRun.join(', ')}` : '';
  const output = failed ? describeOutcome(failed) + notRun : t.output;
  const failure = failed?.failure && failed.failure.op >= 0 ? { trace: failed.trace, op: failed.failure.op } : null;
  return { ...view, output, failure };
}

/** Every test failed with the same reason (the submission does not compile). */
export function failedViews(tests: RubricTest[], output: string): TestView[] {
  return tests.map((t) => ({ name: t.name, points: 0, maxPoints: t.points, passed: false, output, failure: null, ms: 0 }));
}

/** The student's log lines per trace ('[trace] line'), each trace once, hidden tests left out, capped. */
export function logsOf(report: GradeReport): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const test of report.tests) {
    if (hidden(test)) continue;
    for (const outcome of test.traces) {
      if (seen.has(outcome.trace)) continue;
      seen.add(outcome.trace);
      for (const line of outcome.logs) lines.push(`[${outcome.trace}] ${line}`);
    }
  }
  if (lines.length <= LOG_LIMIT) return lines;
  return [...lines.slice(0, LOG_LIMIT), `… ${lines.length - LOG_LIMIT} more lines not shown`];
}
