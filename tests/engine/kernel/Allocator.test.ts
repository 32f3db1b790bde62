// Allocator (§1): result codes, the base class's own behaviour, parent chaining, the default
// allocator, aligned().
import { afterEach, describe, expect, it } from 'vitest';
import { Allocator, BubbleAllocator } from '../../../engine/index';

describe('Allocator', () => {
  afterEach(() => Allocator.setDefault(null));

  it('has FreeNOS result codes in declaration order', () => {
    const { Success, InvalidAddress, InvalidSize, InvalidAlignment, OutOfMemory } = Allocator.Result;
    expect([Success, InvalidAddress, InvalidSize, InvalidAlignment, OutOfMemory]).toEqual([0, 1, 2, 3, 4]);
    expect(Allocator.Result[4]).toBe('OutOfMemory');
  });

  it('default construction: no parent, base, size and alignment 0, nothing available', () => {
    const a = new Allocator();
    expect([a.base(), a.size(), a.alignment(), a.available()]).toEqual([0, 0, 0, 0]);
    expect(a.parent()).toBeNull();
  });

  it('the base class allocates nothing and owns nothing', () => {
    const a = new Allocator({ address: 0x1000, size: 0x1000, alignment: 4 });
    const range = { address: 0, size: 16, alignment: 0 };
    expect(a.allocate(range)).toBe(Allocator.Result.OutOfMemory);
    expect(range.address).toBe(0);
    expect(a.release(0x1000)).toBe(Allocator.Result.InvalidAddress);
  });

  it('reports its parent\'s available() when it has a parent', () => {
    const a = new Allocator({ address: 0x1000, size: 0x1000, alignment: 4 });
    const parent = new BubbleAllocator({ address: 0x10000, size: 0x2000, alignment: 4 });
    a.setParent(parent);
    expect(a.parent()).toBe(parent);
    expect(a.available()).toBe(0x2000);
    a.setParent(null);
    expect(a.available()).toBe(0);
  });

  it('keeps one process-wide default allocator', () => {
    expect(Allocator.getDefault()).toBeNull();
    const a = new Allocator();
    Allocator.setDefault(a);
    expect(Allocator.getDefault()).toBe(a);
  });

  it('aligned() rounds up to the boundary', () => {
    const a = new Allocator();
    expect(a.aligned(0, 4)).toBe(0);
    expect(a.aligned(31, 4)).toBe(32);
    expect(a.aligned(4095, 4096)).toBe(4096);
    expect(a.aligned(4096, 4096)).toBe(4096);
    expect(a.aligned(4097, 4096)).toBe(8192);
    expect(a.aligned(0xfffffffd, 4)).toBe(0);
  });
});
