// Grading inside Gradescope's autograder (what run_autograder asks of the lab): finds the submission
// in <root>/submission, grades it in an isolated child process (as grade-batch does: the container
// is shared with results/), and writes <root>/results/results.json in Gradescope's format. A results
// file is always written, atomically: a submission that cannot be found says what was found and
// what was expected (score 0); a grader that fails says so, as not the student's fault.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { failAll, gradeReport, type GradeReport } from '../../../engine/grader';
import { fromFolder, gradeBatch } from './batch';
import { findExercise, loadExercise } from './exercise';
import { formatGradescope } from './formats';
import { selectTests } from './grade';

export interface Autograded {
  /** The results.json written. */
  results: string;
  /** The report, when there was one (a grade, or a submission not found: every test failed). */
  report: GradeReport | null;
  /** What kept the submission from being graded, or what failed; null when it was graded. */
  problem: string | null;
}

/** How many of the submission folder's entries a "not found" message lists. */
const LISTED = 8;

/** The entries of the submission folder, for a message: `a.c, notes/, … (12 in all)`, or why it cannot be listed. */
export function describeFolder(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    return `cannot be listed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (names.length === 0) return 'nothing';
  const shown = names.slice(0, LISTED).map((name) => {
    try {
      return statSync(join(dir, name)).isDirectory() ? `${name}/` : name;
    } catch {
      return name;
    }
  });
  return shown.join(', ') + (names.length > LISTED ? `, … (${names.length} in all)` : '');
}

/** Writes `text` to `path` through a temporary file, so a reader never sees half of it. */
function writeAtomically(path: string, text: string): void {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/** results.json for a grader that failed: score 0, no tests, the reason for the instructor. */
export function failureResults(reason: string): string {
  const output = `The autograder could not grade this submission: ${reason}\nThis is not a verdict on your code: please tell your instructor.`;
  return `${JSON.stringify({ score: 0, output, tests: [] }, null, 2)}\n`;
}

/**
 * Grades the submission under `root` (Gradescope's /autograder) on the exercise `name` of `pack` (or
 * the folder `name`), expecting the file `expected` (default: the starter's name), else the folder's
 * only .ts file, and writes results.json. Never throws: whatever happens ends in a results file.
 */
export async function autograde(root: string, name: string, pack?: string, expected?: string): Promise<Autograded> {
  const resultsDir = join(root, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const results = join(resultsDir, 'results.json');
  try {
    const exerciseDir = findExercise(name, pack);
    const exercise = loadExercise(exerciseDir);
    expected ??= basename(exercise.spec.starter);
    const submissionDir = join(root, 'submission');
    const found = fromFolder(root, 'submission', expected);
    if (found.file === null) {
      const problem = `No file to grade (${found.problem ?? 'no submission'}). Expected: ${expected}, or exactly one .ts file. Found in the submission: ${describeFolder(submissionDir)}.`;
      const tests = selectTests(exercise);
      const report = gradeReport(exercise.spec.id, 'submission', failAll(tests, problem), [problem], 0);
      writeAtomically(results, formatGradescope(report));
      return { results, report, problem };
    }
    const batch = await gradeBatch(exerciseDir, [{ student: basename(found.file), file: found.file, problem: null }], { workers: 1 });
    const { report, problem } = batch.results[0]!;
    writeAtomically(results, formatGradescope(report));
    return { results, report, problem };
  } catch (error) {
    const reason = `the grader failed: ${(error as Error).message ?? String(error)}`;
    writeAtomically(results, failureResults(reason));
    return { results, report: null, problem: reason };
  }
}
