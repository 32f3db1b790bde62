// Seeded operation mixes over the engine's BitAllocator, PoolAllocator and SplitAllocator; each returns a checksum of the addresses it got.
import {
  Allocator, BitAllocator, PhysicalMemory, PoolAllocator, SplitAllocator, type BuildMode,
} from '../../engine/index';

const { Success, InvalidAddress } = Allocator.Result;
const PAGE = 4096;

/** What a mix reports: the checksum of returned addresses and how many requests failed. */
export interface MixResult {
  checksum: number;
  failures: number;
}

/** The LCG of bitalloc.c / bitalloc-mix.mts: rng = rng * 1664525 + 1013904223 mod 2^32. */
export function lcg(seed: number): () => number {
  let rng = seed >>> 0;
  return () => (rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0);
}

/** Folds one address into a checksum as bitalloc.c does: chk = chk * 31 + address mod 2^32. */
function fold(checksum: number, address: number): number {
  return (Math.imul(checksum, 31) + address) >>> 0;
}

/**
 * BitAllocator over 32768 chunks of 4 KiB at 0x100000: each op allocates 1–16 chunks or frees a
 * whole live block chunk by chunk (50/50). The same loop as bitalloc-mix.mts, so with mode
 * 'debug' its checksum equals bitalloc.c's for the same op count.
 */
export function bitAllocatorMix(ops: number, mode: BuildMode = 'debug'): MixResult {
  const CHUNKS = 32768, CHUNK = PAGE, BASE = 0x100000;
  const a = new BitAllocator({ address: BASE, size: CHUNKS * CHUNK, alignment: 4096 }, CHUNK, { mode });
  const next = lcg(12345);
  const addrs: number[] = [], pages: number[] = [];
  const range = { address: 0, size: 0, alignment: 0 };
  let chk = 0, failures = 0;
  for (let op = 0; op < ops; op++) {
    const r = next();
    if (addrs.length === 0 || r % 100 < 50) {
      const n = 1 + (next() % 16);
      range.size = n * CHUNK; range.alignment = 0;
      if (a.allocate(range) === Success) {
        addrs.push(range.address); pages.push(n); chk = fold(chk, range.address);
        continue;
      }
      failures++;
      if (addrs.length === 0) continue;
    }
    const k = next() % addrs.length;
    for (let p = 0; p < pages[k]!; p++) a.release(addrs[k]! + p * CHUNK);
    chk = fold(chk, addrs[k]!);
    addrs[k] = addrs[addrs.length - 1]!; pages[k] = pages[pages.length - 1]!; addrs.pop(); pages.pop();
  }
  return { checksum: chk, failures };
}

/**
 * A parent that can free, built from the engine's own parts: whole 4 KiB pages from a
 * BitAllocator, the granted size rounded up to pages and reported back in args.size (as
 * PageAllocator does); release() frees every page of the block it gave out.
 */
export class PageParent extends Allocator {
  private readonly pages: BitAllocator;
  private readonly blocks = new Map<number, number>();

  constructor(range: Allocator.Range, mode: BuildMode) {
    super(range, { name: 'PageParent', mode });
    this.pages = new BitAllocator(range, PAGE, { name: 'PageParent.pages', mode });
  }

  override available(): number {
    return this.pages.available();
  }

  /** Whole pages, next fit; args.size becomes the granted size. args.alignment is ignored (blocks are page-aligned). */
  override allocate(args: Allocator.Range): Allocator.Result {
    const size = Math.ceil(args.size / PAGE) * PAGE;
    const request = { address: 0, size, alignment: 0 };
    const result = this.pages.allocate(request);
    if (result !== Success) return result;
    this.blocks.set(request.address, size);
    args.address = request.address;
    args.size = size;
    return Success;
  }

  /** Frees the whole block that starts at `address`; InvalidAddress for anything else. */
  override release(address: number): Allocator.Result {
    const size = this.blocks.get(address);
    if (size === undefined) return InvalidAddress;
    for (let at = 0; at < size; at += PAGE) this.pages.release(address + at);
    this.blocks.delete(address);
    return Success;
  }
}

