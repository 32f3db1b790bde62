// IntelPaging (§6): the Intel MemoryContext on a booted 16 MiB kernel. Result codes (§6.1), the
// primitives (§6.2) with Intel's entry layout and quirks (§6.4: unmasked phys, the directory
// entry's User bit from the first mapping, unmap Success without a mapping, lookup dropping the
// offset, initialize copying the kernel entries), the generic range methods (§6.3: next-fit
// contiguous maps, 8-page sparse runs with interleaved tables, no rollback, findFree first fit),
// TLB maintenance, and what is freed by what (§6.6). Traps of §10.5, 10.9–10.14, 10.16.
import { describe, expect, it } from 'vitest';
import {
  Allocator, AssertionError, EventLog, IntelEntry, IntelLayout, IntelPaging, Kernel, Memory, MemoryContext,
  PageFault, Region, hex, type IntelPagingOptions, type SplitAllocator,
} from '../../../engine/index';

const MiB = 1024 * 1024;
const PAGE = 4096;
const SECTION = 4 * MiB;
const { Success, InvalidAddress, InvalidSize, AlreadyExists, OutOfMemory, InvalidArgs } = MemoryContext.Result;
const P = IntelEntry.Present;
const W = IntelEntry.Writable;
const U = IntelEntry.User;
const L = IntelEntry.Large;
const R = Memory.Readable;
const RW = Memory.Readable | Memory.Writable;
const URW = Memory.User | Memory.Readable | Memory.Writable;

/** A user context on `kernel`, logging to `log`, not yet initialized. */
function userContext(kernel: Kernel, options: Partial<IntelPagingOptions> = {}) {
  return new IntelPaging(kernel.memoryMap, kernel.allocator, { memory: kernel.memory, mmu: kernel.mmu, name: 'p', ...options });
}

/** A 16 MiB kernel and an initialized user context 'p' on it (not active: the kernel's context is). */
function boot(options: Partial<IntelPagingOptions> = {}) {
  const kernel = new Kernel({ ramSize: 16 * MiB });
  const log = new EventLog();
  const ctx = userContext(kernel, { log, ...options });
  expect(ctx.initialize()).toBe(Success);
  return { kernel, ctx, log, allocator: kernel.allocator, memory: kernel.memory, mmu: kernel.mmu };
}

/** The directory entry covering `virt`. */
const pdeOf = (ctx: IntelPaging, virt: number) => ctx.memory.read32(ctx.root() + (virt >>> 22) * 4);
/** The physical page of the table behind `virt`'s directory entry. */
const tableOf = (ctx: IntelPaging, virt: number) => (pdeOf(ctx, virt) & 0xfffff000) >>> 0;
/** The table entry for `virt` (its table must exist). */
const pteOf = (ctx: IntelPaging, virt: number) => ctx.memory.read32(tableOf(ctx, virt) + ((virt >>> 12) & 0x3ff) * 4);

/** Takes one free page from the allocator (next fit) and returns it. */
function takePage(allocator: SplitAllocator): number {
  const range: Allocator.Range = { address: 0, size: PAGE, alignment: PAGE };
  expect(allocator.allocate(range)).toBe(Allocator.Result.Success);
  return range.address;
}

/** Takes every free page (they are one run right after boot). */
function exhaust(allocator: SplitAllocator): void {
  expect(allocator.allocate({ address: 0, size: allocator.available(), alignment: PAGE })).toBe(Allocator.Result.Success);
  expect(allocator.available()).toBe(0);
}

const range = (virt: number, size: number, phys = 0, access: number = URW): Memory.Range => ({ virt, phys, size, access });

