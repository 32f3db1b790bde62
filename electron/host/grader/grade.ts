// Grading one submission: the host side. Checks the exercise and the test selection, runs the
// grading job in a worker thread it can always stop, and scores the outcomes under the rubric.
// A submission that fails to compile, crashes its worker or runs past every limit still gets a
// report (every test failed, with the reason); only a broken exercise or a bad request throws.
import { basename } from 'node:path';
import { failAll, gradeReport, scoreTest, type GradeReport, type TestResult } from '../../../engine/grader/Grade';
import type { RubricTest } from '../../../engine/grader/Rubric';
import { runInWorker, type WorkerJobResult } from '../sandbox/runInWorker';
import { WorkerPool } from '../sandbox/WorkerPool';
import { ExerciseError, loadExercise, type Exercise } from './exercise';
import type { GradeJobInput, GradeJobOutput, GradeProgress } from './gradeJob';

export interface GradeOptions {
  /** Run only these tests (by name); all when absent. */
  tests?: string[];
  /** Reference work per trace, when a batch has measured it already. */
  referenceWork?: Record<string, number>;
  /** Name shown in the report (default: the file's base name). */
  submissionName?: string;
  /** Workers to run the job on (a batch keeps them warm); a fresh worker when absent. */
  pool?: GradePool;
  /** Hears about each test as the job finishes it (for a progress display). */
  onTest?: (event: GradeProgress) => void;
}

export type GradePool = WorkerPool<GradeJobInput, GradeJobOutput>;

export interface Graded {
  report: GradeReport;
  /** Reference work per trace measured (or given): a batch passes it to the next submissions. */
  referenceWork: Record<string, number>;
}

const JOB = new URL(import.meta.url.endsWith('.ts') ? './gradeJob.ts' : './gradeJob.js', import.meta.url);
/** Worker start-up, compilation and the reference run on top of the tests' own limits. */
const SLACK_MS = 60_000;

/** A pool of `size` grading workers that stay alive between submissions; close() it when done. */
export function gradePool(size: number): GradePool {
  return new WorkerPool<GradeJobInput, GradeJobOutput>(JOB, size);
}

/** Runs the grading job on the pool, or in a worker of its own. */
function runJob(input: GradeJobInput, timeoutMs: number, pool?: GradePool, onTest?: (event: GradeProgress) => void): Promise<WorkerJobResult<GradeJobOutput>> {
  const onProgress = onTest && ((value: unknown) => onTest(value as GradeProgress));
  return pool ? pool.run(input, { timeoutMs, onProgress }) : runInWorker<GradeJobInput, GradeJobOutput>(JOB, input, { timeoutMs, onProgress });
}

/**
 * The rubric tests to run: those `names` selects (all when absent), in rubric order, leaving out the
 * tests whose traces this pack withholds. Throws ExerciseError for a name the rubric lacks, or a
 * withheld test asked for by name.
 */
export function selectTests(exercise: Exercise, names?: string[]): RubricTest[] {
  const runnable = (t: RubricTest) => !t.traces.some((trace) => exercise.withheld.includes(trace));
  if (!names || names.length === 0) return exercise.spec.tests.filter(runnable);
  const known = exercise.spec.tests.map((t) => t.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new ExerciseError(`${exercise.file}: no test named ${unknown.map((n) => `'${n}'`).join(', ')} (tests: ${known.join(', ')})`);
  const chosen = exercise.spec.tests.filter((t) => names.includes(t.name));
  const absent = chosen.filter((t) => !runnable(t));
  if (absent.length > 0) throw new ExerciseError(`${exercise.file}: test ${absent.map((t) => `'${t.name}'`).join(', ')} needs traces this pack leaves out (hidden tests: your instructor runs them)`);
  return chosen;
}

/** A note for the tests this pack cannot run (a student pack's hidden tests), or none. */
export function withheldNote(exercise: Exercise, run: RubricTest[]): string[] {
  const left = exercise.spec.tests.filter((t) => !run.includes(t) && t.traces.some((trace) => exercise.withheld.includes(trace)));
  if (left.length === 0) return [];
  const points = left.reduce((total, t) => total + t.points, 0);
  return [`${left.length} hidden test${left.length === 1 ? '' : 's'} (${left.map((t) => t.name).join(', ')}; ${points} points) ${left.length === 1 ? 'is' : 'are'} not in this pack: your instructor grades ${left.length === 1 ? 'it' : 'them'}`];
}

/**
 * The reference's work on every trace the exercise's performance tests use, measured once in the
 * same sandbox as submissions (a batch passes it to every gradeSource). Throws ExerciseError if the
 * reference fails, or the worker does.
 */
export async function measureReference(exerciseDir: string, pool?: GradePool): Promise<Record<string, number>> {
  const exercise = loadExercise(exerciseDir);
  if (exercise.referenceWork) return exercise.referenceWork;
  const measure = [...new Set(exercise.spec.tests.filter((t) => t.kind === 'performance').flatMap((t) => t.traces))]
    .filter((trace) => !exercise.withheld.includes(trace));
  const input: GradeJobInput = { exerciseDir, source: '', file: 'none.ts', tests: [], referenceWork: null, measure };
  const job = await runJob(input, SLACK_MS + 60_000 * measure.length, pool);
  if (!job.ok) throw new ExerciseError(`${exercise.file}: measuring the reference failed: ${job.message}`);
  if (job.value.error) throw new ExerciseError(`${exercise.file}: ${job.value.error}`);
  return job.value.referenceWork;
}

/** Grades `source` (the submission's text) against the exercise in `exerciseDir`. */
export async function gradeSource(exerciseDir: string, source: string, file: string, options: GradeOptions = {}): Promise<Graded> {
  const started = performance.now();
  const exercise = loadExercise(exerciseDir);
  const tests = selectTests(exercise, options.tests);
  const name = options.submissionName ?? basename(file);
  const notes = options.tests?.length ? [] : withheldNote(exercise, tests);
  const referenceWork = options.referenceWork ?? exercise.referenceWork;
  const input: GradeJobInput = { exerciseDir, source, file: basename(file), tests: tests.map((t) => t.name), referenceWork };
  const timeoutMs = tests.reduce((total, t) => total + t.timeLimitMs, 0) + SLACK_MS;
  const job = await runJob(input, timeoutMs, options.pool, options.onTest);
  const done = (results: TestResult[], problems: string[], work: Record<string, number>): Graded => ({
    report: gradeReport(exercise.spec.id, name, results, [...problems, ...notes], performance.now() - started),
    referenceWork: work,
  });
  if (!job.ok) {
    const why = job.reason === 'timeout' ? `grading did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped` : `the grader's worker crashed: ${job.message}`;
    return done(failAll(tests, why), [why], referenceWork ?? {});
  }
  const out = job.value;
  if (out.error) throw new ExerciseError(`${exercise.file}: ${out.error}`);
  if (out.compileErrors) {
    const text = out.compileErrors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n');
    return done(failAll(tests, `the submission does not compile:\n${text}`), [`${name} does not compile:`, ...text.split('\n')], out.referenceWork);
  }
  if (out.submissionError) return done(failAll(tests, out.submissionError), [out.submissionError], out.referenceWork);
  const results = tests.map((t) => scoreTest(t, out.outcomes[t.name] ?? [], out.referenceWork, exercise.spec.thresholds));
  return done(results, [], out.referenceWork);
}
