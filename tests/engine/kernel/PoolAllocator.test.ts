// PoolAllocator (§2.3, §2.6, §7.2, §10.5, §10.7): size classes with the 12-byte overhead, pool
// creation and growth, metadata written into emulated memory, release and its debug checks.
import { describe, expect, it } from 'vitest';
import {
  Allocator, AssertionError, BubbleAllocator, EventLog, ObjectSignature, PageAllocator, PhysicalMemory, PoolAllocator,
} from '../../../engine/index';
import { ExactParent } from './parents';

const { Success, InvalidSize, InvalidAlignment, OutOfMemory } = Allocator.Result;
const range = (size: number, alignment = 0): Allocator.Range => ({ address: 0, size, alignment });

function exactPool(options: { canFree?: boolean; mode?: 'debug' | 'release'; log?: EventLog } = {}) {
  const memory = new PhysicalMemory();
  const parent = new ExactParent(0x100000, options.canFree ?? true);
  const pool = new PoolAllocator(parent, { memory, mode: options.mode, log: options.log });
  return { memory, parent, pool };
}

function malloc(pool: PoolAllocator, size: number): number {
  const r = range(size);
  expect(pool.allocate(r)).toBe(Success);
  return r.address;
}

describe('PoolAllocator', () => {
  it('objectSize and objectCount follow the helper formulas', () => {
    const { pool } = exactPool();
    expect([2, 4, 27].map((i) => pool.objectSize(i))).toEqual([4, 16, 2 ** 27]);
    expect([4, 32, 2048, 4096, 16384, 1 << 20].map((s) => pool.objectCount(s))).toEqual([4096, 512, 8, 4, 1, 1]);
  });

  it('an empty allocator has size 0 and nothing available; base and alignment are 0', () => {
    const { pool } = exactPool();
    expect([pool.size(), pool.available(), pool.base(), pool.alignment()]).toEqual([0, 0, 0, 0]);
  });

  it('one 4-byte allocation with an exact parent: index 4, 1024 objects, size 17472, available 16368 ([derived])', () => {
    const { pool, parent } = exactPool();
    const address = malloc(pool, 4);
    const [only] = pool.pools();
    expect(pool.pools()).toHaveLength(1);
    expect([only!.index, only!.objects, only!.bitmapSize, only!.chunkSize()]).toEqual([4, 1024, 1024, 16]);
    expect(only!.block).toBe(0x100000);
    expect(parent.live.has(0x100000)).toBe(true);
    expect(pool.size()).toBe(17472);
    expect(pool.available()).toBe(16368);
    expect(address).toBe(0x100000 + 64 + 1024 + 8);
  });

  it('size classes include the 12-byte overhead: 4 bytes go to 16-byte slots, 64 bytes to 128 (§10.7)', () => {
    const { pool } = exactPool();
    malloc(pool, 64);
    malloc(pool, 4);
    malloc(pool, 5);
    malloc(pool, 20);
    malloc(pool, 21);
    expect(pool.pools().map((p) => p.chunkSize())).toEqual([16, 32, 64, 128]);
  });

  it('requires alignment 0 (InvalidAlignment, checked first) and a non-zero size (InvalidSize) (§10.5, §10.7)', () => {
    const { pool } = exactPool();
    const zero = range(0);
    expect(pool.allocate(zero)).toBe(InvalidSize);
    expect(pool.allocate(range(0, 4))).toBe(InvalidAlignment);
    expect(pool.allocate(range(16, 8))).toBe(InvalidAlignment);
    expect(pool.size()).toBe(0);
  });

  it('is OutOfMemory with address 0 above the 128 MiB class or when the parent fails', () => {
    const { pool } = exactPool();
    const huge = range(2 ** 27, 0);
    huge.address = 0x1234;
    expect(pool.allocate(huge)).toBe(OutOfMemory);
    expect(huge.address).toBe(0);
    const memory = new PhysicalMemory();
    const starved = new PoolAllocator(new ExactParent(0x100000, true, 0x100100), { memory });
    const r = range(8);
    r.address = 0x5678;
    expect(starved.allocate(r)).toBe(OutOfMemory);
    expect(r.address).toBe(0);
  });

  it('grows pools linearly with list position and puts new pools at the head (§2.3, §10.7)', () => {
    const { pool } = exactPool();
    for (let i = 0; i < 1024 + 1024 + 2048 + 1; i++) malloc(pool, 4);
    expect(pool.pools().map((p) => p.objects)).toEqual([3 * 1024, 2 * 1024, 1024, 1024]);
    const [head, second] = pool.pools();
    expect(head!.next).toBe(second);
    expect(second!.prev).toBe(head);
    expect(head!.used()).toBe(1);
  });

  it('budgets the bitmap at one byte per object, rounded up to 4 (§10.7)', () => {
    const { pool } = exactPool();
    malloc(pool, 1000);
    const [p] = pool.pools();
    expect([p!.index, p!.objects, p!.bitmapSize]).toEqual([10, 16, 16]);
    malloc(pool, 100000);
    const big = pool.pools().find((q) => q.index === 17)!;
    expect([big.objects, big.bitmapSize, big.blockSize()]).toEqual([1, 4, 64 + 4 + 131072]);
  });

  it('writes the prefix, the postfix and the pool header into emulated memory', () => {
    const { pool, memory } = exactPool();
    const a = malloc(pool, 6);
    const b = malloc(pool, 6);
    const [p] = pool.pools();
    expect(memory.read32(a - 8)).toBe(ObjectSignature);
    expect(memory.read32(a - 4)).toBe(p!.block);
    expect(memory.read32(a + 8)).toBe(ObjectSignature);
    expect(b).toBe(a + 32);
    const header = (offset: number) => memory.read32(p!.block + offset);
    expect(header(8)).toBe(p!.base());
    expect(header(12)).toBe(p!.objects * 32);
    expect(header(16)).toBe(4);
    expect(header(24)).toBe(p!.objects);
    expect(header(28)).toBe(2);
    expect(header(32)).toBe(p!.block + 64);
    expect(header(40)).toBe(32);
    expect(header(44)).toBe(1);
    expect([header(48), header(52), header(56), header(60)]).toEqual([0, 0, 5, p!.bitmapSize]);
    expect(memory.read8(p!.block + 64)).toBe(0b11);
  });

  it('keeps the list links in the headers in step', () => {
    const { pool, memory } = exactPool();
    for (let i = 0; i < 1025; i++) malloc(pool, 4);
    const [head, tail] = pool.pools();
    expect(memory.read32(head!.block + 48)).toBe(0);
    expect(memory.read32(head!.block + 52)).toBe(tail!.block);
    expect(memory.read32(tail!.block + 48)).toBe(head!.block);
    expect(memory.read32(tail!.block + 52)).toBe(0);
  });

  it('release returns Success and frees the slot; next fit resumes at the last allocation', () => {
    const { pool } = exactPool({ canFree: false });
    const a = malloc(pool, 4);
    const b = malloc(pool, 4);
    expect(pool.release(a)).toBe(Success);
    expect(pool.available()).toBe(16368);
    expect(malloc(pool, 4)).toBe(b + 16);
  });

  it('gives an empty pool back only when the parent\'s release succeeds (§10.7)', () => {
    const kept = exactPool({ canFree: false });
    const a = malloc(kept.pool, 4);
    expect(kept.pool.release(a)).toBe(Success);
    expect(kept.pool.pools()).toHaveLength(1);
    expect(kept.pool.size()).toBe(17472);
    const freed = exactPool({ canFree: true });
    const b = malloc(freed.pool, 4);
    const c = malloc(freed.pool, 4);
    freed.pool.release(b);
    expect(freed.pool.pools()).toHaveLength(1);
    expect(freed.pool.release(c)).toBe(Success);
    expect(freed.pool.pools()).toHaveLength(0);
    expect(freed.parent.released).toEqual([0x100000]);
    expect(freed.pool.size()).toBe(0);
  });

  it('unlinks a pool from the middle of its list', () => {
    const { pool, memory } = exactPool({ canFree: true });
    const first = Array.from({ length: 1024 }, () => malloc(pool, 4));
    const second = Array.from({ length: 1024 }, () => malloc(pool, 4));
    malloc(pool, 4);
    const [head, middle, last] = pool.pools();
    expect(middle!.objects).toBe(1024);
    second.forEach((a) => pool.release(a));
    expect(pool.pools()).toEqual([head, last]);
    expect(head!.next).toBe(last);
    expect(last!.prev).toBe(head);
    expect(memory.read32(head!.block + 52)).toBe(last!.block);
    expect(memory.read32(last!.block + 48)).toBe(head!.block);
    expect(first).toHaveLength(1024);
  });

  describe('debug build checks on release', () => {
    it('a double free is fatal and named', () => {
      const { pool } = exactPool({ canFree: false });
      const a = malloc(pool, 8);
      pool.release(a);
      expect(() => pool.release(a)).toThrow(AssertionError);
      expect(() => pool.release(a)).toThrow(/PoolAllocator.release\(0x[0-9A-F]+\): double free/);
    });

    it('an address it never gave out has no signature', () => {
      const { pool } = exactPool();
      malloc(pool, 8);
      expect(() => pool.release(0x700000)).toThrow(/no object signature at 0x6FFFF8/);
    });

    it('a forged prefix names no pool', () => {
      const { pool, memory } = exactPool();
      malloc(pool, 8);
      memory.write32(0x700000, ObjectSignature);
      memory.write32(0x700004, 0xdead0000);
      expect(() => pool.release(0x700008)).toThrow(/names 0xDEAD0000, which is not a pool/);
    });

    it('an overrun that erased the postfix is caught', () => {
      const { pool, memory } = exactPool();
      const a = malloc(pool, 20);
      memory.fill(a, 0x41, 24);
      expect(() => pool.release(a)).toThrow(/no postfix signature in the 32-byte slot/);
    });
  });

  describe('release builds', () => {
    it('ignore a double free and a foreign pointer, recording the undefined behaviour', () => {
      const log = new EventLog();
      const { pool } = exactPool({ canFree: false, mode: 'release', log });
      const a = malloc(pool, 8);
      pool.release(a);
      expect(pool.release(a)).toBe(Success);
      expect(pool.release(0x900000)).toBe(Success);
      expect(log.events.at(-1)).toMatchObject({ type: 'undefined', operation: 'release', address: 0x900000 });
      expect(pool.available()).toBe(pool.size() - 64 - pool.pools()[0]!.bitmapSize);
    });
  });

  it('records pool creation, prefix, postfix and the slot bits as events', () => {
    const log = new EventLog();
    const { pool } = exactPool({ log });
    const { events } = log.capture(() => malloc(pool, 4));
    expect(events.map((e) => e.type)).toEqual(['pool', 'metadata', 'metadata', 'bits', 'allocate', 'metadata', 'metadata', 'allocate']);
    expect(events[0]).toEqual({ type: 'pool', allocator: 'PoolAllocator', op: 'create', index: 4, address: 0x100000,
      size: 17472, objects: 1024, bitmapSize: 1024 });
    expect(events.filter((e) => e.type === 'metadata').map((e) => e.type === 'metadata' && e.what))
      .toEqual(['pool-header', 'bitmap', 'prefix', 'postfix']);
    expect(events.at(-1)).toEqual({ type: 'allocate', allocator: 'PoolAllocator', size: 4, alignment: 0, result: Success,
      address: 0x100000 + 64 + 1024 + 8 });
  });
});

