// readExerciseSpec on tune exercises: the real 08-fragmentation reads with utilization-only
// thresholds, per-test bands and questions whose trace is their ask's; each bad question or band is
// refused with the field's path.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RubricError, readExerciseSpec } from '../../../engine/grader/Rubric';
import { DEFAULT_TUNING } from '../../../engine/workload/TuningConfig';

const file = path.resolve(import.meta.dirname, '../../../exercises/08-fragmentation/exercise.yaml');

type Doc = Record<string, unknown> & { grading: { thresholds: unknown; tests: Record<string, unknown>[] } };
function tune(ask: Record<string, unknown>, extra: Record<string, unknown> = {}): Doc {
  return {
    id: 'tuned', title: 'Tuned', kind: 'tune', starter: 's.ts', reference: 'r.ts',
    traces: { a: { file: 'a.trace' } },
    grading: { thresholds: { utilization: { min: 0.5, max: 0.9 } }, tests: [{ name: 'q', kind: 'question', points: 1, question: 'Which?', ask, ...extra }] },
  };
}
const choice = { trace: 'a', vary: 'fit', among: ['first', 'best'], highest: 'utilization' };

function refusal(data: unknown): string {
  try {
    readExerciseSpec(data, 'exercise.yaml');
  } catch (error) {
    if (error instanceof RubricError) return error.message;
    throw error;
  }
  throw new Error('expected a RubricError');
}

describe('readExerciseSpec: the real 08-fragmentation exercise', () => {
  const spec = readExerciseSpec(parse(readFileSync(file, 'utf8')), file);

  it('is a tune exercise scored on utilization alone', () => {
    expect(spec.kind).toBe('tune');
    expect(spec.thresholds.weights).toEqual({ utilization: 1, throughput: 0 });
    expect(spec.goals.length).toBeGreaterThanOrEqual(3);
    expect(spec.views).toContain('charts');
  });

  it('has workload tests with their own bands, questions on their ask\'s trace, and hidden ones of both', () => {
    const plateau = spec.tests.find((t) => t.name === 'plateau')!;
    expect(plateau).toMatchObject({ kind: 'performance', traces: ['plateau'], utilization: { min: 0.65, max: 0.88 } });
    const fit = spec.tests.find((t) => t.name === 'fit-plateau')!;
    expect(fit).toMatchObject({ kind: 'question', traces: ['plateau'], points: 6 });
    expect(fit.question!.ask).toEqual({ form: 'choice', trace: 'plateau', config: DEFAULT_TUNING, vary: 'fit', among: ['first', 'next', 'best'], goal: 'highest', metric: 'utilization' });
    expect(spec.tests.find((t) => t.name === 'heap-ramp')!.question!.ask).toMatchObject({ form: 'number', metric: 'heapHighWater', tolerance: 0.003 });
    const hidden = spec.tests.filter((t) => t.visibility !== 'visible').map((t) => t.kind);
    expect(hidden.sort()).toEqual(['performance', 'question']);
    expect(spec.tests.filter((t) => t.kind === 'question')).toHaveLength(6);
  });
});

describe('readExerciseSpec: tune fields named when wrong', () => {
  it('accepts a choice question with a partial config', () => {
    const spec = readExerciseSpec(tune({ ...choice, config: { coalesce: 'never' } }), 'exercise.yaml');
    expect(spec.tests[0]!.question!.ask).toMatchObject({ config: { ...DEFAULT_TUNING, coalesce: 'never' }, vary: 'fit' });
    expect(spec.tests[0]!.traces).toEqual(['a']);
  });

  it.each([
    [{ ...choice, trace: 'zz' }, 'exercise.yaml: grading.tests[0].ask.trace: "zz" is not in the exercise\'s traces (a)'],
    [{ ...choice, vary: 'colour' }, 'exercise.yaml: grading.tests[0].ask.vary: "colour" is not a config field (sizeClasses, fit, splitThreshold, coalesce, order, growBy)'],
    [{ ...choice, among: ['first', 'worst'] }, "exercise.yaml: grading.tests[0].ask.among[1]: 'worst' must be first, next or best"],
    [{ ...choice, among: ['best'] }, 'exercise.yaml: grading.tests[0].ask.among: must list at least two values of fit'],
    [{ ...choice, among: ['best', 'best'] }, 'exercise.yaml: grading.tests[0].ask.among[1]: "best" is listed twice'],
    [{ ...choice, lowest: 'work' }, 'exercise.yaml: grading.tests[0].ask: give `highest: <metric>` or `lowest: <metric>` (one of them)'],
    [{ ...choice, highest: 'speed' }, 'exercise.yaml: grading.tests[0].ask.highest: "speed" must be one of utilization, heapHighWater, meanExternal, work'],
    [{ ...choice, config: { fit: 'worst' } }, "exercise.yaml: grading.tests[0].ask.config.fit: 'worst' must be first, next or best"],
    [{ ...choice, tolerance: 0.1 }, 'exercise.yaml: grading.tests[0].ask.tolerance: unknown field (a choice question has trace, config, vary, among, highest, lowest)'],
    [{ trace: 'a', predict: 'work', tolerance: 2 }, 'exercise.yaml: grading.tests[0].ask.tolerance: must be a relative tolerance from 0 to 1 (0.05: within 5 %)'],
    [{ trace: 'a', tolerance: 0.1 }, 'exercise.yaml: grading.tests[0].ask: needs `vary` (a choice question) or `predict` (a number question)'],
  ])('refuses the ask %j', (ask, message) => {
    expect(refusal(tune(ask))).toBe(message);
  });

  it('refuses a question without text, with a trace of its own, and thresholds for throughput', () => {
    expect(refusal(tune(choice, { question: ' ' }))).toBe('exercise.yaml: grading.tests[0].question: must be the question as a non-empty string');
    expect(refusal(tune(choice, { trace: 'a' }))).toMatch(/^exercise\.yaml: grading\.tests\[0\]\.trace: unknown field/);
    const doc = tune(choice);
    doc.grading.thresholds = { utilization: { min: 0.5, max: 0.9 }, throughput: { min: 0.5, max: 1 } };
    expect(refusal(doc)).toMatch(/^exercise\.yaml: grading\.thresholds\.throughput: unknown field/);
  });

  it('refuses a per-test band with max below min, and a band on a question', () => {
    const doc = tune(choice);
    doc.grading.tests.push({ name: 'w', kind: 'performance', trace: 'a', points: 1, utilization: { min: 0.9, max: 0.5 } });
    expect(refusal(doc)).toBe('exercise.yaml: grading.tests[1].utilization: max 0.5 is below min 0.9');
    expect(refusal(tune(choice, { utilization: { min: 0, max: 1 } }))).toMatch(/^exercise\.yaml: grading\.tests\[0\]\.utilization: unknown field/);
  });
});
