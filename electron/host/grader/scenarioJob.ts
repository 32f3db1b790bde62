// The grading job's part for api exercises: one scenario of calls run against the student's class
// in a fresh sandbox, compared call by call with the engine's own answers (runScenario), and turned
// into the same TraceOutcome a malloc trace gives, so scoring and reports need nothing else.
import { callText, conform, scenarioHeapLimit, TargetError, type TraceOutcome } from '../../../engine/grader';
import type { Program } from '../sandbox/program';
import { createSandboxApiTarget } from '../sandbox/SandboxTarget';
import type { Exercise } from './exercise';
import { applyBudget, type TestBudget } from './budget';
import { loadScenario, subjectOf } from './scenario';

/** Log lines kept per scenario. */
const LOG_LINES = 20;

/** Runs scenario `name` for the compiled submission within what is left of its test's budget. */
export async function runScenarioCase(exercise: Exercise, compiled: Program, name: string, budget: TestBudget): Promise<TraceOutcome> {
  const started = performance.now();
  const subject = subjectOf(exercise);
  const scenario = loadScenario(exercise, name);
  const withHeap = subject.withHeap === true;
  const heapLimit = withHeap ? scenarioHeapLimit(subject, scenario) : 64 * 1024;
  const where = `scenario ${name}`;
  const base = { trace: name, file: where, metrics: null, total: scenario.calls.length };
  // A harness subject (the fork exercise): a fresh machine whose kernel calls the class gets, and which calls it.
  const harness = subject.harness?.(scenario);
  let target;
  try {
    target = await createSandboxApiTarget(compiled, {
      api: { methods: subject.methods, args: scenario.args, withHeap, services: harness?.services }, heapLimit, logLines: LOG_LINES,
    });
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    const operation = `new ${subject.name}(${scenario.args.map((a) => JSON.stringify(a)).join(', ')})`;
    const failure = { op: -1, line: 0, where, operation, kind: error.kind === 'timeout' ? 'timeout' as const : 'target' as const, reason: error.message };
    return { ...base, ok: false, failure, logs: [], ms: performance.now() - started, calls: 0 };
  }
  const charge = applyBudget(target, budget);
  try {
    const sandbox = target;
    const result = conform(subject, scenario, target, (address) => sandbox.peek8(address), harness);
    const f = result.failure;
    const failure = f && { op: f.op, line: 0, where: `call ${f.op + 1} of ${scenario.calls.length}`, operation: callText(scenario.calls[f.op]!), kind: f.kind, reason: f.reason };
    return { ...base, ok: result.ok, failure, logs: target.logs(), ms: performance.now() - started, calls: result.calls };
  } finally {
    charge();
    target.dispose();
  }
}
