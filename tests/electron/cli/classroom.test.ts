// `freenos-lab classroom` for 07-malloc and 01-bit-allocator: the workflow validates against
// SchemaStore's GitHub workflow schema (tests/fixtures/schemastore) and has Classroom's form (its
// name, one job, a command-grader step per test, the reporter reading every step's <ID>_RESULTS);
// steps, points and timeouts follow the rubric, a performance test is stepped, hidden tests are left
// out; the repository holds the starter, a student pack, package.json and a README. Then generated
// steps' commands run for real in the generated folder, with the lab linked in as npm would install it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { classroomCommand } from '../../../electron/cli/classroom';
import { gradeCommand } from '../../../electron/cli/grade';
import { loadExercise } from '../../../electron/host/grader/exercise';

const root = path.resolve(import.meta.dirname, '../../..');
const schema = JSON.parse(readFileSync(path.join(root, 'tests', 'fixtures', 'schemastore', 'github-workflow.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

interface Step {
  name: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}

/** Writes the repository of `exercise` into a new folder: the folder, stdout, and the workflow parsed. */
async function generate(exercise: string, extra: string[] = []) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'lab-classroom-')), exercise);
  const printed: string[] = [];
  const warned: string[] = [];
  const code = await classroomCommand([exercise, '--out', out, ...extra], (t) => printed.push(t), (t) => warned.push(t));
  expect(code).toBe(0);
  const workflow = parse(readFileSync(path.join(out, '.github', 'workflows', 'classroom.yml'), 'utf8'));
  return { out, stdout: printed.join('\n'), stderr: warned.join('\n'), workflow, steps: workflow.jobs['run-autograding-tests'].steps as Step[] };
}

/** The checks every generated workflow passes: the schema, Classroom's form, and the rubric's tests, points and timeouts. */
function expectClassroomForm(workflow: Record<string, unknown>, steps: Step[], exerciseId: string, parts: number) {
  expect(validate(workflow), JSON.stringify(validate.errors)).toBe(true);
  expect(workflow.name).toBe('Autograding Tests');
  expect(Object.keys(workflow.jobs as object)).toEqual(['run-autograding-tests']);
  const graders = steps.filter((s) => s.uses === 'classroom-resources/autograding-command-grader@v1');
  const reporter = steps.at(-1)!;
  expect(reporter.uses).toBe('classroom-resources/autograding-grading-reporter@v1');
  const ids = graders.map((s) => s.id!);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
  expect(reporter.with!.runners).toBe(ids.join(','));
  expect(reporter.env).toEqual(Object.fromEntries(ids.map((id) => [`${id.toUpperCase()}_RESULTS`, `\${{steps.${id}.outputs.result}}`])));

  const exercise = loadExercise(path.join(root, 'exercises', exerciseId));
  const secret = exercise.spec.tests.filter((t) => t.visibility !== 'visible' && t.traces.every((trace) => exercise.spec.tests.every((u) => u.visibility !== 'visible' || !u.traces.includes(trace))));
  expect(secret.length).toBeGreaterThan(0);
  for (const test of exercise.spec.tests) {
    const mine = graders.filter((s) => / --test (\S+)/.exec(s.with!.command as string)?.[1] === test.name);
    if (secret.includes(test)) {
      expect(mine, test.name).toEqual([]);
      continue;
    }
    const stepped = test.kind === 'performance' || test.partialCredit === true;
    expect(mine, test.name).toHaveLength(stepped ? parts : 1);
    expect(mine.reduce((total, s) => total + (s.with!['max-score'] as number), 0)).toBeCloseTo(test.points, 9);
    for (const [k, s] of mine.entries()) {
      expect(s.with!.timeout).toBe(Math.ceil((test.timeLimitMs / 1000 + 90) / 60));
      expect(s.with!['test-name']).toBe(s.name);
      const min = stepped ? ` --min-score ${Math.round((test.points * (k + 1) * 1000) / parts) / 1000}` : '';
      expect(s.with!.command).toBe(`npx freenos-lab grade ${exerciseId} starter.ts --pack pack --test ${test.name}${min}`);
    }
  }
  expect(graders.length).toBe(exercise.spec.tests.filter((t) => !secret.includes(t)).reduce((n, t) => n + (t.kind === 'performance' || t.partialCredit === true ? parts : 1), 0));
}

