// `freenos-lab quiz <topic>`: questions drawn from a seeded machine state (engine/quiz), in the
// style of the OSTEP simulators. --answer checks an answer, --reveal shows it with the working; with
// neither, a terminal is asked interactively and anything else just gets the question.
// Exit codes: 0 done (or the answer was right), 1 the answer was wrong, 2 usage error.
import { createInterface } from 'node:readline/promises';
import { checkAnswer, type Question, quiz, quizTopics } from '../../engine/quiz';
import { UsageError, commandArgs } from './args';

export const quizUsage = `usage: freenos-lab quiz <topic> [--seed N] [--count K] [--answer A] [--reveal]
       freenos-lab quiz list

  <topic>       ${Object.keys(quizTopics).join(', ')} (quiz list says what each asks)
  --seed N      which machine state (default 1): the same seed is the same question everywhere
  --count K     K questions, seeds N, N+1, ..., N+K-1
  --answer A    check A (hex with or without 0x, decimal, "page fault", "out of memory")
  --reveal      print the answer and how to get it
  without --answer or --reveal a terminal is asked: type an answer, r to reveal, q to quit
exit: 0 done or right, 1 wrong answer, 2 usage error`;

/** Where interactive answers come from: ask() resolves to a line, or null at end of input. */
export interface QuizInput {
  ask(prompt: string): Promise<string | null>;
  close(): void;
}

/** Runs the quiz command; resolves to the exit code. `input` is made only when a question is to be asked. */
export async function quizCommand(args: string[], print: (text: string) => void, _warn: (text: string) => void,
  input: (() => QuizInput) | null = process.stdin.isTTY ? terminalInput : null): Promise<number> {
  const parsed = commandArgs(args, ['seed', 'count', 'answer'], quizUsage, ['reveal']);
  if (parsed === null) {
    print(quizUsage);
    return 0;
  }
  const { positional, options } = parsed;
  const [topic, ...extra] = positional;
  if (topic === 'list' && extra.length === 0) {
    for (const [name, entry] of Object.entries(quizTopics)) print(`${name.padEnd(10)} ${entry.describe}`);
    return 0;
  }
  if (topic === undefined || extra.length > 0) throw new UsageError(quizUsage);
  if (!Object.hasOwn(quizTopics, topic)) throw new UsageError(`unknown quiz topic '${topic}'; topics: ${Object.keys(quizTopics).join(', ')}`);
  const seed = integerOption(options.get('seed'), 'seed', 1, Number.MIN_SAFE_INTEGER);
  const count = integerOption(options.get('count'), 'count', 1, 1);
  const answer = options.get('answer');
  const reveal = options.has('reveal');
  if (answer !== undefined && count > 1) throw new UsageError('--answer checks one question: leave out --count');
  if (!Number.isSafeInteger(seed + count - 1)) throw new UsageError('--seed and --count go past the largest safe integer');

  const questions = Array.from({ length: count }, (_, i) => quiz(topic, seed + i));
  if (answer === undefined && !reveal && input !== null) return ask(questions, print, input());
  let wrong = false;
  questions.forEach((question, i) => {
    if (i > 0) print('');
    print(header(question, i, count));
    print(question.prompt);
    if (answer !== undefined) {
      const check = checkAnswer(question, answer);
      wrong = !check.correct;
      print('');
      print(check.feedback);
    }
    if (reveal) print(`\n${revealed(question)}`);
  });
  return wrong ? 1 : 0;
}

/** Asks each question in turn until it is answered right, revealed or skipped; q or end of input stops. */
async function ask(questions: Question[], print: (text: string) => void, input: QuizInput): Promise<number> {
  let right = 0;
  let asked = 0;
  try {
    for (const [i, question] of questions.entries()) {
      if (i > 0) print('');
      print(header(question, i, questions.length));
      print(question.prompt);
      asked++;
      for (let first = true; ; first = false) {
        const line = await input.ask(first ? '\nanswer (r reveals, q quits)> ' : 'answer> ');
        const given = line?.trim() ?? 'q';
        if (given === '') continue;
        if (given.toLowerCase() === 'q' || given.toLowerCase() === 'quit') return done(print, right, asked - 1);
        if (given.toLowerCase() === 'r' || given.toLowerCase() === 'reveal') {
          print(revealed(question));
          break;
        }
        const check = checkAnswer(question, given);
        print(check.feedback + (check.correct ? '' : ' Try again, or r to reveal.'));
        if (check.correct) {
          if (first) right++;
          print(question.explanation);
          break;
        }
      }
    }
    return done(print, right, asked);
  } finally {
    input.close();
  }
}

/** The score line (when a question was finished) and exit code 0. */
function done(print: (text: string) => void, right: number, asked: number): number {
  if (asked > 0) print(`\n${right} of ${asked} right at the first try.`);
  return 0;
}

function header(question: Question, index: number, count: number): string {
  const position = count > 1 ? `question ${index + 1} of ${count}: ` : '';
  return `[${position}${question.topic}, seed ${question.seed}]`;
}

function revealed(question: Question): string {
  return `Answer: ${question.answer}\n${question.explanation}`;
}

/** An integer option at least `min`, or `fallback` when absent; UsageError otherwise. */
function integerOption(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`--${name} must be an integer${min > 0 ? ` of at least ${min}` : ''}, not '${value}'`);
  }
  return number;
}

/** Questions and answers on the terminal (readline). */
function terminalInput(): QuizInput {
  const lines = createInterface({ input: process.stdin, output: process.stdout });
  let closed = false;
  const closing = new Promise<null>((resolve) => lines.once('close', () => {
    closed = true;
    resolve(null);
  }));
  return {
    ask: (prompt) => (closed ? Promise.resolve(null) : Promise.race([lines.question(prompt).catch(() => null), closing])),
    close: () => lines.close(),
  };
}
