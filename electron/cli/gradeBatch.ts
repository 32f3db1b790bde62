// `freenos-lab grade-batch <exercise> <folder>`: grades a whole class. Each .ts file in the folder,
// and each subfolder, is one student; the reference is measured once and the submissions are graded
// a few at a time. Writes grades.csv, every student's report (text and JSON) as they finish, and
// batch.json (what `regrade` needs) to the out folder. Progress goes to stderr (a redrawn bar on a
// terminal, one line per student otherwise), the summary to stdout. Exit 0 when the batch completed,
// whatever the scores; 1 when the grader itself failed on some submission (named in the summary); 2
// for a usage or input error or a broken exercise.
import { basename, resolve } from 'node:path';
import type { GradeReport } from '../../engine/grader';
import { BatchError, defaultWorkers, findSubmissions, gradeBatch, graderFailed, type Batch } from '../host/grader/batch';
import { BatchWriter } from '../host/grader/batchOutput';
import { ExerciseError, findExercise, loadExercise } from '../host/grader/exercise';
import { selectTests } from '../host/grader/grade';
import { UsageError, commandArgs, listOption } from './args';

export const gradeBatchUsage = `usage: freenos-lab grade-batch <exercise> <folder> [--out DIR] [--workers N] [--pack DIR] [--test NAMES]

  <folder>       one student per .ts file in it, and one per subfolder (graded: the file named like
                 the exercise's starter, else the subfolder's only .ts file)
  --out DIR      where grades.csv, batch.json (for regrade) and reports/<student>.txt|.json go
                 (default: grades-<exercise id>)
  --workers N    submissions graded at once (default: ${defaultWorkers()} on this machine)
  --pack DIR     the folder of exercises to look in (default: the lab's own exercises)
  --test NAMES   run only these tests
exit: 0 the batch completed (whatever the scores), 1 the grader itself failed on some submissions
      (its worker crashed: they are named; grade them again), 2 usage or input error, or a broken exercise`;

const MAX_WORKERS = 64;

/** Control characters of a student's name (from a file name) shown as `?`, so a terminal only prints. */
const printable = (s: string): string => s.replace(/[\u0000-\u001F\u007F-\u009F]/g, '?');

/** A duration as 45s, 1m20s or 2h05m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const failing = (report: GradeReport): boolean => report.tests.some((t) => t.status === 'failed');

export interface ProgressState {
  done: number;
  total: number;
  failing: number;
  /** The last student graded and the report, when there is one. */
  last: { student: string; report: GradeReport } | null;
  /** Time since grading began (after the reference), for the ETA. */
  elapsedMs: number;
}

