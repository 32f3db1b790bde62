// nextFit quiz: a BitAllocator of 16-32 chunks after a seeded history of calls; which address does
// the next allocate(size, alignment) return? The engine's BitAllocator computes every answer.
import { Allocator } from '../kernel/Allocator';
import { BitAllocator } from '../kernel/BitAllocator';
import { Random } from '../workload/Random';
import { hex32 } from '../format';
import { drawBitmap, plural } from './format';
import { describeStep, randomHistory, replay, type AllocatorOp, type Step } from './history';
import type { Question } from './Question';

/** A BitAllocator's range and the calls it has seen. */
export interface BitSetup {
  base: number;
  chunkSize: number;
  chunks: number;
  ops: AllocatorOp[];
}

export interface NextFitSetup extends BitSetup {
  /** The call the question asks about. */
  request: { size: number; alignment: number };
}

/** The engine's BitAllocator, with its next-fit start (lastBit) readable for the explanation. */
export class CursorBitAllocator extends BitAllocator {
  cursor(): number {
    return this.lastBit;
  }
}

/** A fresh allocator for `setup` with its ops replayed: the allocator and the steps. */
export function replayBits(setup: BitSetup): { allocator: CursorBitAllocator; steps: Step[] } {
  const allocator = new CursorBitAllocator({ address: setup.base, size: setup.chunks * setup.chunkSize, alignment: 4 },
    setup.chunkSize);
  return { allocator, steps: replay(allocator, setup.ops) };
}

/** A seeded request of 1..maxChunks chunks (often not a whole number of them), aligned to 2, 4 or 8 chunks with `alignChance`. */
export function bitRequest(random: Random, chunkSize: number, maxChunks: number, alignChance: number) {
  const size = chunkSize * random.range(1, maxChunks) - (random.chance(0.5) ? random.range(0, chunkSize - 1) : 0);
  const alignment = random.chance(alignChance) ? chunkSize * random.pick([2, 4, 8]) : 0;
  return { size, alignment };
}

/**
 * The seeded machine state behind nextFitQuestion(seed). It aims for a mix of outcomes: it picks one
 * (found from the cursor, found after the wrap, out of memory), then draws histories and requests
 * until the engine gives that outcome, or keeps the last draw after 10 histories of 40 requests.
 */
export function nextFitSetup(seed: number): NextFitSetup {
  const random = new Random(seed);
  const chunkSize = random.pick([8, 16, 32, 64, 128]);
  const chunks = random.range(16, 32);
  const base = 0x1000 * random.range(1, 15) + (random.chance(0.4) ? chunkSize * random.range(1, 7) : 0);
  const wanted = random.pick<NextFitOutcome>(['first', 'first', 'first', 'wrap', 'wrap', 'wrap', 'out of memory', 'out of memory']);
  let setup: NextFitSetup | null = null;
  for (let history = 0; history < 10; history++) {
    const allocator = new BitAllocator({ address: base, size: chunks * chunkSize, alignment: 4 }, chunkSize);
    const steps = randomHistory(allocator, random, random.range(6, 10), () => bitRequest(random, chunkSize, 5, 0.3), 0.3);
    const ops = steps.map((s) => s.op);
    for (let i = 0; i < 40; i++) {
      setup = { base, chunkSize, chunks, ops, request: bitRequest(random, chunkSize, 6, 0.45) };
      if (nextFitOutcome(setup) === wanted) return setup;
    }
  }
  return setup!;
}

/** How the request ends: found searching from the cursor, found after wrapping to chunk 0, or neither. */
export type NextFitOutcome = 'first' | 'wrap' | 'out of memory';

/** The outcome of `setup`'s request, found by the engine's allocateFrom() from the cursor, then from 0. */
export function nextFitOutcome(setup: NextFitSetup): NextFitOutcome {
  const { allocator } = replayBits(setup);
  const cursor = allocator.cursor();
  if (allocator.allocateFrom({ address: 0, ...setup.request }, cursor) === Allocator.Result.Success) return 'first';
  if (cursor === 0) return 'out of memory';
  return allocator.allocateFrom({ address: 0, ...setup.request }, 0) === Allocator.Result.Success ? 'wrap' : 'out of memory';
}

