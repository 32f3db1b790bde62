// A broken pack is the pack's fault, named once with its file and line: `grade` and `grade-batch`
// stop with exit 2 (a UsageError here) before any student is graded, and `exercises validate`
// grades the reference, so a trace that parses but is wrong is caught before a batch. Before: every
// student got 0 on every test ("the grader's worker crashed: ExerciseError"), grade exited 1,
// grade-batch 0, and validate said ok while the reference scored less than full marks.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../electron/cli/args';
import { exercisesCommand } from '../../../electron/cli/exercises';
import { gradeCommand } from '../../../electron/cli/grade';
import { gradeBatchCommand } from '../../../electron/cli/gradeBatch';

const MINI = path.resolve(import.meta.dirname, '../../host/grader/fixtures/mini');
const REFERENCE = readFileSync(path.join(MINI, 'reference.ts'), 'utf8');

/** A copy of the mini exercise in a pack folder whose trace `bad`, used by a hidden test of 5 points, is `text`. */
function packWith(text: string): { pack: string; exercise: string } {
  const pack = mkdtempSync(path.join(tmpdir(), 'lab-broken-pack-'));
  const exercise = path.join(pack, 'mini');
  cpSync(MINI, exercise, { recursive: true });
  mkdirSync(path.join(exercise, 'traces'));
  writeFileSync(path.join(exercise, 'traces', 'bad.rep'), text);
  const yaml = readFileSync(path.join(exercise, 'exercise.yaml'), 'utf8')
    .replace('traces:\n', 'traces:\n  bad: { file: traces/bad.rep }\n')
    .replace('  tests:\n', '  tests:\n    - { name: bad, trace: bad, points: 5, timeLimitSeconds: 3, visibility: hidden }\n');
  writeFileSync(path.join(exercise, 'exercise.yaml'), yaml);
  return { pack, exercise };
}

/** A class of two students, both the reference with a line of their own. */
function classFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'lab-broken-class-'));
  for (const student of ['ann', 'bob']) writeFileSync(path.join(folder, `${student}.ts`), `${REFERENCE}// ${student}\n`);
  return folder;
}

const quiet = () => undefined;
const MALFORMED = "traces/bad.rep:1: header line 1 (heap size or weight) must be a non-negative integer, found 'a'";
const WRONG = 'traces/bad.rep:7: f 1): the trace frees id 1, which is not allocated';

describe('a broken pack', () => {
  it('stops grade and grade-batch at a malformed trace with its file and line, grading nobody', async () => {
    const { exercise } = packWith('a 0 0 16\nf 0\n');
    const folder = classFolder();
    await expect(gradeCommand([exercise, path.join(folder, 'ann.ts')], quiet, quiet)).rejects.toThrow(new UsageError(MALFORMED));
    const graded: string[] = [];
    const batch = gradeBatchCommand([exercise, folder, '--out', path.join(folder, 'out')], quiet, (line) => graded.push(line));
    await expect(batch).rejects.toThrow(new UsageError(MALFORMED));
    expect(graded.filter((line) => line.startsWith('['))).toEqual([]);
  }, 60_000);

  it('stops grade-batch when a trace parses but the reference fails the test that uses it', async () => {
    const { exercise } = packWith('0\n2\n3\n1\na 0 16\nf 0\nf 1\n');
    const folder = classFolder();
    const graded: string[] = [];
    const batch = gradeBatchCommand([exercise, folder, '--out', path.join(folder, 'out')], quiet, (line) => graded.push(line));
    await expect(batch).rejects.toThrow(UsageError);
    await batch.catch((error: Error) => {
      expect(error.message).toMatch(/exercise\.yaml: the reference reference\.ts fails a test of this pack \(50 \/ 55\), so no submission was graded: bad 0 \/ 5: /);
      expect(error.message).toContain(WRONG);
    });
    expect(graded.filter((line) => line.startsWith('['))).toEqual([]);
  }, 60_000);

  it('is not sound for exercises validate, without --run: the reference is graded', async () => {
    const { pack } = packWith('0\n2\n3\n1\na 0 16\nf 0\nf 1\n');
    const printed: string[] = [];
    expect(await exercisesCommand(['validate', '--pack', pack], (line) => printed.push(line), quiet)).toBe(1);
    expect(printed).toContain(`${path.join(pack, 'mini')}: the reference scores 50 / 55, not full marks: bad 0 / 5`);
    expect(printed.at(-1)).toBe('0 of 1 exercises sound');
  }, 60_000);
});
