// Grading a class: a folder of submissions, one per student, graded against one exercise. The
// reference is measured once and every submission then costs only its own run, on a small pool of
// child processes (isolated: see ProcessPool.ts). A submission that cannot be found, read or graded gets a report with every test
// failed and the reason; only a broken exercise (ExerciseError) stops the batch. Writing the grades
// out (CSV, per-student reports) lives in batchOutput.ts.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { failAll, gradeReport, type GradeReport, type RubricTest } from '../../../engine/grader';
import { ExerciseError, loadExercise, readExerciseFile, type Exercise } from './exercise';
import { gradePool, gradeSource, isolatedGradePool, measureReference, selectTests, withheldNote, type GradePool } from './grade';
import { graderStamp, type GraderStamp } from './version';
import { compileSubmission, type CompileResult } from '../sandbox/compile';

/** One student's entry in the submissions folder. */
export interface Submission {
  /** The .ts file's stem, or the subfolder's name. */
  student: string;
  /** The file to grade (the folder joined with its path inside it); null when there is none. */
  file: string | null;
  /** Why there is nothing to grade (no .ts file, several); null when there is a file. */
  problem: string | null;
}

export interface BatchResult {
  student: string;
  file: string | null;
  /**
   * What went wrong with the submission as a whole: not found, unreadable, does not compile, the
   * grader's worker crashed or ran out of time. Null when it ran (whatever its tests did).
   */
  problem: string | null;
  report: GradeReport;
  /** sha256 (hex) of the source graded; null when none was read (no file, unreadable, too large). */
  sha256: string | null;
}

export interface BatchOptions {
  /** Submissions graded at once, one worker thread each (default: defaultWorkers()). */
  workers?: number;
  /** Run only these tests (by name); all when absent. */
  tests?: string[];
  /** Called as each submission finishes, in finishing order. */
  onProgress?: (done: number, total: number, student: string, report: GradeReport) => void;
  /** Called once the reference is measured, before the first submission starts. */
  onStart?: () => void;
  /**
   * Run each grading worker in a child process of its own under Node's permission model and memory
   * limits (isolatedGradePool): the default, as a class's submissions are untrusted. False: threads.
   */
  isolate?: boolean;
  /**
   * Whether isolated workers run V8 without its helper threads (ProcessLimits.singleThreaded); by
   * default they do when the workers fill every core. For measurements.
   */
  singleThreaded?: boolean;
}

export interface Batch {
  exercise: Exercise;
  /** The rubric tests that were run, in rubric order (the CSV's test columns). */
  tests: RubricTest[];
  /** One per submission, in the submissions' order (student order for findSubmissions). */
  results: BatchResult[];
  referenceWork: Record<string, number>;
  /** The grader's version and seeds, the same on every report of the batch. */
  stamp: GraderStamp;
  ms: number;
}

/** A submissions folder that cannot be used at all (missing, not a folder, unreadable). */
export class BatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchError';
  }
}

/** Larger files are not submissions (and would only slow the compiler down). */
export const MAX_SUBMISSION_BYTES = 1024 * 1024;
/** How deep and how wide a student's folder is searched for .ts files. */
const MAX_DEPTH = 8;
const MAX_FILES = 200;
/** File names listed in a "several .ts files" problem. */
const LISTED = 6;