/** Links the lab into `out` as `npm install` of it would (node_modules/<name> and the freenos-lab bin), without the network. */
function linkLab(out: string): void {
  mkdirSync(path.join(out, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(root, path.join(out, 'node_modules', 'freenos-memory-lab'));
  symlinkSync(path.join(root, 'electron', 'cli', 'bin.mjs'), path.join(out, 'node_modules', '.bin', 'freenos-lab'));
}

/** Runs a step's command as the action does (a shell in the repository's folder); its exit code and output. */
function runStep(out: string, step: Step) {
  const result = spawnSync('sh', ['-c', step.with!.command as string], { cwd: out, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_yes: 'false' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('freenos-lab classroom', () => {
  let malloc: Awaited<ReturnType<typeof generate>>;
  let bits: Awaited<ReturnType<typeof generate>>;
  beforeAll(async () => {
    malloc = await generate('07-malloc');
    bits = await generate('01-bit-allocator', ['--lab', 'git+https://git.example.edu/course/freenos-lab.git#v0.1.0', '--steps', '4']);
  }, 60_000);

  it("writes Classroom's workflow for 07-malloc: valid, a step per test, performance in five steps, the hidden test left out", () => {
    expectClassroomForm(malloc.workflow, malloc.steps, '07-malloc', 5);
    expect(malloc.steps.slice(0, 3).map((s) => s.uses ?? s.run)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'npm install --no-audit --no-fund']);
    expect(malloc.steps.filter((s) => s.id?.startsWith('performance')).map((s) => [s.id, s.with!['max-score'], s.with!.timeout])).toEqual(
      [1, 2, 3, 4, 5].map((k) => [`performance-${k}`, 10, 4]));
    expect(malloc.stdout).toContain('16 workflow steps for 12 tests, 94 points');
    expect(malloc.stdout).toContain('left out (hidden: not in the student pack, grade them yourself): hidden-correctness (6 points)');
    // A schema that can fail: the same workflow without runs-on is refused.
    const broken = structuredClone(malloc.workflow);
    delete broken.jobs['run-autograding-tests']['runs-on'];
    expect(validate(broken)).toBe(false);
  });

  it('writes the student repository: starter, student pack, package.json with the lab, README for the instructor and students', () => {
    const { out } = malloc;
    expect(readFileSync(path.join(out, 'starter.ts'), 'utf8')).toBe(readFileSync(path.join(root, 'exercises', '07-malloc', 'starter.ts'), 'utf8'));
    expect(existsSync(path.join(out, 'pack', '07-malloc', 'exercise.yaml'))).toBe(true);
    expect(existsSync(path.join(out, 'pack', '07-malloc', 'reference.ts'))).toBe(false);
    expect(existsSync(path.join(out, 'pack', '07-malloc', 'hidden'))).toBe(false);
    const pkg = JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toEqual({ 'freenos-memory-lab': 'file:freenos-memory-lab-0.1.0.tgz' });
    expect(pkg.scripts.test).toBe('freenos-lab grade 07-malloc starter.ts --pack pack');
    const readme = readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(readme).toMatch(/^> \*\*Instructor: before you publish this template, give it the lab, then delete this note\.\*\*/);
    expect(readme).toContain('`file:freenos-memory-lab-0.1.0.tgz`');
    expect(readme).toContain('# 07-malloc: a malloc of your own');
    expect(readme).toContain('| performance | 50 | 120 s | 5: 10, 20, 30, 40, 50 points reached |');
    expect(readme).toContain('Not here: hidden-correctness (6 points), 6 points of hidden tests');
    expect(malloc.stderr).toContain('package.json takes freenos-memory-lab from file:freenos-memory-lab-0.1.0.tgz: add that file');

    expectClassroomForm(bits.workflow, bits.steps, '01-bit-allocator', 4);
    expect(JSON.parse(readFileSync(path.join(bits.out, 'package.json'), 'utf8')).dependencies).toEqual({ 'freenos-memory-lab': 'git+https://git.example.edu/course/freenos-lab.git#v0.1.0' });
    expect(readFileSync(path.join(bits.out, 'README.md'), 'utf8')).not.toContain('Instructor: before you publish');
    expect(bits.stderr).not.toContain('add that file');
  });

  it("runs generated steps for real in the generated folder: the exit code is the test's verdict, or whether its share was reached", () => {
    linkLab(bits.out);
    const small = bits.steps.find((s) => s.id === 'small')!;
    const starter = runStep(bits.out, small);
    expect(starter.code, starter.err).toBe(1);
    expect(starter.out).toMatch(/\[FAIL\] 1 small \(0 \/ 2/);
    writeFileSync(path.join(bits.out, 'starter.ts'), readFileSync(path.join(root, 'exercises', '01-bit-allocator', 'reference.ts'), 'utf8'));
    const reference = runStep(bits.out, small);
    expect(reference.code, reference.err).toBe(0);
    expect(reference.out).toMatch(/\[PASS\] 1 small \(2 \/ 2/);

    // 07-malloc's starter earns 11.872 of the performance test's 50 points: the 10-point share, not the 20.
    linkLab(malloc.out);
    const [first, second] = [malloc.steps.find((s) => s.id === 'performance-1')!, malloc.steps.find((s) => s.id === 'performance-2')!];
    const reached = runStep(malloc.out, first);
    expect(reached.code, reached.err).toBe(0);
    expect(reached.err).toContain('--min-score 10: reached');
    const score = Number(/score ([\d.]+) \/ 50/.exec(reached.out)![1]);
    expect(score).toBeGreaterThanOrEqual(10);
    expect(score).toBeLessThan(20);
    const short = runStep(malloc.out, second);
    expect(short.code).toBe(1);
    expect(short.err).toContain('--min-score 20: not reached');
  }, 120_000);

  it('is a usage error without --out, into a folder that is not empty, or with bad --steps or --lab (and grade with a bad --min-score)', async () => {
    const full = mkdtempSync(path.join(tmpdir(), 'lab-classroom-full-'));
    writeFileSync(path.join(full, 'x'), '');
    const fails = (args: string[]) => classroomCommand(args, () => {}, () => {});
    const help: string[] = [];
    expect(await classroomCommand(['--help'], (t) => help.push(t), () => {})).toBe(0);
    expect(help[0]).toMatch(/^usage: freenos-lab classroom <exercise> --out DIR/);
    await expect(fails(['07-malloc'])).rejects.toThrow(/usage: freenos-lab classroom/);
    await expect(fails(['07-malloc', '--out', full])).rejects.toThrow(`${full}: not empty`);
    await expect(fails(['07-malloc', '--out', path.join(full, 'new'), '--steps', '0'])).rejects.toThrow(/--steps must be a whole number from 1 to 20, not '0'/);
    await expect(fails(['07-malloc', '--out', path.join(full, 'new'), '--lab', ' '])).rejects.toThrow(/--lab must name where the lab comes from/);
    await expect(fails(['no-such', '--out', path.join(full, 'new')])).rejects.toThrow(/no exercise 'no-such'/);
    expect(existsSync(path.join(full, 'new'))).toBe(false); // nothing written before the checks
    for (const bad of ['-1', 'ten', '']) {
      await expect(gradeCommand(['07-malloc', 'mine.ts', '--min-score', bad], () => {}, () => {})).rejects.toThrow(`--min-score must be a number of points from 0 up, not '${bad}'`);
    }
    expect(readFileSync(path.join(full, 'x'), 'utf8')).toBe('');
  });
});
