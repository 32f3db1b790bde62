// Verdicts do not depend on load: a test's time limit is a count of work units (100 million a
// second), the wall clock only a backstop three times as long plus 5 s. A submission that spends 90 %
// of its limit passes, and one that needs 110 % times out in the same call, alone or graded six at
// once on a loaded machine. (Under the interpreter the lab used before, the same submission scored
// 4/4 alone and 0/4 in each of three gradings at once, and the stop was reported in the checker's
// call, "ran out before poke32", not the student's.)
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradeSource } from '../../../electron/host/grader/grade';
import type { GradeReport } from '../../../engine/grader/Grade';

const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');
/** The random test's limit here: 0.3 s, 30 million units. */
const LIMIT_UNITS = 30_000_000;

/** A bump allocator that spends `steps` loop steps (one unit each) in every malloc. */
const spinner = (steps: number) => `import type { Heap, MallocAllocator } from 'freenos-lab';
export default class Spinner implements MallocAllocator {
  constructor(private readonly heap: Heap) {}
  malloc(size: number): number {
    let x = 0;
    for (let k = 0; k < ${steps}; k++) x += k;
    if (x < 0) return 0;
    return this.heap.grow(Math.ceil(size / 8) * 8 + 8) + 8;
  }
  free(_address: number): void {}
}
`;

function tiny(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'lab-load-')), 'tiny');
  cpSync(TINY, dir, { recursive: true });
  const file = path.join(dir, 'exercise.yaml');
  const yaml = readFileSync(file, 'utf8');
  const line = '- { name: random, trace: random, points: 3, timeLimitSeconds: 3 }';
  expect(yaml).toContain(line);
  writeFileSync(file, yaml.replace(line, '- { name: random, trace: random, points: 3, timeLimitSeconds: 0.3 }'));
  return dir;
}

describe('a verdict near the time limit', { timeout: 120_000 }, () => {
  let dir: string;
  let mallocs: number;
  const grade = async (steps: number): Promise<GradeReport> => (await gradeSource(dir, spinner(steps), 'spin.ts', { tests: ['random'] })).report;

  beforeAll(async () => {
    dir = tiny();
    const probe = await grade(0);
    expect(probe.score).toBe(3);
    const work = probe.tests[0]!.traces[0]!.metrics!.work;
    // Each malloc's loop costs about one unit a step: 1,000 more steps a malloc adds ~1,000 units per malloc.
    mallocs = Math.round(((await grade(1000)).tests[0]!.traces[0]!.metrics!.work - work) / 1000);
    expect(mallocs).toBeGreaterThan(50);
  });

  it('is the same alone and six at once: 90 % of the limit passes, 110 % times out in the same call', async () => {
    const under = Math.floor((0.9 * LIMIT_UNITS) / mallocs);
    const over = Math.ceil((1.1 * LIMIT_UNITS) / mallocs);
    const alone = [await grade(under), await grade(over)];
    const crowd = await Promise.all([under, over, under, over, under, over].map(grade));
    const verdict = (r: GradeReport) => [r.score, r.tests[0]!.output.split('\n')[0]];
    expect(verdict(alone[0]!)).toEqual([3, expect.stringMatching(/^random: passed \(300 operations, .*work units\)$/)]);
    expect(verdict(alone[1]!)).toEqual([0, expect.stringMatching(/^random: TIMED OUT at operation \d+ \(generator:randomSizes\?seed=11.* op \d+: a \d+ (\d+)\): malloc\(\1\) did not finish within the test's time limit \(300 ms: 30,000,000 units\)$/)]);
    for (const [k, report] of crowd.entries()) expect(verdict(report)).toEqual(verdict(alone[k % 2]!));
    // The same work units to the unit, and the stop in the same operation, whatever the load.
    const trace = (r: GradeReport) => r.tests[0]!.traces[0]!;
    for (const [k, report] of crowd.entries()) {
      if (k % 2 === 0) expect(trace(report).metrics!.work).toBe(trace(alone[0]!).metrics!.work);
      else expect(trace(report).failure).toEqual(trace(alone[1]!).failure);
    }
  });
});
