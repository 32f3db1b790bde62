// BubbleAllocator (§2.2, §10.5, §10.6): bump allocation with sizes rounded to its own alignment,
// request alignment ignored, size 0 always succeeds, release always InvalidAddress.
import { describe, expect, it } from 'vitest';
import { Allocator, BubbleAllocator } from '../../../engine/index';

const { Success, InvalidAddress, OutOfMemory } = Allocator.Result;
const range = (size: number, alignment = 0): Allocator.Range => ({ address: 0, size, alignment });

describe('BubbleAllocator', () => {
  it('rounds sizes, not addresses: 5 bytes then 1 byte gives base+8 and a counter of 12 ([derived])', () => {
    const a = new BubbleAllocator({ address: 0x1001, size: 0x100, alignment: 4 });
    const first = range(5);
    const second = range(1);
    expect(a.allocate(first)).toBe(Success);
    expect(a.allocate(second)).toBe(Success);
    expect(first.address).toBe(0x1001);
    expect(second.address).toBe(0x1001 + 8);
    expect(a.allocatedBytes()).toBe(12);
    expect(a.available()).toBe(0x100 - 12);
    expect(second.size).toBe(1);
  });

  it('ignores the request alignment (§10.6)', () => {
    const a = new BubbleAllocator({ address: 0x1000, size: 0x1000, alignment: 4 });
    a.allocate(range(4));
    const r = range(4, 4096);
    expect(a.allocate(r)).toBe(Success);
    expect(r.address).toBe(0x1004);
    expect(r.alignment).toBe(4096);
  });

  it('fails when the rounded size no longer fits, and takes exactly what is left', () => {
    const a = new BubbleAllocator({ address: 0x1000, size: 16, alignment: 4 });
    expect(a.allocate(range(13))).toBe(Success);
    const r = range(1);
    expect(a.allocate(r)).toBe(OutOfMemory);
    expect(r.address).toBe(0);
    const b = new BubbleAllocator({ address: 0x1000, size: 16, alignment: 4 });
    b.allocate(range(12));
    expect(b.allocate(range(4))).toBe(Success);
    expect(b.available()).toBe(0);
  });

  it('size 0 succeeds without consuming, even when full: it returns base + size ([derived], §10.5)', () => {
    const a = new BubbleAllocator({ address: 0x1000, size: 16, alignment: 4 });
    a.allocate(range(16));
    const r = range(0);
    expect(a.allocate(r)).toBe(Success);
    expect(r.address).toBe(0x1010);
    expect(a.allocatedBytes()).toBe(16);
  });

  it('never frees: release is always InvalidAddress (1) and changes nothing (§10.6)', () => {
    const a = new BubbleAllocator({ address: 0x1000, size: 64, alignment: 4 });
    const r = range(8);
    a.allocate(r);
    expect(a.release(r.address)).toBe(InvalidAddress);
    expect(InvalidAddress).toBe(1);
    expect(a.available()).toBe(56);
  });
});
