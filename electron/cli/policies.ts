// `freenos-lab policies`: the fragmentation paper's table (Johnstone & Wilson, ISMM 1998) on the
// lab's traces: first/next/best fit x LIFO/FIFO/address-ordered free lists, the binary buddy system
// and simple segregated storage ranked by fragmentation (engine/grader/PolicyRanking.ts), with a
// student's allocator as one more row (run in the sandbox by the live views' replay job). Exit 0
// every row finished every trace, 1 a replay failed the checker, 2 usage or input error.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type PolicyCell, rankPolicies } from '../../engine/grader';
import { generate, PAPER_POLICY_IDS, parseTrace, type Trace, TraceError } from '../../engine/workload';
import { BUILT_IN_PACK, ExerciseError, findExercise, loadExercise, loadTrace, type Exercise } from '../host/grader/exercise';
import { submissionCells } from '../host/grader/submissionCells';
import { UsageError, commandArgs } from './args';
import { POLICY_FORMATS, formatRanking, type PolicyFormat } from './policiesFormat';

export const policiesUsage = `usage: freenos-lab policies [--trace FILE ...] [--exercise ID] [--submission FILE --exercise ID]
                           [--format text|json|csv] [--parent sbrk|pages] [--pack DIR]

  --trace FILE       a trace to rank on (repeat it, or list files after the options; gen:<generator> makes one, --seed N)
  --exercise ID      the exercise's traces (those this pack has); without --trace or --exercise: exercises/traces/*.trace
  --submission FILE  your allocator (07-malloc style) or tune config (08-fragmentation) as one more row
  --parent           sbrk (default: the heap grows by exactly what is asked, as the paper measures) or pages (128 KiB steps)
exit: 0 every row finished every trace, 1 a replay failed the checker, 2 usage or input error`;

/** A trace's replay by the student's allocator may take this long. */
const SUBMISSION_TRACE_MS = 10 * 60_000;
const DEFAULT_LIMIT = 32 * 2 ** 20;

/** Takes every `--trace FILE` out of args (the parser keeps one value per option): [the rest, the files]. */
function takeTraces(args: string[]): [string[], string[]] {
  const rest: string[] = [];
  const files: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const arg = args[k]!;
    if (arg.startsWith('--trace=')) files.push(arg.slice('--trace='.length));
    else if (arg === '--trace') {
      if (k + 1 >= args.length) throw new UsageError('option --trace needs a value');
      files.push(args[++k]!);
    } else rest.push(arg);
  }
  return [rest, files];
}

/** A trace file (or gen:<generator> with `seed`); TraceError for a malformed one, UsageError for one that cannot be read. */
function readTrace(source: string, seed: number): Trace {
  try {
    return source.startsWith('gen:') ? generate(source.slice(4), { seed }) : parseTrace(readFileSync(source, 'latin1'), source);
  } catch (error) {
    if (error instanceof TraceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${source}: ${code ? `cannot read the trace (${code})` : (error as Error).message}`);
  }
}

/** The lab's shipped traces, exercises/traces/*.trace, sorted by file name. */
function labTraces(): Trace[] {
  const dir = join(BUILT_IN_PACK, 'traces');
  return readdirSync(dir).filter((f) => f.endsWith('.trace')).sort().map((f) => ({ ...parseTrace(readFileSync(join(dir, f), 'latin1'), `exercises/traces/${f}`), name: f.slice(0, -'.trace'.length) }));
}

/** Runs the policies command; resolves to the exit code. */
export async function policiesCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): Promise<number> {
  const [rest, files] = takeTraces(args);
  const parsed = commandArgs(rest, ['exercise', 'submission', 'format', 'parent', 'pack', 'seed'], policiesUsage);
  if (parsed === null) {
    print(policiesUsage);
    return 0;
  }
  const { positional, options } = parsed;
  files.push(...positional);
  const format = (options.get('format') ?? 'text') as PolicyFormat;
  if (!POLICY_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${POLICY_FORMATS.join(', ')}, not '${format}'`);
  const parent = options.get('parent') ?? 'sbrk';
  if (parent !== 'sbrk' && parent !== 'pages') throw new UsageError(`--parent must be sbrk or pages, not '${parent}'`);
  const seed = Number(options.get('seed') ?? 1);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, not '${options.get('seed')}'`);
  const submission = options.get('submission');
  const exerciseName = options.get('exercise');
  if (submission !== undefined && exerciseName === undefined) throw new UsageError('--submission needs --exercise: it says whether the file is malloc code or a tune config, and the heap it gets');

  let exercise: Exercise | null = null;
  let traces: Trace[];
  try {
    if (exerciseName !== undefined) {
      exercise = loadExercise(findExercise(exerciseName, options.get('pack')));
      if (exercise.spec.kind === 'api') throw new UsageError(`${exercise.spec.id} is an api exercise: it has no malloc traces to rank policies on`);
    }
    // Every trace of the exercise this pack has (an instructor's checkout has the hidden ones too).
    const fromExercise = exercise ? Object.keys(exercise.spec.traces).filter((name) => !exercise!.withheld.includes(name)).map((name) => loadTrace(exercise!, name)) : [];
    traces = [...fromExercise, ...files.map((f) => readTrace(f, seed))];
    if (traces.length === 0) traces = labTraces();
  } catch (error) {
    if (error instanceof TraceError) {
      warn(error.message);
      return 1;
    }
    if (error instanceof ExerciseError) throw new UsageError(error.message);
    throw error;
  }
  const heap = { limit: exercise?.spec.heap.limit ?? DEFAULT_LIMIT, parent } as const;

  const extra: { id: string; label: string; cells: PolicyCell[] }[] = [];
  if (submission !== undefined && exercise) {
    let source: string;
    try {
      source = readFileSync(submission, 'utf8');
    } catch (error) {
      throw new UsageError(`${submission}: cannot read the submission (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const file = submission.split(/[\\/]/).pop()!;
    const subject = exercise.spec.kind === 'tune' ? { kind: 'tune' as const, source, file } : { kind: 'code' as const, source, file, name: 'student' };
    warn(`replaying ${submission} on ${traces.length} traces in the sandbox…`);
    const cells = await submissionCells(traces, subject, {
      heap, timeoutMs: SUBMISSION_TRACE_MS,
      onTrace: (trace, cell, ms) => warn(`  ${trace}: ${cell.ok ? 'done' : 'FAILED'} (${(ms / 1000).toFixed(2)} s)`),
    });
    extra.push({ id: 'submission', label: file, cells });
  }
  warn(`ranking ${PAPER_POLICY_IDS.length} policies on ${traces.length} traces…`);
  const ranking = rankPolicies(traces, { heap, extra });
  print(formatRanking(ranking, format).trimEnd());
  return ranking.rows.every((row) => row.cells.every((c) => c.ok)) ? 0 : 1;
}
