// The replay driver and its checker: a correct allocator (the 07-malloc reference) passes with the
// metrics computed by hand; each kind of broken allocator fails at the operation that shows it, with
// the trace line and a reason that says what went wrong; realloc is emulated when missing.
import { describe, expect, it } from 'vitest';
import type { Heap, MallocAllocator } from '../../../engine/workload/Heap';
import { OpKind, traceOf, type Trace } from '../../../engine/workload/Trace';
import { BufferHeap, localTarget } from '../../../engine/grader/LocalTarget';
import { replay } from '../../../engine/grader/Replay';
import Reference from '../../../exercises/07-malloc/reference';

const { Alloc, Realloc, Free } = OpKind;

/** Never reuses memory: payloads 8-aligned, one after another. */
class Bump implements MallocAllocator {
  constructor(protected readonly heap: Heap) {}
  malloc(size: number): number {
    if (size === 0 || size > 1 << 24) return 0;
    const at = this.heap.grow(Math.ceil(size / 8) * 8);
    return at;
  }
  free(): void {}
}

/** A Bump allocator that breaks one rule after `after` good calls. */
function broken(rule: (heap: Heap, good: number) => number, after = 2) {
  return class extends Bump {
    calls = 0;
    override malloc(size: number): number {
      const good = super.malloc(size);
      return this.calls++ < after ? good : rule(this.heap, good);
    }
  };
}

/** A trace with lines numbered as if read from `demo.rep` (line = index + 5, after a 4-line header). */
function fileTrace(ops: [OpKind, number, number?][], alignment = 8): Trace {
  const trace = traceOf('demo', ops, { file: 'demo.rep', alignment });
  trace.line.forEach((_, k) => (trace.line[k] = k + 5));
  return trace;
}

const mixed = fileTrace([
  [Alloc, 0, 100], [Alloc, 1, 2000], [Alloc, 2, 30], [Free, 1], [Alloc, 3, 1500], [Realloc, 0, 400],
  [Realloc, 2, 10], [Free, -1], [Free, 0], [Alloc, 4, 5000], [Free, 3], [Free, 2], [Free, 4],
]);

