// `freenos-lab gradescope <exercise> --out autograder.zip`: writes the zip Gradescope takes as an
// autograder (setup.sh, run_autograder, the lab as an npm tarball with its dependencies, a grading
// pack of the exercise). `--grade-in ROOT` is what run_autograder calls inside Gradescope: grade
// ROOT/submission into ROOT/results/results.json. Exit 0 done (whatever the score), 1 the grader
// failed (results.json says so), 2 usage or input error.
import { resolve } from 'node:path';
import { autograde } from '../host/grader/autograder';
import { ExerciseError, findExercise } from '../host/grader/exercise';
import { SUBMISSION_NAME, writeAutograderZip, type AutograderZip } from '../host/grader/gradescope';
import { TarballError } from '../host/grader/labTarball';
import { UsageError, commandArgs } from './args';

export const gradescopeUsage = `usage: freenos-lab gradescope <exercise> --out autograder.zip [--pack DIR] [--file NAME]
       freenos-lab gradescope <exercise> --grade-in ROOT [--pack DIR] [--file NAME]

  --out FILE     write Gradescope's autograder zip: setup.sh (Node 20, then the lab installed with no
                 network), run_autograder, the lab with its dependencies (freenos-lab.tgz) and a
                 grading pack of the exercise (hidden tests kept, reference.ts replaced by its work)
  --pack DIR     the folder of exercises to look in (default: the lab's own exercises)
  --file NAME    the file students submit (default: the starter's name); else the only .ts file
  --grade-in ROOT  (run_autograder's call) grade ROOT/submission, write ROOT/results/results.json
exit: 0 done (whatever the score), 1 the grader failed (results.json says why), 2 usage or input error`;

const MB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** What the zip holds, in a few lines. */
export function describeZip(zip: AutograderZip): string {
  const total = zip.entries.reduce((sum, e) => sum + e.bytes, 0);
  const pack = zip.entries.filter((e) => e.path.startsWith('pack/'));
  const tarball = zip.entries.find((e) => e.path.endsWith('.tgz'));
  return [
    `${zip.file}: Gradescope autograder for ${zip.exercise} (${zip.entries.length} files, ${MB(total)} before zipping)`,
    `  setup.sh, run_autograder  executable; run_autograder grades /autograder/submission/${zip.submission} (else its only .ts file)`,
    `  ${tarball?.path ?? '?'}  ${MB(tarball?.bytes ?? 0)}: the lab and ${zip.dependencies.length} packages it needs (${zip.dependencies.map((d) => `${d.name}@${d.version}`).join(', ')})`,
    `  pack/${zip.exercise}/  ${pack.length} files: the grading pack (hidden tests kept, the reference replaced by reference-work.json)`,
  ].join('\n');
}

/** Runs the gradescope command; resolves to the exit code. */
export async function gradescopeCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): Promise<number> {
  const parsed = commandArgs(args, ['out', 'pack', 'file', 'grade-in'], gradescopeUsage);
  if (parsed === null) {
    print(gradescopeUsage);
    return 0;
  }
  const { positional, options } = parsed;
  const [exerciseName, ...extra] = positional;
  const out = options.get('out');
  const root = options.get('grade-in');
  if (!exerciseName || extra.length > 0 || (out === undefined) === (root === undefined)) throw new UsageError(`give either --out or --grade-in\n\n${gradescopeUsage}`);
  const file = options.get('file');
  if (file !== undefined && (!SUBMISSION_NAME.test(file) || file.endsWith('.d.ts'))) throw new UsageError(`--file must be a plain .ts file name (letters, digits, . _ -), not '${file}'`);
  if (root !== undefined) {
    const done = await autograde(resolve(root), exerciseName, options.get('pack'), file);
    if (done.report) print(`${done.report.exercise}: ${done.report.submission}, score ${done.report.score} / ${done.report.maxScore}`);
    if (done.problem) print(done.problem);
    print(`results written to ${done.results}`);
    return done.report ? 0 : 1;
  }
  try {
    const dir = findExercise(exerciseName, options.get('pack'));
    const zip = await writeAutograderZip(dir, resolve(out!), { file, onStep: (text) => warn(`${text}…`) });
    print(describeZip(zip));
    return 0;
  } catch (error) {
    if (error instanceof ExerciseError || error instanceof TarballError) throw new UsageError(error.message);
    throw error;
  }
}
