// The quizzes (engine/quiz): same seed, same question; different seeds, different questions; every
// answer agrees with an independent run of the engine classes (200 seeds per topic), checked
// against the documented rules (next fit from the last allocation's first chunk, then from 0;
// alignment in chunks from the base; release frees one chunk; the pool size formula; the page walk
// as MemoryContext.lookup/access and the raw directory entry see it); answer checking in its forms.
import { describe, expect, it } from 'vitest';
import {
  Allocator, BitAllocator, BubbleAllocator, IntelEntry, IntelMap, IntelMMU, IntelPaging, MemoryContext, PAGESIZE,
  PhysicalMemory, SplitAllocator,
} from '../../../engine/index';
import { availableSetup } from '../../../engine/quiz/available';
import { checkAnswer, numbersOf, outcomeOf, quiz, quizTopics, type Question } from '../../../engine/quiz/index';
import { nextFitSetup } from '../../../engine/quiz/nextFit';
import { poolSetup } from '../../../engine/quiz/pool';
import { TranslateRAM, translateSetup } from '../../../engine/quiz/translate';
import type { AllocatorOp } from '../../../engine/quiz/history';

const topics = Object.keys(quizTopics);
const SEEDS = Array.from({ length: 200 }, (_, i) => i * 7919 - 300);
const { Success } = Allocator.Result;

/** Runs `ops` on `allocator` with its own loop; the addresses successful allocates returned, in order. */
function run(allocator: { allocate(r: Allocator.Range): Allocator.Result; release(a: number): Allocator.Result }, ops: AllocatorOp[]) {
  const returned: number[] = [];
  for (const op of ops) {
    if (op.kind === 'release') allocator.release(op.address);
    else {
      const range = { address: 0, size: op.size, alignment: op.alignment };
      if (allocator.allocate(range) === Success) returned.push(range.address);
    }
  }
  return returned;
}

/** The value the question expects, as a number or an outcome. */
const expectedOf = (q: Question) => (q.expected.kind === 'outcome' ? q.expected.outcome : q.expected.value);

describe('quiz: determinism', () => {
  it('gives the same question for the same seed, as plain data that survives JSON and structuredClone', () => {
    for (const topic of topics) {
      for (let seed = 0; seed < 20; seed++) {
        const question = quiz(topic, seed);
        expect(quiz(topic, seed)).toEqual(question);
        expect(JSON.parse(JSON.stringify(question))).toEqual(question);
        expect(checkAnswer(structuredClone(question), question.answer).correct).toBe(true);
        expect(question).toMatchObject({ topic, seed });
      }
    }
  });

  it('gives different questions for different seeds (20 seeds: at least 19 different prompts per topic)', () => {
    for (const topic of topics) {
      const prompts = new Set(Array.from({ length: 20 }, (_, seed) => quiz(topic, seed).prompt));
      expect({ topic, distinct: prompts.size >= 19 }).toEqual({ topic, distinct: true });
    }
  });

  it('pins a few answers, so a seed means the same question on every machine and in every version', () => {
    expect(quiz('next-fit', 1).answer).toBe('0x5280');
    expect(quiz('available', 2).answer).toBe('896');
    expect(quiz('translate', 42).answer).toBe('0x00C1C22F');
    expect(quiz('pool', 1).answer).toBe('64');
    expect(quiz('translate', 42).prompt).toContain('  [0x026] at 0x0012E098 = 0x00C1C005');
  });

  it('takes negative and large seeds, rejects unknown topics (naming the topics) and non-integer seeds', () => {
    expect(quiz('pool', -5).seed).toBe(-5);
    expect(quiz('pool', Number.MAX_SAFE_INTEGER).seed).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => quiz('paging', 1)).toThrow(/unknown quiz topic 'paging'; topics: next-fit, available, translate, pool/);
    expect(() => quiz('pool', 1.5)).toThrow(RangeError);
    expect(() => quiz('toString', 1)).toThrow(RangeError);
  });

  it('every question has a prompt, an answer it accepts, and an explanation that ends in the answer', () => {
    for (const topic of topics) {
      for (const seed of SEEDS.slice(0, 50)) {
        const q = quiz(topic, seed);
        expect(q.prompt.split('\n').length).toBeGreaterThan(2);
        expect(checkAnswer(q, q.answer)).toEqual({ correct: true, feedback: `Right: ${q.answer}.` });
        if (q.expected.kind !== 'outcome') expect(q.explanation).toContain(q.answer);
        else expect(q.explanation).toMatch(q.expected.outcome === 'page fault' ? /page fault/ : /out of memory|OutOfMemory/);
      }
    }
  });
});

