// Grade: turns what happened on each trace (the runner's TraceOutcomes) into scored tests under an
// exercise's rubric. A test passes when every one of its traces passed the checker; a correctness
// test earns all its points or none; a performance test earns points × index / 100, the index of
// mean utilization and of throughput (reference work / submission work over the test's traces).
// A tune exercise weighs throughput 0 (no reference work needed) and may give a test its own
// utilization band; its question tests have one outcome, the judged prediction (`answer`). A
// correctness test with `partialCredit` that only a time limit stopped earns points × the share of
// its operations that passed (partialCredit below); a trace stopped by a limit says where, in every format.
// Everything here is deterministic; only the `ms` fields carry wall time.
import { printable } from './Printable';
import type { ReplayFailure, TraceMetrics } from './Replay';
import type { RubricTest, Visibility } from './Rubric';
import { performanceIndex, throughputRatio, type PerformanceIndex, type Thresholds } from './Score';

/** What one trace did under the submission: a replay's verdict, or why it never ran. */
export interface TraceOutcome {
  trace: string;
  /** The trace's file (or generator) as the report names it. */
  file: string;
  ok: boolean;
  /** The first failure; op -1 when the allocator failed before the first operation (start-up, time limit). */
  failure: ReplayFailure | null;
  metrics: TraceMetrics | null;
  /** Lines the submission logged on this trace (capped). */
  logs: string[];
  ms: number;
  /** An api exercise's scenario: the calls answered like the engine (malloc traces have metrics instead). */
  calls?: number;
  /** Operations in the trace (calls in a scenario), when known: what a stopped trace's passed operations are counted against. */
  total?: number;
  /** A tune exercise's question: the prediction, whether it was right, the report's text, and what was observed (null when not revealed). */
  answer?: { predicted: unknown; correct: boolean; text: string; observed: string | null };
}

export interface TestResult {
  name: string;
  number: string;
  kind: RubricTest['kind'];
  visibility: Visibility;
  status: 'passed' | 'failed';
  score: number;
  maxScore: number;
  /** What a student reads: per trace verdicts, metrics, the first failure and the log. */
  output: string;
  performance: PerformanceIndex | null;
  traces: TraceOutcome[];
  /** The test's traces that never ran because an earlier one used up its time limit. */
  notRun: string[];
  /** Set when a `partialCredit` test that failed only by its time limit earned part of its points (see partialCredit). */
  partial?: PartialCredit;
  ms: number;
}

/** A timed-out correctness test's partial credit: per trace, the operations that passed of its total; the score is points × fraction. */
export interface PartialCredit {
  /** The mean over the test's traces of passed / total (a passed trace 1, a trace not run 0). */
  fraction: number;
  /** Per trace of the test: passed whole, stopped by a time limit after `passed` of `total` operations, or not run (0). */
  traces: { trace: string; state: 'passed' | 'stopped' | 'not run'; passed: number; total: number }[];
}

export interface GradeReport {
  exercise: string;
  submission: string;
  score: number;
  maxScore: number;
  tests: TestResult[];
  /** Problems that concern the whole submission (a compile error), shown before the tests. */
  notes: string[];
  ms: number;
  /** Which grader graded it (the host stamps it; absent on a report made without, e.g. by hand). */
  grader?: GraderVersion;
  /** Seeds of the generated traces and scenarios the graded tests used, by trace; null when every trace is a file. Set with `grader`. */
  seed?: Record<string, number> | null;
}

/**
 * A grader's version, so that a grade can be reproduced: short sha256s of the lab's grading code
 * (engine and grader sources), of the exercise's files, and of both together (`version`).
 */
export interface GraderVersion {
  version: string;
  code: string;
  exercise: string;
}

