// The grading job, run inside a worker thread (runInWorker): compiles one submission, replays each
// selected test's traces against it in a fresh sandbox compartment per trace under the test's time
// limit, and runs the exercise's reference in the same kind of sandbox for the throughput ratio.
// An api exercise's traces are scenarios, checked call by call against the engine (scenarioJob.ts);
// a tune exercise's submission is data for the engine's own allocator (tuneJob.ts).
// It returns plain data only (jobTypes.ts); scoring happens in the host (engine/grader/Grade.ts).
import { replay, TargetError, type TraceOutcome } from '../../../engine/grader';
import { compileSubmission } from '../sandbox/compile';
import type { Program } from '../sandbox/program';
import { createSandboxTarget } from '../sandbox/SandboxTarget';
import { applyBudget, spent, testBudget, type TestBudget } from './budget';
import { REFERENCE_WORK, loadExercise, loadTrace, readExerciseFile, type Exercise } from './exercise';
import { runScenarioCase } from './scenarioJob';
import { runTuneJob } from './tuneJob';
import type { GradeJobInput, GradeJobOutput, GradeProgress, Watch } from './jobTypes';
import type { Trace } from '../../../engine/workload';

/** The watch on one trace: the test's wall-clock backstop and 5 s more (the meter stops metered code first); 10 minutes for the reference. */
function watchMs(budget: TestBudget | null): number {
  return budget ? Math.max(0, budget.wallEnd - performance.now()) + 5000 : 600_000;
}

/** Log lines kept per trace; the sandbox counts the rest ('… N more lines dropped'). */
const LOG_LINES = 20;

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
