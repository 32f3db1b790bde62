// The lab host's quizzes: the four topics with their descriptions, a question without its answer,
// checkQuiz agreeing with the engine's checkAnswer, revealQuiz giving the engine's answer and
// explanation, an unknown topic named with the topics, and bad arguments refused with checkCall's text.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCall } from '../../../electron/contract';
import { createLabHost, type LabHost } from '../../../electron/host/lab';
import { quiz, quizTopics } from '../../../engine/quiz/index';

describe('the lab host: quizzes', () => {
  let host: LabHost;
  beforeAll(() => {
    host = createLabHost({ workspace: mkdtempSync(path.join(tmpdir(), 'lab-quiz-')), host: 'web' });
  });
  afterAll(async () => {
    await host.dispose();
  });

  it('lists the four topics with what each asks', async () => {
    const topics = await host.quizTopics();
    expect(topics.map((t) => t.topic)).toEqual(['next-fit', 'available', 'translate', 'pool']);
    for (const t of topics) expect(t.describe).toBe(quizTopics[t.topic]!.describe);
  });

  it('gives the question without its answer, expected value or explanation', async () => {
    for (const topic of Object.keys(quizTopics)) {
      const question = await host.quiz(topic, 42);
      const engine = quiz(topic, 42);
      expect(Object.keys(question).sort()).toEqual(['outcomes', 'prompt', 'seed', 'topic']);
      expect(question).toEqual({ topic, seed: 42, prompt: engine.prompt, outcomes: engine.outcomes });
      expect(JSON.stringify(question)).not.toContain(engine.explanation);
    }
  });

  it('accepts the engine\'s answer and rejects another', async () => {
    for (const [topic, seed] of [['next-fit', 3], ['available', 5], ['translate', 42], ['pool', 7]] as const) {
      const { answer } = quiz(topic, seed);
      expect(await host.checkQuiz(topic, seed, answer)).toEqual({ correct: true, feedback: `Right: ${answer}.` });
      const wrong = await host.checkQuiz(topic, seed, answer === '0' ? '1' : '0');
      expect(wrong.correct).toBe(false);
      expect(wrong.feedback).toMatch(/^Wrong/);
      expect(wrong.feedback).not.toContain(answer);
    }
    expect((await host.checkQuiz('pool', 7, 'banana')).feedback).toMatch(/not an answer I can read/);
  });

  it('reveals the engine\'s answer and explanation', async () => {
    const engine = quiz('translate', 42);
    expect(await host.revealQuiz('translate', 42)).toEqual({ answer: engine.answer, explanation: engine.explanation });
    expect(await host.revealQuiz('translate', -17)).toEqual({ answer: quiz('translate', -17).answer, explanation: quiz('translate', -17).explanation });
  });

  it('names the topics for an unknown one', async () => {
    for (const call of [host.quiz('fifo', 1), host.checkQuiz('fifo', 1, '3'), host.revealQuiz('fifo', 1)]) {
      await expect(call).rejects.toThrow("unknown quiz topic 'fifo'; topics: next-fit, available, translate, pool");
    }
  });

  it('refuses bad arguments with checkCall\'s text', async () => {
    const bad: [string, unknown[]][] = [
      ['quiz', ['Pool', 1]],
      ['quiz', ['pool', 1.5]],
      ['quiz', ['pool', 2 ** 53]],
      ['quiz', ['pool', '1']],
      ['quiz', ['pool']],
      ['checkQuiz', ['pool', 1, 'x'.repeat(201)]],
      ['checkQuiz', ['pool', 1, 52]],
      ['revealQuiz', ['../etc', 1]],
      ['quizTopics', ['pool']],
    ];
    for (const [method, args] of bad) {
      const problem = checkCall(method, args);
      expect(problem, `${method}(${JSON.stringify(args)})`).not.toBeNull();
      const call = (host as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...args);
      await expect(call).rejects.toThrow(problem!);
    }
    expect(checkCall('quiz', ['pool', 1.5])).toBe('quiz: args[1] (seed): must be a safe integer');
    expect(checkCall('checkQuiz', ['pool', 1, 'x'.repeat(201)])).toBe('checkQuiz: args[2] (answer): must be a string (at most 200 characters)');
    expect(checkCall('checkQuiz', ['next-fit', -3, 'x'.repeat(200)])).toBeNull();
  });
});
