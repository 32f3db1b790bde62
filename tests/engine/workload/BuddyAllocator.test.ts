// BuddyAllocator: hand-worked splits, merges and heap ends (a 1 MiB arena at 0x10000000: a block of
// 2^j bytes at a multiple of 2^j, its payload 8 bytes in); the invariants after every step of
// random sequences (blocks are powers of two aligned to their size and tile the arena, no two free
// buddies stay apart, freeing everything leaves the whole arena); the checker on lab traces.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferHeap, localTarget } from '../../../engine/grader/LocalTarget';
import { replay } from '../../../engine/grader/Replay';
import { BuddyAllocator, orderOf } from '../../../engine/workload/BuddyAllocator';
import { parseTrace } from '../../../engine/workload/TraceFormat';

const BASE = 0x10000000;

function make(limit = 1024 * 1024) {
  const heap = new BufferHeap({ limit, base: BASE });
  return { heap, buddy: new BuddyAllocator(heap) };
}

describe('BuddyAllocator: splitting, merging, growing', () => {
  it('splits the arena down to the smallest block that holds the request and its header, lowest first', () => {
    const { heap, buddy } = make();
    expect(buddy.maxOrder).toBe(20);
    expect(heap.end()).toBe(BASE); // nothing grown before a block is handed out
    expect(buddy.malloc(1)).toBe(BASE + 8); // 9 bytes: a 16-byte block at 0
    expect(heap.end()).toBe(BASE + 16);
    expect(buddy.malloc(8)).toBe(BASE + 16 + 8); // 16 bytes: the buddy at 16
    expect(buddy.malloc(9)).toBe(BASE + 32 + 8); // 17 bytes: a 32-byte block at 32
    expect(buddy.malloc(100)).toBe(BASE + 128 + 8); // 108 bytes: 128 at 128; the 64 at 64 stays free
    expect(heap.end()).toBe(BASE + 256);
    expect(heap.read32(BASE + 128)).toBe(2 * 7 + 1); // header: order 7, allocated
    expect(buddy.freeBlocks().slice(0, 3)).toEqual([
      { address: BASE + 64, size: 64 }, { address: BASE + 256, size: 256 }, { address: BASE + 512, size: 512 },
    ]);
  });

  it('merges a freed block with its free buddy, again and again, back to the whole arena', () => {
    const { heap, buddy } = make();
    const [a, b, c, d] = [buddy.malloc(1), buddy.malloc(8), buddy.malloc(9), buddy.malloc(100)];
    buddy.free(a!);
    expect(buddy.freeBlocks()[0]).toEqual({ address: BASE, size: 16 }); // its buddy (16) is allocated
    buddy.free(b!);
    expect(buddy.freeBlocks()[0]).toEqual({ address: BASE, size: 32 }); // 0 + 16 merged; 32 is allocated
    buddy.free(c!);
    expect(buddy.freeBlocks()[0]).toEqual({ address: BASE, size: 128 }); // 0..32 + 32, then + the free 64
    buddy.free(d!);
    expect(buddy.freeBlocks()).toEqual([{ address: BASE, size: 1024 * 1024 }]);
    expect(heap.end()).toBe(BASE + 256); // the break never moves down
  });

  it('refuses size 0, requests above the arena, and an arena that is full', () => {
    const { heap, buddy } = make(4096);
    expect(buddy.malloc(0)).toBe(0);
    expect(buddy.malloc(4096)).toBe(0); // with its header it needs 8192
    expect(buddy.malloc(4088)).toBe(BASE + 8);
    expect(buddy.malloc(1)).toBe(0);
    expect(heap.end()).toBe(BASE + 4096);
  });

  it('rounds to the order of size + 8 bytes, at least 16', () => {
    expect([1, 8, 9, 24, 25, 4088, 4089].map((n) => orderOf(n + 8))).toEqual([4, 4, 5, 5, 6, 12, 13]);
  });

  it('counts offsets from an arena padded to 8 bytes when the heap ends unaligned', () => {
    const heap = new BufferHeap({ limit: 4096, base: BASE });
    heap.grow(3);
    const buddy = new BuddyAllocator(heap);
    expect(buddy.origin).toBe(BASE + 8);
    expect(buddy.maxOrder).toBe(11); // 4088 bytes left: 2048 is the largest power of two
    expect(buddy.malloc(1)).toBe(BASE + 16);
  });
});

