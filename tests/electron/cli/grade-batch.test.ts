// `freenos-lab grade-batch`: run as a real process on the mini fixture exercise (exit 0 with the
// summary on stdout, one line per student on stderr, grades.csv and reports written; exit 2 for
// usage and input errors and a broken exercise), and in-process with a terminal-like stderr for
// the redrawn progress bar. Batches run on the default pool: child processes (isolatedGradePool).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeBatchCommand, finishedLine, formatDuration, progressLine, summary } from '../../../electron/cli/gradeBatch';
import { graderFailed, type Batch } from '../../../electron/host/grader/batch';
import { BatchWriter } from '../../../electron/host/grader/batchOutput';
import { gradeReport } from '../../../engine/grader/Grade';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'electron', 'cli', 'freenos-lab.ts');
const MINI = path.join(root, 'tests', 'host', 'grader', 'fixtures', 'mini');
/** A student's correct submission: the reference with a line of their own (an exact copy is flagged). */
const REFERENCE = `${readFileSync(path.join(MINI, 'reference.ts'), 'utf8')}// my own work\n`;
const STARTER = readFileSync(path.join(MINI, 'starter.ts'), 'utf8');

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-grade-batch-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function run(args: string[], cwd = root) {
  const result = spawnSync(tsx, [cli, 'grade-batch', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('freenos-lab grade-batch', () => {
  it('grades a class: exit 0, a line per student on stderr, the summary on stdout, grades.csv and reports', () => {
    const folder = folderWith({
      'good.ts': REFERENCE,
      'bump.ts': STARTER,
      'broken.ts': 'export default class {\n  malloc( {}\n}\n',
      'two/a.ts': REFERENCE,
      'two/b.ts': REFERENCE,
    });
    const out = path.join(folder, 'out');
    const { code, out: stdout, err } = run([MINI, folder, '--out', out, '--workers', '2']);
    expect(err).not.toContain('Error');
    expect(code).toBe(0);
    const lines = err.split('\n').filter((line) => line.startsWith('['));
    expect(err).toContain('grading 4 submissions on mini, 2 at a time; measuring the reference first…');
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => line.slice(0, 5)).sort()).toEqual(['[1/4]', '[2/4]', '[3/4]', '[4/4]']);
    expect(lines.some((line) => line.endsWith('good: 50 / 50, 4 of 4 tests passed'))).toBe(true);
    expect(err).toMatch(/broken: 0 \/ 50, 0 of 4 tests passed \(broken does not compile: broken\.ts:\d+:\d+: .*\)/);
    expect(err).toContain('two: 0 / 50, 0 of 4 tests passed (several .ts files: a.ts, b.ts — name one starter.ts)');

    expect(stdout).toMatch(/^graded 4 submissions on mini in \d+s\n/);
    expect(stdout).toMatch(/mean score [\d.]+ \/ 50; 1 with full marks, 2 with a failed test, 2 with a problem\n/);
    expect(stdout).toContain('  two: several .ts files: a.ts, b.ts — name one starter.ts\n');
    expect(stdout).toContain(`grades:  ${path.join(out, 'grades.csv')}\n`);
    expect(stdout).toContain(`reports: ${path.join(out, 'reports')}/`);

    const csv = readFileSync(path.join(out, 'grades.csv'), 'utf8').split('\r\n');
    expect(csv.map((line) => line.split(',')[0])).toEqual(['student', 'broken', 'bump', 'good', 'two', '']);
    expect(csv[3]).toBe('good,good.ts,50,50,4,0,10,10,10,20,');
    expect(readdirSync(path.join(out, 'reports')).sort()).toEqual(
      ['broken', 'bump', 'good', 'two'].flatMap((s) => [`${s}.json`, `${s}.txt`]),
    );
  }, 60_000);

  it('keeps one poisonous submission its own: nested brackets and a line of dashes fail alone, every copy of the reference after them scores full', () => {
    // Before the compiler's bounds: the brackets killed esbuild's service and every later submission
    // "did not compile" (0 / 50), and the dashes took 25 s and 2.5 GB of error text.
    const folder = folderWith({
      'a-brackets.ts': `export default ${'['.repeat(200_000)}${']'.repeat(200_000)};\n`,
      'b-dashes.ts': `let x = 1${'-'.repeat(50_000)};\n`,
      'c-deep.ts': `export const x =\n${'[\n'.repeat(30_000)}${']\n'.repeat(30_000)};\n`,
      ...Object.fromEntries(['d', 'e', 'f', 'g'].map((s) => [`${s}-good.ts`, REFERENCE])),
    });
    const out = path.join(folder, 'out');
    const { code, out: stdout, err } = run([MINI, folder, '--out', out, '--workers', '2']);
    expect(code).toBe(0);
    expect(err).toContain('a-brackets: 0 / 50, 0 of 4 tests passed (a-brackets does not compile: a-brackets.ts:1:1: the file has 400,017 characters: at most 131,072 are compiled)');
    expect(err).toContain('b-dashes: 0 / 50, 0 of 4 tests passed (b-dashes does not compile: b-dashes.ts:1:1: this line has 50,010 characters: at most 500 are compiled (split it))');
    expect(err).toContain('c-deep: 0 / 50, 0 of 4 tests passed (c-deep does not compile: c-deep.ts:258:1: brackets are nested more than 256 deep here)');
    for (const s of ['d', 'e', 'f', 'g']) expect(err).toContain(`${s}-good: 50 / 50, 4 of 4 tests passed`);
    expect(stdout).toContain('4 with full marks, 3 with a failed test, 3 with a problem');
    expect(stdout).not.toContain('the grader itself failed');
  }, 60_000);

  it('writes to grades-<id> in the current folder by default, and never takes that folder for a student', () => {
    const folder = folderWith({ 'ann.ts': REFERENCE, 'grades-mini/old.txt': '' });
    const { code, out, err } = run([MINI, '.', '--test', 'uniform,ramp'], folder);
    expect(err).toContain('[1/1] ann: 20 / 20, 2 of 2 tests passed');
    expect(code).toBe(0);
    expect(out).toContain(`grades:  ${path.join(folder, 'grades-mini', 'grades.csv')}`);
    expect(readFileSync(path.join(folder, 'grades-mini', 'grades.csv'), 'utf8')).toBe(
      'student,file,score,max_score,tests_passed,tests_failed,uniform,ramp,problem\r\nann,ann.ts,20,20,2,0,10,10,\r\n',
    );
  }, 60_000);

  it('exits 2 for usage and input errors, saying why on stderr', () => {
    const folder = folderWith({ 'ann.ts': REFERENCE });
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: freenos-lab grade-batch <exercise> <folder>');

    const cases: [string[], RegExp][] = [
      [[], /usage: freenos-lab grade-batch/],
      [[MINI], /usage: freenos-lab grade-batch/],
      [[MINI, folder, '--frob', '1'], /unknown option --frob/],
      [[MINI, folder, '--workers', '0'], /--workers must be a whole number from 1 to 64, not '0'/],
      [[MINI, folder, '--workers', 'two'], /--workers must be a whole number/],
      [['no-such-exercise', folder], /no exercise 'no-such-exercise'/],
      [[MINI, path.join(folder, 'missing')], /missing: no such folder/],
      [[MINI, folderWith({ 'notes.txt': '' })], /no submissions/],
      [[MINI, folder, '--test', 'nope'], /no test named 'nope'/],
    ];
    for (const [args, message] of cases) {
      const result = run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.out).toBe('');
    }
    expect(existsSync(path.join(root, 'grades-mini'))).toBe(false);
  }, 180_000); // ten CLI processes one after another, each starting tsx (about 3 s apiece, more under load)

  it('exits 2 when the exercise is broken (its reference fails its own trace)', () => {
    const exercise = path.join(mkdtempSync(path.join(tmpdir(), 'lab-grade-batch-ex-')), 'mini');
    cpSync(MINI, exercise, { recursive: true });
    writeFileSync(path.join(exercise, 'reference.ts'), STARTER.replace('return this.heap.grow(bytes);', 'return 0;'));
    const folder = folderWith({ 'ann.ts': REFERENCE });
    const result = run([exercise, folder, '--out', path.join(folder, 'out')]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/freenos-lab: .*exercise\.yaml: .*reference/);
    expect(result.out).toBe('');
  }, 60_000);
});