describe('IntelPaging: codes and constants', () => {
  it('has the result codes of §6.1 (InvalidArgs declared as 5)', () => {
    expect([Success, InvalidAddress, InvalidSize, AlreadyExists, OutOfMemory, InvalidArgs]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('uses the constants and entry bits of §6.4', () => {
    expect([IntelLayout.PageShift, IntelLayout.DirectoryShift, IntelLayout.DirectoryEntries, IntelLayout.TableEntries])
      .toEqual([12, 22, 1024, 1024]);
    expect([IntelLayout.PageMask, IntelLayout.SectionMask, IntelLayout.SectionSize]).toEqual([0xfffff000, 0xffc00000, SECTION]);
    expect([P, W, U, L]).toEqual([0x001, 0x002, 0x004, 0x080]);
  });

  it('indexes a virtual address as directory = virt >> 22, table = (virt >> 12) & 0x3FF (§6.4)', () => {
    expect(IntelLayout.directoryIndex(0xc0003ffc)).toBe(0x300);
    expect(IntelLayout.tableIndex(0xc0003ffc)).toBe(3);
    expect(IntelLayout.directoryIndex(0xffffffff)).toBe(1023);
    expect(IntelLayout.tableIndex(0xffffffff)).toBe(1023);
  });
});

describe('IntelPaging.map (§6.2, §6.4)', () => {
  it('creates the table on demand: one page from the SplitAllocator, pointed at by the directory entry', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(pdeOf(ctx, 0x80000000)).toBe(0);
    expect(ctx.map(0x80000000, 0x400000, URW)).toBe(Success);
    expect(allocator.available()).toBe(before - PAGE);
    const table = tableOf(ctx, 0x80000000);
    expect(table).not.toBe(0);
    expect(allocator.isAllocated(table)).toBe(true);
  });

  it('reuses the table for a second mapping in the same 4 MiB, and makes another for the next 4 MiB', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80000000, 0x400000, URW);
    const before = allocator.available();
    expect(ctx.map(0x803ff000, 0x401000, URW)).toBe(Success);
    expect(allocator.available()).toBe(before);
    expect(ctx.map(0x80400000, 0x402000, URW)).toBe(Success);
    expect(allocator.available()).toBe(before - PAGE);
    expect(tableOf(ctx, 0x80400000)).not.toBe(tableOf(ctx, 0x80000000));
  });

  it('does not allocate the target page', () => {
    const { ctx, allocator } = boot();
    expect(allocator.isAllocated(0x400000)).toBe(false);
    ctx.map(0x80000000, 0x400000, URW);
    expect(allocator.isAllocated(0x400000)).toBe(false);
  });

  it('returns OutOfMemory when no page is left for a new table, and writes no directory entry', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80400000, 0x400000, URW);
    exhaust(allocator);
    expect(ctx.map(0x80000000, 0x500000, URW)).toBe(OutOfMemory);
    expect(pdeOf(ctx, 0x80000000)).toBe(0);
    expect(ctx.map(0x80401000, 0x501000, URW)).toBe(Success); // its table already exists
  });

  it('returns AlreadyExists (3) for a present slot and overwrites nothing (§10.13)', () => {
    const { ctx } = boot();
    ctx.map(0x80001000, 0x400000, URW);
    expect(ctx.map(0x80001000, 0x500000, R)).toBe(AlreadyExists);
    expect(pteOf(ctx, 0x80001000)).toBe(0x400000 | P | W | U);
    expect(ctx.lookup(0x80001000)).toEqual({ result: Success, phys: 0x400000 });
  });

  it.each([
    { name: 'None', access: Memory.None, bits: P },
    { name: 'R', access: R, bits: P },
    { name: 'R|W', access: RW, bits: P | W },
    { name: 'R|U', access: R | Memory.User, bits: P | U },
    { name: 'R|W|U', access: URW, bits: P | W | U },
    { name: 'R|W|X|U', access: URW | Memory.Executable, bits: P | W | U },
    { name: 'R|W|Uncached|Device', access: RW | Memory.Uncached | Memory.Device, bits: P | W },
  ])('writes the page-table entry phys | Present | Writable-if-W | User-if-U for $name', ({ access, bits }) => {
    const { ctx } = boot();
    expect(ctx.map(0x80005000, 0x00abc000, access)).toBe(Success);
    expect(pteOf(ctx, 0x80005000)).toBe(0x00abc000 | bits);
  });

  it('does not mask phys: an unaligned phys leaks into the flag bits (§6.4)', () => {
    const { ctx, mmu } = boot();
    expect(ctx.map(0x80000000, 0x00400006, R)).toBe(Success); // asks for read-only, kernel-only
    expect(pteOf(ctx, 0x80000000)).toBe(0x00400007); // 6 = Writable | User leaked in
    expect(ctx.access(0x80000000)).toEqual({ result: Success, access: URW });
    expect(ctx.lookup(0x80000000)).toEqual({ result: Success, phys: 0x00400000 });
    ctx.activate();
    expect(mmu.translate(0x80000010, 'write', false)).toBe(0x00400010); // not ReadOnly
  });

  it('writes the directory entry table | Present | Writable | User for a first user mapping, even a read-only one', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x400000, R | Memory.User);
    const table = tableOf(ctx, 0x80000000);
    expect(pdeOf(ctx, 0x80000000)).toBe(table | P | W | U);
  });

  it('writes the directory entry table | Present | Writable (no User) for a first kernel mapping', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x400000, R);
    expect(pdeOf(ctx, 0x80000000)).toBe(tableOf(ctx, 0x80000000) | P | W);
  });

  it('never updates the directory entry: a later user mapping in the same 4 MiB keeps the first one\'s bits (§10.16)', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x400000, RW); // kernel-only first
    const pde = pdeOf(ctx, 0x80000000);
    expect(ctx.map(0x80001000, 0x401000, URW)).toBe(Success);
    expect(pdeOf(ctx, 0x80001000)).toBe(pde);
    expect(pde & U).toBe(0);
    expect(pteOf(ctx, 0x80001000)).toBe(0x401000 | P | W | U);
    ctx.unmap(0x80000000); // not even when the first mapping is gone
    ctx.map(0x80002000, 0x402000, URW);
    expect(pdeOf(ctx, 0x80002000)).toBe(pde);
  });

  it('makes that later user mapping KernelOnly for user accesses through the MMU (§10.16)', () => {
    const { ctx, mmu } = boot();
    ctx.map(0x80000000, 0x400000, RW);
    ctx.map(0x80001000, 0x401000, URW);
    ctx.activate();
    expect(mmu.translate(0x80001004, 'read', true)).toBe(PageFault.KernelOnly);
    expect(mmu.translate(0x80001004, 'read', false)).toBe(0x401004);
    ctx.map(0x80400000, 0x402000, URW); // a user first mapping elsewhere works for user mode
    expect(mmu.translate(0x80400004, 'write', true)).toBe(0x402004);
  });
});

describe('IntelPaging.unmap (§6.2, §6.4, §10.10)', () => {
  it('clears the entry and frees nothing: not the page, not the table', () => {
    const { ctx, allocator } = boot();
    const phys = takePage(allocator);
    ctx.map(0x80000000, phys, URW);
    const table = tableOf(ctx, 0x80000000);
    const pde = pdeOf(ctx, 0x80000000);
    const before = allocator.available();
    expect(ctx.unmap(0x80000000)).toBe(Success);
    expect(pteOf(ctx, 0x80000000)).toBe(0);
    expect(ctx.lookup(0x80000000).result).toBe(InvalidAddress);
    expect(allocator.available()).toBe(before);
    expect(allocator.isAllocated(phys)).toBe(true);
    expect(allocator.isAllocated(table)).toBe(true);
    expect(pdeOf(ctx, 0x80000000)).toBe(pde);
  });

  it('returns Success for an unmapped page when the table exists', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x400000, URW);
    expect(ctx.unmap(0x80005000)).toBe(Success);
    expect(ctx.unmap(0x80005000)).toBe(Success);
    expect(ctx.lookup(0x80000000).result).toBe(Success);
  });

  it('returns InvalidAddress when the directory entry has no table, and writes nothing', () => {
    const { ctx, log } = boot();
    ctx.map(0x80000000, 0x400000, URW);
    const mark = log.mark();
    expect(ctx.unmap(0x80400000)).toBe(InvalidAddress);
    expect(log.since(mark)).toEqual([]);
  });
});