export function nextFitQuestion(seed: number): Question {
  const setup = nextFitSetup(seed);
  const { base, chunkSize, chunks, request } = setup;
  const { allocator, steps } = replayBits(setup);
  const used = Array.from({ length: chunks }, (_, i) => allocator.bitmap().isSet(i));
  const cursor = allocator.cursor();
  const before = allocator.bitmap().count(true);
  const args: Allocator.Range = { address: 0, ...request };
  const result = allocator.allocate(args);
  const success = result === Allocator.Result.Success;
  const call = `allocate(size ${request.size}, alignment ${request.alignment})`;

  const prompt = [
    `A BitAllocator manages ${chunks} chunks of ${chunkSize} bytes from base ${hex32(base)} (chunk i is at ${hex32(base)} + i * ${chunkSize}).`,
    'It has seen these calls, oldest first:',
    ...steps.map((s) => `  ${describeStep(s)}`),
    'Its bitmap now (# used, . free):',
    ...drawBitmap(used),
    '',
    `Which address does ${call} return next? (or "out of memory")`,
  ].join('\n');

  const count = Math.ceil(request.size / chunkSize);
  const boundary = request.alignment / chunkSize;
  const lines = [
    `1. Size ${request.size} needs ${plural(count, 'chunk')} of ${chunkSize} bytes (${request.size} / ${chunkSize}, rounded up).`,
    request.alignment === 0 ? '2. Alignment 0: the block may start at any chunk.'
      : `2. Alignment ${request.alignment} is ${boundary} chunks: the block must start at a chunk index that is a multiple of ${boundary}, `
        + `counted from the base ${hex32(base)}, not from address 0.`,
    `3. Next fit: the search starts at chunk ${cursor}, ${cursorReason(steps)}.`,
  ];
  const firstPass = nextFitOutcome(setup) === 'first';
  const found = success ? (args.address - base) / chunkSize : -1;
  const block = success ? chunkRange(found, allocator.bitmap().count(true) - before) : '';
  if (firstPass) lines.push(`4. From chunk ${cursor} on, the first fit is ${block}.`);
  else if (cursor === 0) lines.push('4. Nothing fits anywhere from chunk 0 to the end.');
  else if (success) lines.push(`4. Nothing fits from chunk ${cursor} to the end, so the search starts over at chunk 0: the first fit is ${block}.`);
  else lines.push(`4. Nothing fits from chunk ${cursor} to the end, nor from chunk 0 on: out of memory.`);
  if (success) lines.push(`5. Address = ${hex32(base)} + ${found} * ${chunkSize} = ${hex32(args.address)}.`);
  else lines.push('5. allocate() returns OutOfMemory and leaves the bitmap as it was.');

  return {
    topic: 'next-fit', seed, prompt,
    answer: success ? hex32(args.address) : 'out of memory',
    explanation: lines.join('\n'),
    expected: success ? { kind: 'address', value: args.address } : { kind: 'outcome', outcome: 'out of memory' },
    outcomes: ['out of memory'],
  };
}

/** Why the search starts where it does: the last successful allocation, or none yet. */
function cursorReason(steps: Step[]): string {
  const last = steps.filter((s) => s.op.kind === 'allocate' && s.result === Allocator.Result.Success).at(-1);
  if (!last) return 'where every BitAllocator starts (no allocation has succeeded yet)';
  return `the first chunk of the last successful allocation (${describeStep(last).replace(/\s+->/, ' ->')}); releases do not move it`;
}

/** "chunk 8" or "chunks 8-10". */
function chunkRange(first: number, count: number): string {
  return count <= 1 ? `chunk ${first}` : `chunks ${first}-${first + count - 1}`;
}