describe('grade-batch progress', () => {
  const report = () => gradeReport('mini', 'alice', [], [], 0);

  it('draws the bar line, with the ETA while work is left, cut to the terminal width', () => {
    const last = { student: 'alice', report: { ...report(), score: 78, maxScore: 100 } };
    expect(progressLine({ done: 12, total: 50, failing: 2, last, elapsedMs: 25_000 })).toBe('[##--------] 12/50 graded · 2 failing · alice 78/100 · ETA 1m19s');
    expect(progressLine({ done: 0, total: 5, failing: 0, last: null, elapsedMs: 0 })).toBe('[----------] 0/5 graded · 0 failing');
    expect(progressLine({ done: 5, total: 5, failing: 0, last, elapsedMs: 9000 })).toBe('[##########] 5/5 graded · 0 failing · alice 78/100');
    expect(progressLine({ done: 1, total: 5, failing: 0, last: { ...last, student: 'e\u001b[2Jve' }, elapsedMs: 1000 }, 30)).toBe('[##--------] 1/5 graded · 0 f…');
    expect(progressLine({ done: 1, total: 5, failing: 0, last: { ...last, student: 'e\u001b[2Jve' }, elapsedMs: 1000 })).toContain(' · e?[2Jve 78/100 · ');
    expect(formatDuration(45_400)).toBe('45s');
    expect(formatDuration(80_000)).toBe('1m20s');
    expect(formatDuration(7_500_000)).toBe('2h05m');
    expect(finishedLine(3, 12, 'bob', report(), 'no .ts file')).toBe('[ 3/12] bob: 0 / 0, 0 of 0 tests passed (no .ts file)');
  });

  it('names the submissions the grader itself failed on, apart from the students\' own problems', () => {
    const writer = new BatchWriter(mkdtempSync(path.join(tmpdir(), 'lab-summary-')), ['ann', 'bob', 'cy']);
    const result = (student: string, problem: string | null) => ({ student, file: `${student}.ts`, problem, report: report() });
    const batch = {
      exercise: { spec: { id: 'mini' } }, tests: [], referenceWork: {}, ms: 1000,
      stamp: { grader: { version: 'v', code: 'c', exercise: 'e' }, seed: null },
      results: [result('ann', "the grader's worker crashed: the worker exited (code 134) without a result"), result('bob', 'no .ts file'), result('cy', null)],
    } as unknown as Batch;
    expect(batch.results.map(graderFailed)).toEqual([true, false, false]);
    const text = summary(batch, writer);
    expect(text).toContain('\nthe grader itself failed on 1 submission (ann): not their fault; grade them again\n');
    expect(text).toContain('  bob: no .ts file\n');
  });

  it('redraws one line with \\r on a terminal and ends it before the summary', async () => {
    const folder = folderWith({ 'ann.ts': REFERENCE, 'bob/x.ts': '', 'cy/a.ts': '', 'cy/b.ts': '' });
    const written: string[] = [];
    const stderr = { isTTY: true, columns: 100, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    const printed: string[] = [];
    const warned: string[] = [];
    const code = await gradeBatchCommand([MINI, folder, '--out', path.join(folder, 'out'), '--test', 'uniform', '--workers', '2'], (t) => printed.push(t), (t) => warned.push(t), stderr);
    expect(code).toBe(0);
    expect(warned).toEqual(['grading 3 submissions on mini, 2 at a time; measuring the reference first…']);
    expect(written[0]).toBe('\r[----------] 0/3 graded · 0 failing\u001b[K');
    expect(written.slice(1, 4).every((text) => text.startsWith('\r[') && text.endsWith('\u001b[K'))).toBe(true);
    expect(written[3]).toMatch(/^\r\[##########\] 3\/3 graded · 2 failing · (ann 10\/10|bob 0\/10|cy 0\/10)\u001b\[K$/);
    expect(written.at(-1)).toBe('\n');
    expect(written).toHaveLength(5);
    expect(printed.join('\n')).toMatch(/^graded 3 submissions on mini in \d+s\nmean score 3\.33 \/ 10; 1 with full marks, 2 with a failed test, 2 with a problem\n/);
  }, 60_000);
});
