// The split-allocator subject (exercise 04-split-allocator): the student's class is FreeNOS's
// SplitAllocator, the kernel's physical page allocator, with a numeric API (lab.ts
// SplitAllocatorExercise), built as new C(physicalBase, physicalSize, virtualBase, pageSize).
// Scenarios boot like the kernel (a few pages reserved with allocateAt), then fill the memory with
// page allocations and sparse 8-page runs until it runs out, drain it page by page (so next fit
// wraps and holes appear, which makes sparse requests fail half-way), translate addresses both ways
// (inside the range, where the arithmetic wraps around 2^32, and anywhere), and mix in odd requests: size
// 0, bad alignments, sparse sizes off 8 pages or above what is free, double frees and addresses
// outside the range. The oracle is the engine's SplitAllocator in release mode, where FreeNOS checks
// nothing on release(), allocateAt() or isAllocated().
import { callRecorder, releaseFromBlocks } from './allocatorCalls';
import { readOptions } from './options';
import { Allocator } from '../../kernel/Allocator';
import { SplitAllocator } from '../../kernel/SplitAllocator';
import { Random } from '../../workload/Random';
import type { Call, Scenario, Subject } from '../Conformance';

type Options = Record<string, number | string>;

const TwoTo32 = 2 ** 32;
/** Pages in one allocateSparse run (FreeNOS takes 8 contiguous pages at a time). */
const RUN = 8;

const defaults = {
  seed: 1,
  /** Calls per scenario. */
  ops: 200,
  /** Physical pages managed (the range is pages × pageSize bytes). */
  pages: 64,
  pageSize: 4096,
  /** 'random': a seeded page-aligned base, an odd number of pages past a MiB; or an address. */
  physical: 'random',
  /** 'random': above the physical range (like a kernel's high mapping), below it, or equal to it; or an address. */
  virtual: 'random',
  /** Share of allocations asking for 0 bytes (the BitAllocator's zero-size quirk). */
  zero: 0.02,
  /** Share of calls with a stray address: releasing a free page or a page's middle, reserving or asking about pages outside the range. */
  strays: 0.05,
  /** Share of calls that are allocateSparse. */
  sparse: 0.1,
  /** Share of calls that are toVirtual or toPhysical. */
  translate: 0.15,
};

export const splitAllocatorSubject: Subject = {
  name: 'split-allocator',
  describe: 'a SplitAllocator class (new C(physicalBase, physicalSize, virtualBase, pageSize)) with allocate(size, alignment), allocateAt(address), allocateSparse(size), release(address), isAllocated(address), available(), toVirtual(physical) and toPhysical(virtual), as FreeNOS\'s',
  methods: ['allocate', 'allocateAt', 'allocateSparse', 'release', 'isAllocated', 'available', 'toVirtual', 'toPhysical'],
  defaults: { ...defaults },
  scenario,
  oracle,
};

/** The engine's SplitAllocator for a scenario's constructor arguments [physicalBase, physicalSize, virtualBase, pageSize]. */
export function engineAllocator(args: unknown[]): SplitAllocator {
  const [physicalBase, physicalSize, virtualBase, pageSize] = args as [number, number, number, number];
  return new SplitAllocator({ address: physicalBase, size: physicalSize, alignment: pageSize },
    { address: virtualBase, size: physicalSize, alignment: pageSize }, pageSize, { mode: 'release', name: 'SplitAllocator' });
}

/** The engine's answer to one call (plain data); throws RangeError for a method the subject lacks. */
export function answer(allocator: SplitAllocator, call: Call): unknown {
  const [a = 0, b = 0] = call.args;
  switch (call.method) {
    case 'allocate': {
      const range = { address: 0, size: a, alignment: b };
      const result = allocator.allocate(range);
      return { result, address: result === Allocator.Result.Success ? range.address : 0 };
    }
    case 'allocateAt':
      return allocator.allocateAt(a);
    case 'allocateSparse': {
      const runs: number[] = [];
      const result = allocator.allocateSparse({ address: 0, size: a, alignment: 0 }, (physical) => runs.push(physical));
      return { result, runs };
    }
    case 'release':
      return allocator.release(a);
    case 'isAllocated':
      return allocator.isAllocated(a);
    case 'available':
      return allocator.available();
    case 'toVirtual':
      return allocator.toVirtual(a);
    case 'toPhysical':
      return allocator.toPhysical(a);
    default:
      throw new RangeError(`split-allocator: no method ${call.method}`);
  }
}

function oracle(s: Scenario): unknown[] {
  const allocator = engineAllocator(s.args);
  return s.calls.map((call) => answer(allocator, call));
}