/** Two submissions at a time, fewer on a single-core machine. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

const collator = new Intl.Collator('en', { numeric: true });
/** Student order: natural (alice2 before alice10), ties broken by code points so it is total. */
export function compareStudents(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

const isSource = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.d.ts');
const skipped = (name: string): boolean => name.startsWith('.') || name === 'node_modules';
const code = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** Whether `path` is a file or a directory, following symbolic links; null when it is neither or is gone. */
function kindOf(entry: Dirent, path: string): 'file' | 'dir' | null {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (!entry.isSymbolicLink()) return null;
  try {
    const stat = statSync(path);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : null;
  } catch {
    return 'file'; // a dangling link: kept, so the student's row says it cannot be read
  }
}

/**
 * The students of a submissions folder, sorted by student: every .ts file directly in the folder is
 * one student (named by its stem); every subfolder is one student (named by the folder) whose
 * submission is the file named `starterBaseName` (none when '') if there is one, else its only .ts file (searched
 * through its subfolders, node_modules and hidden folders left out); otherwise a problem says why.
 * Hidden entries, node_modules and the paths in `ignore` (e.g. the output folder) are skipped.
 * Throws BatchError when the folder cannot be listed.
 */
export function findSubmissions(folder: string, starterBaseName: string, ignore: string[] = []): Submission[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    const why = code(error);
    throw new BatchError(why === 'ENOTDIR' ? `${folder}: not a folder` : why === 'ENOENT' ? `${folder}: no such folder` : `${folder}: cannot be read (${why})`);
  }
  const ignored = new Set(ignore.map((path) => resolve(path)));
  const files = new Map<string, Submission>();
  const dirs = new Map<string, Submission>();
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (skipped(entry.name) || ignored.has(resolve(path))) continue;
    const kind = kindOf(entry, path);
    const link = entry.isSymbolicLink() ? linkProblem(entry.name) : null;
    if (kind === 'dir') dirs.set(entry.name, link ? { student: entry.name, file: null, problem: link } : fromFolder(folder, entry.name, starterBaseName));
    else if (kind === 'file' && isSource(entry.name)) {
      const student = entry.name.slice(0, -'.ts'.length);
      files.set(student, { student, file: link ? null : path, problem: link });
    }
  }
  const found: Submission[] = [...files.values()];
  for (const [student, submission] of dirs) {
    if (files.has(student)) {
      files.get(student)!.file = null;
      files.get(student)!.problem = `both ${student}.ts and a folder ${student} are there — keep one`;
    } else found.push(submission);
  }
  return found.sort((a, b) => compareStudents(a.student, b.student));
}

/**
 * A symbolic link is never graded: `zed.ts -> ../reference.ts` would be graded as the reference, and a
 * link may point anywhere on the grader's machine. The problem names the link (inside the class folder).
 */
const linkProblem = (inside: string): string => `${inside} is a symbolic link: a submission must be a plain file or folder, not a link`;

/** The submission of the student whose work is the subfolder `name` of `folder` (a chosen file that is a link: a problem; an autograder's submission folder too). */
export function fromFolder(folder: string, name: string, starterBaseName: string): Submission {
  const found = chosenIn(folder, name, starterBaseName);
  if (found.file === null) return found;
  try {
    if (lstatSync(found.file).isSymbolicLink()) return { student: name, file: null, problem: linkProblem(`${name}/${relative(join(folder, name), found.file).split(sep).join('/')}`) };
  } catch (error) {
    return { student: name, file: null, problem: `cannot read ${basename(found.file)} (${code(error)})` };
  }
  return found;
}

/** The file graded of the subfolder `name` of `folder`, or the problem why there is none. */
function chosenIn(folder: string, name: string, starterBaseName: string): Submission {
  const dir = join(folder, name);
  let sources: string[];
  try {
    sources = sourcesUnder(dir, 0, []);
  } catch (error) {
    return { student: name, file: null, problem: `cannot read the folder ${name} (${code(error)})` };
  }
  const inside = (path: string) => relative(dir, path).split(sep).join('/');
  const depth = (path: string) => inside(path).split('/').length;
  const named = sources.filter((path) => basename(path) === starterBaseName);
  if (named.length > 0) {
    const top = Math.min(...named.map(depth));
    const shallowest = named.filter((path) => depth(path) === top);
    if (shallowest.length === 1) return { student: name, file: shallowest[0]!, problem: null };
    return { student: name, file: null, problem: `several ${starterBaseName} files: ${list(shallowest.map(inside))} — keep one` };
  }
  if (sources.length === 1) return { student: name, file: sources[0]!, problem: null };
  if (sources.length === 0) return { student: name, file: null, problem: 'no .ts file' };
  return { student: name, file: null, problem: `several .ts files: ${list(sources.map(inside))} — ${starterBaseName ? `name one ${starterBaseName}` : 'keep one'}` };
}

/** The .ts files under `dir`, in name order, through subfolders (not node_modules or hidden ones, not following links). */
function sourcesUnder(dir: string, depth: number, found: string[]): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (found.length >= MAX_FILES) break;
    if (skipped(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth < MAX_DEPTH) sourcesUnder(path, depth + 1, found);
    } else if (isSource(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && kindOf(entry, path) === 'file'))) found.push(path);
  }
  return found;
}

