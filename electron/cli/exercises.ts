// `freenos-lab exercises list|validate`: what a pack of exercises holds, and whether each exercise
// is sound: its exercise.yaml reads, the files and traces it names load, its starter and reference
// compile, and with --run the reference passes every one of its own tests. Exit 0 all sound,
// 1 an exercise is broken (each problem named with its file), 2 usage error.
import { compileSubmission } from '../host/sandbox/compile';
import { BUILT_IN_PACK, ExerciseError, findExercise, listExerciseDirs, loadExercise, loadTrace, readExerciseFile } from '../host/grader/exercise';
import { gradeSource } from '../host/grader/grade';
import { UsageError, parseArgs } from './args';

export const exercisesUsage = `usage: freenos-lab exercises list [--pack DIR]
       freenos-lab exercises validate [<exercise> ...] [--pack DIR] [--run]

  list       the exercises in the pack: id, title, tests and points
  validate   check each exercise (all in the pack when none is named); --run also grades the
             reference, which must pass every test`;

/** Runs an exercises subcommand; resolves to the exit code. */
export async function exercisesCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, options } = parseArgs(rest, ['run', 'help']);
  if (sub === undefined || sub === '--help' || options.has('help')) {
    print(exercisesUsage);
    return sub === undefined ? 2 : 0;
  }
  const pack = options.get('pack') ?? BUILT_IN_PACK;
  try {
    if (sub === 'list') {
      for (const dir of listExerciseDirs(pack)) {
        try {
          const { spec } = loadExercise(dir);
          const points = spec.tests.reduce((total, t) => total + t.points, 0);
          print(`${spec.id.padEnd(16)} ${spec.title}  (${spec.tests.length} tests, ${points} points)${spec.summary ? `\n${''.padEnd(16)} ${spec.summary}` : ''}`);
        } catch (error) {
          if (!(error instanceof ExerciseError)) throw error;
          print(`${dir}: broken: ${error.message}`);
        }
      }
      return 0;
    }
    if (sub === 'validate') {
      const dirs = positional.length > 0 ? positional.map((name) => findExercise(name, pack)) : listExerciseDirs(pack);
      let broken = 0;
      for (const dir of dirs) {
        const problems = await validate(dir, options.has('run'), warn);
        if (problems.length === 0) print(`${dir}: ok`);
        else {
          broken++;
          for (const problem of problems) print(`${dir}: ${problem}`);
        }
      }
      print(`${dirs.length - broken} of ${dirs.length} exercises sound`);
      return broken === 0 ? 0 : 1;
    }
  } catch (error) {
    if (error instanceof ExerciseError) throw new UsageError(error.message);
    throw error;
  }
  throw new UsageError(`unknown exercises command '${sub}'\n\n${exercisesUsage}`);
}

/** Every problem found in the exercise at `dir` (empty when sound). */
async function validate(dir: string, run: boolean, warn: (text: string) => void): Promise<string[]> {
  let exercise;
  try {
    exercise = loadExercise(dir);
  } catch (error) {
    if (error instanceof ExerciseError) return [error.message];
    throw error;
  }
  const problems: string[] = [];
  for (const name of Object.keys(exercise.spec.traces)) {
    try {
      loadTrace(exercise, name);
    } catch (error) {
      if (!(error instanceof ExerciseError)) throw error;
      problems.push(error.message);
    }
  }
  for (const [role, file] of [['starter', exercise.spec.starter], ['reference', exercise.spec.reference]] as const) {
    const compiled = await compileSubmission(readExerciseFile(exercise, file), file);
    if (!compiled.ok) problems.push(...compiled.errors.map((e) => `${role} ${e.file}:${e.line}:${e.column}: ${e.message}`));
  }
  if (run && problems.length === 0) {
    warn(`grading the reference of ${exercise.spec.id}…`);
    try {
      const { report } = await gradeSource(dir, readExerciseFile(exercise, exercise.spec.reference), exercise.spec.reference);
      for (const test of report.tests) if (test.status !== 'passed') problems.push(`the reference fails test '${test.name}': ${test.output.split('\n')[0]}`);
      const perf = report.tests.filter((t) => t.kind === 'performance');
      for (const test of perf) warn(`  reference on ${test.name}: ${test.score} / ${test.maxScore}`);
    } catch (error) {
      if (!(error instanceof ExerciseError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}
