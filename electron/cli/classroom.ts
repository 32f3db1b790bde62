// `freenos-lab classroom <exercise> --out DIR`: writes the student repository for GitHub Classroom
// (classroomRepo.ts): the autograding workflow, one step per test with its points and timeout, the
// starter, the student pack, package.json, tsconfig.json and a README. The list of what it wrote
// goes to stdout, a reminder about the lab's source to stderr. Exit 0 written, 2 for a usage or
// input error (an out folder that is not empty, a bad option) or a broken exercise.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExerciseError, findExercise } from '../host/grader/exercise';
import { writeClassroom } from '../host/grader/classroomRepo';
import { UsageError, commandArgs } from './args';

export const classroomUsage = `usage: freenos-lab classroom <exercise> --out DIR [--pack DIR] [--lab SPEC] [--steps N]

  --out DIR      an empty (or new) folder for the student repository: .github/workflows/classroom.yml,
                 the starter, pack/ (a student pack), package.json, tsconfig.json, README.md
  --pack DIR     the folder of exercises to look in (default: the lab's own exercises)
  --lab SPEC     where students' npm install gets the lab: a tarball path or URL, or a git URL
                 (default: file:<the tarball npm pack makes>, which you add to the repository)
  --steps N      workflow steps for a test scored on a scale (performance, partial credit), each
                 earning points / N once the test's score reaches its share (default 5; 1 to 20)
exit: 0 written, 2 usage or input error, or a broken exercise`;

/** Reads --steps; UsageError unless a whole number from 1 to 20. */
function readSteps(value: string | undefined): number {
  if (value === undefined) return 5;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 20) throw new UsageError(`--steps must be a whole number from 1 to 20, not '${value}'`);
  return n;
}

/** Runs the classroom command; resolves to the exit code. */
export async function classroomCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): Promise<number> {
  const parsed = commandArgs(args, ['out', 'pack', 'lab', 'steps'], classroomUsage);
  if (parsed === null) {
    print(classroomUsage);
    return 0;
  }
  const { positional, options } = parsed;
  const [exerciseName, ...extra] = positional;
  const outOption = options.get('out');
  if (!exerciseName || extra.length > 0 || !outOption) throw new UsageError(classroomUsage);
  const parts = readSteps(options.get('steps'));
  const lab = options.get('lab');
  if (lab !== undefined && lab.trim() === '') throw new UsageError('--lab must name where the lab comes from (a tarball path or URL, or a git URL)');
  const out = resolve(outOption);
  if (existsSync(out) && readdirSync(out).length > 0) throw new UsageError(`${out}: not empty: write the student repository into a new or empty folder`);
  try {
    const dir = findExercise(exerciseName, options.get('pack'));
    warn(`writing the GitHub Classroom repository of ${exerciseName} (packing it for students first)…`);
    const repo = await writeClassroom(dir, out, { lab, parts });
    const points = repo.plan.tests.reduce((total, t) => total + t.points, 0);
    print(`${repo.exercise} -> ${out}`);
    for (const file of repo.files) print(`  ${file}`);
    print(`${repo.plan.steps.length} workflow steps for ${repo.plan.tests.length} tests, ${points} points`);
    if (repo.plan.hidden.length > 0) print(`left out (hidden: not in the student pack, grade them yourself): ${repo.plan.hidden.map((t) => `${t.name} (${t.points} points)`).join(', ')}`);
    if (repo.labIsDefault) warn(`package.json takes ${repo.labName} from ${repo.lab}: add that file (npm pack in the lab) or pass --lab; README.md says how`);
    return 0;
  } catch (error) {
    if (error instanceof ExerciseError) throw new UsageError(error.message);
    throw error;
  }
}
