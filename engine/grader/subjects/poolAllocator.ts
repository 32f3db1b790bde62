// The pool-allocator subject (exercise 03-pool-allocator): the student's class is FreeNOS's
// PoolAllocator, the default new/malloc allocator, with a numeric API (lab.ts PoolAllocatorExercise),
// built as new C(heap). Its pools come from heap.grow(), which plays the parent allocator: an sbrk
// parent grants exactly what is asked, from 0x10000000 up to the scenario's heap limit, and never
// takes a block back (so, as under FreeNOS's BubbleAllocator, pools are never given back). The class
// keeps its metadata in the heap exactly as the engine does (pool header, bitmap, object prefix and
// postfix), and the grader compares those bytes after every call (memory()). Scenarios mix small,
// medium and large sizes (so lists of pools grow 1×, 1×, 2×, 3×... the base count), sizes the heap
// cannot hold or no pool can (over 128 MiB), size 0, non-zero alignments, releases of live objects
// (freed slots are found again by next fit) and a few sizes near 2^32, where the 32-bit sums wrap.
// The oracle is the engine's PoolAllocator in release mode over that parent.
import { hex } from '../../format';
import { allocatorAnswer, callRecorder } from './allocatorCalls';
import { HeapParent } from './heapParent';
import { readOptions } from './options';
import { Allocator } from '../../kernel/Allocator';
import type { Pool } from '../../kernel/Pool';
import { PoolHeaderSize } from '../../kernel/Pool';
import { PoolAllocator, PrefixSize, PostfixSize } from '../../kernel/PoolAllocator';
import { PhysicalMemory } from '../../hw/PhysicalMemory';
import { Random } from '../../workload/Random';
import type { Call, MemoryCheck, Scenario, Subject } from '../Conformance';

type Options = Record<string, number | string>;

const TwoTo32 = 4294967296;
/** The sandbox heap's first address (and LocalApiTarget's). */
export const PoolHeapBase = 0x10000000;
const KiB = 1024;

/** The pool header's words, as Pool.ts lays them out on the 32-bit target. */
export const PoolHeaderWords = [
  'the vtable pointer (0)', 'the parent pointer (0)', 'the payload base', 'the payload size', 'the alignment (4)',
  "the BitArray's vtable pointer (0)", 'the bit count', 'the set-bit count', 'the bitmap address',
  'the bitmap-owned flag (0)', 'the chunk size', 'lastBit', 'the previous pool', 'the next pool', 'the index',
  'the bitmap size',
];

const defaults = {
  seed: 1,
  /** Calls per scenario. */
  ops: 200,
  /** Bytes the heap may grow to; 'random': 256 KiB, 512 KiB, 1 MiB or 2 MiB. */
  limit: 'random',
  /** Share of calls that release a live object. */
  releases: 0.3,
  /** Share of allocations asking for 0 bytes (InvalidSize). */
  zero: 0.03,
  /** Share of allocations with a non-zero alignment (InvalidAlignment). */
  aligned: 0.03,
  /** Share of allocations asking for 16 KiB to 256 KiB (one object per pool; lists grow fast). */
  large: 0.15,
  /** Share of allocations asking for more than the heap or any pool holds (OutOfMemory). */
  oversize: 0.02,
  /** Share of allocations asking for nearly 2^32 bytes, where aligned(size, 4) + 12 wraps. */
  huge: 0.01,
};

export const poolAllocatorSubject: Subject = {
  name: 'pool-allocator',
  describe: 'a PoolAllocator class (new C(heap)) with allocate(size, alignment), release(address) and available(), its pools, bitmaps, prefixes and postfixes in the heap as FreeNOS\'s',
  methods: ['allocate', 'release', 'available'],
  defaults: { ...defaults },
  scenario,
  oracle,
  withHeap: true,
  heapLimit: 1024 * KiB,
  memory,
};

interface Engine {
  memory: PhysicalMemory;
  allocator: PoolAllocator;
}

export function engine(s: Scenario): Engine {
  const memory = new PhysicalMemory();
  const allocator = new PoolAllocator(new HeapParent('sbrk', PoolHeapBase, s.heapLimit ?? poolAllocatorSubject.heapLimit!), { memory, mode: 'release' });
  return { memory, allocator };
}

/** The engine's answer to one call (plain data); throws RangeError for a method the subject lacks. */
export function answer(allocator: PoolAllocator, call: Call): unknown {
  return allocatorAnswer('pool-allocator', allocator, call);
}

function oracle(s: Scenario): unknown[] {
  const { allocator } = engine(s);
  return s.calls.map((call) => answer(allocator, call));
}

/** The pool whose payload holds `address`. */
function poolOf(allocator: PoolAllocator, address: number): Pool | undefined {
  return allocator.pools().find((p) => address >= p.base() && address < p.base() + p.size());
}

