// The grading job, run inside a worker thread (runInWorker): compiles one submission, replays each
// selected test's traces against it in a fresh sandbox compartment per trace under the test's time
// limit, and runs the exercise's reference in the same kind of sandbox for the throughput ratio.
// An api exercise's traces are scenarios, checked call by call against the engine (scenarioJob.ts);
// a tune exercise's submission is data for the engine's own allocator (tuneJob.ts).
// It returns plain data only; scoring happens in the host (engine/grader/Grade.ts).
import { TargetError } from '../../../engine/grader/ReplayTarget';
import { replay } from '../../../engine/grader/Replay';
import type { TraceOutcome } from '../../../engine/grader/Grade';
import { compileSubmission, type CompileError, type CompileResult } from '../sandbox/compile';
import type { Program } from '../sandbox/program';
import { createSandboxTarget } from '../sandbox/SandboxTarget';
import { applyBudget, spent, testBudget, type TestBudget } from './budget';
import { REFERENCE_WORK, loadExercise, loadTrace, readExerciseFile, type Exercise } from './exercise';
import { runScenarioCase } from './scenarioJob';
import { runTuneJob } from './tuneJob';
import type { Trace } from '../../../engine/workload/Trace';

export interface GradeJobInput {
  exerciseDir: string;
  /** The submission's source and the file name its errors are reported under. */
  source: string;
  file: string;
  /** Names of the tests to run, in rubric order. */
  tests: string[];
  /** Reference work per trace when already known (a batch measures it once); else measured here. */
  referenceWork: Record<string, number> | null;
  /** Traces to measure the reference on even if no selected test needs them (a batch's first step). */
  measure?: string[];
  /**
   * The submission and the reference already compiled by the host (a job in a process without the
   * right to start esbuild's compiler); compiled here when absent.
   */
  compiled?: CompileResult;
  reference?: CompileResult;
  /** Outcomes already known per trace (a resumed job: the trace a stuck or dead worker was on). */
  known?: Record<string, TraceOutcome>;
}

/** What the job watches while a trace runs (see runInWorker's watch): the host's verdict if it overstays. */
export interface WatchedTrace {
  /** The test the trace runs for (null: the reference's run). */
  test: string | null;
  trace: string;
  file: string;
}

/** The job's watch(ms, what): the host stops the worker when a step overstays its ms. */
export type Watch = (ms: number | null, what: WatchedTrace | null) => void;

/** The watch on one trace: the test's wall-clock backstop and 5 s more (the meter stops metered code first); 10 minutes for the reference. */
function watchMs(budget: TestBudget | null): number {
  return budget ? Math.max(0, budget.wallEnd - performance.now()) + 5000 : 600_000;
}

export interface GradeJobOutput {
  compileErrors: CompileError[] | null;
  /** Per test name, the outcomes of its traces in order (fewer when its time limit ran out). */
  outcomes: Record<string, TraceOutcome[]>;
  referenceWork: Record<string, number>;
  /** Set when the exercise itself is broken (its reference fails a trace). */
  error: string | null;
  /** Set when the submission compiled but cannot be graded (a tune exercise's export that loops, throws or is not a valid config). */
  submissionError?: string | null;
}

/** Log lines kept per trace; the sandbox counts the rest ('… N more lines dropped'). */
const LOG_LINES = 20;

/** What the job reports after each test it ran (before any scoring). */
export interface GradeProgress {
  test: string;
  /** 1-based position among the tests run, and their count. */
  index: number;
  total: number;
  /** Every trace of the test ran and passed the checker. */
  passed: boolean;
  ms: number;
  /** The test's outcomes (the host keeps them to resume after a stuck worker; not shown). */
  outcomes?: TraceOutcome[];
}

