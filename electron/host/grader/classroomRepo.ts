// The student repository GitHub Classroom hands out for an exercise (a template repository): the
// autograding workflow (classroom.ts), the starter as the file to hand in, the exercise as a student
// pack (no reference, no hidden traces), a package.json that installs the lab, a tsconfig.json for
// the editor, and a README: the exercise's instructions, how the grading works and how to run it.
// The lab is not on the npm registry: the instructor says where it comes from (`lab`); by default
// the tarball `npm pack` makes in a checkout of the lab, which the README asks them to add.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classroomPlan, workflowYaml, type ClassroomPlan } from './classroom';
import { loadExercise, readExerciseFile, type Exercise } from './exercise';
import { writePack } from './pack';
import { graderVersion } from './version';

const LAB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where the student pack goes in the repository. */
export const PACK = 'pack';
export const WORKFLOW = '.github/workflows/classroom.yml';

export interface ClassroomOptions {
  /** The lab as an npm dependency spec (a tarball path or URL, a git URL); default: the tarball `npm pack` makes. */
  lab?: string;
  /** Steps for a test with partial credit (default 5). */
  parts?: number;
}

export interface ClassroomRepo {
  out: string;
  exercise: string;
  /** The file students hand in (the starter's name). */
  submission: string;
  plan: ClassroomPlan;
  /** The lab's package name and the dependency spec package.json uses; whether that is the default tarball. */
  labName: string;
  lab: string;
  labIsDefault: boolean;
  /** Every file written, relative to `out` (the pack's as one folder). */
  files: string[];
}

/** The lab's package name and version, from its package.json. */
export function labPackage(): { name: string; version: string } {
  const data = JSON.parse(readFileSync(join(LAB_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: data.name, version: data.version };
}

const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

/**
 * Writes the student repository for the exercise in `exerciseDir` into `out` (which should be empty:
 * the pack refuses an existing exercise folder). Packs the exercise for students first (measuring
 * the reference's work when it has performance tests). Throws ExerciseError for a broken exercise.
 */
export async function writeClassroom(exerciseDir: string, out: string, options: ClassroomOptions = {}): Promise<ClassroomRepo> {
  const lab = labPackage();
  const spec = options.lab ?? `file:${lab.name}-${lab.version}.tgz`;
  mkdirSync(out, { recursive: true });
  const [packed] = await writePack([exerciseDir], join(out, PACK), { student: true });
  const exercise = loadExercise(packed!.dir);
  const id = exercise.spec.id;
  const submission = basename(exercise.spec.starter);
  const plan = classroomPlan(exercise, { submission, pack: PACK, parts: options.parts ?? 5 });

  copyFileSync(join(exercise.dir, exercise.spec.starter), join(out, submission));
  write(join(out, WORKFLOW), workflowYaml(plan, id, graderVersion(exercise).version));
  const pkg = {
    name: `freenos-lab-${id}`,
    private: true,
    description: `${exercise.spec.title} (FreeNOS Memory Lab, exercise ${id})`,
    type: 'module',
    scripts: { test: `freenos-lab grade ${id} ${submission} --pack ${PACK}` },
    dependencies: { [lab.name]: spec },
    engines: { node: '>=20' },
  };
  write(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true, skipLibCheck: true,
      paths: { 'freenos-lab': [`./node_modules/${lab.name}/engine/lab.ts`] },
    },
    files: [submission],
  };
  write(join(out, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  write(join(out, '.gitignore'), 'node_modules/\n');
  const repo: ClassroomRepo = {
    out, exercise: id, submission, plan, labName: lab.name, lab: spec, labIsDefault: options.lab === undefined,
    files: [WORKFLOW, submission, `${PACK}/${id}/`, 'package.json', 'tsconfig.json', '.gitignore', 'README.md'],
  };
  write(join(out, 'README.md'), studentReadme(exercise, repo, lab.version));
  return repo;
}

/** README.md: a note for the instructor when the lab's source is still theirs to add, the exercise's README, then the grading. */
export function studentReadme(exercise: Exercise, repo: ClassroomRepo, labVersion: string): string {
  const { plan, submission } = repo;
  const id = exercise.spec.id;
  const lines: string[] = [];
  if (repo.labIsDefault) {
    lines.push(
      `> **Instructor: before you publish this template, give it the lab, then delete this note.** \`package.json\``,
      `> installs \`${repo.labName}\` from \`${repo.lab}\`, a file this repository does not have yet. Make it`,
      '> with `npm pack` in a checkout of FreeNOS Memory Lab (it writes exactly that file) and commit it here;',
      '> or point the dependency at where your course keeps the lab, a tarball URL or a git URL such as',
      `> \`git+https://git.example.edu/your-course/freenos-lab.git#v${labVersion}\` (or write this repository again`,
      '> with `freenos-lab classroom ... --lab <spec>`). The hidden tests are not in this repository: grade them',
      `> with \`freenos-lab grade-batch ${id} <the students' repositories> --pack <your instructor pack>\`.`,
      '',
    );
  }
  lines.push(readExerciseFile(exercise, exercise.spec.instructions ?? 'README.md').trimEnd(), '', '---', '', '## Grading');
  const total = plan.tests.reduce((sum, t) => sum + t.points, 0);
  lines.push(
    '',
    `Your work is \`${submission}\`. Every push runs \`.github/workflows/classroom.yml\`: GitHub Classroom grades`,
    `it with the lab's grader, one step per test, and each step that passes earns its points (${total} here).`,
    'A test scored on a scale (performance, partial credit) is several steps, each passing once the',
    "test's score reaches its share, so Classroom rounds such a test's points down to the last share reached.",
    '',
    '| test | points | time limit | steps |',
    '| --- | --- | --- | --- |',
  );
  for (const test of plan.tests) {
    const steps = plan.steps.filter((s) => s.test === test.name);
    const how = steps.length === 1 ? '1' : `${steps.length}: ${steps.map((s) => s.minScore).join(', ')} points reached`;
    lines.push(`| ${test.name} | ${test.points} | ${test.timeLimitMs / 1000} s | ${how} |`);
  }
  if (plan.hidden.length > 0) {
    const points = plan.hidden.reduce((sum, t) => sum + t.points, 0);
    lines.push('', `Not here: ${plan.hidden.map((t) => `${t.name} (${t.points} points)`).join(', ')}, ${points} points of hidden tests`,
      'on traces this repository does not have. Your instructor grades them.');
  }
  lines.push(
    '',
    '## Run the tests yourself',
    '',
    '```sh',
    'npm install',
    `npx freenos-lab grade ${id} ${submission} --pack ${PACK}                  # every test`,
    `npx freenos-lab grade ${id} ${submission} --pack ${PACK} --test ${plan.tests[0]?.name ?? '<name>'}   # one test, as a step runs it`,
    '```',
    '',
    `The exercise, with its traces, is in \`${PACK}/${id}/\`. Exit code 0 means every test passed.`,
  );
  return `${lines.join('\n')}\n`;
}
