// Runs of a student's code, through the grader (grade.ts's gradeSource on a worker pool): one
// test, one trace (the runnable test that replays it), or every test (a grade). Rule: one run per
// exercise at a time; a new run of an exercise stops the one before it (that one resolves with
// stopped: true), since the student pressed Run again on newer code. Each exercise keeps one warm
// worker between runs; stop() closes it (terminating the job at once) and the next run starts a
// fresh one. The worker compiles too (off the host's thread, under its memory limit): one compile a run.
import type { CompileProblem, RunRequest, RunResult, RunTarget } from '../../contract';
import type { GradeReport } from '../../../engine/grader';
import { ExerciseError, type Exercise } from '../grader/exercise';
import { gradePool, gradeSource, type GradePool } from '../grader/grade';
import type { GradeProgress } from '../grader/jobTypes';
import { isRunnable, runnableTraces } from './catalog';
import { failedViews, gradeViews, hiddenStanding, logsOf, testView } from './views';

/** The name student code is compiled and reported under. */
export const SUBMISSION_FILE = 'submission.ts';

export interface RunPlan {
  /** Test names to run; undefined for a grade (every test the pack holds). */
  tests: string[] | undefined;
  grade: boolean;
}

/** What a finished run gives the host: the result, and the report when every test was graded. */
export interface RunOutcome {
  result: RunResult;
  /** The report of a completed grade (for the history), else null. */
  graded: GradeReport | null;
}

interface Active {
  runId: string;
  exercise: string;
  stopped: boolean;
  pool: GradePool | null;
}

/**
 * The tests a target runs. Throws an Error naming the exercise for an unknown or hidden test, or a
 * trace no runnable test replays. A trace runs the runnable test with the fewest traces that has it.
 */
export function planRun(exercise: Exercise, target: RunTarget): RunPlan {
  const { spec } = exercise;
  const t = target as { test?: unknown; trace?: unknown; grade?: unknown };
  if (t.grade === true) return { tests: undefined, grade: true };
  if (typeof t.test === 'string') {
    const test = spec.tests.find((x) => x.name === t.test);
    if (!test) throw new Error(`${spec.id}: no test named '${t.test}' (tests: ${spec.tests.map((x) => x.name).join(', ')})`);
    if (!isRunnable(exercise, test)) throw new Error(`${spec.id}: test '${test.name}' is hidden (${test.visibility}): it runs only in a grade`);
    return { tests: [test.name], grade: false };
  }
  const trace = t.trace as string;
  const candidates = spec.tests.filter((x) => isRunnable(exercise, x) && x.traces.includes(trace));
  if (candidates.length === 0) throw new Error(`${spec.id}: no trace '${trace}' to run (traces: ${runnableTraces(exercise).join(', ') || 'none'})`);
  const cost = (x: (typeof candidates)[number]) => x.traces.length * 2 + (x.kind === 'question' ? 1 : 0);
  const best = candidates.reduce((a, b) => (cost(b) < cost(a) ? b : a));
  return { tests: [best.name], grade: false };
}

export class Runs {
  private readonly active = new Map<string, Active>();
  private readonly pools = new Map<string, GradePool>();
  /** Reference work per exercise folder, measured once per host (the reference does not change). */
  private readonly referenceWork = new Map<string, Record<string, number>>();
  private count = 0;

  constructor(private readonly progress: (runId: string, exercise: string, event: GradeProgress) => void) {}

