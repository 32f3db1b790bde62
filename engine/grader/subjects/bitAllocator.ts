// The bit-allocator subject (exercise 01-bit-allocator): the student's class is FreeNOS's
// BitAllocator with a numeric API (lab.ts BitAllocatorExercise), built as new C(base, size,
// chunkSize). Scenarios fill the range until it runs out, drain it chunk by chunk (so next fit
// wraps), and mix in odd requests: sizes off a chunk multiple, alignments relative to an unaligned
// base, invalid alignments, size 0, double frees and addresses outside the range. The oracle is the
// engine's BitAllocator in release mode, where FreeNOS checks nothing on release().
import { allocatorAnswer, callRecorder, releaseFromBlocks } from './allocatorCalls';
import { readOptions } from './options';
import { Allocator } from '../../kernel/Allocator';
import { BitAllocator } from '../../kernel/BitAllocator';
import { Random } from '../../workload/Random';
import type { Call, Scenario, Subject } from '../Conformance';

type Options = Record<string, number | string>;

const defaults = {
  seed: 1,
  /** Calls per scenario. */
  ops: 200,
  /** Chunks in the range (its size is chunks × chunkSize, plus a partial chunk in some scenarios). */
  chunks: 64,
  chunkSize: 4096,
  /** 'random': a seeded base, an odd number of chunks past a MiB (so not aligned to two chunks when chunkSize is a power of two below 1 MiB), sometimes off a chunk boundary; or an address. */
  base: 'random',
  /** Share of allocations asking for 0 bytes (FreeNOS's zero-size quirk). */
  zero: 0.02,
  /** Share of calls releasing a free chunk, the middle of a chunk, or an address outside the range. */
  strays: 0.05,
};

export const bitAllocatorSubject: Subject = {
  name: 'bit-allocator',
  describe: 'a BitAllocator class (new C(base, size, chunkSize)) with allocate(size, alignment), release(address), available() and bitmap(), as FreeNOS\'s',
  methods: ['allocate', 'release', 'available', 'bitmap'],
  defaults: { ...defaults },
  scenario,
  oracle,
};

/** The engine's BitAllocator for a scenario's constructor arguments [base, size, chunkSize]. */
export function engineAllocator(args: unknown[]): BitAllocator {
  const [base, size, chunkSize] = args as [number, number, number];
  return new BitAllocator({ address: base, size, alignment: 4 }, chunkSize, { mode: 'release', name: 'BitAllocator' });
}

/** The engine's answer to one call (plain data); throws RangeError for a method the subject lacks. */
export function answer(allocator: BitAllocator, call: Call): unknown {
  if (call.method === 'bitmap') return bitmapBytes(allocator);
  return allocatorAnswer('bit-allocator', allocator, call);
}

/** ceil(chunks / 8) bytes, LSB first, as FreeNOS's BitArray stores them. */
function bitmapBytes(allocator: BitAllocator): number[] {
  const bits = allocator.bitmap();
  const bytes = new Array<number>(Math.ceil(bits.size() / 8)).fill(0);
  for (let n = 0; n < bits.size(); n++) if (bits.isSet(n)) bytes[n >>> 3]! |= 1 << (n & 7);
  return bytes;
}

function oracle(s: Scenario): unknown[] {
  const allocator = engineAllocator(s.args);
  return s.calls.map((call) => answer(allocator, call));
}

/** Options merged with the defaults and checked; throws RangeError naming the bad option. */
function checked(options: Options): Omit<typeof defaults, 'base'> & { base: number | 'random' } {
  const { o, int, share, seed } = readOptions('bit-allocator', defaults, options);
  const chunks = int('chunks', 1, 65536);
  const chunkSize = int('chunkSize', 1, 1 << 20);
  if (chunks * chunkSize > 2 ** 31) throw new RangeError(`bit-allocator: chunks × chunkSize must be at most 2^31 bytes, got ${chunks * chunkSize}`);
  const base = o.base === 'random' ? 'random' : int('base', 0, 2 ** 32 - chunks * chunkSize - chunkSize);
  return { seed, ops: int('ops', 1, 100000), chunks, chunkSize, base, zero: share('zero'), strays: share('strays') };
}

