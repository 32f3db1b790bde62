// The tune exercise's grading logic in the engine: a question's truth comes from running the
// TunableAllocator (the winners of a choice, ties included; a number), a prediction is judged with
// the observation revealed only for a visible, answered question; a submission's data is checked
// field by field; and a tune performance test scores utilization alone in its own band.
import { describe, expect, it } from 'vitest';
import { describeOutcome, scoreTest, type TraceOutcome } from '../../../engine/grader/Grade';
import type { Ask, Question } from '../../../engine/grader/Questions';
import type { RubricTest } from '../../../engine/grader/Rubric';
import { TuningRuns, judge, observe, readTuningSubmission } from '../../../engine/grader/Tuning';
import { generate } from '../../../engine/workload/generators';
import { DEFAULT_TUNING, TuningError } from '../../../engine/workload/TuningConfig';

const heap = { limit: 32 * 1024 * 1024, parent: 'sbrk' as const };
const plateau = { ...generate('plateau', { seed: 5, ops: 3000, target: 65536 }), name: 'plateau' };
const ramp = { ...generate('ramp', { seed: 5, ops: 400 }), name: 'ramp' };

const choiceAsk = (over: Partial<Extract<Ask, { form: 'choice' }>> = {}): Ask => ({
  form: 'choice', trace: 'plateau', config: { ...DEFAULT_TUNING }, vary: 'fit', among: ['first', 'next', 'best'], goal: 'highest', metric: 'utilization', ...over,
});
const question = (ask: Ask): Question => ({ text: 'Which one?', ask });

describe('observe', () => {
  it('runs each value of the varied field and names the one with the highest metric', () => {
    const runs = new TuningRuns(heap);
    const seen = observe(choiceAsk(), plateau, runs);
    if (seen.form !== 'choice') throw new Error('expected a choice');
    const direct = ['first', 'next', 'best'].map((fit) => runs.run(plateau, { ...DEFAULT_TUNING, fit: fit as 'first' }).metrics.utilization);
    expect(seen.values.map((v) => v.metric)).toEqual(direct);
    expect(new Set(direct).size).toBe(3); // the policies differ on this trace
    expect(seen.truth).toEqual([['first', 'next', 'best'][direct.indexOf(Math.max(...direct))]]);
    const lowest = observe(choiceAsk({ goal: 'lowest' }), plateau, runs);
    expect(lowest.form === 'choice' && lowest.truth).toEqual([['first', 'next', 'best'][direct.indexOf(Math.min(...direct))]]);
  });

  it('accepts every tied value: coalescing cannot matter when nothing is freed before the end', () => {
    const seen = observe(choiceAsk({ trace: 'ramp', vary: 'coalesce', among: ['immediate', 'deferred'] }), ramp, new TuningRuns(heap));
    expect(seen.form === 'choice' && seen.truth).toEqual(['immediate', 'deferred']);
    for (const p of ['immediate', 'deferred']) expect(judge(question(choiceAsk({ vary: 'coalesce', among: ['immediate', 'deferred'] })), p, seen, true).correct).toBe(true);
  });

  it('gives a number question the metric of its one config', () => {
    const runs = new TuningRuns(heap);
    const seen = observe({ form: 'number', trace: 'ramp', config: { ...DEFAULT_TUNING, growBy: 8 }, metric: 'heapHighWater', tolerance: 0.01 }, ramp, runs);
    expect(seen).toEqual({ form: 'number', value: runs.run(ramp, { ...DEFAULT_TUNING, growBy: 8 }).metrics.heapHighWater });
  });
});

describe('judge', () => {
  const observation = { form: 'choice' as const, values: [{ value: 'first', metric: 0.7 }, { value: 'next', metric: 0.75 }, { value: 'best', metric: 0.88 }], truth: ['best'] };
  const q = question(choiceAsk());

  it('says right or wrong, and what was observed, for a visible question', () => {
    expect(judge(q, 'best', observation, true)).toEqual({
      correct: true,
      text: "Which one?\nyou predicted 'best': right; observed: the highest utilization with 'best' (fit 'first': 70.0 %, fit 'next': 75.0 %, fit 'best': 88.0 %)",
      observed: "the highest utilization with 'best' (fit 'first': 70.0 %, fit 'next': 75.0 %, fit 'best': 88.0 %)",
    });
    expect(judge(q, 'first', observation, true).text).toMatch(/^Which one\?\nyou predicted 'first': wrong; observed: the highest utilization with 'best' /);
  });

  it('says only right or wrong for a hidden question', () => {
    expect(judge(q, 'first', observation, false)).toEqual({ correct: false, text: "Which one?\nyou predicted 'first': wrong", observed: null });
    expect(judge(q, 'best', observation, false)).toEqual({ correct: true, text: "Which one?\nyou predicted 'best': right", observed: null });
  });

  it('shows nothing observed before a prediction is made, and names a value that is not a choice', () => {
    for (const p of [null, undefined]) {
      expect(judge(q, p, observation, true)).toMatchObject({ correct: false, observed: null });
      expect(judge(q, p, observation, true).text).toBe('Which one?\nnot answered (predict first: what the engine observes is shown once you have)');
    }
    expect(judge(q, 'worst', observation, true).text).toMatch(/you predicted 'worst' \(it is not one of 'first', 'next', 'best'\): wrong/);
  });

  it('takes a number within the relative tolerance, given as a number or a numeric string', () => {
    const n = question({ form: 'number', trace: 'ramp', config: { ...DEFAULT_TUNING }, metric: 'heapHighWater', tolerance: 0.01 });
    const seen = { form: 'number' as const, value: 10_000 };
    expect([9_900, 10_100, '10050', 9_899, 10_101, 'many'].map((p) => judge(n, p, seen, true).correct)).toEqual([true, true, true, false, false, false]);
    expect(judge(n, 9_000, seen, true).text).toBe('Which one?\nyou predicted 9000: wrong; observed: the heap high-water mark is 10000 bytes (right within 1 %)');
    expect(judge(n, 'many', seen, true).text).toMatch(/you predicted 'many' \(it is not a number\): wrong/);
  });
});

