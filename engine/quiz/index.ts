// Quizzes in the style of the OSTEP simulators: questions drawn from a seeded machine state, every
// answer computed by the engine's own classes. quiz(topic, seed) is the same question on every machine.
import { availableQuestion } from './available';
import { nextFitQuestion } from './nextFit';
import { poolQuestion } from './pool';
import type { Question } from './Question';
import { translateQuestion } from './translate';

export { checkAnswer, numbersOf, outcomeOf, type Check, type Expected, type Outcome, type Question } from './Question';

export interface QuizTopic {
  /** One line: what the question asks. */
  describe: string;
  make(seed: number): Question;
}

export const quizTopics: Readonly<Record<string, QuizTopic>> = {
  'next-fit': { describe: 'which address the next BitAllocator allocate(size, alignment) returns (next fit over a bitmap)', make: nextFitQuestion },
  available: { describe: 'what available() returns after a sequence of allocate/release (BitAllocator, SplitAllocator, BubbleAllocator)', make: availableQuestion },
  translate: { describe: 'translate a virtual address through Intel two-level page tables, or say it page faults', make: translateQuestion },
  pool: { describe: 'which PoolAllocator pool (object size) serves malloc(n)', make: poolQuestion },
};

/** The question for `topic` and `seed` (a safe integer); RangeError naming the topics for an unknown one. */
export function quiz(topic: string, seed: number): Question {
  if (!Object.hasOwn(quizTopics, topic)) {
    throw new RangeError(`unknown quiz topic '${topic}'; topics: ${Object.keys(quizTopics).join(', ')}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`quiz: seed must be a safe integer, got ${seed}`);
  return quizTopics[topic]!.make(seed);
}