describe('IntelPaging.lookup (§6.2, §6.4, §10.11)', () => {
  it('returns the page base: the offset within the page is dropped', () => {
    const { ctx } = boot();
    ctx.map(0x80003000, 0x00456000, URW);
    expect(ctx.lookup(0x80003abc)).toEqual({ result: Success, phys: 0x00456000 });
    expect(ctx.lookup(0x80003fff)).toEqual({ result: Success, phys: 0x00456000 });
  });

  it('returns InvalidAddress for an unmapped page, with or without a table', () => {
    const { ctx } = boot();
    ctx.map(0x80003000, 0x00456000, URW);
    expect(ctx.lookup(0x80004000)).toEqual({ result: InvalidAddress, phys: 0 });
    expect(ctx.lookup(0x90000000)).toEqual({ result: InvalidAddress, phys: 0 });
  });

  it('with a non-present 4 MiB directory entry returns section base + page offset', () => {
    const { ctx, memory } = boot();
    memory.write32(ctx.root() + 0x300 * 4, 0x00800000 | L);
    expect(ctx.lookup(0xc0012345)).toEqual({ result: Success, phys: 0x00812000 });
    expect(ctx.lookup(0xc03ff000)).toEqual({ result: Success, phys: 0x00bff000 });
  });

  it('treats the kernel\'s present 4 MiB entries as table pointers: direct-map lookups are not meaningful', () => {
    const { ctx, memory } = boot();
    expect(pdeOf(ctx, 0x00400000)).toBe(0x00400000 | P | W | L);
    expect(ctx.lookup(0x00400000).result).toBe(InvalidAddress); // the kernel does map it
    memory.write32(0x00400000 + 5 * 4, 0x00abc001); // a word in RAM read as a table entry
    expect(ctx.lookup(0x00405000)).toEqual({ result: Success, phys: 0x00abc000 });
  });
});

describe('IntelPaging.access (§6.2, §6.4)', () => {
  it.each([
    { name: 'R', mapped: R, reported: R },
    { name: 'R|W', mapped: RW, reported: RW },
    { name: 'R|U', mapped: R | Memory.User, reported: R | Memory.User },
    { name: 'R|W|U', mapped: URW, reported: URW },
    { name: 'R|W|X|U', mapped: URW | Memory.Executable, reported: URW },
    { name: 'X', mapped: Memory.Executable, reported: R },
    { name: 'R|W|Uncached|Device', mapped: RW | Memory.Uncached | Memory.Device, reported: RW },
  ])('reports Readable plus Writable/User only, never Executable or caching, for $name', ({ mapped, reported }) => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x400000, mapped);
    expect(ctx.access(0x80000123)).toEqual({ result: Success, access: reported });
  });

  it('returns InvalidAddress for an unmapped page', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x400000, URW);
    expect(ctx.access(0x80001000).result).toBe(InvalidAddress);
    expect(ctx.access(0x90000000).result).toBe(InvalidAddress);
  });
});

describe('IntelPaging.mapRangeContiguous (§6.3)', () => {
  it('with phys 0 allocates contiguous pages, writes range.phys back and maps page i to phys + i', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    const r = range(0x80000000, 3 * PAGE);
    expect(ctx.mapRangeContiguous(r)).toBe(Success);
    expect(r.phys).toBe(ctx.root() + PAGE); // next fit: the page after the directory
    for (let i = 0; i < 3; i++) {
      expect(ctx.lookup(0x80000000 + i * PAGE)).toEqual({ result: Success, phys: r.phys + i * PAGE });
      expect(allocator.isAllocated(r.phys + i * PAGE)).toBe(true);
    }
    expect(tableOf(ctx, 0x80000000)).toBe(r.phys + 3 * PAGE); // the table comes after the pages
    expect(allocator.available()).toBe(before - 4 * PAGE);
  });

  it('allocates next fit: from the previous allocation, not the lowest free page', () => {
    const { ctx, allocator } = boot();
    const first = takePage(allocator);
    const second = takePage(allocator);
    allocator.release(first);
    const r = range(0x80000000, PAGE);
    expect(ctx.mapRangeContiguous(r)).toBe(Success);
    expect(r.phys).toBe(second + PAGE);
    expect(allocator.isAllocated(first)).toBe(false);
  });

  it('rounds the size up to whole pages and maps each page that starts below virt + size', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    const r = range(0x80000000, 5000);
    expect(ctx.mapRangeContiguous(r)).toBe(Success);
    expect(allocator.available()).toBe(before - 3 * PAGE); // 2 pages + the table
    expect(ctx.lookup(0x80001000)).toEqual({ result: Success, phys: r.phys + PAGE });
    expect(ctx.lookup(0x80002000).result).toBe(InvalidAddress);
  });

  it('with phys given allocates nothing but the table and maps phys + i', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    const r = range(0x80000000, 2 * PAGE, 0x00700000);
    expect(ctx.mapRangeContiguous(r)).toBe(Success);
    expect(r.phys).toBe(0x00700000);
    expect(allocator.available()).toBe(before - PAGE);
    expect(ctx.lookup(0x80001000)).toEqual({ result: Success, phys: 0x00701000 });
    expect(allocator.isAllocated(0x00700000)).toBe(false);
  });

  it('returns OutOfMemory when the pages cannot be allocated, with range.phys still 0 and nothing mapped', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    const r = range(0x80000000, before + PAGE);
    expect(ctx.mapRangeContiguous(r)).toBe(OutOfMemory);
    expect(r.phys).toBe(0);
    expect(pdeOf(ctx, 0x80000000)).toBe(0);
    expect(allocator.available()).toBe(before);
  });

  it('stops at the first failing map and undoes nothing (§10.14)', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80002000, 0x00700000, URW); // page 2 of the range is taken
    const before = allocator.available();
    const r = range(0x80000000, 4 * PAGE);
    expect(ctx.mapRangeContiguous(r)).toBe(AlreadyExists);
    expect(r.phys).not.toBe(0);
    expect(ctx.lookup(0x80000000)).toEqual({ result: Success, phys: r.phys });
    expect(ctx.lookup(0x80001000)).toEqual({ result: Success, phys: r.phys + PAGE });
    expect(ctx.lookup(0x80002000)).toEqual({ result: Success, phys: 0x00700000 });
    expect(ctx.lookup(0x80003000).result).toBe(InvalidAddress);
    for (let i = 0; i < 4; i++) expect(allocator.isAllocated(r.phys + i * PAGE)).toBe(true);
    expect(allocator.available()).toBe(before - 4 * PAGE);
  });

  it('with size 0 and phys 0 still consumes one page and maps nothing (§10.5)', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    const r = range(0x80000000, 0);
    expect(ctx.mapRangeContiguous(r)).toBe(Success);
    expect(r.phys).not.toBe(0);
    expect(allocator.isAllocated(r.phys)).toBe(true);
    expect(allocator.available()).toBe(before - PAGE);
    expect(pdeOf(ctx, 0x80000000)).toBe(0);
  });
});