const list = (names: string[]): string => names.slice(0, LISTED).join(', ') + (names.length > LISTED ? `, … (${names.length} in all)` : '');

/** Problems that are the grader's own failure, not the submission's (a crashed job, a grader error, a job past its whole time). */
const GRADER_FAILURE = /the grader's worker crashed|the grader failed on this submission|grading did not finish within/;

/** Whether the grader itself failed on this result's submission: a regrade may well give it a score. */
export function graderFailed(result: BatchResult): boolean {
  return result.problem !== null && GRADER_FAILURE.test(result.problem);
}

/** The notes of a report on one line, for a CSV cell or a progress line (long compile errors cut). */
function oneLine(notes: string[]): string {
  const line = notes.join(' ').replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/**
 * Grades every submission against the exercise in `exerciseDir`: measures the reference once, then
 * runs up to `workers` gradings at a time. Results come back in the submissions' order whatever the
 * finishing order. A submission with a problem, or one that cannot be read, gets every test failed
 * with the reason; an error of the grader on one submission does too. Throws ExerciseError (after
 * the gradings under way have finished) when the exercise itself is broken or names no such test.
 */
export async function gradeBatch(exerciseDir: string, submissions: Submission[], options: BatchOptions = {}): Promise<Batch> {
  const started = performance.now();
  const exercise = loadExercise(exerciseDir);
  const tests = selectTests(exercise, options.tests);
  const workers = options.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number from 1 up, not ${workers}`);

  // Workers stay warm for the whole batch (each trace still gets a fresh sandbox).
  const size = Math.max(1, Math.min(workers, submissions.length));
  const pool = options.isolate === false ? gradePool(size) : await isolatedGradePool(size, exerciseDir, options.singleThreaded);
  try {
    const needsReference = tests.some((t) => t.kind === 'performance') && submissions.some((s) => s.file !== null);
    const referenceWork = needsReference ? await measureReference(exerciseDir, pool) : {};
    await referencePasses(exerciseDir, exercise, tests, referenceWork, pool);
    const stamp = graderStamp(exercise, tests);
    options.onStart?.();
    const results = await gradeAll(exerciseDir, exercise.spec.id, submissions, tests, referenceWork, stamp, workers, pool, options, referenceText(exercise));
    // The pack's own note (hidden tests it leaves out) is the same for everyone: not a student's problem.
    const common = new Set(withheldNote(exercise, tests));
    for (const r of results) if (r.problem !== null && r.report.notes.every((n) => common.has(n))) r.problem = null;
    return { exercise, tests, results, referenceWork, stamp, ms: performance.now() - started };
  } finally {
    await pool.close();
  }
}

/**
 * Grades the exercise's reference (when the pack has it) on `tests` before any student: a pack whose
 * traces parse but are broken (the reference scored 17 / 41 on one) must stop the batch, not grade a
 * class against it. Every test must pass (a performance test's index may be below 100: bands are the
 * instructor's choice). Throws ExerciseError naming the tests it fails and why.
 */
async function referencePasses(exerciseDir: string, exercise: Exercise, tests: RubricTest[], referenceWork: Record<string, number>, pool: GradePool): Promise<void> {
  if (exercise.referenceWork !== null) return; // a student pack: no reference, its work measured by the instructor
  const file = exercise.spec.reference;
  const { report } = await gradeSource(exerciseDir, readExerciseFile(exercise, file), file, { tests: tests.map((t) => t.name), referenceWork, pool });
  const failing = report.tests.filter((t) => t.status !== 'passed');
  if (failing.length === 0) return;
  const why = failing.map((t) => `${t.name} ${t.score} / ${t.maxScore}: ${t.output.split('\n').find((line) => / (FAILED|TIMED OUT) /.test(line)) ?? t.output.split('\n')[0]}`);
  throw new ExerciseError(`${exercise.file}: the reference ${file} fails ${failing.length === 1 ? 'a test' : `${failing.length} tests`} of this pack (${report.score} / ${report.maxScore}), so no submission was graded: ${why.join('; ')}`);
}

/** The exercise's reference with its whitespace squeezed, to spot copies of it; null when the pack has none. */
function referenceText(exercise: Exercise): string | null {
  try {
    return squeezed(readExerciseFile(exercise, exercise.spec.reference));
  } catch {
    return null;
  }
}
const squeezed = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The note on a submission that is the reference itself: graded as it is, flagged for the instructor. */
export const REFERENCE_COPY = "this submission is the exercise's reference, character for character (whitespace aside): check it by hand";

/** Grades the submissions `workers` at a time on `pool`; results in the submissions' order. */
async function gradeAll(exerciseDir: string, exerciseId: string, submissions: Submission[], tests: RubricTest[], referenceWork: Record<string, number>,
  stamp: GraderStamp, workers: number, pool: GradePool, options: BatchOptions, reference: string | null): Promise<BatchResult[]> {
  const names = tests.map((t) => t.name);

  const failed = (student: string, reason: string, ms: number): GradeReport =>
    ({ ...gradeReport(exerciseId, student, failAll(tests, reason), [reason], ms), ...stamp });

  // A submission read, and its compile started when an isolated pool needs the host to compile:
  // the next submission is prepared while one is graded, so a worker does not wait for the compiler.
  type Prepared = { begun: number; student: string; file: string; source: string; sha256: string; compiled?: Promise<CompileResult> };
  const prepare = (submission: Submission): Prepared | BatchResult => {
    const begun = performance.now();
    const { student, file } = submission;
    const give = (problem: string, sha256: string | null = null): BatchResult => ({ student, file, problem, report: failed(student, problem, performance.now() - begun), sha256 });
    if (file === null) return give(submission.problem ?? 'no submission');
    let source: string;
    try {
      if (statSync(file).size > MAX_SUBMISSION_BYTES) return give(`${basename(file)} is larger than ${MAX_SUBMISSION_BYTES / 1024} KiB`);
      source = readFileSync(file, 'utf8');
    } catch (error) {
      return give(`cannot read ${basename(file)} (${code(error)})`);
    }
    const sha256 = createHash('sha256').update(source).digest('hex');
    if (source.trim() === '') return give(`${basename(file)} is empty`, sha256);
    const compiled = pool.isolated ? compileSubmission(source, basename(file)) : undefined;
    // Awaited by gradeSource (whose failure is this submission's); never an unhandled rejection meanwhile.
    compiled?.catch(() => undefined);
    return { begun, student, file, source, sha256, compiled };
  };

  const gradeOne = async (ready: Prepared | BatchResult): Promise<BatchResult> => {
    if ('report' in ready) return ready;
    const { begun, student, file, source, sha256, compiled } = ready;
    try {
      const { report } = await gradeSource(exerciseDir, source, file, { tests: names, referenceWork, submissionName: student, pool, stamp, compiled });
      if (reference !== null && squeezed(source) === reference) report.notes.push(REFERENCE_COPY);
      return { student, file, problem: report.notes.length > 0 ? oneLine(report.notes) : null, report, sha256 };
    } catch (error) {
      if (error instanceof ExerciseError) throw error;
      const problem = `the grader failed on this submission: ${(error as Error).message ?? String(error)}`;
      return { student, file, problem, report: failed(student, problem, performance.now() - begun), sha256 };
    }
  };

  const results: BatchResult[] = new Array(submissions.length);
  const prepared = new Map<number, Prepared | BatchResult>();
  const take = (index: number): Prepared | BatchResult => {
    const ready = prepared.get(index) ?? prepare(submissions[index]!);
    prepared.delete(index);
    return ready;
  };
  let next = 0;
  let done = 0;
  let stop: { error: unknown } | null = null;
  const work = async (): Promise<void> => {
    while (stop === null && next < submissions.length) {
      const index = next++;
      const ready = take(index);
      if (next < submissions.length && !prepared.has(next)) prepared.set(next, prepare(submissions[next]!));
      try {
        const result = await gradeOne(ready);
        results[index] = result;
        options.onProgress?.(++done, submissions.length, result.student, result.report);
      } catch (error) {
        stop ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, submissions.length) }, work));
  if (stop !== null) throw (stop as { error: unknown }).error;
  return results;
}
