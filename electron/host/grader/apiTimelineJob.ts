// The api timeline's job, run in a worker thread (the sandbox runs only there): compiles the student's
// class, builds it in a fresh sandbox as the grader does (scenarioJob.ts), and runs every call of one
// scenario next to the engine's answers (runApiTimeline) under a test's time limit. Plain data out:
// the engine's and the student's answers, each call's status, and why the class could not run at all.
import {
  runApiTimeline, type Scenario, scenarioHeapLimit, subjects, TargetError, type TimelineCall,
} from '../../../engine/grader';
import { compileSubmission } from '../sandbox/compile';
import { createSandboxApiTarget } from '../sandbox/SandboxTarget';
import { applyBudget, testBudget } from './budget';

export interface ApiTimelineJobInput {
  subject: string;
  scenario: Scenario;
  source: string;
  /** The file name compile errors and stack lines name. */
  file: string;
  /** The time limit of all the calls together (as a test's). */
  limitMs: number;
}

export interface ApiTimelineJobOutput {
  /** Why the class could not run: a compile error, a module or constructor that throws or loops; else null. */
  error: string | null;
  expected: unknown[];
  calls: TimelineCall[];
  first: number | null;
  logs: string[];
}

/** Log lines kept. */
const LOG_LINES = 50;

/** The worker entry point: never rejects for the submission's sake. */
export async function run(input: ApiTimelineJobInput): Promise<ApiTimelineJobOutput> {
  const subject = subjects[input.subject];
  if (!subject) throw new Error(`no conformance subject '${input.subject}'`);
  const { scenario } = input;
  const failed = (error: string): ApiTimelineJobOutput => ({ error, expected: subject.oracle(scenario), calls: [], first: null, logs: [] });
  const compiled = await compileSubmission(input.source, input.file);
  if (!compiled.ok) return failed(`${input.file} does not compile: ${compiled.errors.map((e) => `line ${e.line}:${e.column} ${e.message}`).join('; ')}`);
  const withHeap = subject.withHeap === true;
  const harness = subject.harness?.(scenario);
  let target;
  try {
    target = await createSandboxApiTarget(compiled, {
      name: 'student', api: { methods: subject.methods, args: scenario.args, withHeap, services: harness?.services },
      heapLimit: withHeap ? scenarioHeapLimit(subject, scenario) : 64 * 1024, logLines: LOG_LINES,
    });
  } catch (error) {
    if (error instanceof TargetError) return failed(error.message);
    throw error;
  }
  const charge = applyBudget(target, testBudget(input.limitMs));
  try {
    const sandbox = target;
    const result = runApiTimeline(subject, scenario, target, (address) => sandbox.peek8(address), harness);
    return { error: null, expected: result.expected, calls: result.calls, first: result.first, logs: target.logs() };
  } finally {
    charge();
    target.dispose();
  }
}