/** Scores one test from its traces' outcomes; referenceWork maps a trace name to the reference's work. */
export function scoreTest(test: RubricTest, outcomes: TraceOutcome[], referenceWork: Record<string, number>, thresholds: Thresholds): TestResult {
  const passed = outcomes.length === test.traces.length && outcomes.every((o) => o.ok);
  const lines = outcomes.map(describeOutcome);
  const notRun = test.traces.slice(outcomes.length);
  for (const name of notRun) lines.push(`${name}: not run (an earlier trace of this test used up its time limit)`);
  let performance: PerformanceIndex | null = null;
  let partial: PartialCredit | undefined;
  let score = 0;
  if (passed && test.kind === 'performance') {
    const utilization = mean(outcomes.map((o) => o.metrics!.utilization));
    const work = sum(outcomes.map((o) => o.metrics!.work));
    const bands: Thresholds = test.utilization ? { ...thresholds, utilization: test.utilization } : thresholds;
    const band = `utilization ${percent(utilization)} (band ${percent(bands.utilization.min)}–${percent(bands.utilization.max)})`;
    if (thresholds.weights?.throughput === 0) {
      // Utilization alone (a tune exercise): no reference work, throughput not measured (NaN).
      performance = performanceIndex(utilization, NaN, bands);
      lines.push(`performance index ${performance.index.toFixed(1)} / 100: ${band}`);
    } else {
      const missing = test.traces.filter((name) => !(name in referenceWork));
      if (missing.length > 0) throw new RangeError(`no reference work for ${missing.join(', ')}`);
      const reference = sum(test.traces.map((name) => referenceWork[name]!));
      performance = performanceIndex(utilization, throughputRatio(reference, work), bands);
      lines.push(`performance index ${performance.index.toFixed(1)} / 100: ${band}; ${throughputText(work, reference, performance.throughput, thresholds.throughput)}`, WORK_UNIT_TEXT);
    }
    score = round((test.points * performance.index) / 100);
  } else if (passed) score = test.points;
  else if (test.partialCredit && test.kind === 'correctness') {
    partial = partialCredit(test, outcomes) ?? undefined;
    if (partial) {
      score = round(test.points * partial.fraction);
      lines.push(partialText(test.points, partial, score));
    } else lines.push('no partial credit: a trace failed for a reason other than its time limit');
  } else if (test.kind === 'performance') lines.push('performance is scored only when every trace of the test passes');
  // A student's log lines are theirs: each stays one line, its control and bidi characters shown as escapes.
  const logs = outcomes.flatMap((o) => (o.logs.length > 0 ? [`log on ${o.trace}:`, ...o.logs.map((l) => `  | ${printable(l)}`)] : []));
  return {
    name: test.name,
    number: test.number,
    kind: test.kind,
    visibility: test.visibility,
    status: passed ? 'passed' : 'failed',
    score,
    maxScore: test.points,
    output: [...lines, ...logs].join('\n'),
    performance,
    traces: outcomes,
    notRun,
    ...(partial ? { partial } : {}),
    ms: sum(outcomes.map((o) => o.ms)),
  };
}

/**
 * A `partialCredit` test's credit when every trace of it either passed, was stopped by a time limit
 * at an operation (its operations before that passed), or was not run; null when a trace failed
 * otherwise (a wrong answer, a crash, a start-up that timed out), which earns nothing as before.
 */
export function partialCredit(test: RubricTest, outcomes: TraceOutcome[]): PartialCredit | null {
  const traces: PartialCredit['traces'] = [];
  const fractions: number[] = [];
  for (const [k, name] of test.traces.entries()) {
    const o = outcomes[k];
    const total = o?.total ?? 0;
    if (!o) traces.push({ trace: name, state: 'not run', passed: 0, total: 0 });
    else if (o.ok) traces.push({ trace: name, state: 'passed', passed: total, total });
    else if (o.failure?.kind === 'timeout' && o.failure.op >= 0 && total > 0) traces.push({ trace: name, state: 'stopped', passed: passedOf(o), total });
    else return null;
    fractions.push(!o ? 0 : o.ok ? 1 : passedOf(o) / total);
  }
  const fraction = mean(fractions);
  return { fraction, traces };
}

/** 'partial credit (partialCredit): 6 × 41,233 / 81,823 operations passed = 3.024 points'; several traces: the mean of their fractions. */
function partialText(points: number, partial: PartialCredit, score: number): string {
  const one = (t: PartialCredit['traces'][number]) => (t.state === 'stopped' ? `${t.trace} ${grouped(t.passed)} / ${grouped(t.total)}` : `${t.trace} ${t.state === 'passed' ? '1' : 'not run 0'}`);
  const of = partial.traces.length === 1 && partial.traces[0]!.state === 'stopped'
    ? `${grouped(partial.traces[0]!.passed)} / ${grouped(partial.traces[0]!.total)} operations passed`
    : `mean(${partial.traces.map(one).join(', ')} operations passed) = ${points} × ${round(partial.fraction)}`;
  return `partial credit (partialCredit): ${points} × ${of} = ${score} points`;
}

/** Operations (calls, in a scenario) that passed before the first failure. */
function passedOf(o: TraceOutcome): number {
  return o.metrics?.operations ?? o.calls ?? Math.max(0, o.failure?.op ?? 0);
}

