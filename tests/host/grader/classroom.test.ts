// classroomPlan's details on the tiny fixture with its rubric edited: step ids from any test name
// (unique, a letter first), commands quoted for the shell, a partialCredit test stepped like a
// performance test, points that do not divide evenly still adding up to the test's, and --steps 1.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classroomPlan, resultsVariable, shellWord } from '../../../electron/host/grader/classroom';
import { loadExercise } from '../../../electron/host/grader/exercise';

const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');

function tinyWith(names: string[], partialCredit = false) {
  const exercise = loadExercise(TINY);
  const [random, realloc, performance] = exercise.spec.tests;
  const tests = [{ ...random!, name: names[0]!, partialCredit }, { ...realloc!, name: names[1]! }, { ...performance!, name: names[2]!, points: 4 }];
  return { ...exercise, spec: { ...exercise.spec, tests } };
}

describe('classroomPlan', () => {
  it('makes unique step ids from any name and quotes commands for the shell', () => {
    const plan = classroomPlan(tinyWith(["it's 1", 'its-1', '2 fast']), { submission: 'my file.ts', pack: 'pack', parts: 1 });
    expect(plan.steps.map((s) => s.id)).toEqual(['it-s-1', 'its-1', 'test-2-fast']);
    expect(plan.steps[0]!.command).toBe(`npx freenos-lab grade tiny 'my file.ts' --pack pack --test 'it'\\''s 1'`);
    expect(plan.steps[2]!.command).toBe(`npx freenos-lab grade tiny 'my file.ts' --pack pack --test '2 fast'`);
    expect(plan.steps.map((s) => [s.points, s.minScore, s.timeout])).toEqual([[3, null, 2], [2, null, 2], [4, null, 2]]);
    expect(resultsVariable('it-s-1')).toBe('IT-S-1_RESULTS');
    expect(shellWord('a;rm -rf /')).toBe(`'a;rm -rf /'`);
    expect(shellWord('--pack')).toBe('--pack');
  });

  it('steps a partialCredit test and a performance test, the shares adding up to the points', () => {
    const plan = classroomPlan(tinyWith(['random', 'realloc', 'performance'], true), { submission: 'starter.ts', pack: 'pack', parts: 3 });
    expect(plan.steps.map((s) => [s.id, s.points, s.minScore])).toEqual([
      ['random-1', 1, 1], ['random-2', 1, 2], ['random-3', 1, 3],
      ['realloc', 2, null],
      ['performance-1', 1.333, 1.333], ['performance-2', 1.333, 2.666], ['performance-3', 1.334, 4],
    ]);
    expect(plan.steps[6]!.command).toBe('npx freenos-lab grade tiny starter.ts --pack pack --test performance --min-score 4');
    expect(plan.steps[4]!.name).toBe('performance: 1.333 of 4 points');
    expect(plan.hidden).toEqual([]);
    expect(() => classroomPlan(tinyWith(['a', 'b', 'c']), { submission: 's.ts', pack: 'pack', parts: 0 })).toThrow(/parts must be a whole number from 1 to 20/);
  });
});