describe('IntelPaging.mapRangeSparse (§6.3, §10.9)', () => {
  it('maps 16 pages as two 8-page physical runs with the new table between them', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(ctx.mapRangeSparse(range(0x80000000, 16 * PAGE))).toBe(Success);
    const run1 = ctx.root() + PAGE;
    const table = run1 + 8 * PAGE;
    const run2 = table + PAGE;
    expect(tableOf(ctx, 0x80000000)).toBe(table);
    for (let i = 0; i < 8; i++) {
      expect(ctx.lookup(0x80000000 + i * PAGE).phys).toBe(run1 + i * PAGE);
      expect(ctx.lookup(0x80008000 + i * PAGE).phys).toBe(run2 + i * PAGE);
    }
    expect(allocator.available()).toBe(before - 17 * PAGE);
  });

  it('interleaves a second table between runs when the range enters a new 4 MiB', () => {
    const { ctx } = boot();
    const virt = 0x80400000 - 16 * PAGE;
    expect(ctx.mapRangeSparse(range(virt, 32 * PAGE))).toBe(Success);
    const base = ctx.root() + PAGE;
    // physical layout, in pages from base: run 0-7, table 8, run 9-16, run 17-24, table 25, run 26-33
    const runs = [0, 9, 17, 26];
    expect(tableOf(ctx, virt)).toBe(base + 8 * PAGE);
    expect(tableOf(ctx, 0x80400000)).toBe(base + 25 * PAGE);
    for (let page = 0; page < 32; page++) {
      const expected = base + (runs[page >> 3]! + (page & 7)) * PAGE;
      expect(ctx.lookup(virt + page * PAGE)).toEqual({ result: Success, phys: expected });
    }
  });

  it('maps with range.access', () => {
    const { ctx } = boot();
    ctx.mapRangeSparse(range(0x80000000, 8 * PAGE, 0, R | Memory.User));
    expect(ctx.access(0x80007000)).toEqual({ result: Success, access: R | Memory.User });
  });

  it('ignores range.phys and leaves it untouched', () => {
    const { ctx } = boot();
    const r = range(0x80000000, 8 * PAGE, 0x00f00000);
    expect(ctx.mapRangeSparse(r)).toBe(Success);
    expect(r.phys).toBe(0x00f00000);
    expect(ctx.lookup(0x80000000).phys).toBe(ctx.root() + PAGE);
  });

  it.each([PAGE, 4 * PAGE, 12 * PAGE, 1])('returns OutOfMemory for size %i (not a multiple of 32 KiB), allocating nothing', (size) => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    const r = range(0x80000000, size, 0x00f00000);
    expect(ctx.mapRangeSparse(r)).toBe(OutOfMemory);
    expect(allocator.available()).toBe(before);
    expect(pdeOf(ctx, 0x80000000)).toBe(0);
    expect(r.phys).toBe(0x00f00000);
  });

  it('returns OutOfMemory when fewer pages are free than asked for', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(ctx.mapRangeSparse(range(0x80000000, before + 8 * PAGE))).toBe(OutOfMemory);
    expect(allocator.available()).toBe(before);
  });

  it('returns OutOfMemory when a later 8-page run cannot be found, keeping the runs already mapped (§10.14)', () => {
    const { ctx, allocator } = boot();
    const base = ctx.root() + PAGE;
    exhaust(allocator);
    for (let i = 0; i < 8; i++) allocator.release(base + i * PAGE); // one free run of 8 pages
    for (let i = 0; i < 9; i++) allocator.release(base + (20 + 2 * i) * PAGE); // 9 scattered pages
    expect(ctx.mapRangeSparse(range(0x80000000, 16 * PAGE))).toBe(OutOfMemory);
    for (let i = 0; i < 8; i++) {
      expect(ctx.lookup(0x80000000 + i * PAGE)).toEqual({ result: Success, phys: base + i * PAGE });
      expect(allocator.isAllocated(base + i * PAGE)).toBe(true);
    }
    expect(ctx.lookup(0x80008000).result).toBe(InvalidAddress);
    expect(tableOf(ctx, 0x80000000)).toBe(base + 20 * PAGE); // the first scattered page
    expect(allocator.available()).toBe(8 * PAGE);
  });

  it('treats a failing map as a debug assertion', () => {
    const { ctx } = boot();
    ctx.map(0x80003000, 0x00700000, URW);
    expect(() => ctx.mapRangeSparse(range(0x80000000, 8 * PAGE))).toThrow(AssertionError);
  });

  it('in a release build carries on past a failing map: Success, the old mapping kept, its page leaked', () => {
    // release mode: the debug assertion of the previous test would stop the call half way
    const { ctx, allocator } = boot({ mode: 'release' });
    ctx.map(0x80003000, 0x00700000, URW);
    const before = allocator.available();
    expect(ctx.mapRangeSparse(range(0x80000000, 8 * PAGE))).toBe(Success);
    const run = ctx.lookup(0x80000000).phys;
    expect(ctx.lookup(0x80003000).phys).toBe(0x00700000);
    expect(ctx.lookup(0x80004000).phys).toBe(run + 4 * PAGE);
    expect(allocator.isAllocated(run + 3 * PAGE)).toBe(true);
    expect(allocator.available()).toBe(before - 8 * PAGE);
  });
});

describe('IntelPaging.unmapRange (§6.3)', () => {
  it('unmaps every page and frees nothing', () => {
    const { ctx, allocator } = boot();
    const r = range(0x80000000, 3 * PAGE);
    ctx.mapRangeContiguous(r);
    const before = allocator.available();
    expect(ctx.unmapRange(r)).toBe(Success);
    for (let i = 0; i < 3; i++) {
      expect(ctx.lookup(0x80000000 + i * PAGE).result).toBe(InvalidAddress);
      expect(allocator.isAllocated(r.phys + i * PAGE)).toBe(true);
    }
    expect(allocator.available()).toBe(before);
  });

  it('stops at the first failure (a section without a table) and leaves later pages mapped', () => {
    const { ctx } = boot();
    ctx.map(0x803ff000, 0x00700000, URW); // last page of section 0x200
    ctx.map(0x80800000, 0x00701000, URW); // first page of section 0x202; 0x201 has no table
    expect(ctx.unmapRange(range(0x803ff000, 0x402000))).toBe(InvalidAddress);
    expect(ctx.lookup(0x803ff000).result).toBe(InvalidAddress);
    expect(ctx.lookup(0x80800000)).toEqual({ result: Success, phys: 0x00701000 });
  });
});