describe('quiz: answers agree with the engine run independently', () => {
  it('next-fit: the address a fresh BitAllocator returns, at the next-fit position the rules give', () => {
    const outcomes = new Set<string>();
    for (const seed of SEEDS) {
      const setup = nextFitSetup(seed);
      const { base, chunkSize, chunks, request } = setup;
      const allocator = new BitAllocator({ address: base, size: chunks * chunkSize, alignment: 4 }, chunkSize);
      const returned = run(allocator, setup.ops);
      const used = Array.from({ length: chunks }, (_, i) => allocator.bitmap().isSet(i));
      const range = { address: 0, ...request };
      const result = allocator.allocate(range);
      const q = quiz('next-fit', seed);
      expect(expectedOf(q)).toEqual(result === Success ? range.address : 'out of memory');

      // The rules: count chunks, starts at multiples of alignment / chunkSize counted from the base,
      // first from the last successful allocation's first chunk, then from chunk 0.
      const count = Math.ceil(request.size / chunkSize);
      const boundary = request.alignment === 0 ? 1 : request.alignment / chunkSize;
      const fits = (p: number) => p % boundary === 0 && p + count <= chunks && used.slice(p, p + count).every((u) => !u);
      const cursor = returned.length === 0 ? 0 : (returned.at(-1)! - base) / chunkSize;
      const starts = Array.from({ length: chunks }, (_, p) => p);
      const first = starts.find((p) => p >= cursor && fits(p)) ?? starts.find(fits);
      expect(result === Success ? (range.address - base) / chunkSize : undefined).toBe(first);
      outcomes.add(first === undefined ? 'oom' : first >= cursor ? 'first' : 'wrap');
    }
    expect([...outcomes].sort()).toEqual(['first', 'oom', 'wrap']);
  });

  it('available: what a fresh BitAllocator, SplitAllocator or BubbleAllocator reports after the same calls', () => {
    const variants = new Set<string>();
    for (const seed of SEEDS) {
      const setup = availableSetup(seed);
      const { base, size, unit } = setup;
      variants.add(setup.variant);
      const allocator = setup.variant === 'bubble' ? new BubbleAllocator({ address: base, size, alignment: unit })
        : setup.variant === 'split' ? new SplitAllocator({ address: base, size, alignment: unit }, { address: 0, size, alignment: unit }, unit)
          : new BitAllocator({ address: base, size, alignment: 4 }, unit);
      run(allocator, setup.ops);
      const q = quiz('available', seed);
      expect(expectedOf(q)).toBe(allocator.available());
      expect(allocator.available()).toBeLessThanOrEqual(size);
      if (setup.variant !== 'bubble') expect(allocator.available() % unit).toBe(0);
    }
    expect([...variants].sort()).toEqual(['bit', 'bubble', 'split']);
  });

  it('translate: the MMU walk agrees with MemoryContext.lookup/access and the directory entry', () => {
    const kinds = new Set<string>();
    for (const seed of SEEDS) {
      const setup = translateSetup(seed);
      const memory = new PhysicalMemory(TranslateRAM);
      const mmu = new IntelMMU(memory);
      const range = { address: 0, size: TranslateRAM, alignment: PAGESIZE };
      const pages = new SplitAllocator(range, range, PAGESIZE);
      pages.allocate({ address: 0, size: setup.reserved, alignment: PAGESIZE });
      const context = new IntelPaging(new IntelMap(), pages, { memory, mmu });
      expect(context.initialize()).toBe(MemoryContext.Result.Success);
      for (const m of setup.mappings) expect(context.map(m.virt, m.phys, m.access)).toBe(MemoryContext.Result.Success);

      const { virt, kind } = setup;
      const pde = memory.read32(context.root() + (virt >>> 22) * 4);
      const { result, phys } = context.lookup(virt);
      const pte = context.mappings({ virt: virt - (virt % PAGESIZE), size: PAGESIZE })[0]?.entry ?? 0;
      let expected: number | string = 'page fault';
      if (result === MemoryContext.Result.Success) {
        const user = (pde & pte & IntelEntry.User) !== 0;
        const writable = (pde & pte & IntelEntry.Writable) !== 0;
        if (user && (kind === 'read' || writable)) expected = phys + (virt % PAGESIZE);
        kinds.add(expected === 'page fault' ? 'permission' : 'mapped');
      } else kinds.add(pde & IntelEntry.Present ? 'no page' : 'no table');
      const q = quiz('translate', seed);
      expect({ seed, answer: expectedOf(q) }).toEqual({ seed, answer: expected });
      expect(q.explanation).toContain(`directory index 0x${(virt >>> 22).toString(16).toUpperCase()}`);
    }
    expect([...kinds].sort()).toEqual(['mapped', 'no page', 'no table', 'permission']);
  });

  it('pool: the smallest power of two holding the data rounded to 4 plus the 12-byte prefix and postfix', () => {
    for (const seed of SEEDS) {
      const { size } = poolSetup(seed);
      const needed = Math.ceil(size / 4) * 4 + 12;
      let objectSize = 4;
      while (objectSize < needed) objectSize *= 2;
      expect({ seed, size, answer: expectedOf(quiz('pool', seed)) }).toEqual({ seed, size, answer: objectSize });
    }
  });
});

