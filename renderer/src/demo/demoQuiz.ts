// The demo lab's quiz (`?fake`): only the pool topic, worked out here in a few lines (the real
// questions come from the host's engine, which the renderer cannot import).
import type { QuizCheck, QuizQuestion, QuizReveal, QuizTopicInfo } from '../../../electron/contract';

export const demoQuizTopics: QuizTopicInfo[] = [
  { topic: 'pool', describe: 'which PoolAllocator pool (object size) serves malloc(n) (demo: the only topic here)' },
];

function known(topic: string): void {
  if (topic !== 'pool') throw new Error(`unknown quiz topic '${topic}'; topics: pool (demo)`);
}

/** malloc(n) for a seed: n, its data rounded to 4, the 12 bytes around it, and the pool's object size. */
function pool(seed: number) {
  const size = 1 + (Math.abs(Math.imul(seed, 2654435761) >>> 0) % 500);
  const data = Math.ceil(size / 4) * 4;
  const needed = data + 12;
  return { size, data, needed, object: 2 ** Math.ceil(Math.log2(needed)) };
}

export function demoQuiz(topic: string, seed: number): QuizQuestion {
  known(topic);
  const prompt = [
    'A PoolAllocator (FreeNOS, 32-bit) keeps objects in pools of 2^k bytes each. Each object is stored as',
    'an 8-byte prefix, the user data rounded up to 4 bytes, and a 4-byte postfix.',
    '',
    `malloc(${pool(seed).size}): what is the object size, in bytes, of the pool that serves it?`,
  ].join('\n');
  return { topic, seed, prompt, outcomes: [] };
}

export function demoCheckQuiz(topic: string, seed: number, answer: string): QuizCheck {
  known(topic);
  const { object } = pool(seed);
  const text = answer.trim().toLowerCase().replace(/\s*bytes?$/, '');
  const value = /^0x[0-9a-f]+$/.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(value)) return { correct: false, feedback: `Wrong: '${answer.trim()}' is not an answer I can read. Give a number.` };
  return value === object ? { correct: true, feedback: `Right: ${object}.` } : { correct: false, feedback: 'Wrong.' };
}

export function demoRevealQuiz(topic: string, seed: number): QuizReveal {
  known(topic);
  const { size, data, needed, object } = pool(seed);
  return {
    answer: String(object),
    explanation: [
      `1. ${size} bytes of data round up to ${data} (a multiple of 4).`,
      `2. With the 8-byte prefix and the 4-byte postfix the object needs ${data} + 12 = ${needed} bytes.`,
      `3. The smallest power of two >= ${needed} is ${object}.`,
    ].join('\n'),
  };
}