describe('The worked example of §2.6: the user heap over a PageAllocator', () => {
  const calls: [number, number, number, number, number][] = [
    // size, pool index, slots, bitmap bytes, returned address
    [1, 4, 7706, 7708, 0xb0002e64],
    [4, 4, 7706, 7708, 0xb0002e74],
    [5, 5, 3969, 3972, 0xb0021fcc],
    [64, 7, 1015, 1016, 0xb0041440],
    [1000, 10, 127, 128, 0xb00610c8],
    [4096, 13, 15, 16, 0xb0081058],
    [16384, 15, 3, 4, 0xb00a104c],
    [100000, 17, 1, 4, 0xb00c104c],
  ];

  it('gives exactly the documented addresses, pools and bitmaps ([derived])', () => {
    const memory = new PhysicalMemory();
    const mapped: number[] = [];
    const page = new PageAllocator({ address: 0xb0000000, size: 0x10000000, alignment: 4096 },
      { vmctl: (_pid, _op, r) => (mapped.push(r.virt), 0) });
    const heap = new PoolAllocator(page, { memory });
    for (const [size, index, slots, bitmap, address] of calls) {
      expect(malloc(heap, size)).toBe(address);
      const p = heap.pools().find((q) => q.index === index)!;
      expect([p.objects, p.bitmapSize]).toEqual([slots, bitmap]);
    }
    expect(mapped).toEqual([0xb0001000, 0xb0021000, 0xb0041000, 0xb0061000, 0xb0081000, 0xb00a1000, 0xb00c1000]);
    expect(heap.pools().find((q) => q.index === 17)!.blockSize()).toBeLessThanOrEqual(256 * 1024);
    expect(page.available()).toBe(0x10000000 - 4096 - 6 * 128 * 1024 - 256 * 1024);
  });
});

describe('The kernel heap example of §7.2: PoolAllocator over a BubbleAllocator', () => {
  it('the first new of 100 bytes lands at heapStart + 356 in a 16 576-byte pool of 128 objects ([derived])', () => {
    const memory = new PhysicalMemory();
    const heapStart = 0x00223000;
    const bubble = new BubbleAllocator({ address: heapStart + 156, size: 1048576 - 156, alignment: 4 }, { memory });
    expect(bubble.size()).toBe(1048420);
    const heap = new PoolAllocator(bubble, { memory });
    expect(malloc(heap, 100)).toBe(heapStart + 356);
    const [p] = heap.pools();
    expect([p!.index, p!.chunkSize(), p!.objects, p!.blockSize()]).toEqual([7, 128, 128, 16576]);
    expect(bubble.allocatedBytes()).toBe(16576);
  });
});