/** Log-uniform request size: an octave e in 0..12, then uniform in [2^e, 2^(e+1)), so 1..8191 bytes. */
function poolSize(next: () => number): number {
  const e = next() % 13;
  return (1 << e) + (next() % (1 << e));
}

/**
 * PoolAllocator (metadata in a PhysicalMemory) over a PageParent of 64 MiB at 0x10000000:
 * malloc of log-uniform 1..8191 bytes or free of a random live object; the live set hovers
 * around `live` objects (allocate with 60% below it, 40% at or above it).
 */
export function poolAllocatorMix(ops: number, mode: BuildMode = 'debug', live = 4096): MixResult {
  const BASE = 0x10000000, SIZE = 64 * 1024 * 1024;
  const memory = new PhysicalMemory(BASE + SIZE);
  const parent = new PageParent({ address: BASE, size: SIZE, alignment: PAGE }, mode);
  const pool = new PoolAllocator(parent, { memory, mode });
  const next = lcg(67890);
  const addrs: number[] = [];
  const range = { address: 0, size: 0, alignment: 0 };
  let chk = 0, failures = 0;
  for (let op = 0; op < ops; op++) {
    const r = next() % 100;
    if (addrs.length === 0 || r < (addrs.length < live ? 60 : 40)) {
      range.size = poolSize(next); range.alignment = 0;
      if (pool.allocate(range) === Success) {
        addrs.push(range.address); chk = fold(chk, range.address);
        continue;
      }
      failures++;
      if (addrs.length === 0) continue;
    }
    const k = next() % addrs.length;
    pool.release(addrs[k]!);
    chk = fold(chk, addrs[k]!);
    addrs[k] = addrs[addrs.length - 1]!; addrs.pop();
  }
  return { checksum: chk, failures };
}

/**
 * SplitAllocator over 32768 physical pages at 0x100000 (virtual 0x40100000): per op, 2%
 * allocateSparse of 8–32 pages (each 8-page run becomes a live block), 48% allocate(phys, virt)
 * of 1–8 pages, 50% free of a random live block page by page. The checksum folds physical and
 * virtual addresses.
 */
export function splitAllocatorMix(ops: number, mode: BuildMode = 'debug'): MixResult {
  const PAGES = 32768, BASE = 0x100000, VIRT = 0x40100000;
  const a = new SplitAllocator({ address: BASE, size: PAGES * PAGE, alignment: PAGE },
    { address: VIRT, size: PAGES * PAGE, alignment: PAGE }, PAGE, { mode });
  const next = lcg(24680);
  const addrs: number[] = [], pages: number[] = [];
  const phys = { address: 0, size: 0, alignment: 0 };
  const virt = { address: 0, size: 0, alignment: 0 };
  let chk = 0, failures = 0;
  const takeRun = (address: number): void => {
    addrs.push(address); pages.push(8); chk = fold(chk, address);
  };
  for (let op = 0; op < ops; op++) {
    const r = next() % 100;
    if (r < 2) {
      phys.size = (1 + (next() % 4)) * 8 * PAGE; phys.alignment = 0;
      if (a.allocateSparse(phys, takeRun) !== Success) failures++;
      continue;
    }
    if (addrs.length === 0 || r < 50) {
      const n = 1 + (next() % 8);
      phys.size = n * PAGE; phys.alignment = 0;
      if (a.allocate(phys, virt) === Success) {
        addrs.push(phys.address); pages.push(n); chk = fold(fold(chk, phys.address), virt.address);
        continue;
      }
      failures++;
      if (addrs.length === 0) continue;
    }
    const k = next() % addrs.length;
    for (let p = 0; p < pages[k]!; p++) a.release(addrs[k]! + p * PAGE);
    chk = fold(chk, addrs[k]!);
    addrs[k] = addrs[addrs.length - 1]!; pages[k] = pages[pages.length - 1]!; addrs.pop(); pages.pop();
  }
  return { checksum: chk, failures };
}

/** The three engine mixes by name, for the worker and the smoke test. */
export const mixes = {
  BitAllocator: bitAllocatorMix,
  PoolAllocator: poolAllocatorMix,
  SplitAllocator: splitAllocatorMix,
} as const;
export type MixName = keyof typeof mixes;
