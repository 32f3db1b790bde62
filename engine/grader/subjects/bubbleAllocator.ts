// The bubble-allocator subject (exercise 02-bubble-allocator): the student's class is FreeNOS's
// BubbleAllocator, the grow-only allocator under the kernel heap, with a numeric API (lab.ts
// BubbleAllocatorExercise), built as new C(base, size, alignment). A scenario paces its requests so
// that the range fills up about 60% of the way through, then keeps asking: exact fits, one byte too
// many, sizes that only fit once rounded, size 0 on a full allocator. Requests carry alignments
// (which FreeNOS ignores), releases come back InvalidAddress, and a few sizes near 2^32 make the
// 32-bit arithmetic wrap. The oracle is the engine's BubbleAllocator in release mode.
import { allocatorAnswer, callRecorder } from './allocatorCalls';
import { readOptions } from './options';
import { Allocator } from '../../kernel/Allocator';
import { BubbleAllocator } from '../../kernel/BubbleAllocator';
import { Random } from '../../workload/Random';
import type { Call, Scenario, Subject } from '../Conformance';

type Options = Record<string, number | string>;

const TwoTo32 = 4294967296;

const defaults = {
  seed: 1,
  /** Calls per scenario. */
  ops: 200,
  /** Bytes the allocator manages, a multiple of its alignment; 'random': up to about 1 MiB, sometimes the kernel heap's 1 MiB − 156. */
  size: 'random',
  /** The allocator's own alignment (sizes are rounded up to a multiple of it), from 4; 'random': mostly 4, sometimes 8 to 4096 or 12. */
  alignment: 'random',
  /** 'random': a seeded base past a MiB, often not aligned (the kernel's heap starts 156 bytes into a page); or an address. */
  base: 'random',
  /** Share of allocations asking for 0 bytes (always Success, nothing consumed). */
  zero: 0.05,
  /** Share of calls that are release(address) (always InvalidAddress). */
  releases: 0.1,
  /** Share of allocations asking for nearly 2^32 bytes, where the 32-bit arithmetic wraps. */
  huge: 0.02,
};

export const bubbleAllocatorSubject: Subject = {
  name: 'bubble-allocator',
  describe: 'a BubbleAllocator class (new C(base, size, alignment)) with allocate(size, alignment), release(address) and available(), as FreeNOS\'s',
  methods: ['allocate', 'release', 'available'],
  defaults: { ...defaults },
  scenario,
  oracle,
};

/** The engine's BubbleAllocator for a scenario's constructor arguments [base, size, alignment]. */
export function engineAllocator(args: unknown[]): BubbleAllocator {
  const [base, size, alignment] = args as [number, number, number];
  return new BubbleAllocator({ address: base, size, alignment }, { mode: 'release', name: 'BubbleAllocator' });
}

/** The engine's answer to one call (plain data); throws RangeError for a method the subject lacks. */
export function answer(allocator: BubbleAllocator, call: Call): unknown {
  return allocatorAnswer('bubble-allocator', allocator, call);
}

function oracle(s: Scenario): unknown[] {
  const allocator = engineAllocator(s.args);
  return s.calls.map((call) => answer(allocator, call));
}

interface Checked {
  seed: number;
  ops: number;
  size: number | 'random';
  alignment: number | 'random';
  base: number | 'random';
  zero: number;
  releases: number;
  huge: number;
}

/** Options merged with the defaults and checked; throws RangeError naming the bad option. */
function checked(options: Options): Checked {
  const { o, int, share, seed } = readOptions('bubble-allocator', defaults, options);
  const intOrRandom = (key: string, lo: number, hi: number): number | 'random' => (o[key] === 'random' ? 'random' : int(key, lo, hi));
  const alignment = intOrRandom('alignment', 4, 1 << 20);
  const size = intOrRandom('size', 4, 2 ** 31);
  if (typeof size === 'number') {
    // FreeNOS asserts this in its constructor: the range is a whole number of alignment units.
    const unit = typeof alignment === 'number' ? alignment : 4;
    if (size % unit !== 0) throw new RangeError(`bubble-allocator: option 'size' must be a multiple of the alignment ${unit}, got ${size}`);
  }
  const base = intOrRandom('base', 0, TwoTo32 - (typeof size === 'number' ? size : 1));
  return { seed, ops: int('ops', 1, 100000), size, alignment, base, zero: share('zero'), releases: share('releases'), huge: share('huge') };
}

