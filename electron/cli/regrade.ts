// `freenos-lab regrade <batch dir>`: grades again the class a grade-batch folder recorded (its
// batch.json names the exercise, the submissions folder and the tests), with the current grader
// and exercise, and writes the new grades beside the diff: regrade.csv and regrade.md, per student
// and test the old score, the new one and why (regrade.ts). Progress goes to stderr, the diff's
// summary to stdout. Exit 0 when the regrade completed, whatever changed; 2 for a usage or input
// error (no batch.json, a malformed one, a missing folder) or a broken exercise.
import { basename, join, resolve } from 'node:path';
import { BatchError, findSubmissions, gradeBatch } from '../host/grader/batch';
import { BatchWriter, writeFileAtomic } from '../host/grader/batchOutput';
import { ExerciseError, findExercise, loadExercise } from '../host/grader/exercise';
import { ManifestError, readManifest } from '../host/grader/manifest';
import { diffRegrade, readOldReports } from '../host/grader/regrade';
import { regradeCsv, regradeMarkdown } from '../host/grader/regradeOutput';
import { UsageError, commandArgs } from './args';
import { finishedLine, readWorkers } from './gradeBatch';

export const regradeUsage = `usage: freenos-lab regrade <batch dir> [--out DIR] [--workers N] [--exercise DIR] [--submissions DIR]

  <batch dir>        a grade-batch output folder: its batch.json says what was graded, and how
  --out DIR          where the new grades (grades.csv, batch.json, reports/) and the diff (regrade.csv,
                     regrade.md) go (default: <batch dir>/regrade)
  --workers N        submissions graded at once
  --exercise DIR     grade with this exercise (default: the folder batch.json names)
  --submissions DIR  the class's submissions, if they moved (default: the folder batch.json names)
exit: 0 the regrade completed (whatever changed), 2 usage or input error, or a broken exercise`;

/** Changed scores listed on stdout; the rest are in regrade.csv and regrade.md. */
const SHOWN_ROWS = 40;

/** Runs the regrade command; resolves to the exit code. */
export async function regradeCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): Promise<number> {
  const parsed = commandArgs(args, ['out', 'workers', 'exercise', 'submissions'], regradeUsage);
  if (parsed === null) {
    print(regradeUsage);
    return 0;
  }
  const { positional, options } = parsed;
  const [batchArg, ...extra] = positional;
  if (!batchArg || extra.length > 0) throw new UsageError(regradeUsage);
  const workers = readWorkers(options.get('workers'));
  const batchDir = resolve(batchArg);
  const out = resolve(options.get('out') ?? join(batchDir, 'regrade'));
  if (out === batchDir) throw new UsageError(`--out must not be the batch folder itself: the diff reads its reports`);

  try {
    const old = readManifest(batchDir);
    const reports = readOldReports(batchDir, old);
    const exerciseOption = options.get('exercise');
    const dir = exerciseOption === undefined ? old.exercise.dir : findExercise(exerciseOption);
    const exercise = loadExercise(dir);
    const known = new Set(exercise.spec.tests.map((t) => t.name));
    const tests = old.tests?.filter((name) => known.has(name));
    if (tests?.length === 0) throw new UsageError(`${join(batchDir, 'batch.json')}: none of the tests graded then (${old.tests!.join(', ')}) is in ${exercise.file} now`);
    const folder = options.get('submissions') ?? old.submissions;
    const submissions = findSubmissions(folder, basename(exercise.spec.starter), [out, batchDir]);
    if (submissions.length === 0) throw new UsageError(`${folder}: no submissions (no .ts files, no subfolders)`);
    let writer: BatchWriter;
    try {
      writer = new BatchWriter(out, submissions.map((s) => s.student));
    } catch (error) {
      throw new UsageError(`${out}: cannot write the grades there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }

    warn(`regrading ${submissions.length} submission${submissions.length === 1 ? '' : 's'} on ${exercise.spec.id} (graded ${old.graded} by grader ${old.grader.version})…`);
    const batch = await gradeBatch(dir, submissions, {
      workers, tests,
      onProgress: (done, total, student, report) => {
        writer.writeReport(student, report);
        warn(finishedLine(done, total, student, report, report.notes.length > 0 ? report.notes.join(' ') : null));
      },
    });
    writer.writeCsv(batch, folder);
    const now = writer.writeManifest(batch, folder, tests);
    const diff = diffRegrade(old, reports, now, batch);
    const csv = join(out, 'regrade.csv');
    const md = join(out, 'regrade.md');
    writeFileAtomic(csv, regradeCsv(diff));
    writeFileAtomic(md, regradeMarkdown(diff));
    print(regradeMarkdown(diff, { rows: SHOWN_ROWS, totals: false }).trimEnd());
    print(`\ndiff:   ${csv} and ${md}\ngrades: ${writer.csv} (reports in ${writer.reports}/)`);
    return 0;
  } catch (error) {
    if (error instanceof ExerciseError || error instanceof BatchError || error instanceof ManifestError) throw new UsageError(error.message);
    throw error;
  }
}
