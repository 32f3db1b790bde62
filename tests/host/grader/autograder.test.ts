// The parts of the Gradescope autograder, without building a zip: the grading pack (no reference,
// every hidden trace and its reference work), the dependency layout of the lab tarball (hoisted as
// npm would, nested on a version conflict, the target's platform package fetched when missing, other
// platforms' left out), autograde() on the tiny fixture (graded, not compiling, nothing to grade, a
// grader that fails: always a results.json), run_autograder's own fallback when the lab cannot start,
// and the command's usage errors.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../electron/cli/args';
import { gradescopeCommand } from '../../../electron/cli/gradescope';
import { autograde } from '../../../electron/host/grader/autograder';
import { loadExercise } from '../../../electron/host/grader/exercise';
import { gradeSource } from '../../../electron/host/grader/grade';
import { runScript } from '../../../electron/host/grader/gradescopeScripts';
import { TarballError, runtimeDependencies } from '../../../electron/host/grader/labTarball';
import { writePack } from '../../../electron/host/grader/pack';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const TINY = path.join(FIXTURES, 'tiny');
/** A correct submission: the reference with a student's own line (an exact copy would be flagged as one). */
const REFERENCE = `${readFileSync(path.join(TINY, 'reference.ts'), 'utf8')}// mine\n`;
const results = (root: string) => JSON.parse(readFileSync(path.join(root, 'results', 'results.json'), 'utf8'));
const temp = (name: string) => mkdtempSync(path.join(tmpdir(), `lab-autograder-${name}-`));

