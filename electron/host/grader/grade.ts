// Grading one submission: the host side. Checks the exercise and the test selection, runs the
// grading job in a worker thread it can always stop, and scores the outcomes under the rubric.
// A submission that fails to compile, crashes its worker or runs past every limit still gets a
// report (every test failed, with the reason); only a broken exercise or a bad request throws.
// A worker stuck in one trace (code no work unit sees) or killed by its memory fails that trace
// only: the tests after it resume in a fresh worker.
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  failAll, gradeReport, type GradeReport, type RubricTest, scoreTest, type TestResult, type TraceOutcome,
} from '../../../engine/grader';
import { runInWorker, type WorkerJobResult } from '../sandbox/runInWorker';
import { compileSubmission, type CompileError, type CompileResult } from '../sandbox/compile';
import { ProcessPool, bundleJob } from '../sandbox/ProcessPool';
import { WorkerPool, type JobPool } from '../sandbox/WorkerPool';
import { ExerciseError, loadExercise, readExerciseFile, type Exercise } from './exercise';
import type { GradeJobInput, GradeJobOutput, GradeProgress, WatchedTrace } from './jobTypes';
import { checkTraces } from './traceCheck';
import { graderStamp, type GraderStamp } from './version';

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
  /** The grader's stamp for the report, when a batch has computed it already (else computed here). */
  stamp?: GraderStamp;
  /** The submission's compile, started early (a batch compiles the next while one is graded); isolated pools only. */
  compiled?: Promise<CompileResult>;
}


export type GradePool = JobPool<GradeJobInput, GradeJobOutput>;

export interface Graded {
  report: GradeReport;
  /** Reference work per trace measured (or given): a batch passes it to the next submissions. */
  referenceWork: Record<string, number>;
  /** When the submission does not compile: the errors at their lines (the report says the same in text). */
  compileErrors?: CompileError[];
}

const JOB = new URL(import.meta.url.endsWith('.ts') ? './gradeJob.ts' : './gradeJob.js', import.meta.url);
/** Worker start-up, compilation and the reference run on top of the tests' own limits. */
const SLACK_MS = 60_000;
/**
 * A grading worker's V8 heap: the sandbox's own memory limit (192 MiB) stops a submission long
 * before; this bounds what escapes it (and a worker past it dies alone).
 */
const LIMITS = { maxOldGenerationSizeMb: 1024 };

/** A pool of `size` grading workers that stay alive between submissions; close() it when done. */
export function gradePool(size: number): GradePool {
  return new WorkerPool<GradeJobInput, GradeJobOutput>(JOB, size, LIMITS);
}

/**
 * A pool of `size` grading child processes for untrusted submissions (ProcessPool): each may read
 * the lab and `exerciseDir` only, write nothing, start nothing, and holds at most 1 GiB of V8 heap
 * and 2 GiB of data; V8 runs without its helper threads when `size` fills every core (see
 * ProcessLimits.singleThreaded). The host compiles for them (they may not start esbuild).
 */
export async function isolatedGradePool(size: number, exerciseDir: string, singleThreaded = size >= availableParallelism()): Promise<GradePool> {
  const bundle = await gradeJobBundle();
  return new ProcessPool<GradeJobInput, GradeJobOutput>(bundle, size, { readable: [exerciseDir], heapMb: 1024, dataMb: 2048, singleThreaded });
}

/** The job's input with the submission (and the reference, when it may be measured) compiled here, or by `early`'s compile, for an isolated pool. */
async function compiledFor(pool: GradePool | undefined, exercise: Exercise, input: GradeJobInput, early?: Promise<CompileResult>): Promise<GradeJobInput> {
  if (!pool?.isolated) return input;
  const compiled = input.source || input.tests.length > 0 ? await (early ?? compileSubmission(input.source, input.file)) : undefined;
  const wantsReference = exercise.spec.kind !== 'tune' && !exercise.referenceWork;
  const reference = wantsReference ? await compiledReference(exercise, input.exerciseDir) : undefined;
  return { ...input, compiled, reference };
}

/** The exercise's reference compiled once per folder and text: a batch would compile it again for every submission. */
const references = new Map<string, Promise<CompileResult>>();
function compiledReference(exercise: Exercise, exerciseDir: string): Promise<CompileResult> {
  const source = readExerciseFile(exercise, exercise.spec.reference);
  const key = `${exerciseDir}\0${source}`;
  let compiled = references.get(key);
  if (!compiled) {
    if (references.size >= 16) references.clear();
    compiled = compileSubmission(source, exercise.spec.reference);
    references.set(key, compiled);
  }
  return compiled;
}

/** gradeJob.ts bundled into one plain JavaScript module (bundleJob), once per process: for isolated pools and workers of their own. */
let bundled: Promise<string> | null = null;
function gradeJobBundle(): Promise<string> {
  bundled ??= bundleJob(new URL('./gradeJob.ts', import.meta.url), 'gradeJob');
  return bundled;
}

/**
 * The grading job for a worker of its own: the bundle (its worker starts without tsx, ~0.5 s sooner
 * on every grade), or the TypeScript job if bundling fails.
 */
function jobModule(): Promise<URL> {
  if (!JOB.pathname.endsWith('.ts')) return Promise.resolve(JOB);
  return gradeJobBundle().then((file) => pathToFileURL(file), () => JOB);
}