/** The progress bar's line: `[#####-----] 12/50 graded · 2 failing · alice 78/100 · ETA 1m20s`, cut to `width`. */
export function progressLine(state: ProgressState, width = 80): string {
  const cells = 10;
  const filled = state.total === 0 ? cells : Math.floor((cells * state.done) / state.total);
  const parts = [`[${'#'.repeat(filled)}${'-'.repeat(cells - filled)}] ${state.done}/${state.total} graded`, `${state.failing} failing`];
  if (state.last) parts.push(`${printable(state.last.student)} ${state.last.report.score}/${state.last.report.maxScore}`);
  if (state.done > 0 && state.done < state.total) parts.push(`ETA ${formatDuration((state.elapsedMs / state.done) * (state.total - state.done))}`);
  const line = parts.join(' · ');
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** The plain line for one finished submission (stderr is not a terminal). */
export function finishedLine(done: number, total: number, student: string, report: GradeReport, problem: string | null): string {
  const passed = report.tests.filter((t) => t.status === 'passed').length;
  const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
  const why = problem === null ? '' : problem.replace(/\s+/g, ' ').trim();
  return `${counter} ${printable(student)}: ${report.score} / ${report.maxScore}, ${passed} of ${report.tests.length} tests passed${why ? ` (${printable(why.length > 200 ? `${why.slice(0, 199)}…` : why)})` : ''}`;
}

/** The summary printed at the end: count, mean score, full marks, problems, where the files are. */
export function summary(batch: Batch, writer: BatchWriter): string {
  const { results } = batch;
  const max = results[0]?.report.maxScore ?? batch.tests.reduce((total, t) => total + t.points, 0);
  const mean = results.length === 0 ? 0 : results.reduce((total, r) => total + r.report.score, 0) / results.length;
  const full = results.filter((r) => r.report.score >= r.report.maxScore).length;
  const withFailures = results.filter((r) => failing(r.report)).length;
  const problems = results.filter((r) => r.problem !== null);
  const lines = [
    `graded ${results.length} submission${results.length === 1 ? '' : 's'} on ${batch.exercise.spec.id} in ${formatDuration(batch.ms)}`,
    `mean score ${Math.round(mean * 100) / 100} / ${max}; ${full} with full marks, ${withFailures} with a failed test, ${problems.length} with a problem`,
  ];
  for (const r of problems.slice(0, 10)) lines.push(`  ${printable(r.student)}: ${printable(r.problem!)}`);
  if (problems.length > 10) lines.push(`  … and ${problems.length - 10} more (see the problem column)`);
  const lost = results.filter(graderFailed);
  if (lost.length > 0) {
    const names = lost.slice(0, 10).map((r) => printable(r.student)).join(', ');
    lines.push(`the grader itself failed on ${lost.length} submission${lost.length === 1 ? '' : 's'} (${names}${lost.length > 10 ? ', …' : ''}): not their fault; grade them again`);
  }
  lines.push(`grades:  ${writer.csv}`, `reports: ${writer.reports}/ (<student>.txt and <student>.json)`,
    `grader:  ${batch.stamp.grader.version} (code ${batch.stamp.grader.code}, exercise ${batch.stamp.grader.exercise}); ${writer.manifest} records it for \`freenos-lab regrade\``);
  return lines.join('\n');
}

/** Reads --workers; UsageError unless a whole number from 1 to 64. */
export function readWorkers(value: string | undefined): number {
  if (value === undefined) return defaultWorkers();
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_WORKERS) throw new UsageError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, not '${value}'`);
  return n;
}

/** Runs the grade-batch command; resolves to the exit code. */
export async function gradeBatchCommand(args: string[], print: (text: string) => void, warn: (text: string) => void,
  stderr: NodeJS.WriteStream = process.stderr): Promise<number> {
  const parsed = commandArgs(args, ['out', 'workers', 'pack', 'test'], gradeBatchUsage);
  if (parsed === null) {
    print(gradeBatchUsage);
    return 0;
  }
  const { positional, options } = parsed;
  const [exerciseName, folder, ...extra] = positional;
  if (!exerciseName || !folder || extra.length > 0) throw new UsageError(gradeBatchUsage);
  const workers = readWorkers(options.get('workers'));
  const tests = listOption(options.get('test'));

  try {
    const dir = findExercise(exerciseName, options.get('pack'));
    const exercise = loadExercise(dir);
    selectTests(exercise, tests);
    const out = resolve(options.get('out') ?? `grades-${exercise.spec.id}`);
    const submissions = findSubmissions(folder, basename(exercise.spec.starter), [out]);
    if (submissions.length === 0) throw new UsageError(`${folder}: no submissions (no .ts files, no subfolders)`);
    let writer: BatchWriter;
    try {
      writer = new BatchWriter(out, submissions.map((s) => s.student));
    } catch (error) {
      throw new UsageError(`${out}: cannot write the grades there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }

    const tty = stderr.isTTY === true;
    const total = submissions.length;
    const running = Math.min(workers, total);
    warn(`grading ${total} submission${total === 1 ? '' : 's'} on ${exercise.spec.id}, ${running} at a time; measuring the reference first…`);
    const state: ProgressState = { done: 0, total, failing: 0, last: null, elapsedMs: 0 };
    let began = performance.now();
    const draw = () => stderr.write(`\r${progressLine(state, (stderr.columns || 80) - 1)}\u001b[K`);
    const onProgress = (done: number, _total: number, student: string, report: GradeReport) => {
      writer.writeReport(student, report);
      state.done = done;
      state.failing += failing(report) ? 1 : 0;
      state.last = { student, report };
      state.elapsedMs = performance.now() - began;
      if (tty) draw();
      else warn(finishedLine(done, total, student, report, report.notes.length > 0 ? report.notes.join(' ') : null));
    };
    const onStart = () => {
      began = performance.now();
      if (tty) draw();
    };
    let batch: Batch;
    try {
      batch = await gradeBatch(dir, submissions, { workers, tests, onStart, onProgress });
    } finally {
      if (tty) stderr.write('\n');
    }
    writer.writeCsv(batch, folder);
    writer.writeManifest(batch, folder, tests);
    print(summary(batch, writer));
    return batch.results.some(graderFailed) ? 1 : 0;
  } catch (error) {
    if (error instanceof ExerciseError || error instanceof BatchError) throw new UsageError(error.message);
    throw error;
  }
}