/** Writes `files` (path → text) under `dir`. */
function write(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('a grading pack', () => {
  it('leaves out only the reference: hidden traces kept, with the reference work on them', async () => {
    const source = path.join(temp('src'), 'tiny');
    cpSync(TINY, source, { recursive: true });
    const yaml = readFileSync(path.join(source, 'exercise.yaml'), 'utf8')
      .replace('traces:\n', 'traces:\n  secret: { generate: randomSizes, options: { seed: 4242, ops: 200 } }\n')
      .concat('    - { name: hidden-performance, kind: performance, traces: [secret], points: 4, visibility: hidden, timeLimitSeconds: 5 }\n');
    writeFileSync(path.join(source, 'exercise.yaml'), yaml);
    const [packed] = await writePack([source], temp('grading'), { student: false, grading: true });
    expect(packed!.referenceWork).toBe(true);
    expect(existsSync(path.join(packed!.dir, 'reference.ts'))).toBe(false);
    expect(readFileSync(path.join(packed!.dir, 'exercise.yaml'), 'utf8')).toContain('seed: 4242');
    const work = JSON.parse(readFileSync(path.join(packed!.dir, 'reference-work.json'), 'utf8')) as Record<string, number>;
    expect(Object.keys(work).sort()).toEqual(['random', 'realloc', 'secret']);
    expect(loadExercise(packed!.dir).withheld).toEqual([]);
    // The reference scores the same from the pack, its hidden test included, as from its own folder.
    const fromPack = await gradeSource(packed!.dir, REFERENCE, 'mm.ts');
    const fromSource = await gradeSource(source, REFERENCE, 'mm.ts');
    expect(fromPack.report.tests.map((t) => [t.name, t.score])).toEqual(fromSource.report.tests.map((t) => [t.name, t.score]));
    expect(fromPack.report.maxScore).toBe(14);
  }, 60_000);
});

describe('the lab tarball\'s dependencies', () => {
  const manifest = (name: string, extra: object = {}) => JSON.stringify({ name, version: '1.0.0', ...extra });
  const tree = () => write(temp('tree'), {
    'package.json': JSON.stringify({ name: 'lab', dependencies: { a: '1', b: '1' }, optionalDependencies: { '@x/linux-x64': '1.0.0', '@x/darwin-arm64': '1.0.0', 'not-installed': '1' } }),
    'node_modules/a/package.json': manifest('a', { dependencies: { c: '1' } }),
    'node_modules/b/package.json': manifest('b', { dependencies: { a: '1', c: '2' } }),
    'node_modules/b/node_modules/c/package.json': manifest('c', { version: '2.0.0' }),
    'node_modules/c/package.json': manifest('c'),
    'node_modules/@x/darwin-arm64/package.json': manifest('@x/darwin-arm64', { os: ['darwin'], cpu: ['arm64'] }),
  });

  it('are laid out as Node resolves them, with the Linux x64 package fetched and the others left out', async () => {
    const root = tree();
    const fetched: string[] = [];
    const fetch = async (name: string, spec: string) => {
      fetched.push(`${name}@${spec}`);
      return write(temp('fetched'), { 'package.json': manifest(name, { os: ['linux'], cpu: ['x64'] }) });
    };
    const staged = await runtimeDependencies(root, fetch);
    expect(staged.map((d) => `${d.to} ${d.version}`).sort()).toEqual([
      'node_modules/@x/linux-x64 1.0.0', 'node_modules/a 1.0.0', 'node_modules/b 1.0.0', 'node_modules/b/node_modules/c 2.0.0', 'node_modules/c 1.0.0',
    ]);
    expect(fetched).toEqual(['@x/linux-x64@1.0.0']);
  });

  it('name the package.json of a required dependency that is not installed', async () => {
    const root = write(tree(), { 'node_modules/a/package.json': manifest('a', { dependencies: { gone: '1' } }) });
    const fails = runtimeDependencies(root, async () => root);
    await expect(fails).rejects.toThrow(TarballError);
    await expect(fails).rejects.toThrow(`${path.join(root, 'node_modules', 'a', 'package.json')}: dependency gone is not installed`);
  });
});

describe('autograde', () => {
  it('grades the only .ts file of the submission into results/results.json', async () => {
    const root = write(temp('root'), { 'submission/src/mm.ts': REFERENCE });
    const done = await autograde(root, 'tiny', FIXTURES);
    expect(done.problem).toBeNull();
    expect(results(root)).toMatchObject({ score: 10, tests: [{ name: 'random', status: 'passed' }, { name: 'realloc' }, { name: 'performance', visibility: 'after_due_date' }] });
    expect(results(root).leaderboard.length).toBe(3);
  }, 60_000);

  it('fails every test of a submission that does not compile, saying why', async () => {
    const root = write(temp('root'), { 'submission/starter.ts': 'export default class {\n  malloc( {}\n}\n', 'submission/other.ts': 'export {};\n' });
    await autograde(root, 'tiny', FIXTURES);
    const json = results(root);
    expect(json.score).toBe(0);
    expect(json.tests).toHaveLength(3);
    expect(json.tests[0].output).toContain('does not compile');
  }, 60_000);

  it('writes a results.json that says what it found when there is no submission folder', async () => {
    const root = temp('root');
    const done = await autograde(root, 'tiny', FIXTURES, 'mm.ts');
    expect(done.problem).toContain('Expected: mm.ts, or exactly one .ts file');
    expect(results(root).score).toBe(0);
    expect(results(root).output).toMatch(/Found in the submission: cannot be listed \(ENOENT\)/);
  });

  it('writes a results.json saying the grader failed when the exercise is not there', async () => {
    const root = write(temp('root'), { 'submission/starter.ts': REFERENCE });
    const done = await autograde(root, 'no-such-exercise', FIXTURES);
    expect(done.report).toBeNull();
    expect(results(root)).toEqual({ score: 0, tests: [], output: expect.stringContaining("the grader failed: no exercise 'no-such-exercise'") });
    expect(results(root).output).toContain('This is not a verdict on your code');
  });
});

describe('run_autograder', () => {
  it('writes a valid results.json of its own when the lab cannot start', async () => {
    const root = write(temp('root'), { 'submission/starter.ts': REFERENCE, 'results/results.json': '{"score": 100}' });
    const script = write(root, { run_autograder: runScript({ exercise: 'tiny', file: 'starter.ts', tarball: 'freenos-lab.tgz' }) });
    await promisify(execFile)('bash', [path.join(script, 'run_autograder')], { env: { ...process.env, AUTOGRADER_ROOT: root } });
    const json = results(root);
    expect(json.score).toBe(0);
    expect(json.tests).toEqual([]);
    expect(json.output).toContain('the lab exited with status 127 before writing any results');
  });
});

describe('freenos-lab gradescope', () => {
  const lines: string[] = [];
  const call = (args: string[]) => gradescopeCommand(args, (text) => lines.push(text), () => {});

  it('asks for exactly one of --out and --grade-in, and a plain .ts --file', async () => {
    await expect(call(['07-malloc'])).rejects.toThrow(UsageError);
    await expect(call(['07-malloc', '--out', 'a.zip', '--grade-in', '/tmp'])).rejects.toThrow('give either --out or --grade-in');
    await expect(call(['07-malloc', '--out', 'a.zip', '--file', '../mm.ts'])).rejects.toThrow("--file must be a plain .ts file name (letters, digits, . _ -), not '../mm.ts'");
    await expect(call(['07-malloc', '--out', 'a.zip', '--pack', temp('empty')])).rejects.toThrow("no exercise '07-malloc'");
  });

  it('exits 1 when the grader failed, with results.json written', async () => {
    const root = temp('root');
    expect(await call(['nothing-here', '--grade-in', root, '--pack', FIXTURES])).toBe(1);
    expect(lines.at(-1)).toBe(`results written to ${path.join(root, 'results', 'results.json')}`);
    expect(results(root).score).toBe(0);
  });
});