/** After each call: the headers, bitmap words, prefix and postfix it wrote; after the last, every pool and live object. */
function memory(s: Scenario): MemoryCheck[][] {
  const { memory: mem, allocator } = engine(s);
  const bytes = (address: number, length: number): number[] => Array.from({ length }, (_, i) => mem.read8(address + i));
  const header = (p: Pool): MemoryCheck => ({
    address: p.block, bytes: bytes(p.block, PoolHeaderSize), what: `the header of the ${2 ** p.index}-byte pool`, words: PoolHeaderWords,
  });
  const bitmap = (p: Pool, slot?: number): MemoryCheck => {
    const at = p.block + PoolHeaderSize;
    if (slot === undefined) return { address: at, bytes: bytes(at, p.bitmapSize), what: `the bitmap of the ${2 ** p.index}-byte pool at ${hex(p.block)}` };
    const bit = Math.floor((slot - p.base()) / p.chunkSize());
    const word = at + 4 * Math.floor(bit / 32);
    return { address: word, bytes: bytes(word, 4), what: `the bitmap word holding bit ${bit} of the ${2 ** p.index}-byte pool at ${hex(p.block)}` };
  };
  const object = (address: number, size: number): MemoryCheck[] => {
    const slot = address - PrefixSize;
    const postfix = (address + allocator.aligned(size, 4)) >>> 0;
    return [
      { address: slot, bytes: bytes(slot, PrefixSize), what: `the prefix of the object ${hex(address)}`, words: ['the signature 0xF7312A56', 'the owning pool'] },
      { address: postfix, bytes: bytes(postfix, PostfixSize), what: `the postfix of the object ${hex(address)}`, words: ['the signature 0xF7312A56'] },
    ];
  };
  const live = new Map<number, number>();
  const checks = s.calls.map((call) => {
    const before = allocator.pools().length;
    const got = answer(allocator, call);
    const out: MemoryCheck[] = [];
    if (call.method === 'allocate' && (got as { result: number }).result === Allocator.Result.Success) {
      const address = (got as { address: number }).address;
      live.set(address, call.args[0]!);
      const pool = poolOf(allocator, address - PrefixSize)!;
      out.push(header(pool), bitmap(pool, address - PrefixSize), ...object(address, call.args[0]!));
      if (allocator.pools().length > before && pool.next) out.push(header(pool.next));
    } else if (call.method === 'release') {
      const address = call.args[0]!;
      live.delete(address);
      const pool = poolOf(allocator, address - PrefixSize);
      if (pool) out.push(header(pool), bitmap(pool, address - PrefixSize));
    }
    return out;
  });
  if (checks.length > 0) {
    const last = checks[checks.length - 1]!;
    for (const p of allocator.pools()) last.push(header(p), bitmap(p));
    for (const [address, size] of live) last.push(...object(address, size));
  }
  return checks;
}

interface Checked {
  seed: number;
  ops: number;
  limit: number | 'random';
  releases: number;
  zero: number;
  aligned: number;
  large: number;
  oversize: number;
  huge: number;
}

/** Options merged with the defaults and checked; throws RangeError naming the bad option. */
function checked(options: Options): Checked {
  const { o, int, share, seed } = readOptions('pool-allocator', defaults, options);
  const limit = o.limit === 'random' ? 'random' : int('limit', 16, 16 * KiB * KiB);
  if (typeof limit === 'number' && limit % 16 !== 0) throw new RangeError(`pool-allocator: option 'limit' must be a multiple of 16, got ${limit}`);
  return {
    seed, ops: int('ops', 1, 20000), limit, releases: share('releases', 0.6), zero: share('zero'), aligned: share('aligned'),
    large: share('large'), oversize: share('oversize'), huge: share('huge'),
  };
}

/** A seeded scenario: see the file comment. Same options, same calls. */
function scenario(options: Options): Scenario {
  const o = checked(options);
  const rng = new Random(o.seed);
  const heapLimit = typeof o.limit === 'number' ? o.limit : rng.pick([256, 512, 1024, 1024, 2048]) * KiB;
  const s: Scenario = { args: [], calls: [], heapLimit };
  const { allocator } = engine(s);
  const { calls, run } = callRecorder((call) => answer(allocator, call), s.calls);
  /** Live objects that may be released (wrapped ones are not: their prefix overlaps the next slot). */
  const live: number[] = [];
  /** A few sizes the scenario keeps coming back to, so some size classes fill several pools. */
  const favourites = [rng.range(1, 4), rng.range(5, 52), rng.range(53, 500), rng.range(501, 4084), rng.range(4085, 16372)];

  run('available');
  while (calls.length < o.ops) {
    const r = rng.float();
    if (r < 0.08) run('available');
    else if (r < 0.08 + o.releases && live.length > 0) {
      const k = rng.int(live.length);
      const address = live[k]!;
      live[k] = live[live.length - 1]!;
      live.pop();
      run('release', address);
    } else {
      const size = request();
      const alignment = rng.chance(o.aligned) ? rng.pick([4, 8, 16, 4096, 3]) : 0;
      const got = run('allocate', size, alignment) as { result: number; address: number };
      if (got.result === Allocator.Result.Success && size < TwoTo32 - 16) live.push(got.address);
    }
  }
  return s;

  function request(): number {
    if (rng.chance(o.zero)) return 0;
    if (rng.chance(o.huge)) return TwoTo32 - rng.range(1, 12);
    if (rng.chance(o.oversize)) return rng.chance(0.5) ? rng.range(heapLimit, heapLimit * 2) : rng.range(2 ** 27 - 11, TwoTo32 - 13);
    if (rng.chance(o.large)) return rng.range(16 * KiB - 11, 256 * KiB);
    const k = rng.float();
    if (k < 0.5) return rng.pick(favourites);
    if (k < 0.75) return rng.range(1, 64);
    if (k < 0.92) return rng.range(65, 1024);
    return rng.range(1025, 16 * KiB);
  }
}