describe('readTuningSubmission', () => {
  const refusal = (data: unknown): string => {
    try {
      readTuningSubmission(data, ['q1', 'q2']);
    } catch (error) {
      if (error instanceof TuningError) return error.message;
      throw error;
    }
    throw new Error('expected a TuningError');
  };

  it('reads the config over the defaults and the predictions as given', () => {
    expect(readTuningSubmission({ config: { fit: 'best' }, predictions: { q1: 'next', q2: null } }, ['q1', 'q2'])).toEqual({
      config: { ...DEFAULT_TUNING, fit: 'best' }, predictions: { q1: 'next', q2: null },
    });
    expect(readTuningSubmission({ config: {} }, []).predictions).toEqual({});
  });

  it.each([
    [42, 'the default export: 42 must be an object { config: {...}, predictions: {...} }'],
    [{ predictions: {} }, 'config: is missing: the default export must be an object { config: {...}, predictions: {...} }'],
    [{ config: {}, answers: {} }, 'answers: unknown field: the default export must be an object { config: {...}, predictions: {...} }'],
    [{ config: { fit: 'worst' } }, "config.fit: 'worst' must be first, next or best"],
    [{ config: {}, predictions: ['best'] }, 'predictions: ["best"] must be an object mapping question names to predictions'],
    [{ config: {}, predictions: { q9: 'best' } }, "predictions.q9: there is no question 'q9' (questions: q1, q2)"],
  ])('refuses %j', (data, message) => {
    expect(refusal(data)).toBe(message);
  });
});

describe('scoring a tune exercise', () => {
  const thresholds = { utilization: { min: 0.5, max: 0.9 }, throughput: { min: 0, max: 0 }, weights: { utilization: 1, throughput: 0 } };
  const outcome = (utilization: number): TraceOutcome => ({
    trace: 'a', file: 'a.trace', ok: true, failure: null, logs: [], ms: 1,
    metrics: { operations: 10, peakPayload: 1, heapHighWater: 2, utilization, livePayload: 0, heapSize: 2, holes: 0, holeBytes: 0, largestHole: 0, overhead: 0, external: 0, rss: 0, meanExternal: 0, work: 5, workPerOp: 0.5 },
  });
  const test: RubricTest = { name: 'w', number: '1', kind: 'performance', traces: ['a'], points: 8, visibility: 'visible', timeLimitMs: 1000 };

  it('places utilization in the test\'s own band, with no reference work needed', () => {
    const own = scoreTest({ ...test, utilization: { min: 0.6, max: 0.8 } }, [outcome(0.75)], {}, thresholds);
    expect(own.score).toBe(6); // 8 × (0.75 - 0.6) / 0.2
    expect(own.output).toBe('a: passed (10 operations, utilization 75.0 %, 5 work units)\nperformance index 75.0 / 100: utilization 75.0 % (band 60.0 %–80.0 %)');
    expect(own.performance!.throughput).toBeNaN();
    expect(scoreTest(test, [outcome(0.75)], {}, thresholds).score).toBe(5); // the exercise's band 0.5–0.9
  });

  it('shows a question\'s judged text as its outcome', () => {
    const answered: TraceOutcome = { trace: 'a', file: 'a.trace', ok: true, failure: null, metrics: null, logs: [], ms: 0, answer: { predicted: 'best', correct: true, text: 'Q?\nright', observed: null } };
    expect(describeOutcome(answered)).toBe('Q?\nright');
    const scored = scoreTest({ ...test, kind: 'question' }, [answered], {}, thresholds);
    expect([scored.status, scored.score, scored.output]).toEqual(['passed', 8, 'Q?\nright']);
  });
});