/** A seeded scenario: see the file comment. Same options, same calls. */
function scenario(options: Options): Scenario {
  const o = checked(options);
  const rng = new Random(o.seed);
  const { chunks, chunkSize } = o;
  const base = typeof o.base === 'number' ? o.base
    : 0x100000 * rng.range(1, 15) + chunkSize * (2 * rng.int(128) + 1) + (chunkSize >= 8 && rng.chance(0.25) ? 4 * rng.range(1, (chunkSize >>> 2) - 1) : 0);
  const tail = chunkSize > 1 && rng.chance(0.3) ? rng.range(1, chunkSize - 1) : 0;
  const args = [base, chunks * chunkSize + tail, chunkSize];

  const sim = engineAllocator(args);
  const { calls, run } = callRecorder((call) => answer(sim, call));
  /** Chunk start addresses the generator may release: one list per allocated block. */
  const blocks: number[][] = [];
  const chunkAt = (n: number) => base + n * chunkSize;
  let filling = true;

  run('available');
  run('bitmap');
  while (calls.length < o.ops) {
    const r = rng.float();
    const free = sim.available() / chunkSize;
    if (filling && free < chunks / 8) filling = false;
    else if (!filling && (free > chunks * 0.6 || blocks.length === 0)) filling = true;
    if (r < 0.07) run('available');
    else if (r < 0.1) run('bitmap');
    else if (r < 0.1 + o.strays) stray();
    else if (r < (filling ? 0.75 : 0.35)) {
      const { size, alignment } = request();
      const before = size === 0 ? bitmapBytes(sim) : [];
      const got = run('allocate', size, alignment) as { result: number; address: number };
      if (got.result === Allocator.Result.Success) blocks.push(newChunks(before, size, got.address));
      else if (got.result === Allocator.Result.OutOfMemory && rng.chance(0.5)) filling = false;
    } else if (blocks.length > 0) release();
  }
  return { args, calls: calls.slice(0, o.ops) };

  /** A size of 1..many chunks (sometimes not a multiple, sometimes 0) and an alignment (sometimes invalid). */
  function request(): { size: number; alignment: number } {
    const k = rng.float();
    const n = k < 0.55 ? 1 : k < 0.8 ? rng.range(2, 4) : k < 0.95 ? rng.range(2, Math.max(2, chunks >>> 2)) : rng.range(chunks, chunks + 2);
    const size = rng.chance(o.zero) ? 0 : rng.chance(0.5) ? n * chunkSize : (n - 1) * chunkSize + rng.range(1, chunkSize);
    const a = rng.float();
    const alignment = a < 0.45 ? 0
      : a < 0.8 ? chunkSize * rng.pick([1, 2, 4, 8, 3])
        : a < 0.9 ? chunkSize * rng.pick([16, 64, 1024])
          : chunkSize === 1 ? 0 : rng.pick([chunkSize + rng.range(1, chunkSize - 1), rng.range(1, chunkSize - 1), 3 * chunkSize + 1]);
    return { size, alignment };
  }

  /** The chunks an allocation took: its run of chunks, or (size 0) the bits that went from 0 to 1. */
  function newChunks(before: number[], size: number, address: number): number[] {
    if (size > 0) return Array.from({ length: Math.ceil(size / chunkSize) }, (_, k) => address + k * chunkSize);
    const after = bitmapBytes(sim);
    const taken: number[] = [];
    for (let n = 0; n < chunks; n++) if ((after[n >>> 3]! & ~before[n >>> 3]! & (1 << (n & 7))) !== 0) taken.push(chunkAt(n));
    return taken;
  }

  /** Releases a whole block chunk by chunk, its first chunk only, or one chunk in its middle. */
  function release(): void {
    releaseFromBlocks(rng, blocks, 0.5, 0.85, (address) => run('release', address), () => calls.length < o.ops);
  }

  /** A release the FreeNOS debug build would assert on: a free chunk, a chunk's middle, outside the range. */
  function stray(): void {
    const k = rng.float();
    const n = rng.int(chunks);
    if (k < 0.4) run('release', chunkAt(n));
    else if (k < 0.6 && chunkSize > 1) run('release', chunkAt(n) + rng.range(1, chunkSize - 1));
    else if (k < 0.75) run('release', Math.max(0, base - rng.range(1, 4 * chunkSize)));
    else run('release', Math.min(2 ** 32 - 1, base + chunks * chunkSize + rng.int(tail + 3 * chunkSize)));
  }
}
