// The quiz store: a late question from an earlier pick is dropped, a blank answer is not sent,
// reopening the shown question does not ask again, and each question counts once in the score,
// by what happened first (a reveal after a right answer keeps it right).
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { quiz } from '../../../engine/quiz/index';
import { useQuizStore } from '../../../renderer/src/stores/quiz';
import { FakeLab, installFakeLab } from '../fakeLab';

describe('quiz store', () => {
  let fake: FakeLab;
  beforeEach(() => {
    setActivePinia(createPinia());
    fake = installFakeLab().fake;
  });

  it('keeps the last pick when an earlier question comes late', async () => {
    const store = useQuizStore();
    const real = fake.quiz.bind(fake);
    let release: () => void = () => {};
    fake.quiz = async (topic, seed) => {
      if (seed === 1) await new Promise<void>((resolve) => { release = resolve; });
      return real(topic, seed);
    };
    const slow = store.open('pool', 1);
    await store.open('pool', 2);
    release();
    await slow;
    expect(store.question).toMatchObject({ topic: 'pool', seed: 2 });
    expect(store.loading).toBe(false);
    await store.open('pool', 2);
    expect(fake.callsOf('quiz')).toHaveLength(2);
  });

  it('sends no blank answer, and counts each question once by what happened first', async () => {
    const store = useQuizStore();
    await store.open('pool', 5);
    await store.check('   ');
    expect(fake.callsOf('checkQuiz')).toEqual([]);
    await store.check(quiz('pool', 5).answer);
    expect(store.outcome).toBe('first');
    await store.reveal();
    expect(store.outcome).toBe('first');
    expect(store.solution).toEqual({ answer: quiz('pool', 5).answer, explanation: quiz('pool', 5).explanation });
    await store.open('pool', 6);
    expect(store.solution).toBeNull();
    await store.reveal();
    await store.check(quiz('pool', 6).answer);
    expect(store.outcome).toBe('revealed');
    expect(store.score).toEqual({ first: 1, later: 0, revealed: 1, total: 2 });
  });
});