describe('BuddyAllocator: invariants', () => {
  /** Every block, allocated (from the payloads' headers) or free, as [offset, size]; checks they tile the arena. */
  function checkTiling(heap: BufferHeap, buddy: BuddyAllocator, live: Set<number>): void {
    const blocks: [number, number, boolean][] = [
      ...[...live].map((p) => [p - 8 - buddy.origin, 2 ** (heap.read32(p - 8) >>> 1), true] as [number, number, boolean]),
      ...buddy.freeBlocks().map((f) => [f.address - buddy.origin, f.size, false] as [number, number, boolean]),
    ].sort((x, y) => x[0] - y[0]);
    let at = 0;
    for (const [offset, size, allocated] of blocks) {
      expect(Math.log2(size) % 1, `size ${size} is a power of two`).toBe(0);
      expect(offset % size, `block at ${offset} is aligned to its size ${size}`).toBe(0);
      expect(offset, 'blocks tile the arena without gaps or overlaps').toBe(at);
      if (allocated) expect(buddy.origin + offset + size).toBeLessThanOrEqual(heap.end());
      at = offset + size;
    }
    expect(at).toBe(2 ** buddy.maxOrder);
    const free = new Set(buddy.freeBlocks().map((f) => `${f.address - buddy.origin}/${f.size}`));
    for (const f of buddy.freeBlocks()) {
      const offset = f.address - buddy.origin;
      const buddyOffset = (offset / f.size) % 2 === 0 ? offset + f.size : offset - f.size;
      expect(free.has(`${buddyOffset}/${f.size}`), `free block ${offset}/${f.size} and its free buddy were not merged`).toBe(false);
    }
  }

  it('after every malloc and free of random sequences; freeing all leaves the whole arena', () => {
    const ops = fc.array(fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constant(-1)), { minLength: 1, maxLength: 60 });
    fc.assert(fc.property(ops, fc.nat(), (sequence, pick) => {
      const { heap, buddy } = make(64 * 1024);
      const live = new Set<number>();
      for (const [k, op] of sequence.entries()) {
        if (op === -1 && live.size > 0) {
          const victim = [...live][(pick + k) % live.size]!;
          live.delete(victim);
          buddy.free(victim);
        } else if (op > 0) {
          const p = buddy.malloc(op);
          if (p !== 0) {
            expect(p % 8).toBe(0);
            expect(2 ** (heap.read32(p - 8) >>> 1)).toBe(2 ** orderOf(op + 8));
            live.add(p);
          }
        }
        checkTiling(heap, buddy, live);
      }
      for (const p of live) buddy.free(p);
      expect(buddy.freeBlocks()).toEqual([{ address: buddy.origin, size: 2 ** buddy.maxOrder }]);
    }), { numRuns: 60, seed: 2026 });
  });
});

describe('BuddyAllocator under the checker', () => {
  it('passes every check on lab traces, with either parent', () => {
    const dir = path.resolve(import.meta.dirname, '../../../exercises/traces');
    for (const file of ['randomSizes.trace', 'coalescing.trace', 'reallocHeavy.trace']) {
      const trace = parseTrace(readFileSync(path.join(dir, file), 'latin1'), file);
      for (const parent of ['sbrk', 'pages'] as const) {
        const result = replay(trace, localTarget(BuddyAllocator, { parent }));
        expect(result.failure, `${file} (${parent})`).toBeNull();
        expect(result.metrics.operations).toBe(trace.length);
      }
    }
  });
});
