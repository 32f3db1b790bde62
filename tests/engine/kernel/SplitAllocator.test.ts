// SplitAllocator (§2.4, §10.9, §10.17): page allocation, virtual/physical translation with 32-bit
// wrap, allocateSparse in 8-page runs with no rollback.
import { describe, expect, it } from 'vitest';
import { Allocator, SplitAllocator } from '../../../engine/index';

const { Success, InvalidSize, InvalidAlignment, OutOfMemory } = Allocator.Result;
const range = (size: number, alignment = 0): Allocator.Range => ({ address: 0, size, alignment });
const PAGE = 4096;

/** 40 pages of RAM at 0x100000, mapped at 0x80100000 in the kernel. */
const fortyPages = () => new SplitAllocator(
  { address: 0x100000, size: 40 * PAGE, alignment: PAGE },
  { address: 0x80100000, size: 40 * PAGE, alignment: PAGE }, PAGE);

describe('SplitAllocator', () => {
  it('allocates pages next-fit and reports the physical range', () => {
    const a = fortyPages();
    expect(a.available()).toBe(40 * PAGE);
    expect([a.base(), a.size(), a.alignment()]).toEqual([0x100000, 40 * PAGE, PAGE]);
    const r = range(3 * PAGE);
    expect(a.allocate(r)).toBe(Success);
    expect(r.address).toBe(0x100000);
    expect(a.available()).toBe(37 * PAGE);
    expect(a.allocate(range(PAGE, 100))).toBe(InvalidAlignment);
  });

  it('allocate(phys, virt) also fills in the kernel virtual range', () => {
    const a = fortyPages();
    a.allocate(range(PAGE));
    const phys = range(2 * PAGE, 2 * PAGE);
    const virt = range(0);
    expect(a.allocate(phys, virt)).toBe(Success);
    expect(phys.address).toBe(0x102000);
    expect(virt).toEqual({ address: 0x80102000, size: 2 * PAGE, alignment: 2 * PAGE });
  });

  it('allocate(address) and allocateAt take one given page; release frees one page', () => {
    const a = fortyPages();
    expect(a.allocate(0x105000)).toBe(Success);
    expect(a.allocateAt(0x106000)).toBe(Success);
    expect(a.isAllocated(0x105000)).toBe(true);
    expect(a.available()).toBe(38 * PAGE);
    expect(() => a.allocateAt(0x105000)).toThrow(/already allocated/);
    expect(a.release(0x105000)).toBe(Success);
    expect(a.isAllocated(0x105000)).toBe(false);
  });

  it('translates both ways', () => {
    const a = fortyPages();
    expect(a.toVirtual(0x101234)).toBe(0x80101234);
    expect(a.toPhysical(0x80101234)).toBe(0x101234);
  });

  it('translates with unsigned 32-bit wrap-around (§10.17)', () => {
    const a = new SplitAllocator({ address: 0x1000, size: 8 * PAGE, alignment: PAGE },
      { address: 0xfffff000, size: 8 * PAGE, alignment: PAGE }, PAGE);
    expect(a.toVirtual(0x1000)).toBe(0xfffff000);
    expect(a.toVirtual(0x3000)).toBe(0x1000);
    expect(a.toPhysical(0x1000)).toBe(0x3000);
    const high = new SplitAllocator({ address: 0xfff00000, size: 8 * PAGE, alignment: PAGE },
      { address: 0x10000, size: 8 * PAGE, alignment: PAGE }, PAGE);
    expect(high.toVirtual(0xfff02000)).toBe(0x12000);
    expect(high.toPhysical(0x12000)).toBe(0xfff02000);
  });

  describe('allocateSparse', () => {
    it('16 pages from 40 free: two callbacks, at base and base + 0x8000 ([derived])', () => {
      const a = fortyPages();
      const calls: number[] = [];
      expect(a.allocateSparse(range(16 * PAGE), (phys) => calls.push(phys))).toBe(Success);
      expect(calls).toEqual([0x100000, 0x108000]);
      expect(a.available()).toBe(24 * PAGE);
    });

    it('4 pages is not a multiple of 32 KiB: InvalidSize (2) ([derived])', () => {
      const a = fortyPages();
      const calls: number[] = [];
      expect(a.allocateSparse(range(4 * PAGE), (phys) => calls.push(phys))).toBe(InvalidSize);
      expect(InvalidSize).toBe(2);
      expect(calls).toEqual([]);
    });

    it('32 pages with 24 free: OutOfMemory (4) ([derived])', () => {
      const a = fortyPages();
      a.allocateSparse(range(16 * PAGE), () => {});
      expect(a.allocateSparse(range(32 * PAGE), () => {})).toBe(OutOfMemory);
      expect(a.available()).toBe(24 * PAGE);
    });

    it('checks the size against available() before the 32 KiB rule', () => {
      const a = fortyPages();
      expect(a.allocateSparse(range(41 * PAGE), () => {})).toBe(OutOfMemory);
    });

    it('keeps the runs it took when a later run fails: no rollback (§10.14)', () => {
      const a = fortyPages();
      for (const page of [10, 20, 30, 35]) a.allocate(0x100000 + page * PAGE);
      const calls: number[] = [];
      expect(a.allocateSparse(range(32 * PAGE), (phys) => calls.push(phys))).toBe(OutOfMemory);
      expect(calls).toEqual([0x100000, 0x10b000, 0x115000]);
      expect(a.available()).toBe((36 - 24) * PAGE);
    });
  });
});
