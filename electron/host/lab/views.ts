// The grader's report as the results panel shows it: one TestView per test (its failure explained
// with describeOutcome, where a time limit stopped it and any partial credit, the failing operation for "show in timeline") and the log lines
// of the student's code. Hidden tests show only passed or failed: their traces and operations are
// the instructor's. A hidden test with secret traces that ran is marked 'instructor-copy' (its
// traces are in this copy of the exercise, not in students' packs); one whose traces this pack
// leaves out gets a view 'not-in-pack' that earns nothing and says the instructor grades it.
import type { HiddenTest, TestView } from '../../contract';
import { secretTraces, type Exercise } from '../grader/exercise';
import { describeOutcome, type GradeReport, type RubricTest, type TestResult, WORK_UNIT_TEXT } from '../../../engine/grader';

/** Log lines a run returns at most; the rest are counted in a last line. */
export const LOG_LIMIT = 200;

const hidden = (t: { visibility: string }) => t.visibility !== 'visible';

/** Whether a test's traces are left out of this pack (a student pack's hidden test). */
export const notInPack = (exercise: Exercise, t: { traces: string[] }): boolean => t.traces.some((trace) => exercise.withheld.includes(trace));

/**
 * A test's standing as a hidden test in this copy of the exercise (see HiddenTest): a test with a
 * secret trace (one only non-visible tests use, which student packs leave out) is 'not-in-pack'
 * when this pack left it out, else 'instructor-copy'. Undefined for any other test, a non-visible
 * one on visible traces included (students have it too: only its details wait for the due date).
 */
export function hiddenStanding(exercise: Exercise, t: { traces: string[] }): HiddenTest | undefined {
  if (notInPack(exercise, t)) return 'not-in-pack';
  const secret = secretTraces(exercise.spec);
  return t.traces.some((trace) => secret.has(trace)) ? 'instructor-copy' : undefined;
}

/**
 * One test's view: for a failure its first failed trace explained (or the whole output when none
 * ran); `standing`, a hidden test's (hiddenStanding), is passed on for the results panel's label.
 */
export function testView(t: TestResult, standing?: HiddenTest): TestView {
  const passed = t.status === 'passed';
  const view = { name: t.name, points: t.score, maxPoints: t.maxScore, passed, ms: Math.round(t.ms), ...(standing ? { hidden: standing } : {}) };
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
  // A partialCredit test a time limit stopped keeps its partial-credit line (why it earned some points).
  const credit = t.partial ? t.output.split('\n').filter((line) => line.startsWith('partial credit')).map((line) => `\n${line}`).join('') : '';
  const output = failed ? describeOutcome(failed) + notRun + credit : t.output;
  const failure = failed?.failure && failed.failure.op >= 0 ? { trace: failed.trace, op: failed.failure.op } : null;
  return { ...view, output, failure };
}

/** Every test failed with the same reason (the submission does not compile); hidden ones with their standing. */
export function failedViews(exercise: Exercise, tests: RubricTest[], output: string): TestView[] {
  return tests.map((t) => {
    const standing = hiddenStanding(exercise, t);
    return { name: t.name, points: 0, maxPoints: t.points, passed: false, output, failure: null, ms: 0, ...(standing ? { hidden: standing } : {}) };
  });
}

/** The hidden tests this pack leaves out, as a grade shows them: not run, no points here, graded by the instructor. */
export function notInPackViews(exercise: Exercise): TestView[] {
  return exercise.spec.tests.filter((t) => notInPack(exercise, t)).map((t) => ({
    name: t.name, points: 0, maxPoints: t.points, passed: false, failure: null, ms: 0, hidden: 'not-in-pack' as const,
    output: `hidden test, not in this pack: not run here and not counted in this score; your instructor grades it (${t.points} point${t.points === 1 ? '' : 's'})`,
  }));
}

/** A grade's views in rubric order: the tests that ran, and in their places the hidden ones this pack leaves out (notInPackViews). */
export function gradeViews(exercise: Exercise, ran: TestView[]): TestView[] {
  const byName = new Map([...ran, ...notInPackViews(exercise)].map((v) => [v.name, v]));
  return exercise.spec.tests.flatMap((t) => byName.get(t.name) ?? []);
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
