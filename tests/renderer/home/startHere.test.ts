// Home's "start here" as data (renderer/src/home/startHere.ts): the exercise to open first or next,
// and a line for each exercise kind.
import { describe, expect, it } from 'vitest';
import { kindMeaning, kindMeanings, kindOrder, startExercise } from '../../../renderer/src/home/startHere';
import { exercise } from '../fakeLab';

describe('startExercise', () => {
  it('opens the first exercise for a new student, and the first not at full marks after that', () => {
    const list = [exercise('01-bit-allocator'), exercise('02-bubble-allocator'), exercise('07-malloc', { kind: 'malloc' })];
    expect(startExercise(list)).toEqual({ exercise: list[0], fresh: true });
    const started = [exercise('01-bit-allocator', { best: 10, attempts: 2 }), exercise('02-bubble-allocator', { best: 4, attempts: 1 }), list[2]!];
    expect(startExercise(started)).toEqual({ exercise: started[1], fresh: false });
    const done = started.map((e) => ({ ...e, best: e.maxScore, attempts: 1 }));
    expect(startExercise(done)).toEqual({ exercise: done[0], fresh: false });
    expect(startExercise([])).toBeNull();
  });
});

describe('kind meanings', () => {
  it('says what each kind asks: api checked call by call, malloc graded on traces, tune predicting the policies', () => {
    expect(kindOrder).toEqual(['api', 'malloc', 'tune']);
    expect(kindMeanings.api).toBe('re-implement a FreeNOS class; it is checked call by call against the real one');
    expect(kindMeanings.malloc).toMatch(/^write malloc, free and realloc; graded on traces for .*utilization and throughput$/);
    expect(kindMeanings.tune).toBe("configure the engine's allocator and predict what its policies do");
    expect(kindMeaning('malloc')).toBe(kindMeanings.malloc);
    expect(kindMeaning('quiz')).toBe('');
  });
});
