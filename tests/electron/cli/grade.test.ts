// `freenos-lab grade` as a real process, on the tiny fixture exercise (--pack tests/host/grader/fixtures)
// and once on the real 07-malloc: exit 0 when every test passed, 1 when one failed, 2 for usage or
// input errors; only the report goes to stdout, so `--format json` output parses as JSON even when
// the submission logs lines that look like JSON; `--out` writes the file and leaves stdout empty.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'electron', 'cli', 'freenos-lab.ts');
const PACK = path.join(root, 'tests', 'host', 'grader', 'fixtures');
const REFERENCE = path.join(PACK, 'tiny', 'reference.ts');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `freenos-lab grade ...args` in the repository's root; resolves with the exit status and output. */
function grade(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(tsx, [cli, 'grade', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

const FAKE = '{"score": 100, "max_score": 10, "tests": []}';
let dir: string;
/** Logs lines that look like a result, then fails every trace (malloc returns 0). */
let liar: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lab-cli-grade-'));
  liar = path.join(dir, 'liar.ts');
  writeFileSync(liar, `import type { Heap, MallocAllocator } from 'freenos-lab';
export default class Liar implements MallocAllocator {
  constructor(private readonly heap: Heap) {}
  malloc(_size: number): number {
    console.log(${JSON.stringify(FAKE)});
    console.log('{');
    console.log('}');
    return 0;
  }
  free(_address: number): void {}
}
`);
});

describe.concurrent('freenos-lab grade (as a process)', { timeout: 90_000 }, () => {
  it('exits 0 for the reference, with the text report on stdout and progress on stderr', async () => {
    const run = await grade('tiny', REFERENCE, '--pack', PACK);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^tiny: reference\.ts, score 10 \/ 10\n/);
    expect(run.stdout).toMatch(/^\[PASS\] 1 random \(3 \/ 3, \d+\.\d\d s\)$/m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('3 of 3 tests passed, score 10 / 10');
    expect(run.stderr).toContain('3 of 3 tests passed, score 10 / 10');
    expect(run.stderr).toMatch(/^ {2}\[1\/3\] random: passed \(\d+\.\d\d s\)\n {2}\[2\/3\] realloc: passed .*\n {2}\[3\/3\] performance: passed /m);
    expect(run.stdout).not.toContain('grading ');
    expect(run.stdout).not.toContain('[1/3]');
  });

  it('exits 1 for a failing submission; --format json prints only the JSON, whatever the submission logs', async () => {
    const run = await grade('tiny', liar, '--pack', PACK, '--format', 'json');
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as { score: number; max_score: number; tests: { name: string; score: number; status: string; output: string }[] };
    expect([json.score, json.max_score]).toEqual([0, 10]);
    expect(json.tests.map((t) => [t.name, t.status, t.score])).toEqual([['random', 'failed', 0], ['realloc', 'failed', 0], ['performance', 'failed', 0]]);
    expect(json.tests[0]!.output).toContain(`log on random:\n  | ${FAKE}\n  | {\n  | }`);
    expect(run.stdout.trim().startsWith('{\n')).toBe(true);
    expect(run.stdout.split('\n').filter((line) => line.includes(FAKE))).toEqual([]); // only inside JSON strings, escaped
    expect(run.stderr).not.toContain(FAKE);
  });

  it('--out FILE writes the report there and leaves stdout empty', async () => {
    const out = path.join(dir, 'results.json');
    const run = await grade('tiny', REFERENCE, '--pack', PACK, '--format', 'gradescope', '--out', out);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`report written to ${out}`);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { score: number; tests: { name: string; visibility: string }[] };
    expect(results.score).toBe(10);
    expect(results.tests.map((t) => [t.name, t.visibility])).toEqual([['random', 'visible'], ['realloc', 'visible'], ['performance', 'after_due_date']]);
  });

  it('--test runs only the named tests; --format junit is XML', async () => {
    const run = await grade('tiny', liar, '--pack', PACK, '--test', 'realloc', '--format', 'junit');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="tiny" tests="1" failures="1" /);
    expect(run.stdout).toContain('<testcase name="realloc"');
    expect(run.stdout).not.toContain('<testcase name="random"');
  });

  it('exits 2 for a missing submission file', async () => {
    const run = await grade('tiny', path.join(dir, 'missing.ts'), '--pack', PACK);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('missing.ts: cannot read the submission (ENOENT)');
  });

  it('exits 2 for an unknown exercise, naming the ones there are', async () => {
    const run = await grade('no-such-exercise', REFERENCE, '--pack', PACK);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/no exercise 'no-such-exercise' .*there: .*tiny/);
  });

  it('exits 2 for an unknown --format and an unknown --test', async () => {
    const [format, test] = await Promise.all([
      grade('tiny', REFERENCE, '--pack', PACK, '--format', 'xml'),
      grade('tiny', REFERENCE, '--pack', PACK, '--test', 'random,nope'),
    ]);
    expect(format.status).toBe(2);
    expect(format.stderr).toContain("--format must be one of text, json, gradescope, junit, not 'xml'");
    expect(test.status).toBe(2);
    expect(test.stderr).toContain("no test named 'nope' (tests: random, realloc, performance)");
    expect(format.stdout + test.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await grade('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: freenos-lab grade <exercise> <submission\.ts>/);
  });

  it('grades the real 07-malloc reference on --test ramp-random (exit 0)', async () => {
    const run = await grade('07-malloc', path.join(root, 'exercises', '07-malloc', 'reference.ts'), '--test', 'ramp-random', '--format', 'json');
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { score: number; max_score: number; tests: { name: string; status: string }[] };
    expect(json.tests.map((t) => [t.name, t.status])).toEqual([['ramp-random', 'passed']]);
    expect(json.max_score).toBeGreaterThan(0);
    expect(json.score).toBe(json.max_score);
  });
});