type Checked = Omit<typeof defaults, 'physical' | 'virtual'> & { physical: number | 'random'; virtual: number | 'random' };

/** Options merged with the defaults and checked; throws RangeError naming the bad option. */
function checked(options: Options): Checked {
  const { o, int, share, seed } = readOptions('split-allocator', defaults, options);
  const pages = int('pages', 1, 65536);
  const pageSize = int('pageSize', 1, 1 << 20);
  const size = pages * pageSize;
  if (size > 2 ** 31) throw new RangeError(`split-allocator: pages × pageSize must be at most 2^31 bytes, got ${size}`);
  const base = (key: string) => (o[key] === 'random' ? 'random' : int(key, 0, TwoTo32 - size));
  const physical = base('physical');
  const virtual = base('virtual');
  const shares = { zero: share('zero'), strays: share('strays'), sparse: share('sparse'), translate: share('translate') };
  const sum = shares.strays + shares.sparse + shares.translate;
  if (sum > 0.8 + 1e-9) throw new RangeError(`split-allocator: options 'strays' + 'sparse' + 'translate' must add up to at most 0.8, got ${Math.round(sum * 1000) / 1000}`);
  return { seed, ops: int('ops', 1, 100000), pages, pageSize, physical, virtual, ...shares };
}

/** A seeded scenario: see the file comment. Same options, same calls. */
function scenario(options: Options): Scenario {
  const o = checked(options);
  const rng = new Random(o.seed);
  const { pages, pageSize } = o;
  const size = pages * pageSize;
  const physical = typeof o.physical === 'number' ? o.physical : 0x100000 * rng.range(1, 15) + pageSize * (2 * rng.int(128) + 1);
  const virtual = typeof o.virtual === 'number' ? o.virtual : randomVirtual();
  const args = [physical, size, virtual, pageSize];

  const sim = engineAllocator(args);
  const { calls, run } = callRecorder((call) => answer(sim, call));
  /** Page addresses the generator may release: one list per allocated block (a run of pages, a sparse run, a reserved page). */
  const blocks: number[][] = [];
  const pageAt = (n: number) => physical + n * pageSize;
  const used = (): boolean[] => Array.from({ length: pages }, (_, n) => sim.isAllocated(pageAt(n)));
  let filling = true;

  boot();
  while (calls.length < o.ops) {
    const r = rng.float();
    const free = sim.available() / pageSize;
    if (filling && free < pages / 8) filling = false;
    else if (!filling && (free > pages * 0.6 || blocks.length === 0)) filling = true;
    let at = 0.05;
    if (r < at) run('available');
    else if (r < (at += 0.04)) run('isAllocated', pageAt(rng.int(pages)) + (pageSize > 1 && rng.chance(0.2) ? rng.range(1, pageSize - 1) : 0));
    else if (r < (at += 0.02)) reserve(rng.int(pages));
    else if (r < (at += o.translate)) translate();
    else if (r < (at += o.strays)) stray();
    else if (r < (at += o.sparse)) sparse();
    else if (r < at + (1 - at) * (filling ? 0.7 : 0.3)) allocate();
    else if (blocks.length > 0) release();
  }
  return { args, calls: calls.slice(0, o.ops) };

  /** A page-aligned virtual base: high above 2 GiB (half the time), below the physical base, or the physical base itself. */
  function randomVirtual(): number {
    const top = Math.floor((TwoTo32 - size) / pageSize);
    const k = rng.float();
    if (k < 0.5) return pageSize * rng.range(Math.min(top, Math.ceil(2 ** 31 / pageSize)), top);
    if (k < 0.8 && physical >= pageSize) return pageSize * rng.range(0, Math.floor(physical / pageSize) - 1);
    return physical;
  }

  /** Like the kernel at boot: reserves a few pages from the bottom (its own image) with allocateAt, and sometimes one more. */
  function boot(): void {
    run('available');
    const low = rng.range(0, Math.min(4, pages - 1));
    for (let n = 0; n < low; n++) reserve(n);
    if (rng.chance(0.5)) reserve(rng.int(pages));
    run('available');
  }

  /** allocateAt on page n (sometimes its middle); a page it takes becomes a block. */
  function reserve(n: number): void {
    const wasFree = !sim.isAllocated(pageAt(n));
    run('allocateAt', pageAt(n) + (pageSize > 1 && rng.chance(0.15) ? rng.range(1, pageSize - 1) : 0));
    if (wasFree) blocks.push([pageAt(n)]);
  }

  /** A size of 1..many pages (sometimes not a multiple, sometimes 0) and an alignment (sometimes invalid). */
  function allocate(): void {
    const k = rng.float();
    const n = k < 0.55 ? 1 : k < 0.8 ? rng.range(2, 4) : k < 0.95 ? rng.range(2, Math.max(2, pages >>> 2)) : rng.range(pages, pages + 2);
    const bytes = rng.chance(o.zero) ? 0 : rng.chance(0.6) ? n * pageSize : (n - 1) * pageSize + rng.range(1, pageSize);
    const a = rng.float();
    const alignment = a < 0.45 ? 0
      : a < 0.8 ? pageSize * rng.pick([1, 2, 4, 8, 3])
        : a < 0.9 ? pageSize * rng.pick([16, 64, 1024])
          : pageSize === 1 ? 0 : rng.pick([pageSize + rng.range(1, pageSize - 1), rng.range(1, pageSize - 1), 3 * pageSize + 1]);
    const before = bytes === 0 ? used() : [];
    const got = run('allocate', bytes, alignment) as { result: number; address: number };
    if (got.result === Allocator.Result.Success) {
      if (bytes > 0) blocks.push(Array.from({ length: Math.ceil(bytes / pageSize) }, (_, j) => got.address + j * pageSize));
      else {
        const after = used();
        blocks.push(after.flatMap((u, j) => (u && !before[j] ? [pageAt(j)] : [])));
      }
    } else if (got.result === Allocator.Result.OutOfMemory && rng.chance(0.5)) filling = false;
  }

  /** allocateSparse: 8-page multiples (some too many for what is free or for the holes), sizes off 8 pages, 0. */
  function sparse(): void {
    const step = RUN * pageSize;
    const freeRuns = Math.floor(sim.available() / step);
    const k = rng.float();
    const bytes = k < 0.5 ? step * rng.range(1, 3)
      : k < 0.7 ? step * Math.max(1, freeRuns)
        : k < 0.85 ? pageSize * rng.range(1, RUN - 1) + (rng.chance(0.5) ? step * rng.range(1, 2) : 0)
          : k < 0.95 ? sim.available() + pageSize * rng.range(1, RUN)
            : 0;
    const got = run('allocateSparse', bytes) as { result: number; runs: number[] };
    for (const address of got.runs) blocks.push(Array.from({ length: RUN }, (_, j) => address + j * pageSize));
    if (got.result === Allocator.Result.OutOfMemory && rng.chance(0.5)) filling = false;
  }

  /** toVirtual or toPhysical of an address in the range (a page or inside one), one whose translation wraps around 2^32, or any 32-bit address. */
  function translate(): void {
    const toVirtual = rng.chance(0.5);
    const k = rng.float();
    if (k < 0.5) {
      const address = pageAt(rng.int(pages)) + (rng.chance(0.3) ? rng.int(pageSize) : 0);
      if (toVirtual) run('toVirtual', address);
      else run('toPhysical', sim.toVirtual(address));
    } else run(toVirtual ? 'toVirtual' : 'toPhysical', k < 0.75 ? wrapping(toVirtual) : rng.int(TwoTo32));
  }

  /**
   * An address whose translation leaves 0..2^32 − 1 before the modulo: toVirtual(p) = p − offset
   * (offset = physical − virtual) is below 0 for p < offset and at least 2^32 for p ≥ 2^32 + offset;
   * toPhysical the other way round. Any address when the offset is 0.
   */
  function wrapping(toVirtual: boolean): number {
    const d = toVirtual ? physical - virtual : virtual - physical;
    if (d === 0) return rng.int(TwoTo32);
    return d > 0 ? rng.int(d) : TwoTo32 + d + rng.int(-d);
  }

  /** Releases a whole block page by page, its first page only, or one page in its middle. */
  function release(): void {
    releaseFromBlocks(rng, blocks, 0.35, 0.75, (address) => run('release', address), () => calls.length < o.ops);
  }

  /** What FreeNOS's debug build would assert on: a free page, a page's middle, addresses outside the range. */
  function stray(): void {
    const k = rng.float();
    const n = rng.int(pages);
    const outside = () => (rng.chance(0.5) ? Math.max(0, physical - rng.range(1, 4 * pageSize)) : Math.min(TwoTo32 - 1, physical + size + rng.int(3 * pageSize)));
    if (k < 0.35) run('release', pageAt(n));
    else if (k < 0.5 && pageSize > 1) run('release', pageAt(n) + rng.range(1, pageSize - 1));
    else if (k < 0.7) run('release', outside());
    else if (k < 0.85) run('isAllocated', outside());
    else run('allocateAt', outside());
  }
}
