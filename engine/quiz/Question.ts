// Question: one seeded quiz question as plain data (it crosses worker and IPC boundaries), and
// checkAnswer(), which reads a student's answer in any usual form: hex with or without 0x, decimal,
// any case, spaces around; "page fault" and "out of memory" with their synonyms.

/** An answer that is not a number: what happens instead. */
export type Outcome = 'page fault' | 'out of memory';

/** What the right answer is, for checking: an address, a byte count, or an outcome. */
export type Expected =
  | { kind: 'address'; value: number; pageSize?: number }
  | { kind: 'bytes'; value: number }
  | { kind: 'outcome'; outcome: Outcome };

export interface Question {
  topic: string;
  seed: number;
  /** The machine state and the question, several lines. */
  prompt: string;
  /** The canonical answer: hex for addresses, decimal for byte counts, or an outcome. */
  answer: string;
  /** How to get the answer, step by step. */
  explanation: string;
  expected: Expected;
  /** The outcomes this topic can have as an answer (for the hint on an unreadable answer). */
  outcomes: Outcome[];
}

export interface Check {
  correct: boolean;
  feedback: string;
}

/** Words that mean each outcome, compared with spaces, dashes, underscores and case removed. */
const OutcomeWords: Record<Outcome, string[]> = {
  'page fault': ['pagefault', 'fault', 'pf', 'faults', 'pagefaults'],
  'out of memory': ['outofmemory', 'oom', 'none', 'nomemory', 'fail', 'fails', 'failed', 'failure'],
};

/** The outcome a word means, or null. */
export function outcomeOf(given: string): Outcome | null {
  const word = given.toLowerCase().replace(/[\s\-_.!#'"]/g, '');
  for (const [outcome, words] of Object.entries(OutcomeWords) as [Outcome, string[]][]) {
    if (words.includes(word)) return outcome;
  }
  return null;
}

/**
 * The numbers `given` may mean, or null when it is no number. "0x1f" and "1f" are hex; bare
 * digits are decimal, and for addresses also hex (students often drop the 0x). Underscores,
 * commas and a trailing "bytes" are ignored.
 */
export function numbersOf(given: string, kind: 'address' | 'bytes'): number[] | null {
  const text = given.trim().toLowerCase().replace(/\s*bytes?$/, '').replace(/[_,\s]/g, '');
  if (/^0x[0-9a-f]+$/.test(text)) return [parseInt(text.slice(2), 16)];
  if (/^[0-9]+$/.test(text)) return kind === 'address' ? [parseInt(text, 16), parseInt(text, 10)] : [parseInt(text, 10)];
  if (/^[0-9a-f]+$/.test(text)) return [parseInt(text, 16)];
  return null;
}

/** Whether `given` is the question's answer, with feedback that does not give the answer away. */
export function checkAnswer(question: Question, given: string): Check {
  const { expected } = question;
  const outcome = outcomeOf(given);
  if (expected.kind === 'outcome') {
    if (outcome === expected.outcome) return { correct: true, feedback: `Right: ${question.answer}.` };
  } else if (outcome === null) {
    const numbers = numbersOf(given, expected.kind);
    if (numbers === null) return { correct: false, feedback: unreadable(question, given) };
    if (numbers.includes(expected.value)) return { correct: true, feedback: `Right: ${question.answer}.` };
    const page = expected.kind === 'address' ? expected.pageSize : undefined;
    if (page && numbers.some((n) => Math.floor(n / page) === Math.floor(expected.value / page))) {
      return { correct: false, feedback: 'Wrong, but the page is right: check the offset.' };
    }
  }
  if (outcome === null && numbersOf(given, 'address') === null) return { correct: false, feedback: unreadable(question, given) };
  return { correct: false, feedback: 'Wrong.' };
}

/** The hint for an answer that is neither a number nor an outcome word. */
function unreadable(question: Question, given: string): string {
  const words = question.outcomes.map((o) => ` or "${o}"`).join('');
  return `Wrong: '${given.trim()}' is not an answer I can read. Give a number (hex like 0x1F40 or 1f40, or decimal)${words}.`;
}