  /** Runs `request` on `exercise` (planned by planRun); never rejects for the submission's sake. */
  async run(exercise: Exercise, request: RunRequest, plan: RunPlan): Promise<RunOutcome> {
    const started = performance.now();
    const id = exercise.spec.id;
    const previous = this.active.get(id);
    if (previous) await this.stop(previous.runId);
    const me: Active = { runId: `run-${++this.count}-${Date.now().toString(36)}`, exercise: id, stopped: false, pool: null };
    this.active.set(id, me);
    const base = { runId: me.runId, tests: [], score: 0, maxScore: 0, logs: [], compileErrors: null, error: null, stopped: false };
    const finish = (result: Omit<RunResult, 'ms'>, graded: GradeReport | null = null): RunOutcome => {
      if (this.active.get(id) === me) this.active.delete(id);
      const stopped = me.stopped ? { tests: [], score: 0, error: 'the run was stopped', stopped: true } : {};
      return { result: { ...result, ...stopped, ms: Math.round(performance.now() - started) }, graded: me.stopped ? null : graded };
    };
    const chosen = exercise.spec.tests.filter((t) => (plan.tests ? plan.tests.includes(t.name) : !t.traces.some((x) => exercise.withheld.includes(x))));
    const maxScore = chosen.reduce((total, t) => total + t.points, 0);

    if (me.stopped) return finish(base);
    // Warm workers are kept only for the exercise being worked on (and any still running).
    for (const [other, pool] of this.pools) {
      if (other === id || this.active.has(other)) continue;
      this.pools.delete(other);
      void pool.close();
    }
    me.pool = this.pools.get(id) ?? gradePool(1);
    this.pools.set(id, me.pool);
    try {
      // The grading worker compiles (off this thread, under its memory limit): one compile per run.
      const { report, referenceWork, compileErrors } = await gradeSource(exercise.dir, request.source, SUBMISSION_FILE, {
        tests: plan.tests,
        pool: me.pool,
        referenceWork: this.referenceWork.get(exercise.dir),
        submissionName: SUBMISSION_FILE,
        onTest: (event) => {
          if (!me.stopped) this.progress(me.runId, id, event);
        },
      });
      if (compileErrors) {
        const problems: CompileProblem[] = compileErrors.map((e) => ({ line: e.line, column: e.column, message: e.message }));
        const failed = failedViews(exercise, chosen, 'the submission does not compile (see the errors at their lines)');
        return finish({ ...base, compileErrors: problems, tests: plan.grade ? gradeViews(exercise, failed) : failed, maxScore });
      }
      if (!me.stopped && Object.keys(referenceWork).length > 0) this.referenceWork.set(exercise.dir, { ...this.referenceWork.get(exercise.dir), ...referenceWork });
      // A grade also lists the hidden tests this pack leaves out (not run, no points here).
      const rubric = new Map(exercise.spec.tests.map((t) => [t.name, t]));
      const ran = report.tests.map((t) => testView(t, hiddenStanding(exercise, rubric.get(t.name)!)));
      const tests = plan.grade ? gradeViews(exercise, ran) : ran;
      return finish({ ...base, tests, score: report.score, maxScore: report.maxScore, logs: logsOf(report) }, plan.grade ? report : null);
    } catch (error) {
      if (!(error instanceof ExerciseError)) {
        if (this.active.get(id) === me) this.active.delete(id);
        throw error;
      }
      return finish({ ...base, maxScore, error: error.message });
    }
  }

  /** Stops the run with this id, or the run of this exercise id; false when there is none. */
  async stop(runIdOrExercise: string): Promise<boolean> {
    const run = [...this.active.values()].find((r) => r.runId === runIdOrExercise) ?? this.active.get(runIdOrExercise);
    if (!run || run.stopped) return false;
    run.stopped = true;
    this.active.delete(run.exercise);
    if (run.pool) {
      // Closing the pool terminates the worker; the job then resolves as crashed, reported as stopped.
      if (this.pools.get(run.exercise) === run.pool) this.pools.delete(run.exercise);
      await run.pool.close();
    }
    return true;
  }

  /** Whether a run of this exercise is going. */
  running(exercise: string): boolean {
    return this.active.has(exercise);
  }

  /** Stops every run and ends every worker. */
  async dispose(): Promise<void> {
    await Promise.all([...this.active.values()].map((r) => this.stop(r.runId)));
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}