/** Runs the grading job on the pool, or in a worker of its own. */
async function runJob(input: GradeJobInput, timeoutMs: number, pool?: GradePool, onTest?: (event: GradeProgress) => void): Promise<WorkerJobResult<GradeJobOutput>> {
  const onProgress = onTest && ((value: unknown) => onTest(value as GradeProgress));
  return pool
    ? pool.run(input, { timeoutMs, onProgress })
    : runInWorker<GradeJobInput, GradeJobOutput>(await jobModule(), input, { timeoutMs, onProgress, resourceLimits: LIMITS });
}

/** The outcome of the trace a worker was stopped in: stuck past its watch, or dead (its memory, most likely). */
function lostTrace(watched: WatchedTrace, job: { reason: string; message: string }): TraceOutcome {
  const reason = job.reason === 'stuck'
    ? "stopped answering: it ran past the test's time limit and its wall-clock backstop in code no work unit counts (a built-in that blocks or backtracks without end), so the grader stopped its worker"
    : `ended the sandbox's worker (${job.message}): most likely its memory outgrew the worker's limit`;
  const failure = { op: -1, line: 0, where: watched.file, operation: watched.trace, kind: job.reason === 'stuck' ? 'timeout' as const : 'target' as const, reason: `the submission ${reason}` };
  return { trace: watched.trace, file: watched.file, ok: false, failure, metrics: null, logs: [], ms: 0 };
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
 * same sandbox as submissions (a batch passes it to every gradeSource), while the pool's other workers
 * warm up on the same job. Throws ExerciseError if the reference fails, or the worker does.
 */
export async function measureReference(exerciseDir: string, pool?: GradePool): Promise<Record<string, number>> {
  const exercise = loadExercise(exerciseDir);
  if (exercise.referenceWork) return exercise.referenceWork;
  const measure = [...new Set(exercise.spec.tests.filter((t) => t.kind === 'performance').flatMap((t) => t.traces))]
    .filter((trace) => !exercise.withheld.includes(trace));
  checkTraces(exercise, [], measure);
  const input = await compiledFor(pool, exercise, { exerciseDir, source: '', file: 'none.ts', tests: [], referenceWork: null, measure });
  const timeoutMs = SLACK_MS + 60_000 * measure.length;
  const measured = runJob(input, timeoutMs, pool);
  // The pool's other workers start meanwhile, on the same job: a batch's first submissions find them warm.
  void pool?.warm(input, { timeoutMs });
  const job = await measured;
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
  const stamp = options.stamp ?? graderStamp(exercise, tests);
  const done = (results: TestResult[], problems: string[], work: Record<string, number>): Graded => ({
    report: { ...gradeReport(exercise.spec.id, name, results, [...problems, ...notes], performance.now() - started), ...stamp },
    referenceWork: work,
  });
  // Outcomes of the tests finished so far, and of the traces a stopped worker was in: a resumed job knows them.
  const finished: Record<string, TraceOutcome[]> = {};
  const known: Record<string, TraceOutcome> = {};
  const lost: string[] = [];
  const onTest = (event: GradeProgress): void => {
    const { outcomes, ...shown } = event;
    if (outcomes) finished[event.test] = outcomes;
    options.onTest?.(shown);
  };
  checkTraces(exercise, tests);
  let timeoutMs = 0;
  let job: WorkerJobResult<GradeJobOutput>;
  const first = await compiledFor(options.pool, exercise, { exerciseDir, source, file: basename(file), tests: tests.map((t) => t.name), referenceWork }, options.compiled);
  for (;;) {
    const remaining = tests.filter((t) => !(t.name in finished));
    const input: GradeJobInput = { ...first, tests: remaining.map((t) => t.name), known };
    timeoutMs = remaining.reduce((total, t) => total + t.timeLimitMs, 0) + SLACK_MS;
    job = await runJob(input, timeoutMs, options.pool, onTest);
    const watched = job.ok ? undefined : (job.watched as WatchedTrace | undefined);
    if (job.ok || job.reason === 'timeout' || !watched?.test || watched.trace in known) break;
    known[watched.trace] = lostTrace(watched, job);
    lost.push(`${watched.trace}: ${known[watched.trace]!.failure!.reason}`);
  }
  if (!job.ok && Object.keys(finished).length > 0 && job.reason !== 'timeout') {
    // Stopped outside a trace after some tests finished: those keep their outcomes.
    const why = `the grader's worker crashed: ${job.message}`;
    const results = tests.map((t) => (finished[t.name] ? scoreTest(t, finished[t.name]!, referenceWork ?? {}, exercise.spec.thresholds) : failAll([t], why)[0]!));
    return done(results, [...lost, why], referenceWork ?? {});
  }
  // The exercise's own fault, met in the worker (checkTraces covers the traces): not the submission's.
  if (!job.ok && job.reason === 'crashed' && job.message.startsWith('ExerciseError: ')) throw new ExerciseError(job.message.slice('ExerciseError: '.length));
  if (!job.ok) {
    const why = job.reason === 'timeout' ? `grading did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped` : `the grader's worker crashed: ${job.message}`;
    return done(failAll(tests, why), [why], referenceWork ?? {});
  }
  const out = job.value;
  if (out.error) throw new ExerciseError(`${exercise.file}: ${out.error}`);
  if (out.compileErrors) {
    const text = out.compileErrors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n');
    return { ...done(failAll(tests, `the submission does not compile:\n${text}`), [`${name} does not compile:`, ...text.split('\n')], out.referenceWork), compileErrors: out.compileErrors };
  }
  if (out.submissionError) return done(failAll(tests, out.submissionError), [out.submissionError], out.referenceWork);
  const results = tests.map((t) => scoreTest(t, finished[t.name] ?? out.outcomes[t.name] ?? [], out.referenceWork, exercise.spec.thresholds));
  return done(results, lost, out.referenceWork);
}
