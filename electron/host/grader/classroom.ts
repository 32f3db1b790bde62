// GitHub Classroom's autograding workflow for an exercise: the form Classroom itself writes (the
// workflow named `Autograding Tests`, one job `run-autograding-tests`, a
// classroom-resources/autograding-command-grader step per test, then the autograding-grading-reporter
// reading each step's `<ID>_RESULTS`). A step passes by its command's exit code and earns its
// max-score, so a test that earns part of its points (performance, partialCredit) becomes several
// steps, each passing once the test's score reaches its share (`grade --min-score`). Hidden tests
// (traces a student pack leaves out) have no step: the student repository is public to the student.
import { stringify } from 'yaml';
import type { RubricTest } from '../../../engine/grader';
import type { Exercise } from './exercise';
import { selectTests } from './grade';

export interface ClassroomStep {
  /** The step's id (letters, digits, `-`), unique in the workflow. */
  id: string;
  /** The step's name and the action's test-name. */
  name: string;
  /** The rubric test it runs. */
  test: string;
  command: string;
  /** Minutes before the action stops the command. */
  timeout: number;
  /** Points the step earns when its command exits 0. */
  points: number;
  /** The test's score the step needs (--min-score); null when it needs the test to pass. */
  minScore: number | null;
}

export interface ClassroomPlan {
  steps: ClassroomStep[];
  /** The rubric tests with steps, in rubric order. */
  tests: RubricTest[];
  /** The hidden tests, which have no step (their traces are not in the student pack). */
  hidden: RubricTest[];
}

export interface PlanOptions {
  /** The submission's file name in the student repository. */
  submission: string;
  /** The student pack's folder, relative to the repository's root. */
  pack: string;
  /** Steps for a test that earns part of its points (1 to 20). */
  parts: number;
}

/** Seconds a step gets on top of its test's limit: npx, the lab's start, compiling the submission. */
const START_SECONDS = 90;
export const REPORTER = 'classroom-resources/autograding-grading-reporter@v1';
export const COMMAND_GRADER = 'classroom-resources/autograding-command-grader@v1';

/** An argument for a POSIX shell: as it is when it is only safe characters, else single-quoted. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9._/=:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A step id from a name: lowercase letters, digits and `-`, starting with a letter; `-2`, `-3`… when taken. */
function stepId(name: string, taken: Set<string>): string {
  let base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(base)) base = `test-${base}`.replace(/-$/, '');
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Whether a test can earn part of its points: a performance test, or a correctness test with partialCredit. */
export function earnsPart(test: RubricTest): boolean {
  return test.kind === 'performance' || (test.kind === 'correctness' && test.partialCredit === true);
}

/**
 * The steps for the tests of `exercise` (a student pack) that it can run: one per test, whose
 * command exits 0 when the test passes; a test that earns part of its points gets `parts` steps of
 * points / parts each, the k-th passing once the test's score reaches k × points / parts.
 */
export function classroomPlan(exercise: Exercise, options: PlanOptions): ClassroomPlan {
  if (!Number.isInteger(options.parts) || options.parts < 1 || options.parts > 20) throw new RangeError(`parts must be a whole number from 1 to 20, not ${options.parts}`);
  const tests = selectTests(exercise);
  const hidden = exercise.spec.tests.filter((t) => !tests.includes(t));
  const taken = new Set<string>();
  const steps: ClassroomStep[] = [];
  const grade = ['npx', 'freenos-lab', 'grade', exercise.spec.id, options.submission, '--pack', options.pack].map(shellWord).join(' ');
  for (const test of tests) {
    const command = `${grade} --test ${shellWord(test.name)}`;
    const timeout = Math.ceil((test.timeLimitMs / 1000 + START_SECONDS) / 60);
    if (!earnsPart(test) || options.parts === 1 || test.points === 0) {
      steps.push({ id: stepId(test.name, taken), name: test.name, test: test.name, command, timeout, points: test.points, minScore: null });
      continue;
    }
    const share = Math.floor((test.points * 1000) / options.parts) / 1000;
    for (let k = 1; k <= options.parts; k++) {
      const reach = k === options.parts ? test.points : round(share * k);
      const points = k === options.parts ? round(test.points - share * (options.parts - 1)) : share;
      const name = `${test.name}: ${reach} of ${test.points} points`;
      steps.push({ id: stepId(`${test.name}-${k}`, taken), name, test: test.name, command: `${command} --min-score ${reach}`, timeout, points, minScore: reach });
    }
  }
  return { steps, tests, hidden };
}

/** The name of the environment variable that carries a step's result to the reporter. */
export const resultsVariable = (id: string): string => `${id.toUpperCase()}_RESULTS`;

/** The workflow as data, in the shape Classroom writes: checkout, Node, the lab installed, one step per entry, the reporter. */
export function workflowData(plan: ClassroomPlan, nodeVersion = '20') {
  return {
    name: 'Autograding Tests',
    on: ['push', 'repository_dispatch'],
    permissions: { checks: 'write', actions: 'read', contents: 'read' },
    jobs: {
      'run-autograding-tests': {
        'runs-on': 'ubuntu-latest',
        if: "github.actor != 'github-classroom[bot]'",
        steps: [
          { name: 'Checkout code', uses: 'actions/checkout@v4' },
          { name: 'Set up Node.js', uses: 'actions/setup-node@v4', with: { 'node-version': nodeVersion } },
          { name: 'Install the lab', run: 'npm install --no-audit --no-fund' },
          ...plan.steps.map((s) => ({
            name: s.name, id: s.id, uses: COMMAND_GRADER,
            with: { 'test-name': s.name, command: s.command, timeout: s.timeout, 'max-score': s.points },
          })),
          {
            name: 'Autograding Reporter', uses: REPORTER,
            env: Object.fromEntries(plan.steps.map((s) => [resultsVariable(s.id), `\${{steps.${s.id}.outputs.result}}`])),
            with: { runners: plan.steps.map((s) => s.id).join(',') },
          },
        ],
      },
    },
  };
}

/** classroom.yml's text: a comment saying where it came from, then the workflow. */
export function workflowYaml(plan: ClassroomPlan, exerciseId: string, grader: string): string {
  const points = round(plan.steps.reduce((total, s) => total + s.points, 0));
  const header = [
    `# GitHub Classroom autograding for ${exerciseId}, written by \`freenos-lab classroom\` (grader ${grader}).`,
    `# One step per test (${plan.steps.length} steps, ${points} points); a test with partial credit is several steps,`,
    '# each passing once the test\'s score reaches its share. Hidden tests are not here: the instructor grades them.',
    '# Classroom reads this file as it is: keep the workflow\'s name and its one job\'s name.',
  ];
  return `${header.join('\n')}\n${stringify(workflowData(plan), { lineWidth: 0 })}`;
}