/** A failed test for every rubric test, all with the same output (a compile error, a crashed runner). */
export function failAll(tests: RubricTest[], output: string): TestResult[] {
  return tests.map((test) => ({
    name: test.name, number: test.number, kind: test.kind, visibility: test.visibility, status: 'failed' as const,
    score: 0, maxScore: test.points, output, performance: null, traces: [], notRun: test.traces, ms: 0,
  }));
}

/** The report of scored tests: the score is their sum. */
export function gradeReport(exercise: string, submission: string, tests: TestResult[], notes: string[], ms: number): GradeReport {
  return { exercise, submission, score: round(sum(tests.map((t) => t.score))), maxScore: round(sum(tests.map((t) => t.maxScore))), tests, notes, ms };
}

/** What one work unit is, as the sandbox counts it (electron/host/sandbox/instrument.ts, builtins.ts), in one line. */
export const WORK_UNIT_TEXT =
  'one work unit = one call or one loop step of your code, one heap access, or one element a built-in scans; entering a catch or finally block costs 1,000';

/**
 * The throughput part of a performance line: the submission's work against the reference's, how many
 * times the reference's work that is, and the ratio the index uses (reference / submission) with its band.
 * '19,519 work units vs the reference's 1,264 (15.4× its work) → throughput 1,264 / 19,519 = 0.06 (band 0.5–0.9)'
 */
export function throughputText(work: number, reference: number, throughput: number, band: { min: number; max: number }): string {
  const times = reference > 0 ? ` (${(work / reference).toFixed(1)}× its work)` : '';
  const ratio = Number.isFinite(throughput) ? throughput.toFixed(2) : 'unbounded';
  return `${grouped(work)} work units vs the reference's ${grouped(reference)}${times} → throughput ${grouped(reference)} / ${grouped(work)} = ${ratio} (band ${band.min}–${band.max})`;
}

/** 19519 → '19,519'. */
export function grouped(n: number): string {
  const [whole, fraction] = String(n).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** One line for a trace: passed with its utilization and work, or the first failure. */
export function describeOutcome(o: TraceOutcome): string {
  if (o.answer) return o.answer.text;
  if (o.ok && o.metrics) return `${o.trace}: passed (${o.metrics.operations} operations, utilization ${percent(o.metrics.utilization)}, ${o.metrics.work} work units)`;
  if (o.ok) return `${o.trace}: passed (${o.calls ?? 0} calls answered as FreeNOS does)`;
  const f = o.failure;
  if (!f) return `${o.trace}: failed`;
  const verdict = f.kind === 'timeout' ? 'TIMED OUT' : 'FAILED';
  // The reason may quote the student (an exception's message): one line, control characters escaped.
  const [reason, operation, where] = [printable(f.reason), printable(f.operation), printable(f.where)];
  if (f.op < 0) return `${o.trace}: ${verdict}${operation === '' ? '' : ` (${operation})`} ${reason}`;
  // An api scenario counts calls from 1, as its `where` says ('call 4 of 40'); op (0-based) stays for tools.
  const line = o.calls !== undefined ? `${o.trace}: ${verdict} at ${where} (${operation}): ${reason}` : `${o.trace}: ${verdict} at operation ${f.op} (${where}: ${operation}): ${reason}`;
  const stopped = stoppedText(o);
  return stopped === null ? line : `${line}\n${stopped}`;
}

/**
 * For a trace a time limit stopped mid-way (its total known), where it stopped and what passed before:
 * 'stopped by its time limit at operation 41,233 of 81,823 (malloc(24), line 41,235 of the trace): 41,233 operations passed'
 * or, for a scenario, 'stopped by its time limit at call 4 of 40 (allocate(16, 0)): 3 calls answered as FreeNOS does'; else null.
 */
export function stoppedText(o: TraceOutcome): string | null {
  const f = o.failure;
  if (o.ok || !f || f.kind !== 'timeout' || f.op < 0 || o.total === undefined) return null;
  const passed = passedOf(o);
  if (o.calls !== undefined) {
    return `  stopped by its time limit at call ${grouped(f.op + 1)} of ${grouped(o.total)} (${f.call ?? f.operation}): ${grouped(passed)} call${passed === 1 ? '' : 's'} answered as FreeNOS does`;
  }
  const where = f.line > 0 ? `, line ${grouped(f.line)} of the trace` : '';
  return `  stopped by its time limit at operation ${grouped(f.op)} of ${grouped(o.total)} (${f.call ?? f.operation}${where}): ${grouped(passed)} operation${passed === 1 ? '' : 's'} passed`;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => (xs.length === 0 ? 0 : sum(xs) / xs.length);
const round = (x: number) => Math.round(x * 1000) / 1000;
const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
