// Hidden tests as the lab shows them (views.ts through the lab host): in the lab's own exercises
// (the checkout: its hidden/ traces are here) a grade runs the hidden test with points and marks it
// 'instructor-copy'; from a student pack (freenos-lab exercises pack --student) the same grade lists
// it as 'not-in-pack', with no points, outside the score and the maximum, and it cannot be run by
// name. A test shown after the due date on visible traces is not secret and gets no such mark.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, type LabHost } from '../../../electron/host/lab';
import { BUILT_IN_PACK, loadExercise } from '../../../electron/host/grader/exercise';
import { writePack } from '../../../electron/host/grader/pack';
import { hiddenStanding, notInPackViews } from '../../../electron/host/lab/views';

const ID = '01-bit-allocator';
const REFERENCE = readFileSync(path.join(BUILT_IN_PACK, ID, 'reference.ts'), 'utf8');
const grade = { grade: true } as const;

describe('hidden tests in the lab', () => {
  let host: LabHost;
  let studentPack: string;

  beforeAll(async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'lab-hidden-'));
    host = createLabHost({ workspace: path.join(base, 'workspace'), host: 'web', version: '0', warn: () => undefined });
    studentPack = path.join(base, 'student');
    await writePack([path.join(BUILT_IN_PACK, ID)], studentPack, { student: true });
  }, 60_000);
  afterAll(async () => {
    await host.dispose();
  });

  it("in the checkout: a grade runs the hidden test with its points and marks it as the instructor's copy", async () => {
    const detail = await host.openExercise(ID);
    expect(detail.tests.find((t) => t.name === 'hidden')).toMatchObject({ visibility: 'after_due_date', hidden: 'instructor-copy' });
    expect(detail.tests.filter((t) => t.hidden).map((t) => t.name)).toEqual(['hidden']);
    const result = await host.run({ exercise: ID, source: REFERENCE, target: grade });
    expect([result.score, result.maxScore]).toEqual([10, 10]);
    expect(result.tests.find((t) => t.name === 'hidden')).toMatchObject({ passed: true, points: 2, maxPoints: 2, hidden: 'instructor-copy' });
    expect(result.tests.find((t) => t.name === 'small')).not.toHaveProperty('hidden');
  }, 60_000);

  it('from a student pack: the hidden test is listed as not in the pack, earns nothing and is out of the maximum', async () => {
    const list = await host.openPack(studentPack);
    const summary = list.find((e) => e.id === ID)!;
    expect(summary.pack).toBe(studentPack);
    expect(summary.maxScore).toBe(8);
    const detail = await host.openExercise(ID);
    expect(detail.tests.find((t) => t.name === 'hidden')).toMatchObject({ hidden: 'not-in-pack' });
    const result = await host.run({ exercise: ID, source: REFERENCE, target: grade });
    expect([result.score, result.maxScore]).toEqual([8, 8]);
    expect(result.tests.map((t) => t.name)).toEqual(['small', 'fill-and-wrap', 'unaligned-base', 'odd-requests', 'hidden']);
    expect(result.tests.at(-1)).toEqual({
      name: 'hidden', points: 0, maxPoints: 2, passed: false, failure: null, ms: 0, hidden: 'not-in-pack',
      output: 'hidden test, not in this pack: not run here and not counted in this score; your instructor grades it (2 points)',
    });
    expect(result.tests.filter((t) => t.hidden === 'instructor-copy')).toEqual([]);
    // It cannot be run by name, and a compile error's grade lists it the same way.
    await expect(host.run({ exercise: ID, source: REFERENCE, target: { test: 'hidden' } })).rejects.toThrow(/hidden/);
    const broken = await host.run({ exercise: ID, source: 'export default class {', target: grade });
    expect(broken.compileErrors).not.toBeNull();
    expect(broken.tests.map((t) => [t.name, t.hidden ?? null])).toEqual([
      ['small', null], ['fill-and-wrap', null], ['unaligned-base', null], ['odd-requests', null], ['hidden', 'not-in-pack'],
    ]);
  }, 60_000);

  it('a test shown after the due date on visible traces is not secret: no mark, nothing left out', () => {
    const tiny = loadExercise(path.join(import.meta.dirname, '../grader/fixtures/tiny'));
    const performance = tiny.spec.tests.find((t) => t.name === 'performance')!;
    expect(performance.visibility).toBe('after_due_date');
    expect(hiddenStanding(tiny, performance)).toBeUndefined();
    expect(notInPackViews(tiny)).toEqual([]);
  });
});
