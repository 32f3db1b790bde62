// `freenos-lab regrade` on a seeded change: a class of three (the reference, the bump starter, one
// that does not compile) graded with grade-batch on a copy of the tiny fixture, then the copy's
// rubric changed (realloc's points, the utilization band): the diff names exactly the tests and
// students whose scores that changes, and why. Then a changed submission and an older grader
// (written into the recorded manifest), and the errors: no batch.json, a malformed one.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../electron/cli/args';
import { gradeBatchCommand } from '../../../electron/cli/gradeBatch';
import { regradeCommand } from '../../../electron/cli/regrade';
import type { BatchManifest } from '../../../electron/host/grader/manifest';

const root = path.resolve(import.meta.dirname, '../../..');
const TINY = path.join(root, 'tests', 'host', 'grader', 'fixtures', 'tiny');
const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;

interface Setup {
  exercise: string;
  folder: string;
  grades: string;
}

/** A copy of tiny, a class of three, and its grade-batch folder. */
async function gradedClass(): Promise<Setup> {
  const work = mkdtempSync(path.join(tmpdir(), 'lab-regrade-'));
  const exercise = path.join(work, 'tiny');
  cpSync(TINY, exercise, { recursive: true });
  const folder = path.join(work, 'class');
  cpSync(path.join(TINY, 'reference.ts'), path.join(folder, 'ann.ts'));
  cpSync(path.join(TINY, 'starter.ts'), path.join(folder, 'bob.ts'));
  writeFileSync(path.join(folder, 'cy.ts'), 'export default class {\n  malloc( {}\n}\n');
  const grades = path.join(work, 'grades');
  const code = await gradeBatchCommand([exercise, folder, '--out', grades], () => {}, () => {}, quiet);
  expect(code).toBe(0);
  return { exercise, folder, grades };
}

/** The fields of one RFC 4180 CSV line (quoted fields with doubled quotes). */
function fields(line: string): string[] {
  return [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].slice(0, -1).map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!));
}

/** Runs regrade in-process: the exit code, stdout and the CSV's rows as [student, test, old, new, reason]. */
async function regrade(args: string[]) {
  const printed: string[] = [];
  const code = await regradeCommand(args, (t) => printed.push(t), () => {});
  const out = path.join(args.includes('--out') ? args[args.indexOf('--out') + 1]! : path.join(args[0]!, 'regrade'));
  const csv = readFileSync(path.join(out, 'regrade.csv'), 'utf8').split('\r\n').filter((l) => l !== '');
  const rows = csv.slice(1).map((line) => {
    const cells = fields(line);
    expect(cells).toHaveLength(9);
    return [cells[0], cells[1], cells[2], cells[3], cells[8]];
  });
  return { code, stdout: printed.join('\n'), header: csv[0], rows, md: readFileSync(path.join(out, 'regrade.md'), 'utf8') };
}

