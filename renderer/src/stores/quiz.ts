// Quiz store: the seeded questions of the host's quizzes (engine/quiz). The question comes without
// its answer; an answer is checked by the host (checkQuiz), and the answer with its working comes
// only on request (revealQuiz) or after a right answer. The session's score counts each question
// once, by what happened first: right at the first try, right after wrong tries, or revealed.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { QuizCheck, QuizQuestion, QuizReveal, QuizTopicInfo } from '../../../electron/contract';
import { lab } from '../bridge';

export type QuizOutcome = 'first' | 'later' | 'revealed';

/** A seed to draw a new question with (small, so it is easy to read out and share). */
export function randomSeed(): number {
  return 1 + Math.floor(Math.random() * 9999);
}

/** The quiz topic that goes with an exercise (by the FreeNOS class in its id), or null for any. */
export function topicFor(exercise: string): string | null {
  const topics: [RegExp, string][] = [[/bit/, 'next-fit'], [/pool|malloc/, 'pool'], [/page|fork|cow/, 'translate'], [/split|bubble|frag/, 'available']];
  return topics.find(([pattern]) => pattern.test(exercise))?.[1] ?? null;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const keyOf = (topic: string, seed: number) => `${topic}/${seed}`;

export const useQuizStore = defineStore('quiz', () => {
  const topics = shallowRef<QuizTopicInfo[]>([]);
  const topicsError = ref<string | null>(null);
  const question = shallowRef<QuizQuestion | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const feedback = shallowRef<QuizCheck | null>(null);
  const checking = ref(false);
  /** The answer and its working, once revealed or answered right. */
  const solution = shallowRef<QuizReveal | null>(null);
  /** Wrong answers to the current question. */
  const wrongTries = ref(0);
  /** This session's questions and what happened first to each ('topic/seed' → outcome). */
  const outcomes = ref<Record<string, QuizOutcome>>({});
  let asked = 0;

  const outcome = computed(() => (question.value ? outcomes.value[keyOf(question.value.topic, question.value.seed)] ?? null : null));
  const score = computed(() => {
    const all = Object.values(outcomes.value);
    return {
      first: all.filter((o) => o === 'first').length,
      later: all.filter((o) => o === 'later').length,
      revealed: all.filter((o) => o === 'revealed').length,
      total: all.length,
    };
  });
  const describe = (topic: string) => topics.value.find((t) => t.topic === topic)?.describe ?? '';

  function record(value: QuizOutcome): void {
    if (!question.value || outcome.value) return;
    outcomes.value = { ...outcomes.value, [keyOf(question.value.topic, question.value.seed)]: value };
  }

  async function loadTopics(): Promise<void> {
    try {
      topics.value = await lab().api.quizTopics();
      topicsError.value = null;
    } catch (e) {
      topicsError.value = message(e);
    }
  }

  /** Loads the question of `topic` and `seed` (nothing to do when it is the one shown). */
  async function open(topic: string, seed: number): Promise<void> {
    if (question.value?.topic === topic && question.value.seed === seed && !error.value) return;
    const mine = ++asked;
    loading.value = true;
    error.value = null;
    feedback.value = null;
    solution.value = null;
    wrongTries.value = 0;
    question.value = null;
    try {
      const q = await lab().api.quiz(topic, seed);
      if (mine === asked) question.value = q;
    } catch (e) {
      if (mine === asked) error.value = message(e);
    } finally {
      if (mine === asked) loading.value = false;
    }
  }

  /** Checks `answer` (nothing for a blank one); a right answer brings the working. */
  async function check(answer: string): Promise<void> {
    const q = question.value;
    if (!q || !answer.trim() || checking.value) return;
    checking.value = true;
    try {
      const result = await lab().api.checkQuiz(q.topic, q.seed, answer.trim());
      if (question.value !== q) return;
      feedback.value = result;
      if (result.correct) {
        record(wrongTries.value === 0 ? 'first' : 'later');
        solution.value ??= await lab().api.revealQuiz(q.topic, q.seed);
      } else {
        wrongTries.value++;
      }
    } catch (e) {
      if (question.value === q) feedback.value = { correct: false, feedback: `Could not check the answer: ${message(e)}` };
    } finally {
      checking.value = false;
    }
  }

  /** Shows the answer and its working; a question not answered right yet counts as revealed. */
  async function reveal(): Promise<void> {
    const q = question.value;
    if (!q) return;
    try {
      const result = await lab().api.revealQuiz(q.topic, q.seed);
      if (question.value !== q) return;
      record('revealed');
      solution.value = result;
    } catch (e) {
      if (question.value === q) feedback.value = { correct: false, feedback: `Could not reveal the answer: ${message(e)}` };
    }
  }

  return {
    topics, topicsError, question, loading, error, feedback, checking, solution, wrongTries, outcomes, outcome, score,
    describe, loadTopics, open, check, reveal,
  };
});