describe('quiz: checking answers', () => {
  const question = (expected: Question['expected'], answer: string, outcomes: Question['outcomes'] = []): Question => ({
    topic: 't', seed: 1, prompt: 'p', answer, explanation: 'e', expected, outcomes,
  });
  const address = question({ kind: 'address', value: 0x5280 }, '0x5280', ['out of memory']);
  const physical = question({ kind: 'address', value: 0x00c1c22f, pageSize: PAGESIZE }, '0x00C1C22F', ['page fault']);
  const bytes = question({ kind: 'bytes', value: 896 }, '896');
  const fault = question({ kind: 'outcome', outcome: 'page fault' }, 'page fault', ['page fault']);
  const oom = question({ kind: 'outcome', outcome: 'out of memory' }, 'out of memory', ['out of memory']);
  const correct = (q: Question, given: string) => checkAnswer(q, given).correct;

  it('takes an address in hex with or without 0x, any case, padded, spaced, or in decimal', () => {
    for (const given of ['0x5280', '5280', '0X5280', ' 0x5280 ', '0x00005280', '21120', '0x52_80']) expect(correct(address, given)).toBe(true);
    for (const given of ['c1c22f', '0xc1c22f', '0x00C1C22F', '12698159']) expect(correct(physical, given)).toBe(true);
    for (const given of ['0x5281', '5281', '0x52800', 'out of memory', '', '0x']) expect(correct(address, given)).toBe(false);
  });

  it('takes a byte count in decimal, or hex only with 0x or hex letters; "bytes" may follow', () => {
    for (const given of ['896', ' 896 ', '896 bytes', '896bytes', '0x380', '0X380']) expect(correct(bytes, given)).toBe(true);
    for (const given of ['380', '897', '0x896', 'none']) expect(correct(bytes, given)).toBe(false);
  });

  it('takes the outcomes by their synonyms, in any case', () => {
    for (const given of ['page fault', 'Page Fault', 'fault', 'PF', 'page-fault', ' pagefault ', 'PAGE_FAULT']) expect(correct(fault, given)).toBe(true);
    for (const given of ['out of memory', 'OOM', 'none', 'Out Of Memory', 'outofmemory', 'failed']) expect(correct(oom, given)).toBe(true);
    expect(correct(fault, 'out of memory')).toBe(false);
    expect(correct(oom, 'fault')).toBe(false);
    expect(correct(fault, '0x0')).toBe(false);
    expect(correct(physical, 'page fault')).toBe(false);
    expect([outcomeOf('segfault'), outcomeOf('None'), outcomeOf('#PF')]).toEqual([null, 'out of memory', 'page fault']);
    expect([numbersOf('10', 'address'), numbersOf('10', 'bytes'), numbersOf('zz', 'bytes')]).toEqual([[16, 10], [10], null]);
  });

  it('says right or wrong without giving the answer away; an unreadable answer gets how to write one', () => {
    expect(checkAnswer(address, '0x5000')).toEqual({ correct: false, feedback: 'Wrong.' });
    expect(checkAnswer(fault, '0x1234')).toEqual({ correct: false, feedback: 'Wrong.' });
    expect(checkAnswer(physical, '0xC1C000').feedback).toBe('Wrong, but the page is right: check the offset.');
    const unreadable = checkAnswer(physical, 'the frame');
    expect(unreadable.correct).toBe(false);
    expect(unreadable.feedback).toMatch(/^Wrong: 'the frame' is not an answer I can read\. .* or "page fault"\.$/);
    // A wrong answer hears 'Wrong.' (or the page hint); an unreadable one the same hint for every question of a topic.
    for (const topic of topics) {
      const hints = new Set<string>();
      for (let seed = 0; seed < 30; seed++) {
        const q = quiz(topic, seed);
        for (const given of ['0x1', 'page fault', 'oom']) {
          const check = checkAnswer(q, given);
          if (!check.correct) expect(['Wrong.', 'Wrong, but the page is right: check the offset.']).toContain(check.feedback);
        }
        hints.add(checkAnswer(q, 'xyz?').feedback);
      }
      expect(hints.size).toBe(1);
    }
  });
});