/** The worker entry point (see runInWorker); `progress` hears about each test as it ends, `watch` about each trace as it starts. */
export async function run(input: GradeJobInput, progress?: (event: GradeProgress) => void, watch: Watch = () => {}): Promise<GradeJobOutput> {
  const exercise = loadExercise(input.exerciseDir);
  const output: GradeJobOutput = { compileErrors: null, outcomes: {}, referenceWork: { ...(input.referenceWork ?? {}) }, error: null };
  const tests = exercise.spec.tests.filter((t) => input.tests.includes(t.name));
  if (exercise.spec.kind === 'tune') return runTuneJob(input, exercise, tests, progress);
  const traces = new Map<string, Trace>();
  const traceOf = (name: string) => traces.get(name) ?? traces.set(name, loadTrace(exercise, name)).get(name)!;

  const compiled = input.compiled ?? await compileSubmission(input.source, input.file);
  if (!compiled.ok) {
    output.compileErrors = compiled.errors;
    return output;
  }
  const done = new Map<string, TraceOutcome>(Object.entries(input.known ?? {}));
  for (const [k, test] of tests.entries()) {
    const started = performance.now();
    const outcomes: TraceOutcome[] = [];
    const budget = testBudget(test.timeLimitMs);
    for (const name of test.traces) {
      const known = done.get(name);
      if (known) {
        outcomes.push(known);
        continue;
      }
      if (spent(budget)) break;
      watch(watchMs(budget), { test: test.name, trace: name, file: exercise.spec.kind === 'api' ? name : traceOf(name).file });
      const outcome = exercise.spec.kind === 'api'
        ? await runScenarioCase(exercise, compiled, name, budget)
        : await runTrace(exercise, compiled, name, traceOf(name), budget);
      // A trace cut short by this test's limit may pass under a later test's fresh limit: not cached.
      if (!(outcome.failure?.kind === 'timeout' && spent(budget))) done.set(name, outcome);
      outcomes.push(outcome);
    }
    watch(null, null);
    output.outcomes[test.name] = outcomes;
    const passed = outcomes.length === test.traces.length && outcomes.every((o) => o.ok);
    progress?.({ test: test.name, index: k + 1, total: tests.length, passed, ms: performance.now() - started, outcomes });
  }

  const wanted = [...tests.filter((t) => t.kind === 'performance').flatMap((t) => t.traces), ...(input.measure ?? [])];
  const needed = [...new Set(wanted)].filter((n) => !(n in output.referenceWork));
  if (needed.length > 0 && exercise.referenceWork) {
    output.error = `${REFERENCE_WORK} has no reference work for ${needed.join(', ')}`;
    return output;
  }
  if (needed.length > 0) {
    const reference = input.reference ?? await compileSubmission(readExerciseFile(exercise, exercise.spec.reference), exercise.spec.reference);
    if (!reference.ok) {
      output.error = `the exercise's reference ${exercise.spec.reference} does not compile: ${reference.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ')}`;
      return output;
    }
    for (const name of needed) {
      watch(watchMs(null), { test: null, trace: name, file: traceOf(name).file });
      const outcome = await runTrace(exercise, reference, name, traceOf(name), null, 'reference');
      watch(null, null);
      if (!outcome.ok) {
        output.error = `the exercise's reference fails its own trace: ${outcome.failure?.reason ?? 'unknown failure'}`;
        return output;
      }
      output.referenceWork[name] = outcome.metrics!.work;
    }
  }
  return output;
}

/** Replays one trace in a fresh sandbox within `budget` (none: only each call's own); every failure, start-up included, becomes the outcome's failure. */
async function runTrace(exercise: Exercise, program: Program, name: string, trace: Trace, budget: TestBudget | null, who = 'student'): Promise<TraceOutcome> {
  const started = performance.now();
  const { limit, parent } = exercise.spec.heap;
  const base = { trace: name, file: trace.file, total: trace.length };
  let target;
  try {
    target = await createSandboxTarget(program, { name: who, heapLimit: limit, parent, logLines: LOG_LINES });
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    const failure = { op: -1, line: 0, where: trace.file, operation: 'new Allocator(heap)', kind: error.kind === 'timeout' ? 'timeout' as const : 'target' as const, reason: error.message };
    return { ...base, ok: false, failure, metrics: null, logs: [], ms: performance.now() - started };
  }
  const charge = applyBudget(target, budget);
  try {
    const result = replay(trace, target, { heapLimit: limit });
    return { ...base, ok: result.ok, failure: result.failure, metrics: result.metrics, logs: target.logs(), ms: performance.now() - started };
  } finally {
    charge();
    target.dispose();
  }
}