describe('IntelPaging.release (§6.3)', () => {
  it('frees the one physical page behind virt, keeps the mapping and returns Success', () => {
    const { ctx, allocator } = boot();
    const r = range(0x80000000, 2 * PAGE);
    ctx.mapRangeContiguous(r);
    const before = allocator.available();
    expect(ctx.release(0x80001010)).toBe(Success);
    expect(allocator.isAllocated(r.phys + PAGE)).toBe(false);
    expect(allocator.isAllocated(r.phys)).toBe(true);
    expect(allocator.available()).toBe(before + PAGE);
    expect(ctx.lookup(0x80001000)).toEqual({ result: Success, phys: r.phys + PAGE });
  });

  it('returns lookup\'s InvalidAddress for an unmapped page and frees nothing', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80000000, takePage(allocator), URW);
    const before = allocator.available();
    expect(ctx.release(0x80001000)).toBe(InvalidAddress);
    expect(ctx.release(0x90000000)).toBe(InvalidAddress);
    expect(allocator.available()).toBe(before);
  });
});

describe('IntelPaging.releaseRange (§6.2, §10.10)', () => {
  it('frees and unmaps every page and keeps the table', () => {
    const { ctx, allocator } = boot();
    const r = range(0x80000000, 3 * PAGE);
    ctx.mapRangeContiguous(r);
    const table = tableOf(ctx, 0x80000000);
    const pde = pdeOf(ctx, 0x80000000);
    const before = allocator.available();
    expect(ctx.releaseRange(r)).toBe(Success);
    expect(allocator.available()).toBe(before + 3 * PAGE);
    for (let i = 0; i < 3; i++) {
      expect(allocator.isAllocated(r.phys + i * PAGE)).toBe(false);
      expect(ctx.lookup(0x80000000 + i * PAGE).result).toBe(InvalidAddress);
    }
    expect(allocator.isAllocated(table)).toBe(true);
    expect(pdeOf(ctx, 0x80000000)).toBe(pde);
  });

  it('stops with InvalidAddress at the first unmapped page; earlier pages stay released (§10.14)', () => {
    const { ctx, allocator } = boot();
    const r = range(0x80000000, 4 * PAGE);
    ctx.mapRangeContiguous(r);
    ctx.unmap(0x80002000); // page 2 unmapped, its physical page still allocated
    expect(ctx.releaseRange(r)).toBe(InvalidAddress);
    expect(allocator.isAllocated(r.phys)).toBe(false);
    expect(allocator.isAllocated(r.phys + PAGE)).toBe(false);
    expect(ctx.lookup(0x80001000).result).toBe(InvalidAddress);
    expect(allocator.isAllocated(r.phys + 2 * PAGE)).toBe(true);
    expect(ctx.lookup(0x80003000)).toEqual({ result: Success, phys: r.phys + 3 * PAGE });
    expect(allocator.isAllocated(r.phys + 3 * PAGE)).toBe(true);
  });

  it('returns InvalidAddress when the first page has no table', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(ctx.releaseRange(range(0x80000000, PAGE))).toBe(InvalidAddress);
    expect(allocator.available()).toBe(before);
  });

  it('frees a page mapped twice only once: releasing both mappings is no double free', () => {
    const { ctx, allocator } = boot();
    const phys = takePage(allocator);
    ctx.map(0x80000000, phys, URW);
    ctx.map(0x80001000, phys, URW);
    const before = allocator.available();
    expect(ctx.releaseRange(range(0x80000000, PAGE))).toBe(Success);
    expect(ctx.releaseRange(range(0x80001000, PAGE))).toBe(Success); // debug build: no assertion
    expect(allocator.available()).toBe(before + PAGE);
    expect(ctx.lookup(0x80001000).result).toBe(InvalidAddress);
  });

  it('does not free a physical page outside the allocator\'s range, but unmaps it', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80000000, 0x02000000, URW); // 32 MiB: past the 16 MiB of RAM
    const before = allocator.available();
    expect(ctx.releaseRange(range(0x80000000, PAGE))).toBe(Success);
    expect(allocator.available()).toBe(before);
    expect(ctx.lookup(0x80000000).result).toBe(InvalidAddress);
  });

  it('does not free a page that is not marked used (allocated, then freed, then mapped)', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80005000, 0x00700000, URW); // the table first, so next fit cannot hand it `phys`
    const phys = takePage(allocator);
    allocator.release(phys);
    ctx.map(0x80000000, phys, URW);
    const before = allocator.available();
    expect(ctx.releaseRange(range(0x80000000, PAGE))).toBe(Success); // debug build: no assertion
    expect(allocator.available()).toBe(before);
    expect(allocator.isAllocated(phys)).toBe(false);
  });
});

