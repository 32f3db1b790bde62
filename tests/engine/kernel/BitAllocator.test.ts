// BitAllocator (§2.1, §10.2–10.5): next fit from the start of the previous allocation, alignment
// relative to the base, one chunk per release, the zero-size quirks, debug assertions.
import { describe, expect, it } from 'vitest';
import { Allocator, AssertionError, BitAllocator, EventLog, PhysicalMemory } from '../../../engine/index';

const { Success, InvalidAlignment, OutOfMemory } = Allocator.Result;
const range = (size: number, alignment = 0): Allocator.Range => ({ address: 0, size, alignment });

/** Ten 4 KiB chunks at 0x10000. */
const tenChunks = (mode: 'debug' | 'release' = 'debug') =>
  new BitAllocator({ address: 0x10000, size: 0xa000, alignment: 4096 }, 4096, { mode });

describe('BitAllocator', () => {
  it('hands out chunk addresses and counts what is available', () => {
    const a = tenChunks();
    expect(a.chunkSize()).toBe(4096);
    expect(a.size()).toBe(0xa000);
    expect(a.base()).toBe(0x10000);
    expect(a.available()).toBe(10 * 4096);
    const r = range(4096 * 3);
    expect(a.allocate(r)).toBe(Success);
    expect(r.address).toBe(0x10000);
    expect(a.available()).toBe(7 * 4096);
    expect(a.isAllocated(0x12000)).toBe(true);
    expect(a.isAllocated(0x13000)).toBe(false);
  });

  it('rounds the size up to whole chunks and leaves args.size and args.alignment untouched (§10.4)', () => {
    const a = tenChunks();
    const r = range(4097, 8192);
    expect(a.allocate(r)).toBe(Success);
    expect(r).toEqual({ address: 0x10000, size: 4097, alignment: 8192 });
    expect(a.available()).toBe(8 * 4096);
  });

  it('release frees exactly one chunk, not the whole block (§10.2)', () => {
    const a = tenChunks();
    const r = range(4096 * 4);
    a.allocate(r);
    expect(a.release(r.address)).toBe(Success);
    expect(a.available()).toBe(7 * 4096);
    expect(a.isAllocated(r.address)).toBe(false);
    expect(a.isAllocated(r.address + 4096)).toBe(true);
  });

  it('after allocating 10 of 10 chunks and freeing all, the next allocation returns the last chunk (§10.3)', () => {
    const a = tenChunks();
    const addresses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = range(4096);
      expect(a.allocate(r)).toBe(Success);
      addresses.push(r.address);
    }
    expect(addresses).toEqual(Array.from({ length: 10 }, (_, i) => 0x10000 + i * 4096));
    for (const address of addresses) a.release(address);
    const r = range(4096);
    a.allocate(r);
    expect(r.address).toBe(0x10000 + 9 * 4096);
  });

  it('searches from the start of the previous allocation, not its end, and wraps once', () => {
    const a = tenChunks();
    const first = range(4096 * 2);
    a.allocate(first);
    a.release(first.address);
    a.release(first.address + 4096);
    const second = range(4096);
    a.allocate(second);
    expect(second.address).toBe(0x10000);
    const big = range(4096 * 8);
    a.allocate(big);
    expect(big.address).toBe(0x11000);
    const third = range(4096 * 2);
    expect(a.allocate(third)).toBe(OutOfMemory);
    expect(third.address).toBe(0);
    const last = range(4096);
    expect(a.allocate(last)).toBe(Success);
    expect(last.address).toBe(0x19000);
  });

  it('release does not move the search start', () => {
    const a = tenChunks();
    const r = range(4096 * 5);
    a.allocate(r);
    const next = range(4096);
    a.allocate(next);
    expect(next.address).toBe(0x15000);
    a.release(0x10000);
    const after = range(4096);
    a.allocate(after);
    expect(after.address).toBe(0x16000);
  });

  it('aligns relative to the base, not to absolute addresses (§10.4)', () => {
    const a = new BitAllocator({ address: 0x11000, size: 0x10000, alignment: 4096 }, 4096);
    a.allocate(range(4096));
    const r = range(4096, 0x4000);
    expect(a.allocate(r)).toBe(Success);
    expect(r.address).toBe(0x11000 + 4 * 4096);
    expect(r.address % 0x4000).not.toBe(0);
  });

  it('requires the alignment to be a multiple of the chunk size (InvalidAlignment, 3)', () => {
    const a = tenChunks();
    const r = range(4096, 2048);
    expect(a.allocate(r)).toBe(InvalidAlignment);
    expect(InvalidAlignment).toBe(3);
    expect(r.address).toBe(0);
    expect(a.available()).toBe(10 * 4096);
  });

  it('fails with OutOfMemory for a request larger than the range', () => {
    const a = tenChunks();
    expect(a.allocate(range(11 * 4096))).toBe(OutOfMemory);
  });

  it('size 0 with default alignment takes one chunk (§10.5)', () => {
    const a = tenChunks();
    const r = range(0);
    expect(a.allocate(r)).toBe(Success);
    expect(r.address).toBe(0x10000);
    expect(a.available()).toBe(9 * 4096);
  });

  it('size 0 with alignment above one chunk marks bits 0..i and returns the base when bit i is unaligned (§2.1 [derived])', () => {
    const a = tenChunks();
    a.allocate(range(4096));
    const r = range(0, 4 * 4096);
    expect(a.allocate(r)).toBe(Success);
    expect(r.address).toBe(0x10000);
    expect(a.isAllocated(0x11000)).toBe(true);
    expect(a.available()).toBe(8 * 4096);
  });

  it('allocateFrom searches from a given chunk without wrapping', () => {
    const a = tenChunks();
    const r = range(4096);
    expect(a.allocateFrom(r, 7)).toBe(Success);
    expect(r.address).toBe(0x17000);
    expect(a.allocateFrom(range(4096 * 3), 8)).toBe(OutOfMemory);
  });

  it('allocateAt marks one chunk, always succeeds, and does not move the search start', () => {
    const a = tenChunks('release');
    expect(a.allocateAt(0x13000)).toBe(Success);
    expect(a.allocateAt(0x13000)).toBe(Success);
    expect(a.available()).toBe(9 * 4096);
    const r = range(4096 * 4);
    a.allocate(r);
    expect(r.address).toBe(0x14000);
  });

  describe('debug build assertions', () => {
    it('a double free names the allocator, the operation and the address', () => {
      const log = new EventLog();
      const a = new BitAllocator({ address: 0x10000, size: 0xa000, alignment: 4096 }, 4096, { log, name: 'frames' });
      const r = range(4096);
      a.allocate(r);
      a.release(r.address);
      let error: unknown;
      try {
        a.release(r.address);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AssertionError);
      expect(error).toMatchObject({ allocator: 'frames', operation: 'release', address: 0x10000 });
      expect((error as Error).message).toBe('frames.release(0x10000): chunk 0x10000 is not allocated (double free, or never allocated)');
      expect(log.events.at(-1)).toMatchObject({ type: 'assertion', allocator: 'frames', operation: 'release' });
    });

    it('releasing outside the range or off a chunk boundary is fatal', () => {
      const a = tenChunks();
      a.allocate(range(4096));
      expect(() => a.release(0x1000)).toThrow(/outside the range 0x10000..0x1A000/);
      expect(() => a.release(0x10004)).toThrow(/not on a 4096-byte chunk boundary/);
      expect(() => a.isAllocated(0x1a000)).toThrow(AssertionError);
      expect(() => a.allocateAt(0x10000)).toThrow(/already allocated/);
    });

    it('release builds stay silent: a double free changes nothing and returns Success', () => {
      const a = tenChunks('release');
      const r = range(4096 * 2);
      a.allocate(r);
      a.release(r.address);
      expect(a.release(r.address)).toBe(Success);
      expect(a.release(0x1000)).toBe(Success);
      expect(a.available()).toBe(9 * 4096);
    });

    it('the range constructor asserts alignment >= 4, size >= 4 and size % alignment == 0', () => {
      expect(() => new BitAllocator({ address: 0, size: 4096, alignment: 2 }, 4096)).toThrow(/alignment 2 is below 4/);
      expect(() => new BitAllocator({ address: 0, size: 2, alignment: 4 }, 1)).toThrow(/size 2 is below 4/);
      expect(() => new BitAllocator({ address: 0, size: 4098, alignment: 4 }, 2)).toThrow(/not a multiple of its alignment/);
      expect(new BitAllocator({ address: 0, size: 4098, alignment: 4 }, 2, { mode: 'release' }).available()).toBe(4098);
    });
  });

  it('rejects arguments that are not unsigned 32-bit integers with the field named', () => {
    const a = tenChunks();
    expect(() => a.allocate(range(-1))).toThrow('BitAllocator.allocate: range.size must be an unsigned 32-bit integer');
    expect(() => a.allocate(range(1.5))).toThrow(TypeError);
    expect(() => a.release(Number.NaN)).toThrow('BitAllocator.release: address');
    expect(() => new BitAllocator({ address: 0, size: 4096, alignment: 4 }, 0)).toThrow(/chunkSize must be above 0/);
  });

  it('can keep its bitmap in emulated memory', () => {
    const memory = new PhysicalMemory();
    const a = new BitAllocator({ address: 0x100000, size: 64 * 4096, alignment: 4096 }, 4096,
      { bitmap: { memory, address: 0x8000 } });
    a.allocate(range(4096 * 9));
    expect(memory.read8(0x8000)).toBe(0xff);
    expect(memory.read8(0x8001)).toBe(0x01);
    a.release(0x100000);
    expect(memory.read8(0x8000)).toBe(0xfe);
  });

  it('reports each allocate and release with the bits it changed (effects as data)', () => {
    const log = new EventLog();
    const a = new BitAllocator({ address: 0x10000, size: 0xa000, alignment: 4096 }, 4096, { log, name: 'frames' });
    const r = range(4096 * 2);
    const { value, events } = log.capture(() => a.allocate(r));
    expect(value).toBe(Success);
    expect(events).toEqual([
      { type: 'bits', bitmap: 'frames', from: 0, to: 1, value: true, changed: 2 },
      { type: 'allocate', allocator: 'frames', size: 8192, alignment: 0, result: Success, address: 0x10000 },
    ]);
    expect(log.capture(() => a.release(0x11000)).events).toEqual([
      { type: 'bits', bitmap: 'frames', from: 1, to: 1, value: false, changed: 1 },
      { type: 'release', allocator: 'frames', address: 0x11000, result: Success },
    ]);
    expect(JSON.parse(JSON.stringify(log.events))).toEqual(log.events);
  });
});
