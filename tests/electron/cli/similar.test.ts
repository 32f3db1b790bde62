// `freenos-lab similar`: run as a real process on the fixture class (exit 0, the ranked table on
// stdout, similarity.csv and similarity.html written; exit 2 with a clear message for an empty
// folder and a missing starter), and in-process for the other input errors and a hostile name.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../electron/cli/args';
import { similarCommand } from '../../../electron/cli/similar';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'electron', 'cli', 'freenos-lab.ts');
const FIXTURES = path.join(root, 'tests', 'host', 'similar', 'fixtures');
const CLASS = path.join(FIXTURES, 'class');
const STARTER = path.join(FIXTURES, 'starter.ts');

function run(args: string[]) {
  const result = spawnSync(tsx, [cli, 'similar', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Runs the command in this process: its exit code (2 for a UsageError, as main does) and what it printed. */
function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = similarCommand(args, (t) => out.push(t), (t) => err.push(t));
    return { code, out: out.join('\n'), err: err.join('\n') };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { code: 2, out: out.join('\n'), err: error.message };
  }
}

const temp = () => mkdtempSync(path.join(tmpdir(), 'lab-similar-'));

describe('freenos-lab similar', () => {
  it('ranks the fixture class: exit 0, the table on stdout, similarity.csv and similarity.html written', () => {
    const out = path.join(temp(), 'report');
    const { code, out: stdout, err } = run([CLASS, '--starter', STARTER, '--out', out, '--top', '3']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^compared 5 submissions \\(10 pairs\\) in \\d+\\.\\d s; starter ${STARTER} ignored \\(\\d+ fingerprints\\)$`));
    expect(lines[1]).toMatch(/^#\s+similarity\s+longest shared fragment\s+student\s+student$/);
    expect(lines[2]).toMatch(/^1\s+9\d\.\d %\s+\d{3} tokens, lines \d+–\d+ ↔ \d+–\d+\s+alice\s+bob$/);
    expect(lines.slice(3, 5).every((line) => /^[23]\s+\d\.\d %/.test(line))).toBe(true);
    expect(lines[5]).toBe('… and 7 more pairs (see similarity.csv)');
    expect(lines[6]).toBe(`csv:  ${path.join(out, 'similarity.csv')}`);
    expect(lines[7]).toBe(`html: ${path.join(out, 'similarity.html')}`);
    const csv = readFileSync(path.join(out, 'similarity.csv'), 'utf8').split('\r\n');
    expect(csv).toHaveLength(12);
    expect(csv[1]).toMatch(/^1,0\.9\d{3},alice,bob,/);
    expect(csv.find((line) => line.includes(',dave,erin,'))).toMatch(/^\d+,0\.0\d{3},dave,erin,/);
    const html = readFileSync(path.join(out, 'similarity.html'), 'utf8');
    expect(html.match(/<section /g)).toHaveLength(3);
  });

  it('exits 2 with a clear message for an empty folder and for a missing starter file', () => {
    const empty = temp();
    const none = run([empty, '--starter', STARTER]);
    expect(none.code).toBe(2);
    expect(none.err).toBe(`freenos-lab: ${empty}: no submissions (no .ts files, no subfolders)\n`);
    const missing = path.join(empty, 'missing.ts');
    const noStarter = run([CLASS, '--starter', missing]);
    expect(noStarter.code).toBe(2);
    expect(noStarter.err).toBe(`freenos-lab: --starter ${missing}: no such file\n`);
    expect(noStarter.out).toBe('');
  });

  it('takes the starter of an exercise with --exercise', () => {
    const { code, out } = inProcess([CLASS, '--exercise', '07-malloc']);
    expect(code).toBe(0);
    expect(out).toContain(`starter ${path.join(root, 'exercises', '07-malloc', 'starter.ts')} ignored`);
    expect(out.split('\n')[2]).toMatch(/alice\s+bob$/);
    expect(out).toContain('(--out DIR writes similarity.csv and similarity.html)');
  });

  it('refuses bad options and input with exit 2, naming what is wrong', () => {
    const cases: [string[], string][] = [
      [[CLASS, '--exercise', '07-malloc', '--starter', STARTER], 'give --exercise or --starter, not both'],
      [[CLASS, '--pack', FIXTURES], '--pack needs --exercise'],
      [[CLASS, '--exercise', 'no-such'], "no exercise 'no-such'"],
      [[CLASS, '--top', '0'], "--top must be a whole number from 1 to 100000, not '0'"],
      [[CLASS, '--min-similarity', '40%'], "--min-similarity must be a number from 0 to 1 (0.4 for 40 %), not '40%'"],
      [[CLASS, '--min-similarity', '1.5'], "--min-similarity must be a number from 0 to 1 (0.4 for 40 %), not '1.5'"],
      [[CLASS, '--starter', FIXTURES], `--starter ${FIXTURES}: not a file`],
      [[path.join(CLASS, 'alice.ts')], `${path.join(CLASS, 'alice.ts')}: not a folder`],
      [[CLASS, '--color=on'], 'unknown option --color'],
      [[], 'usage: freenos-lab similar <folder>'],
    ];
    for (const [args, message] of cases) {
      const result = inProcess(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toContain(message);
    }
  });

  it('needs two readable submissions, and says why the others were left out', () => {
    const folder = temp();
    cpSync(path.join(CLASS, 'carol.ts'), path.join(folder, 'carol.ts'));
    writeFileSync(path.join(folder, 'empty.ts'), '  \n');
    mkdirSync(path.join(folder, 'two'));
    writeFileSync(path.join(folder, 'two', 'a.ts'), 'let a = 1;');
    writeFileSync(path.join(folder, 'two', 'b.ts'), 'let b = 2;');
    const { code, err } = inProcess([folder]);
    expect(code).toBe(2);
    expect(err).toBe(`${folder}: 1 of 3 submissions can be read, at least two are needed\n  empty: empty.ts is empty\n  two: several .ts files: a.ts, b.ts — keep one`);
  });

  it('escapes hostile student names in the page and guards them in the CSV', () => {
    // A folder name cannot hold the '/' of </script>; the whole tag is checked in output.test.ts.
    const folder = temp();
    const script = '<script>alert(1)';
    const img = '"><img src=x onerror=alert(2)>';
    mkdirSync(path.join(folder, script));
    cpSync(path.join(CLASS, 'alice.ts'), path.join(folder, script, 'starter.ts'));
    cpSync(path.join(CLASS, 'bob.ts'), path.join(folder, `${img}.ts`));
    cpSync(path.join(CLASS, 'carol.ts'), path.join(folder, '=carol.ts'));
    const out = path.join(folder, 'out');
    const { code, out: stdout, err } = inProcess([folder, '--starter', STARTER, '--out', out]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n')[2]).toMatch(/^1\s+9\d\.\d %/);
    expect(stdout.split('\n')[2]).toContain(script);
    const html = readFileSync(path.join(out, 'similarity.html'), 'utf8');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(1)');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    const csv = readFileSync(path.join(out, 'similarity.csv'), 'utf8');
    expect(csv).toContain(`,"""><img src=x onerror=alert(2)>",`);
    expect(csv).toContain(",'=carol,");
    expect(csv).not.toMatch(/,=carol/);
    expect(csv).toContain(',<script>alert(1)/starter.ts,');
  });

  it('warns on stderr when no starter is given, and compares all the same', () => {
    const { code, out, err } = inProcess([CLASS, '--min-similarity', '0.5']);
    expect(code).toBe(0);
    expect(err).toBe('no --exercise or --starter: code every student received counts as shared');
    expect(out).toContain('no starter ignored');
    // Without the starter ignored, the two students who only share it are the second pair.
    expect(out.split('\n').slice(2, 4).map((line) => line.trim().split(/\s+/).slice(-2).join('-'))).toEqual(['alice-bob', 'dave-erin']);
  });
});