describe('IntelPaging.releaseSection (§6.2, §10.10)', () => {
  it.each([0x80001000, 0x80200000, 0x80000004].map((virt) => ({ virt, at: hex(virt) })))(
    'returns InvalidAddress for virt $at, not 4 MiB aligned, freeing nothing', ({ virt }) => {
      const { ctx, allocator } = boot();
      ctx.mapRangeContiguous(range(0x80000000, PAGE));
      const pde = pdeOf(ctx, 0x80000000);
      const before = allocator.available();
      expect(ctx.releaseSection(range(virt, SECTION))).toBe(InvalidAddress);
      expect(allocator.available()).toBe(before);
      expect(pdeOf(ctx, 0x80000000)).toBe(pde);
    });

  it('frees the mapped pages and the table page and clears the directory entry', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    const r = range(0x80000000, 3 * PAGE);
    ctx.mapRangeContiguous(r);
    const table = tableOf(ctx, 0x80000000);
    expect(ctx.releaseSection(range(0x80000000, SECTION))).toBe(Success);
    expect(allocator.available()).toBe(before);
    expect(allocator.isAllocated(table)).toBe(false);
    for (let i = 0; i < 3; i++) expect(allocator.isAllocated(r.phys + i * PAGE)).toBe(false);
    expect(pdeOf(ctx, 0x80000000)).toBe(0);
    expect(ctx.lookup(0x80000000).result).toBe(InvalidAddress);
  });

  it('releases every section the range overlaps, whole: one page of size covers its whole 4 MiB', () => {
    const { ctx, allocator } = boot();
    const far = takePage(allocator);
    ctx.mapRangeContiguous(range(0x80000000, PAGE));
    ctx.map(0x80200000, far, URW);
    ctx.map(0x80400000, 0x00700000, URW); // the next section: not overlapped
    expect(ctx.releaseSection(range(0x80000000, PAGE))).toBe(Success);
    expect(allocator.isAllocated(far)).toBe(false);
    expect(pdeOf(ctx, 0x80000000)).toBe(0);
    expect(pdeOf(ctx, 0x80400000)).not.toBe(0);
  });

  it('with tablesOnly keeps the pages allocated, but frees the table and clears the entry', () => {
    const { ctx, allocator } = boot();
    const r = range(0x80000000, 3 * PAGE);
    ctx.mapRangeContiguous(r);
    const table = tableOf(ctx, 0x80000000);
    const before = allocator.available();
    expect(ctx.releaseSection(range(0x80000000, SECTION), true)).toBe(Success);
    expect(allocator.available()).toBe(before + PAGE);
    expect(allocator.isAllocated(table)).toBe(false);
    for (let i = 0; i < 3; i++) expect(allocator.isAllocated(r.phys + i * PAGE)).toBe(true);
    expect(pdeOf(ctx, 0x80000000)).toBe(0);
  });

  it('skips sections without a table and releases the others', () => {
    const { ctx, allocator } = boot();
    ctx.mapRangeContiguous(range(0x80000000, PAGE));
    ctx.mapRangeContiguous(range(0x80800000, PAGE)); // section 0x202; 0x201 has none
    const tables = [tableOf(ctx, 0x80000000), tableOf(ctx, 0x80800000)];
    const before = allocator.available();
    expect(ctx.releaseSection(range(0x80000000, 2 * SECTION + 1))).toBe(Success);
    expect(allocator.available()).toBe(before + 4 * PAGE);
    expect(tables.map((table) => allocator.isAllocated(table))).toEqual([false, false]);
    expect([pdeOf(ctx, 0x80000000), pdeOf(ctx, 0x80400000), pdeOf(ctx, 0x80800000)]).toEqual([0, 0, 0]);
  });

  it('frees only pages in the allocator\'s range that are marked used', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80000000, 0x02000000, URW); // outside RAM (and the table comes first)
    const freed = takePage(allocator);
    allocator.release(freed);
    ctx.map(0x80001000, freed, URW); // not marked used
    const owned = takePage(allocator);
    ctx.map(0x80002000, owned, URW);
    ctx.map(0x80003000, owned, URW); // mapped twice
    const before = allocator.available();
    expect(ctx.releaseSection(range(0x80000000, SECTION))).toBe(Success); // debug build: no assertion
    expect(allocator.available()).toBe(before + 2 * PAGE); // `owned` once, and the table
    expect(allocator.isAllocated(owned)).toBe(false);
  });

  it('skips 4 MiB (Large) directory entries: the kernel\'s copied entries stay', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(ctx.releaseSection(range(0, 2 * SECTION))).toBe(Success);
    expect(pdeOf(ctx, 0)).toBe(P | W | L);
    expect(pdeOf(ctx, SECTION)).toBe(SECTION | P | W | L);
    expect(allocator.available()).toBe(before);
  });
});

describe('IntelPaging.findFree (§6.3, §10.12)', () => {
  it('is first fit, page by page from the region start: a page counts as free when lookup fails', () => {
    const { ctx } = boot();
    for (const page of [0, 1, 3]) ctx.map(0xa0000000 + page * PAGE, 0x00700000 + page * PAGE, URW);
    expect(ctx.findFree(PAGE, Region.UserPrivate)).toEqual({ result: Success, virt: 0xa0002000 });
    expect(ctx.findFree(2 * PAGE, Region.UserPrivate)).toEqual({ result: Success, virt: 0xa0004000 });
    expect(ctx.findFree(1, Region.UserPrivate)).toEqual({ result: Success, virt: 0xa0002000 });
  });

  it('returns the region start in an empty region', () => {
    const { ctx } = boot();
    expect(ctx.findFree(3 * PAGE, Region.UserHeap)).toEqual({ result: Success, virt: 0xb0000000 });
  });

  it('returns OutOfMemory when no run in the region is long enough', () => {
    const { ctx } = boot();
    ctx.map(0xc0001000, 0x00700000, URW); // UserStack: 4 pages, page 1 taken
    expect(ctx.findFree(3 * PAGE, Region.UserStack)).toEqual({ result: OutOfMemory, virt: 0 });
    expect(ctx.findFree(2 * PAGE, Region.UserStack)).toEqual({ result: Success, virt: 0xc0002000 });
  });

  it('returns OutOfMemory for more than the region holds', () => {
    const { ctx } = boot();
    expect(ctx.findFree(4 * PAGE, Region.UserStack)).toEqual({ result: Success, virt: 0xc0000000 });
    expect(ctx.findFree(5 * PAGE, Region.UserStack).result).toBe(OutOfMemory);
  });

  it('with size 0 returns the region start without checking it (§6.3 quirk)', () => {
    const { ctx } = boot();
    ctx.map(0xa0000000, 0x00700000, URW);
    expect(ctx.findFree(0, Region.UserPrivate)).toEqual({ result: Success, virt: 0xa0000000 });
  });
});

