// `freenos-lab exercises list|validate|pack`: what a pack of exercises holds; whether each exercise
// is sound (its exercise.yaml reads, the files and traces it names load, starter and reference
// compile, hidden tests exist, the reference scores full marks; with --run the starter scores less);
// and packs for students or instructors. Exit 0 fine, 1 an exercise is broken (each problem named
// with its file), 2 usage error.
import { basename } from 'node:path';
import { compileSubmission } from '../host/sandbox/compile';
import { BUILT_IN_PACK, ExerciseError, findExercise, listExerciseDirs, loadExercise, loadTrace, readExerciseFile } from '../host/grader/exercise';
import { gradeSource } from '../host/grader/grade';
import { writePack } from '../host/grader/pack';
import { loadScenario } from '../host/grader/scenario';
import { UsageError, parseArgs } from './args';

export const exercisesUsage = `usage: freenos-lab exercises list [--pack DIR]
       freenos-lab exercises validate [<exercise> ...] [--pack DIR] [--run]
       freenos-lab exercises pack [<exercise> ...] --out DIR [--student] [--pack DIR]

  list       the exercises in the pack: id, title, tests and points
  validate   check each exercise (all in the pack when none is named): it loads, its traces load,
             starter and reference compile, it has hidden tests, the reference scores full marks;
             --run also grades the starter (it must score less)
  pack       copy exercises into a pack that stands alone; --student leaves out the reference
             (its work per trace goes in reference-work.json) and the hidden tests' traces`;

/** Runs an exercises subcommand; resolves to the exit code. */
export async function exercisesCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, options } = parseArgs(rest, ['run', 'help', 'student']);
  if (sub === undefined || sub === '--help' || options.has('help')) {
    print(exercisesUsage);
    return sub === undefined ? 2 : 0;
  }
  const pack = options.get('pack') ?? BUILT_IN_PACK;
  try {
    if (sub === 'list') {
      const dirs = listExerciseDirs(pack);
      const width = Math.max(16, ...dirs.map((dir) => basename(dir).length));
      for (const dir of dirs) {
        try {
          const { spec } = loadExercise(dir);
          const points = spec.tests.reduce((total, t) => total + t.points, 0);
          print(`${spec.id.padEnd(width)} ${spec.title}  (${spec.tests.length} tests, ${points} points)${spec.summary ? `\n${''.padEnd(width)} ${spec.summary}` : ''}`);
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
    if (sub === 'pack') {
      const out = options.get('out');
      if (!out) throw new UsageError(`exercises pack needs --out DIR\n\n${exercisesUsage}`);
      const dirs = positional.length > 0 ? positional.map((name) => findExercise(name, pack)) : listExerciseDirs(pack);
      const student = options.has('student');
      for (const packed of await writePack(dirs, out, { student })) {
        const what = student ? `student pack: no reference (its work in reference-work.json), ${packed.withheld.length} hidden traces left out` : 'instructor pack';
        print(`${packed.id} -> ${packed.dir} (${what})`);
      }
      return 0;
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
  for (const name of Object.keys(exercise.spec.traces).filter((n) => !exercise.withheld.includes(n))) {
    try {
      if (exercise.spec.kind === 'api') loadScenario(exercise, name);
      else loadTrace(exercise, name);
    } catch (error) {
      if (!(error instanceof ExerciseError)) throw error;
      problems.push(error.message);
    }
  }
  const hasReference = exercise.referenceWork === null;
  const roles = (hasReference ? [['starter', exercise.spec.starter], ['reference', exercise.spec.reference]] : [['starter', exercise.spec.starter]]) as [string, string][];
  for (const [role, file] of roles) {
    const compiled = await compileSubmission(readExerciseFile(exercise, file), file);
    if (!compiled.ok) problems.push(...compiled.errors.map((e) => `${role} ${e.file}:${e.line}:${e.column}: ${e.message}`));
  }
  // An instructor's copy must have hidden tests, and their traces (a student pack has neither).
  if (hasReference && !exercise.spec.tests.some((t) => t.visibility !== 'visible')) problems.push(`${exercise.file}: no hidden test (visibility hidden, after_due_date or after_published)`);
  if (hasReference && exercise.withheld.length > 0) problems.push(`${exercise.file}: the files of traces ${exercise.withheld.join(', ')} are missing`);
  // Traces that parse can still be wrong (a free of an id never allocated): the reference must score full marks.
  if (problems.length === 0 && hasReference) {
    warn(`grading the reference${run ? ' and the starter' : ''} of ${exercise.spec.id}…`);
    try {
      const { report, referenceWork } = await gradeSource(dir, readExerciseFile(exercise, exercise.spec.reference), exercise.spec.reference);
      for (const test of report.tests) if (test.status !== 'passed') problems.push(`the reference fails test '${test.name}': ${test.output.split('\n')[0]}`);
      if (report.score < report.maxScore) problems.push(`the reference scores ${report.score} / ${report.maxScore}, not full marks: ${report.tests.filter((t) => t.score < t.maxScore).map((t) => `${t.name} ${t.score} / ${t.maxScore}`).join(', ')}`);
      if (!run) return problems;
      const starter = (await gradeSource(dir, readExerciseFile(exercise, exercise.spec.starter), exercise.spec.starter, { referenceWork })).report;
      if (starter.score >= report.score) problems.push(`the starter scores ${starter.score} / ${starter.maxScore}, as much as the reference: nothing is left to do`);
      warn(`  reference ${report.score} / ${report.maxScore}, starter ${starter.score} / ${starter.maxScore}`);
    } catch (error) {
      if (!(error instanceof ExerciseError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}