/** A seeded scenario: see the file comment. Same options, same calls. */
function scenario(options: Options): Scenario {
  const o = checked(options);
  const rng = new Random(o.seed);
  const alignment = typeof o.alignment === 'number' ? o.alignment
    : rng.pick([4, 4, 4, 4, 8, 16, 64, 4096, 12].filter((a) => typeof o.size !== 'number' || o.size % a === 0));
  const size = typeof o.size === 'number' ? o.size
    : alignment === 4 && rng.chance(0.3) ? 0x100000 - 156 : alignment * rng.range(16, Math.max(16, Math.floor(0x100000 / alignment)));
  const base = typeof o.base === 'number' ? o.base : randomBase();
  if (base + size > TwoTo32) throw new RangeError(`bubble-allocator: option 'base' must be at most 2^32 − size = ${TwoTo32 - size}, got ${base}`);
  const args = [base, size, alignment];

  const sim = engineAllocator(args);
  const { calls, run } = callRecorder((call) => answer(sim, call));
  /** Addresses handed out so far: what a caller might try to give back. */
  const handed: number[] = [];
  /** The call where the range should be about full. */
  const target = Math.floor(o.ops * 0.6);
  const allocateShare = Math.max(0.1, 0.9 - o.releases);

  run('available');
  while (calls.length < o.ops) {
    const r = rng.float();
    if (r < 0.1) run('available');
    else if (r < 0.1 + o.releases) release();
    else {
      const got = run('allocate', request(), requestAlignment()) as { result: number; address: number };
      if (got.result === Allocator.Result.Success) handed.push(got.address);
    }
  }
  return { args, calls };

  /** Past a MiB; a page boundary, the kernel heap's 156 bytes into a page, a multiple of 4, or any byte. */
  function randomBase(): number {
    const page = 0x100000 * rng.range(1, 255) + 0x1000 * rng.int(256);
    const k = rng.float();
    return page + (k < 0.25 ? 0 : k < 0.5 ? 156 : k < 0.85 ? 4 * rng.range(1, 1023) : rng.range(1, 4095));
  }

  /** The request's alignment: FreeNOS ignores it, so any value goes, even ones that make no sense. */
  function requestAlignment(): number {
    return rng.chance(0.5) ? 0 : rng.pick([4, 8, 16, 64, 4096, 3, 0x100000]);
  }

  /** A size: 0, nearly 2^32, near what is left, a few units, or paced so the range fills near `target`. */
  function request(): number {
    const free = sim.available();
    const used = size - free;
    if (rng.chance(o.zero)) return 0;
    // Nearly 2^32: within two units of it (the rounding wraps to 0, or the sum wraps), or within what is used (the counter goes back).
    if (rng.chance(o.huge)) return TwoTo32 - rng.range(1, (rng.chance(0.5) ? 0 : used) + 2 * alignment);
    const late = calls.length >= target;
    if ((late || free < size / 16) && rng.chance(0.35)) {
      return Math.max(1, free + rng.pick([0, 0, 1, -1, 1 - alignment, alignment, -alignment]));
    }
    const k = rng.float();
    if (k < 0.3) return rng.range(1, 2 * alignment);
    if (k < 0.45) return alignment * rng.range(1, 4);
    if (late) return rng.range(1, size);
    const allocations = Math.max(1, (target - calls.length) * allocateShare);
    return rng.range(1, Math.max(1, Math.floor((2 * free) / allocations)));
  }

  /** A handed-out address (mostly), the base, the end of the range, 0 or any address. */
  function release(): void {
    const k = rng.float();
    const address = k < 0.6 && handed.length > 0 ? rng.pick(handed)
      : k < 0.7 ? base
        : k < 0.8 ? (base + size) >>> 0
          : k < 0.9 ? 0
            : rng.next();
    run('release', address);
  }
}