describe('IntelPaging.initialize and destroy (§6.4)', () => {
  it('copies directory entries 0..255 from the loaded (kernel) directory and zeroes the rest', () => {
    const kernel = new Kernel({ ramSize: 16 * MiB });
    const kernelDirectory = kernel.mmu.root();
    expect(kernel.context.map(0x38000000, 0x00500000, RW)).toBe(Success); // KernelPrivate, entry 224
    kernel.memory.write32(kernelDirectory + 256 * 4, 0x00600003); // beyond the kernel entries
    kernel.memory.write32(kernelDirectory + 0x200 * 4, 0x00601007);
    const next = takePage(kernel.allocator); // next fit will hand this page out again:
    kernel.allocator.release(next);
    kernel.memory.fill(next, 0xab, PAGE); // fill it with junk first
    const ctx = userContext(kernel);
    expect(ctx.initialize()).toBe(Success);
    expect(ctx.root()).toBe(next);
    for (let i = 0; i < 1024; i++) {
      const expected = i < 256 ? kernel.memory.read32(kernelDirectory + i * 4) : 0;
      expect(kernel.memory.read32(ctx.root() + i * 4)).toBe(expected);
    }
    expect(kernel.memory.read32(ctx.root())).toBe(P | W | L);
    expect(kernel.memory.read32(ctx.root() + 223 * 4)).toBe((223 * SECTION) | P | W | L);
    expect(kernel.memory.read32(ctx.root() + 224 * 4) & (P | W)).toBe(P | W);
  });

  it('shares the kernel\'s tables: a later KernelPrivate mapping in an existing kernel table is seen', () => {
    const kernel = new Kernel({ ramSize: 16 * MiB });
    kernel.context.map(0x38000000, 0x00500000, RW);
    const ctx = userContext(kernel);
    ctx.initialize();
    kernel.context.map(0x38001000, 0x00501000, RW);
    expect(ctx.lookup(0x38001000)).toEqual({ result: Success, phys: 0x00501000 });
  });

  it('copies from the directory loaded in the MMU (CR3), whichever context that is', () => {
    const { kernel, ctx: a, memory } = boot();
    memory.write32(a.root() + 10 * 4, 0x00c00000 | P | W | L); // the kernel's entry 10 is 0x02800083
    a.map(0x80000000, 0x00700000, URW);
    a.activate();
    const b = userContext(kernel);
    expect(b.initialize()).toBe(Success);
    expect(memory.read32(b.root() + 10 * 4)).toBe(0x00c00000 | P | W | L);
    expect(memory.read32(b.root() + 0x200 * 4)).toBe(0);
  });

  it('costs exactly one page', () => {
    const kernel = new Kernel({ ramSize: 16 * MiB });
    const before = kernel.allocator.available();
    const ctx = userContext(kernel);
    ctx.initialize();
    expect(kernel.allocator.available()).toBe(before - PAGE);
    expect(kernel.allocator.isAllocated(ctx.root())).toBe(true);
  });

  it('returns OutOfMemory when no page is free', () => {
    const kernel = new Kernel({ ramSize: 16 * MiB });
    exhaust(kernel.allocator);
    const ctx = userContext(kernel);
    expect(ctx.initialize()).toBe(OutOfMemory);
    expect(ctx.root()).toBe(0);
  });

  it('does nothing when given an existing directory: no page, no copy, no zeroing', () => {
    const kernel = new Kernel({ ramSize: 16 * MiB });
    const directory = takePage(kernel.allocator);
    kernel.memory.write32(directory + 600 * 4, 0x12345007);
    const before = kernel.allocator.available();
    const ctx = userContext(kernel, { directory });
    expect(ctx.initialize()).toBe(Success);
    expect(ctx.root()).toBe(directory);
    expect(kernel.allocator.available()).toBe(before);
    expect(kernel.memory.read32(directory + 600 * 4)).toBe(0x12345007);
    expect(kernel.memory.read32(directory)).toBe(0);
  });

  it('destroy frees the directory page it allocated, and no table', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80000000, 0x00700000, URW);
    const table = tableOf(ctx, 0x80000000);
    const before = allocator.available();
    ctx.destroy();
    expect(allocator.available()).toBe(before + PAGE);
    expect(allocator.isAllocated(ctx.root())).toBe(false);
    expect(allocator.isAllocated(table)).toBe(true);
  });

  it('destroy frees nothing for a context given an existing directory', () => {
    const kernel = new Kernel({ ramSize: 16 * MiB });
    const before = kernel.allocator.available();
    const ctx = userContext(kernel, { directory: kernel.layout.directory });
    ctx.initialize();
    ctx.destroy();
    expect(kernel.allocator.available()).toBe(before);
    expect(kernel.allocator.isAllocated(kernel.layout.directory)).toBe(true);
  });
});

describe('IntelPaging: activation and the TLB (§6.2, §6.4)', () => {
  it('activate loads the directory into the MMU, flushing the TLB, and makes the context current', () => {
    const { ctx, kernel, mmu } = boot();
    const flushes = mmu.tlb.counters.flushes;
    expect(ctx.isActive()).toBe(false);
    expect(ctx.activate()).toBe(Success);
    expect(mmu.root()).toBe(ctx.root());
    expect(mmu.tlb.counters.flushes).toBe(flushes + 1);
    expect(MemoryContext.getCurrent()).toBe(ctx);
    expect(ctx.isActive()).toBe(true);
    kernel.context.activate();
    expect(MemoryContext.getCurrent()).toBe(kernel.context);
    expect(mmu.root()).toBe(kernel.layout.directory);
  });

  it('map and unmap on the active context invalidate that TLB page', () => {
    const { ctx, mmu } = boot();
    ctx.activate();
    const before = mmu.tlb.counters.invalidations;
    ctx.map(0x80000000, 0x00700000, URW);
    expect(mmu.tlb.counters.invalidations).toBe(before + 1);
    expect(mmu.translate(0x80000000, 'read', true)).toBe(0x00700000);
    ctx.unmap(0x80000000);
    expect(mmu.tlb.counters.invalidations).toBe(before + 2);
    expect(mmu.translate(0x80000000, 'read', true)).toBe(PageFault.NotPresent); // no stale entry
    ctx.map(0x80000000, 0x00800000, URW);
    expect(mmu.translate(0x80000000, 'read', true)).toBe(0x00800000);
  });

  it('map and unmap on an inactive context leave the TLB alone', () => {
    const { ctx, mmu } = boot();
    const before = { ...mmu.tlb.counters };
    ctx.map(0x80000000, 0x00700000, URW);
    ctx.unmap(0x80000000);
    expect(mmu.tlb.counters).toEqual(before);
  });
});

