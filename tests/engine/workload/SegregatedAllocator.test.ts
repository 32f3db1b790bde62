// SegregatedAllocator: hand-worked addresses and heap ends (4 KiB pages from 0x10000000, classes
// of powers of two from 8 bytes); its invariants on random sequences (every block lies in a page of
// its request's class, freed blocks never merge or serve another class); the checker on lab traces.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferHeap, localTarget } from '../../../engine/grader/LocalTarget';
import { replay } from '../../../engine/grader/Replay';
import { SegregatedAllocator } from '../../../engine/workload/SegregatedAllocator';
import { parseTrace } from '../../../engine/workload/TraceFormat';

const BASE = 0x10000000;

function make(limit = 1024 * 1024, parent: 'sbrk' | 'pages' = 'sbrk') {
  const heap = new BufferHeap({ limit, base: BASE, parent });
  return { heap, seg: new SegregatedAllocator(heap) };
}

describe('SegregatedAllocator: classes and pages', () => {
  it('rounds a request up to a power of two, at least 8 bytes', () => {
    expect([1, 8, 9, 16, 17, 4096, 4097].map((n) => SegregatedAllocator.classOf(n))).toEqual([8, 8, 16, 16, 32, 4096, 8192]);
  });

  it('cuts a page per class from the heap\'s end and hands its blocks out in address order', () => {
    const { heap, seg } = make();
    expect(heap.end()).toBe(BASE);
    expect(seg.malloc(1)).toBe(BASE); // class 8: its first page
    expect(heap.end()).toBe(BASE + 4096);
    expect(seg.malloc(8)).toBe(BASE + 8);
    expect(seg.malloc(9)).toBe(BASE + 4096); // class 16: a page of its own
    expect(seg.malloc(16)).toBe(BASE + 4096 + 16);
    expect(seg.malloc(5000)).toBe(BASE + 8192); // class 8192: a run of two pages, one block
    expect(heap.end()).toBe(BASE + 16384);
    expect([seg.classAt(BASE + 8), seg.classAt(BASE + 4100), seg.classAt(BASE + 8192 + 4096), seg.classAt(BASE + 16384)]).toEqual([8, 16, 8192, 0]);
  });

  it('reuses a freed block of the same class, newest first, and opens a new page when one is used up', () => {
    const { heap, seg } = make();
    const blocks = Array.from({ length: 512 }, () => seg.malloc(8)); // one whole page of class 8
    expect(blocks[511]).toBe(BASE + 4088);
    seg.free(blocks[3]!);
    seg.free(blocks[7]!);
    expect(seg.malloc(2)).toBe(blocks[7]);
    expect(seg.malloc(2)).toBe(blocks[3]);
    expect(heap.end()).toBe(BASE + 4096);
    expect(seg.malloc(2)).toBe(BASE + 4096); // the page is full: a second page of class 8
  });

  it('never merges freed blocks nor gives them to another class', () => {
    const { heap, seg } = make();
    const blocks = Array.from({ length: 512 }, () => seg.malloc(8));
    for (const p of blocks) seg.free(p); // a whole free page of 8-byte blocks
    expect(seg.malloc(16)).toBe(BASE + 4096); // class 16 opens its own page
    expect(seg.malloc(4096)).toBe(BASE + 8192); // and a page-sized block is not made of the free ones
    expect(heap.end()).toBe(BASE + 12288);
  });

  it('returns 0 for size 0 and when the heap cannot hold another page', () => {
    const { seg } = make(8192);
    expect(seg.malloc(0)).toBe(0);
    expect(seg.malloc(8193)).toBe(0);
    expect(seg.malloc(8)).toBe(BASE);
    expect(seg.malloc(16)).toBe(BASE + 4096);
    expect(seg.malloc(32)).toBe(0); // no room for a third page
  });

  it('uses what a page-granting parent gave beyond the page before growing again', () => {
    const { heap, seg } = make(1024 * 1024, 'pages');
    expect(seg.malloc(8)).toBe(BASE);
    expect(heap.end()).toBe(BASE + 128 * 1024);
    expect(seg.malloc(16)).toBe(BASE + 4096);
    expect(heap.end()).toBe(BASE + 128 * 1024);
  });
});

describe('SegregatedAllocator: invariants', () => {
  it('every block lies in a page of its request\'s class, aligned to its size, overlapping no live block', () => {
    const ops = fc.array(fc.oneof(fc.integer({ min: 1, max: 9000 }), fc.constant(-1)), { minLength: 1, maxLength: 80 });
    fc.assert(fc.property(ops, fc.nat(), (sequence, pick) => {
      const { heap, seg } = make(8 * 1024 * 1024); // room for 80 blocks of 16 KiB: malloc never runs out
      const live = new Map<number, number>(); // address -> class
      const freed = new Map<number, number>();
      for (const [k, op] of sequence.entries()) {
        if (op === -1) {
          if (live.size === 0) continue;
          const victim = [...live.keys()][(pick + k) % live.size]!;
          freed.set(victim, live.get(victim)!);
          live.delete(victim);
          seg.free(victim);
          continue;
        }
        const p = seg.malloc(op);
        const block = SegregatedAllocator.classOf(op);
        expect(seg.classAt(p)).toBe(block);
        expect((p - seg.origin) % Math.min(block, 4096)).toBe(0);
        expect(p + block).toBeLessThanOrEqual(heap.end());
        for (const [q, size] of live) expect(p + block <= q || q + size <= p, `${p} overlaps ${q}`).toBe(true);
        if (freed.has(p)) expect(freed.get(p)).toBe(block); // a reused block served its own class
        freed.delete(p);
        live.set(p, block);
      }
    }), { numRuns: 60, seed: 2026 });
  });
});

describe('SegregatedAllocator under the checker', () => {
  it('passes every check on lab traces, with either parent', () => {
    const dir = path.resolve(import.meta.dirname, '../../../exercises/traces');
    for (const file of ['randomSizes.trace', 'coalescing.trace', 'reallocHeavy.trace']) {
      const trace = parseTrace(readFileSync(path.join(dir, file), 'latin1'), file);
      for (const parent of ['sbrk', 'pages'] as const) {
        const result = replay(trace, localTarget(SegregatedAllocator, { parent }));
        expect(result.failure, `${file} (${parent})`).toBeNull();
        expect(result.metrics.operations).toBe(trace.length);
      }
    }
  });
});