describe('freenos-lab regrade', () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await gradedClass();
  }, 60_000);

  it('names exactly the tests and students a rubric change moves, with the change as the reason', async () => {
    const yaml = path.join(setup.exercise, 'exercise.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8')
      .replace('{ name: realloc, trace: realloc, points: 2, timeLimitSeconds: 3 }', '{ name: realloc, trace: realloc, points: 4, timeLimitSeconds: 3 }')
      .replace('utilization: { min: 0.1, max: 0.3 }', 'utilization: { min: 0.1, max: 0.6 }'));
    const result = await regrade([setup.grades]);
    expect(result.code).toBe(0);
    expect(result.header).toBe('student,test,old_score,new_score,old_max,new_max,old_status,new_status,reason');
    expect(result.rows.map((r) => [r[0], r[1]])).toEqual([['ann', 'realloc'], ['ann', 'performance'], ['bob', 'realloc'], ['bob', 'performance']]);
    expect(result.rows[0]).toEqual(['ann', 'realloc', '2', '4', 'points 2 → 4']);
    expect(result.rows[2]).toEqual(['bob', 'realloc', '2', '4', 'points 2 → 4']);
    for (const row of [result.rows[1]!, result.rows[3]!]) {
      expect(row[4]).toMatch(/^thresholds\.utilization 0\.1–0\.3 → 0\.1–0\.6; performance index [\d.]+ → [\d.]+$/);
      expect(Number(row[3])).toBeLessThan(Number(row[2])); // a wider band: the same utilization earns less
    }
    expect(result.md).toContain('Rubric changes:\n- realloc: points 2 → 4\n- thresholds.utilization 0.1–0.3 → 0.1–0.6\n');
    expect(result.md).toContain('Exercise files changed: exercise.yaml.');
    expect(result.md).toMatch(/\| code \| (\w{12}) \| \1 \(unchanged\) \|/);
    expect(result.md).toContain('2 of 3 students changed score, in 2 tests (realloc, performance)');
    expect(result.md).toMatch(/\| cy \| 0 \| 0 \|/);
    expect(result.stdout).toContain('| ann | realloc | 2 / 2 passed | 4 / 4 passed | points 2 → 4 |');
    expect(result.stdout).not.toContain('## Totals');
    const now = JSON.parse(readFileSync(path.join(setup.grades, 'regrade', 'batch.json'), 'utf8')) as BatchManifest;
    expect(now.rubric.tests.find((t) => t.name === 'realloc')!.points).toBe(4);
    expect(readFileSync(path.join(setup.grades, 'regrade', 'grades.csv'), 'utf8')).toContain('\r\ncy,cy.ts,0,12,0,3,0,0,0,');
  }, 60_000);

  it("says a submission changed, or the grader did, and what the test says now; a change nothing explains is named so", async () => {
    // The regrade folder is a batch folder too: regrade it after bob's file changed and its record claims an older grader.
    const batch = path.join(setup.grades, 'regrade');
    const manifestFile = path.join(batch, 'batch.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BatchManifest;
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, grader: { ...manifest.grader, code: '000000000000' } }));
    const annReport = path.join(batch, 'reports', 'ann.json');
    writeFileSync(annReport, readFileSync(annReport, 'utf8').replace('"score": 3,', '"score": 2.5,'));
    writeFileSync(path.join(setup.folder, 'bob.ts'), readFileSync(path.join(setup.folder, 'bob.ts'), 'utf8').replace('this.top = end;', 'this.top = end - 16;'));
    const result = await regrade([batch, '--out', path.join(setup.grades, 'again')]);
    expect(result.code).toBe(0);
    const byCell = new Map(result.rows.map((r) => [`${r[0]}/${r[1]}`, r]));
    expect(byCell.get('ann/random')![4]).toMatch(/^grader changed: 000000000000 → \w{12}$/);
    expect([...byCell.keys()].filter((k) => k.startsWith('bob/'))).toEqual(['bob/random', 'bob/realloc', 'bob/performance']);
    expect(byCell.get('bob/random')![4]).toMatch(/^submission changed; grader changed: 000000000000 → \w{12}; now: random: FAILED at operation \d+/);
    expect([...byCell.keys()].some((k) => k.startsWith('cy/'))).toBe(false);

    // The same record without the older grader: ann's altered score has no recorded cause.
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const honest = await regrade([batch, '--out', path.join(setup.grades, 'third')]);
    const ann = honest.rows.filter((r) => r[0] === 'ann');
    expect(ann).toEqual([['ann', 'random', '2.5', '3', 'no recorded change explains it: this grade did not reproduce']]);
  }, 120_000);

  it('is a usage error without a batch.json, with a malformed one, or with --out the batch folder', async () => {
    const help: string[] = [];
    expect(await regradeCommand(['--help'], (t) => help.push(t), () => {})).toBe(0);
    expect(help[0]).toMatch(/^usage: freenos-lab regrade <batch dir>/);
    const empty = mkdtempSync(path.join(tmpdir(), 'lab-regrade-empty-'));
    await expect(regradeCommand([empty], () => {}, () => {})).rejects.toThrow(new RegExp(`${empty}/batch\\.json: no such file: .* is not a grade-batch output folder`));
    await expect(regradeCommand([empty], () => {}, () => {})).rejects.toBeInstanceOf(UsageError);
    writeFileSync(path.join(empty, 'batch.json'), JSON.stringify({ manifest: 1, graded: 'x', exercise: { id: 'a', dir: '/a', files: {} }, submissions: 3 }));
    await expect(regradeCommand([empty], () => {}, () => {})).rejects.toThrow(/batch\.json: submissions: must be a string$/);
    await expect(regradeCommand([empty, '--out', empty], () => {}, () => {})).rejects.toThrow(/--out must not be the batch folder itself/);
    const cli = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'electron', 'cli', 'freenos-lab.ts'), 'regrade', empty], { encoding: 'utf8', timeout: 60_000 });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/^freenos-lab: .*batch\.json: submissions: must be a string/);
  }, 60_000);
});