describe('replay with a correct allocator (the 07-malloc reference)', () => {
  it('passes every check and reports the metrics of the run', () => {
    const result = replay(mixed, localTarget(Reference));
    expect(result.failure).toBeNull();
    expect(result.ok).toBe(true);
    const m = result.metrics;
    expect(m.operations).toBe(13);
    // Live payload peaks after `a 4 5000`: 400 (id 0 was freed) ... by hand: 2 (10) + 3 (1500) + 4 (5000) = 6510.
    expect(m.peakPayload).toBe(6510);
    expect(m.livePayload).toBe(0);
    expect(m.heapHighWater).toBeGreaterThan(6510);
    expect(m.utilization).toBeCloseTo(6510 / m.heapHighWater, 12);
    // Everything freed: the heap is one hole, less the allocator's own words (padding, epilogue).
    expect(m.holes).toBe(1);
    expect(m.external).toBe(0);
    expect(m.work).toBeGreaterThan(0);
  });

  it('gives the same result twice (deterministic work units and metrics)', () => {
    const one = replay(mixed, localTarget(Reference), { series: true });
    const two = replay(mixed, localTarget(Reference), { series: true });
    expect(two).toEqual(one);
    expect(Array.from(one.series!.payload).slice(0, 3)).toEqual([100, 2100, 2130]);
  });

  it('keeps per-operation series whose last values are the final metrics', () => {
    const { series, metrics } = replay(mixed, localTarget(Reference), { series: true });
    expect(series!.payload.length).toBe(13);
    expect(series!.heap.at(-1)).toBe(metrics.heapSize);
    expect(series!.holes.at(-1)).toBe(metrics.holes);
    expect(Array.from(series!.work).reduce((a, b) => a + b, 0)).toBe(metrics.work);
  });

  it('reports progress every N operations and at the end', () => {
    const calls: [number, number][] = [];
    replay(mixed, localTarget(Reference), { progressEvery: 5, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([[5, 13], [10, 13], [13, 13]]);
  });

  it('accepts 0 for size 0 and for sizes no heap can hold, and free of such an id frees NULL', () => {
    const trace = fileTrace([[Alloc, 0, 0], [Alloc, 1, 2 ** 33], [Free, 0], [Free, 1], [Realloc, 2, 2 ** 40]]);
    expect(replay(trace, localTarget(Reference)).failure).toBeNull();
  });
});

describe('replay failures name the operation, the line and the reason', () => {
  const run = (Allocator: new (heap: Heap) => MallocAllocator, trace = mixed) => replay(trace, localTarget(Allocator)).failure;

  it('alignment', () => {
    const failure = run(broken((_, good) => good + 4));
    expect(failure).toMatchObject({ op: 2, line: 7, where: 'demo.rep:7', operation: 'a 2 30', kind: 'alignment' });
    expect(failure!.reason).toMatch(/^malloc\(30\) returned 0x1000083C, which is not 8-byte aligned$/);
  });

  it('16-byte alignment when the trace asks for it', () => {
    const trace = fileTrace([[Alloc, 0, 8], [Alloc, 1, 8]], 16);
    expect(run(Bump, trace)).toMatchObject({ op: 1, kind: 'alignment' });
  });

  it('outside the heap', () => {
    const failure = run(broken((heap) => heap.end() + 64));
    expect(failure).toMatchObject({ op: 2, kind: 'outside' });
    expect(failure!.reason).toContain('outside the heap [0x10000000, 0x10000858)');
  });

  it('overlap with a live payload', () => {
    const failure = run(broken((heap) => heap.base + 8));
    expect(failure).toMatchObject({ op: 2, kind: 'overlap' });
    expect(failure!.reason).toBe('malloc(30) returned [0x10000008, 0x10000026), which overlaps the live payload [0x10000000, 0x10000064)');
  });

  it('a payload overwritten by the allocator is caught when it is freed', () => {
    class Scribbler extends Bump {
      first = 0;
      override malloc(size: number): number {
        const at = super.malloc(size);
        if (this.first === 0) this.first = at;
        else this.heap.write32(this.first, 0xdeadbeef);
        return at;
      }
    }
    const failure = run(Scribbler, fileTrace([[Alloc, 0, 64], [Alloc, 1, 64], [Free, 1], [Free, 0]]));
    expect(failure).toMatchObject({ op: 3, line: 8, kind: 'integrity' });
    expect(failure!.reason).toMatch(/^the payload of id 0 \(64 bytes at 0x10000000\) was overwritten: the word at offset 0 \(0x10000000\) is 0xDEADBEEF/);
  });

  it('a word overwritten in the middle of a large live payload is caught at its free, and at once with checkAll', () => {
    class MiddleScribbler extends Bump {
      first = 0;
      override malloc(size: number): number {
        const at = super.malloc(size);
        if (this.first === 0) this.first = at;
        else this.heap.write32(this.first + 2048, 0xdeadbeef);
        return at;
      }
    }
    const trace = fileTrace([[Alloc, 0, 4096], [Alloc, 1, 64], [Alloc, 2, 64], [Free, 1], [Free, 0]]);
    const failure = run(MiddleScribbler, trace);
    expect(failure).toMatchObject({ op: 4, line: 9, kind: 'integrity' });
    expect(failure!.reason).toMatch(/^the payload of id 0 \(4096 bytes at 0x10000000\) was overwritten: the word at offset 2048 \(0x10000800\) is 0xDEADBEEF/);
    // The ends-only check of malloc-lab misses it; the debug mode names the operation right after the scribble.
    expect(replay(trace, localTarget(MiddleScribbler), { fillBytes: 8 }).failure).toBeNull();
    const debug = replay(trace, localTarget(MiddleScribbler), { checkAll: true }).failure;
    expect(debug).toMatchObject({ op: 1, kind: 'integrity' });
    expect(debug!.reason).toMatch(/^the payload of id 0 \(4096 bytes at 0x10000000\) after operation 2 was overwritten: the word at offset 2048 \(0x10000800\) is 0xDEADBEEF/);
  });

  it('heap.copy moves bytes with memmove semantics and refuses a range outside the heap', () => {
    const heap = new BufferHeap({ base: 0x1000, limit: 4096 });
    heap.grow(64);
    for (let k = 0; k < 16; k++) heap.write8(0x1000 + k, k + 1);
    heap.copy(0x1004, 0x1000, 12); // overlapping, forwards
    expect(Array.from({ length: 16 }, (_, k) => heap.read8(0x1000 + k))).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    heap.copy(0x1000, 0x1004, 12); // overlapping, backwards
    expect(Array.from({ length: 12 }, (_, k) => heap.read8(0x1000 + k))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(() => heap.copy(0x1000, 0x1030, 32)).toThrow(/outside the heap/);
    expect(() => heap.copy(0x1000, 0x1004, -1)).toThrow(/must be an integer from 0/);
  });

  it('realloc that loses the contents', () => {
    class Forgetful extends Bump {
      realloc(_at: number, size: number): number {
        return this.malloc(size);
      }
    }
    const failure = run(Forgetful, fileTrace([[Alloc, 0, 64], [Realloc, 0, 128]]));
    expect(failure).toMatchObject({ op: 1, kind: 'contents', operation: 'r 0 128' });
    expect(failure!.reason).toMatch(/^realloc\(0x10000000, 128\) did not keep the block's contents: at offset 0/);
  });

  it('out of memory', () => {
    const failure = run(broken(() => 0));
    expect(failure).toMatchObject({ op: 2, kind: 'out-of-memory' });
    expect(failure!.reason).toBe('malloc(30) returned 0 (no memory) with 2100 bytes live in a 2136-byte heap');
  });

  it('an address for a request no heap can hold', () => {
    expect(run(broken((heap) => heap.grow(8), 0), fileTrace([[Alloc, 0, 2 ** 33]]))).toMatchObject({ op: 0, kind: 'nonzero' });
  });

  it('an allocator that throws, or returns something that is not an address', () => {
    const thrower = run(broken(() => { throw new TypeError('boom'); }));
    expect(thrower).toMatchObject({ op: 2, kind: 'target', reason: 'malloc(30) threw TypeError: boom' });
    const liar = run(broken(() => 'abc' as unknown as number));
    expect(liar).toMatchObject({ op: 2, kind: 'target', reason: 'malloc(30) returned "abc" (a string), not an address' });
    expect(run(broken(() => -8))!.reason).toBe('malloc(30) returned -8 (a number), not an address');
  });

  it('faults in the trace itself are told apart from the allocator\'s', () => {
    expect(run(Reference, fileTrace([[Free, 3]]))).toMatchObject({ op: 0, kind: 'trace' });
    expect(run(Reference, fileTrace([[Alloc, 0, 8], [Alloc, 0, 8]]))).toMatchObject({ op: 1, kind: 'trace' });
  });

  it('a constructor that throws is reported before the replay starts', () => {
    class Broken extends Bump {
      constructor(heap: Heap) {
        super(heap);
        throw new Error('no');
      }
    }
    expect(() => localTarget(Broken)).toThrow("the allocator's constructor threw Error: no");
  });
});

describe('realloc without an allocator realloc', () => {
  it('is emulated with malloc, a copy of the kept bytes and free', () => {
    const result = replay(fileTrace([[Alloc, 0, 64], [Realloc, 0, 128], [Realloc, 0, 16], [Realloc, 0, 0], [Realloc, 1, 24]]), localTarget(Bump));
    expect(result.failure).toBeNull();
    expect(result.metrics.livePayload).toBe(24);
  });
});

describe('overhead (internal fragmentation seen from outside)', () => {
  it('counts heap bytes in neither a live payload nor a hole', () => {
    // Bump rounds to 8: payloads [0, 10), [16, 36) freed, [40, 140); heap 144 bytes, live payload 110.
    const trace = fileTrace([[Alloc, 0, 10], [Alloc, 1, 20], [Alloc, 2, 100], [Free, 1]]);
    const coarse = replay(trace, localTarget(Bump)).metrics;
    expect([coarse.heapSize, coarse.livePayload, coarse.holeBytes, coarse.overhead]).toEqual([144, 110, 0, 34]);
    const fine = replay(trace, localTarget(Bump), { minHole: 16 }).metrics;
    expect([fine.holes, fine.holeBytes, fine.overhead]).toEqual([1, 30, 4]);
  });
});