describe('IntelPaging: entries in physical memory (§6.4)', () => {
  it('writes the directory and table entries as words in physical memory', () => {
    const { ctx, memory } = boot();
    ctx.map(0x80005000, 0x00700000, URW);
    const pde = memory.read32(ctx.root() + 0x200 * 4);
    const table = (pde & 0xfffff000) >>> 0;
    expect(pde).toBe(table | P | W | U);
    expect(memory.read32(table + 5 * 4)).toBe(0x00700000 | P | W | U);
    for (let i = 0; i < 1024; i++) if (i !== 5) expect(memory.read32(table + i * 4)).toBe(0);
  });

  it('records each entry written as an \'entry\' event', () => {
    const { ctx, log } = boot();
    ctx.map(0x80005000, 0x00700000, URW);
    const table = tableOf(ctx, 0x80005000);
    expect(log.events).toEqual([
      { type: 'entry', context: 'p', level: 'directory', address: ctx.root() + 0x200 * 4, value: table | P | W | U, virt: 0x80005000 },
      { type: 'entry', context: 'p', level: 'table', address: table + 5 * 4, value: 0x00700000 | P | W | U, virt: 0x80005000 },
    ]);
    const mark = log.mark();
    ctx.map(0x80006000, 0x00701000, R);
    ctx.unmap(0x80005000);
    expect(log.since(mark)).toEqual([
      { type: 'entry', context: 'p', level: 'table', address: table + 6 * 4, value: 0x00701000 | P, virt: 0x80006000 },
      { type: 'entry', context: 'p', level: 'table', address: table + 5 * 4, value: 0, virt: 0x80005000 },
    ]);
  });
});

describe('IntelPaging: mappings, remap and directoryEntries (for fork and snapshots)', () => {
  it('lists the present 4 KiB pages of a range with their access and copy-on-write mark', () => {
    const { ctx } = boot();
    ctx.map(0x803ff000, 0x00700000, URW);
    ctx.map(0x80400000, 0x00701000, R);
    ctx.map(0x80c00000, 0x00702000, URW);
    expect(ctx.mappings({ virt: 0x803f0000, size: 0x800000 })).toEqual([
      { virt: 0x803ff000, phys: 0x00700000, entry: 0x00700000 | P | W | U, access: URW, copyOnWrite: false },
      { virt: 0x80400000, phys: 0x00701000, entry: 0x00701000 | P, access: R, copyOnWrite: false },
    ]);
  });

  it('remap() rewrites frame, permissions and the CopyOnWrite bit 0x200, and invalidates the TLB when active', () => {
    const { ctx, mmu } = boot();
    ctx.map(0x80003000, 0x00700000, URW);
    ctx.activate();
    expect(mmu.translate(0x80003000, 'write', true)).toBe(0x00700000);
    expect(ctx.remap(0x80003000, { access: Memory.User | R, copyOnWrite: true })).toBe(Success);
    expect(pteOf(ctx, 0x80003000)).toBe(0x00700000 | P | U | IntelEntry.CopyOnWrite);
    expect(mmu.translate(0x80003000, 'write', true)).toBe(PageFault.ReadOnly);
    expect(ctx.remap(0x80003000, { phys: 0x00705000, access: URW, copyOnWrite: false })).toBe(Success);
    expect(pteOf(ctx, 0x80003000)).toBe(0x00705000 | P | W | U);
    expect(mmu.translate(0x80003000, 'write', true)).toBe(0x00705000);
    expect(ctx.remap(0x80004000, { copyOnWrite: true })).toBe(InvalidAddress);
    expect(ctx.remap(0x90000000, { copyOnWrite: true })).toBe(InvalidAddress);
  });

  it('directoryEntries() gives each table\'s page, and null for the kernel\'s 4 MiB entries', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x00700000, URW);
    const entries = ctx.directoryEntries();
    expect(entries[0]).toEqual({ index: 0, value: P | W | L, table: null });
    expect(entries.at(-1)).toEqual({ index: 0x200, value: tableOf(ctx, 0x80000000) | P | W | U, table: tableOf(ctx, 0x80000000) });
  });
});

describe('IntelPaging: what is freed by what (§6.6)', () => {
  const virt = 0x80000000;
  const rows: {
    operation: string;
    run: (ctx: IntelPaging, r: Memory.Range) => void;
    /** Physical pages (of the 2 mapped) freed; table page freed; directory entry cleared; directory page freed. */
    pages: number; table: boolean; entryCleared: boolean; directory: boolean;
    /** Whether virt is still mapped afterwards; null: not asked (the directory itself is gone). */
    mapped: boolean | null;
  }[] = [
    { operation: 'unmap', run: (ctx) => ctx.unmap(virt), pages: 0, table: false, entryCleared: false, directory: false, mapped: false },
    { operation: 'unmapRange', run: (ctx, r) => ctx.unmapRange(r), pages: 0, table: false, entryCleared: false, directory: false, mapped: false },
    { operation: 'release(virt)', run: (ctx) => ctx.release(virt), pages: 1, table: false, entryCleared: false, directory: false, mapped: true },
    { operation: 'releaseRange', run: (ctx, r) => ctx.releaseRange(r), pages: 2, table: false, entryCleared: false, directory: false, mapped: false },
    { operation: 'releaseSection', run: (ctx, r) => ctx.releaseSection(r), pages: 2, table: true, entryCleared: true, directory: false, mapped: false },
    { operation: 'releaseSection tablesOnly', run: (ctx, r) => ctx.releaseSection(r, true), pages: 0, table: true, entryCleared: true, directory: false, mapped: false },
    { operation: 'destroy', run: (ctx) => ctx.destroy(), pages: 0, table: false, entryCleared: false, directory: true, mapped: null },
  ];

  it('matches the table row by row', () => {
    for (const { operation, run, ...expected } of rows) {
      const { ctx, allocator } = boot();
      const r = range(virt, 2 * PAGE);
      expect(ctx.mapRangeContiguous(r)).toBe(Success);
      const table = tableOf(ctx, virt);
      const directory = ctx.root();
      run(ctx, { ...r });
      const observed = {
        pages: [r.phys, r.phys + PAGE].filter((page) => !allocator.isAllocated(page)).length,
        table: !allocator.isAllocated(table),
        entryCleared: pdeOf(ctx, virt) === 0,
        directory: !allocator.isAllocated(directory),
        mapped: expected.mapped === null ? null : ctx.lookup(virt).result === Success,
      };
      expect({ operation, ...observed }).toEqual({ operation, ...expected });
    }
  });
});
