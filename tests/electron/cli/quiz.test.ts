// freenos-lab quiz: run as a child process (stdin a pipe, so never interactive): list, a question
// printed, --answer right (exit 0) and wrong (exit 1), --reveal, --count, usage errors (exit 2).
// The interactive loop runs in-process with scripted answers.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../electron/cli/args';
import { quizCommand, type QuizInput } from '../../../electron/cli/quiz';
import { quiz } from '../../../engine/quiz/index';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'electron', 'cli', 'freenos-lab.ts');
const run = (...args: string[]) => spawnSync(tsx, [cli, 'quiz', ...args], { encoding: 'utf8', input: '' });

/** quizCommand in-process with `answers` typed at the prompts; the exit code, the output and the prompts shown. */
async function interactive(args: string[], answers: string[]) {
  const out: string[] = [];
  const prompts: string[] = [];
  let closed = false;
  const input: QuizInput = {
    ask: async (prompt) => {
      prompts.push(prompt);
      return answers.shift() ?? null;
    },
    close: () => { closed = true; },
  };
  const code = await quizCommand(args, (text) => out.push(text), () => {}, () => input);
  return { code, text: out.join('\n'), prompts, closed };
}

describe('freenos-lab quiz (command line)', () => {
  it('lists the topics with one line each', () => {
    const list = run('list');
    expect(list.status).toBe(0);
    for (const topic of ['next-fit', 'available', 'translate', 'pool']) expect(list.stdout).toMatch(new RegExp(`^${topic}\\s+\\w`, 'm'));
  });

  it('prints the question for a topic and seed and exits 0 without asking when stdin is no terminal', () => {
    const question = quiz('translate', 42);
    const shown = run('translate', '--seed', '42');
    expect(shown.status).toBe(0);
    expect(shown.stdout).toBe(`[translate, seed 42]\n${question.prompt}\n`);
    expect(shown.stdout).not.toContain(question.answer);
    expect(run('pool').stdout).toContain('[pool, seed 1]');
  });

  it('checks --answer: exit 0 when right, 1 when wrong, without saying the answer', () => {
    const question = quiz('next-fit', 3);
    const right = run('next-fit', '--seed', '3', '--answer', question.answer.toUpperCase());
    expect(right.status).toBe(0);
    expect(right.stdout).toContain(`Right: ${question.answer}.`);
    const wrong = run('next-fit', '--seed', '3', '--answer', '0x1');
    expect(wrong.status).toBe(1);
    expect(wrong.stdout.trimEnd().endsWith('\nWrong.')).toBe(true);
    expect(wrong.stdout).not.toContain(question.explanation);
  });

  it('--reveal prints the answer and the explanation; --count asks consecutive seeds', () => {
    const question = quiz('available', 5);
    const revealed = run('available', '--seed', '5', '--reveal');
    expect(revealed.status).toBe(0);
    expect(revealed.stdout).toContain(`Answer: ${question.answer}\n${question.explanation}`);
    const three = run('pool', '--seed', '10', '--count', '3');
    expect(three.status).toBe(0);
    expect(three.stdout.match(/^\[question \d of 3: pool, seed \d+\]$/gm)).toEqual([
      '[question 1 of 3: pool, seed 10]', '[question 2 of 3: pool, seed 11]', '[question 3 of 3: pool, seed 12]',
    ]);
  });

  it('exits 2 for an unknown topic, listing the topics; --help prints the usage', () => {
    const bad = run('paging');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown quiz topic 'paging'; topics: next-fit, available, translate, pool");
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: freenos-lab quiz <topic>');
  });

  it('rejects a bad seed or count, --answer with --count, unknown options and a missing topic (UsageError: exit 2)', async () => {
    const usage = (...args: string[]) => quizCommand(args, () => {}, () => {}, null);
    await expect(usage('pool', '--seed', 'x')).rejects.toThrow("--seed must be an integer, not 'x'");
    await expect(usage('pool', '--count', '0')).rejects.toThrow('--count must be an integer of at least 1');
    await expect(usage('pool', '--count', '2', '--answer', '64')).rejects.toThrow(UsageError);
    await expect(usage('pool', '--frobnicate', '1')).rejects.toThrow('unknown option --frobnicate');
    await expect(usage()).rejects.toThrow(UsageError);
    await expect(usage('pool', 'extra')).rejects.toThrow(UsageError);
  });
});

describe('freenos-lab quiz (interactive)', () => {
  it('reads answers until one is right, says wrong without revealing, then shows the working', async () => {
    const question = quiz('pool', 7);
    const { code, text, prompts, closed } = await interactive(['pool', '--seed', '7'], ['hello', '3', question.answer]);
    expect(code).toBe(0);
    expect(text).toContain("Wrong: 'hello' is not an answer I can read.");
    expect(text).toContain('Wrong. Try again, or r to reveal.');
    expect(text).toContain(`Right: ${question.answer}.\n${question.explanation}`);
    expect(text).toContain('0 of 1 right at the first try.');
    expect(prompts).toEqual(['\nanswer (r reveals, q quits)> ', 'answer> ', 'answer> ']);
    expect(closed).toBe(true);
  });

  it('r reveals and moves on, q quits, end of input quits, and the score counts first tries', async () => {
    const [a, b] = [quiz('translate', 1), quiz('translate', 2)];
    const revealed = await interactive(['translate', '--count', '3'], [a.answer, 'r', 'q']);
    expect(revealed.code).toBe(0);
    expect(revealed.text).toContain(`Answer: ${b.answer}\n${b.explanation}`);
    expect(revealed.text).toContain('[question 3 of 3: translate, seed 3]');
    expect(revealed.text).toContain('1 of 2 right at the first try.');
    const ended = await interactive(['next-fit'], []);
    expect(ended.code).toBe(0);
    expect(ended.text).not.toContain('right at the first try');
  });

  it('is not used with --answer or --reveal', async () => {
    const question = quiz('pool', 1);
    const { code, prompts } = await interactive(['pool', '--answer', question.answer], []);
    expect([code, prompts]).toEqual([0, []]);
  });
});
