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

/** The rubric tests `names` selects, in rubric order; throws ExerciseError for a name the rubric lacks. */
export function selectTests(exercise: Exercise, names?: string[]): RubricTest[] {
  if (!names || names.length === 0) return exercise.spec.tests;
  const known = exercise.spec.tests.map((t) => t.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new ExerciseError(`${exercise.file}: no test named ${unknown.map((n) => `'${n}'`).join(', ')} (tests: ${known.join(', ')})`);
  return exercise.spec.tests.filter((t) => names.includes(t.name));
}

/**
 * The reference's work on every trace the exercise's performance tests use, measured once in the
 * same sandbox as submissions (a batch passes it to every gradeSource). Throws ExerciseError if the
 * reference fails, or the worker does.
 */
export async function measureReference(exerciseDir: string, pool?: GradePool): Promise<Record<string, number>> {
  const exercise = loadExercise(exerciseDir);
  const measure = [...new Set(exercise.spec.tests.filter((t) => t.kind === 'performance').flatMap((t) => t.traces))];
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
  const input: GradeJobInput = { exerciseDir, source, file: basename(file), tests: tests.map((t) => t.name), referenceWork: options.referenceWork ?? null };
  const timeoutMs = tests.reduce((total, t) => total + t.timeLimitMs, 0) + SLACK_MS;
  const job = await runJob(input, timeoutMs, options.pool, options.onTest);
  const done = (results: TestResult[], notes: string[], referenceWork: Record<string, number>): Graded => ({
    report: gradeReport(exercise.spec.id, name, results, notes, performance.now() - started),
    referenceWork,
  });
  if (!job.ok) {
    const why = job.reason === 'timeout' ? `grading did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped` : `the grader's worker crashed: ${job.message}`;
    return done(failAll(tests, why), [why], options.referenceWork ?? {});
  }
  const out = job.value;
  if (out.error) throw new ExerciseError(`${exercise.file}: ${out.error}`);
  if (out.compileErrors) {
    const text = out.compileErrors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n');
    return done(failAll(tests, `the submission does not compile:\n${text}`), [`${name} does not compile:`, ...text.split('\n')], out.referenceWork);
  }
  const results = tests.map((t) => scoreTest(t, out.outcomes[t.name] ?? [], out.referenceWork, exercise.spec.thresholds));
  return done(results, [], out.referenceWork);
}
