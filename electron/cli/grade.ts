// `freenos-lab grade <exercise> <submission.ts>`: grades one submission and prints the report as
// text, JSON (Gradescope's results shape), a full Gradescope results.json, or JUnit XML. Only the
// report goes to stdout; anything else goes to stderr. Exit 0 when every test passed, 1 when any
// failed (with --min-score: whether the score reached it), 2 for a usage or input error (unknown
// exercise or test, unreadable submission).
import { readFileSync, writeFileSync } from 'node:fs';
import type { GradeReport } from '../../engine/grader';
import { ExerciseError, findExercise } from '../host/grader/exercise';
import { formatGradescope, formatJson, formatJunit, formatText } from '../host/grader/formats';
import { gradeSource } from '../host/grader/grade';
import type { GradeProgress } from '../host/grader/jobTypes';
import { UsageError, commandArgs, listOption } from './args';

export const gradeUsage = `usage: freenos-lab grade <exercise> <submission.ts> [--format text|json|gradescope|junit] [--out FILE]
                        [--pack DIR] [--test NAME[,NAME...]] [--min-score N]

  <exercise>     an exercise id in the pack (e.g. 07-malloc) or a folder holding an exercise.yaml
  --format       text (default), json (the results object only), gradescope (results.json), junit (XML)
  --out FILE     write the report to FILE instead of stdout
  --pack DIR     the folder of exercises to look in (default: the lab's own exercises)
  --test NAMES   run only these tests (GitHub Classroom runs one test per step)
  --min-score N  exit 0 when the tests run score at least N points, passed or not (GitHub Classroom's
                 steps for a test with partial credit: see freenos-lab classroom)
exit: 0 every test passed (or --min-score reached), 1 a test failed (or it was not), 2 usage or input error`;

const FORMATS = ['text', 'json', 'gradescope', 'junit'] as const;
type Format = (typeof FORMATS)[number];

/** The report in `format`. */
export function render(report: GradeReport, format: Format, color: boolean): string {
  if (format === 'json') return formatJson(report);
  if (format === 'gradescope') return formatGradescope(report, {});
  if (format === 'junit') return formatJunit(report);
  return formatText(report, { color });
}

/** Reads the --format option; UsageError for anything else. */
export function readFormat(value: string | undefined): Format {
  const format = value ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
  return format as Format;
}

/** Reads --min-score: undefined when absent; UsageError unless a number from 0 up. */
function readMinScore(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--min-score must be a number of points from 0 up, not '${value}'`);
  return n;
}

/** Runs the grade command; resolves to the exit code. */
export async function gradeCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): Promise<number> {
  const parsed = commandArgs(args, ['format', 'out', 'pack', 'test', 'min-score'], gradeUsage);
  if (parsed === null) {
    print(gradeUsage);
    return 0;
  }
  const { positional, options } = parsed;
  const [exerciseName, submission, ...extra] = positional;
  if (!exerciseName || !submission || extra.length > 0) throw new UsageError(gradeUsage);
  const format = readFormat(options.get('format'));
  const tests = listOption(options.get('test'));
  const minScore = readMinScore(options.get('min-score'));
  let source: string;
  try {
    source = readFileSync(submission, 'utf8');
  } catch (error) {
    throw new UsageError(`${submission}: cannot read the submission (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const dir = findExercise(exerciseName, options.get('pack'));
    warn(`grading ${submission} on ${exerciseName}…`);
    const onTest = (e: GradeProgress) => warn(`  [${e.index}/${e.total}] ${e.test}: ${e.passed ? 'passed' : 'FAILED'} (${(e.ms / 1000).toFixed(2)} s)`);
    const { report } = await gradeSource(dir, source, submission, { tests, onTest });
    const text = render(report, format, options.get('out') === undefined && process.stdout.isTTY === true);
    const out = options.get('out');
    if (out) writeFileSync(out, text);
    else print(text.trimEnd());
    const failed = report.tests.filter((t) => t.status === 'failed').length;
    warn(`${report.tests.length - failed} of ${report.tests.length} tests passed, score ${report.score} / ${report.maxScore}${out ? `; report written to ${out}` : ''}`);
    if (minScore === undefined) return failed === 0 ? 0 : 1;
    const reached = report.score >= minScore - 1e-9; // scores are rounded to the thousandth
    warn(`--min-score ${minScore}: ${reached ? 'reached' : 'not reached'}`);
    return reached ? 0 : 1;
  } catch (error) {
    if (error instanceof ExerciseError) throw new UsageError(error.message);
    throw error;
  }
}
