// TunableAllocator: each policy on small hand-made sequences, with the exact addresses and heap
// ends a reader can work out from the layout (payloads from 0x10000010, blocks of size n + 8
// rounded up to 8, at least 16); the config check naming each bad field; and, for random configs,
// the grader's checker passing on every lab trace.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferHeap, localTarget } from '../../../engine/grader/LocalTarget';
import { replay } from '../../../engine/grader/Replay';
import { parseTrace } from '../../../engine/workload/TraceFormat';
import { TunableAllocator, tunableAllocatorClass } from '../../../engine/workload/TunableAllocator';
import { DEFAULT_TUNING, TuningError, readTuningConfig, type TuningConfig } from '../../../engine/workload/TuningConfig';

/** A TunableAllocator over a fresh 1 MiB heap at 0x10000000 (sbrk, or 128 KiB pages); config fields over the defaults. */
function make(config: Partial<TuningConfig> = {}, parent: 'sbrk' | 'pages' = 'sbrk') {
  const heap = new BufferHeap({ limit: 1024 * 1024, parent, base: 0x10000000 });
  const allocator = new TunableAllocator(heap, { ...DEFAULT_TUNING, ...config });
  const header = (payload: number) => heap.read32(payload - 4);
  return { heap, allocator, header };
}

/**
 * Holes of 64, 32 and 48 bytes (at 0x10000010, 0x10000060, 0x10000090), each between allocated
 * 16-byte pins, freed in that order (or `freeOrder`, indexes into those three): a LIFO list is then
 * 48, 32, 64; a FIFO one 64, 32, 48; an address-ordered one 64, 32, 48 whatever the order.
 */
function threeHoles(config: Partial<TuningConfig>, freeOrder: readonly number[] = [0, 1, 2]) {
  const made = make({ growBy: 8, ...config });
  const { allocator } = made;
  const a = allocator.malloc(56), b = (allocator.malloc(8), allocator.malloc(24)), c = (allocator.malloc(8), allocator.malloc(40));
  allocator.malloc(8);
  expect([a, b, c]).toEqual([0x10000010, 0x10000060, 0x10000090]);
  expect(made.heap.end()).toBe(0x100000d0);
  for (const k of freeOrder) allocator.free([a, b, c][k]!);
  return made;
}

describe('TunableAllocator: layout and growth', () => {
  it('puts the first payload after the padding and prologue, 8-aligned, and grows by growBy at least', () => {
    const { heap, allocator, header } = make();
    expect(heap.end()).toBe(0x10000010);
    expect(allocator.malloc(1)).toBe(0x10000010);
    expect(header(0x10000010)).toBe(16 | 1); // 1 + 8 rounded up to 8, at least 16
    expect(heap.end()).toBe(0x10000010 + 4096);
    expect(allocator.malloc(100)).toBe(0x10000020); // carved from the rest of the grown block
    expect(header(0x10000020)).toBe(112 | 1);
    expect(allocator.malloc(0)).toBe(0);
    expect(allocator.malloc(2 * 1024 * 1024)).toBe(0); // more than the heap's limit
  });

  it('grows by exactly what is missing with growBy 8, merging a free last block unless coalescing is never', () => {
    for (const [coalesce, address, end] of [['immediate', 0x10000030, 0x10000070], ['deferred', 0x10000030, 0x10000070], ['never', 0x10000050, 0x10000090]] as const) {
      const { heap, allocator } = make({ growBy: 8, coalesce });
      allocator.malloc(24);
      allocator.free(allocator.malloc(24)); // a free 32-byte block at the end of the heap
      expect(allocator.malloc(56), coalesce).toBe(address);
      expect(heap.end(), coalesce).toBe(end);
    }
  });

  it('uses all of a page-granting parent\'s 128 KiB steps before growing again', () => {
    const { heap, allocator } = make({}, 'pages');
    expect(heap.end()).toBe(0x10020000); // the prologue's 16 bytes took a whole step
    expect(allocator.malloc(8)).toBe(0x10000010);
    expect(heap.end()).toBe(0x10020000); // the rest of that step was enough
    expect(allocator.malloc(200_000)).toBe(0x10000020); // the free rest of the step, merged with one more step
    expect(heap.end()).toBe(0x10040000);
  });
});

describe('TunableAllocator: fit policies and list order', () => {
  it('first fit on a LIFO list takes the most recently freed block that fits', () => {
    expect(threeHoles({ fit: 'first' }).allocator.malloc(20)).toBe(0x10000090);
  });

  it('best fit takes the smallest block that fits', () => {
    expect(threeHoles({ fit: 'best' }).allocator.malloc(20)).toBe(0x10000060);
  });

  it('first fit on an address-ordered list takes the lowest block that fits', () => {
    expect(threeHoles({ fit: 'first', order: 'address' }).allocator.malloc(20)).toBe(0x10000090 - 0x80);
  });

  it('freed 48, 64, 32 (in that order): first fit takes the last freed on LIFO, the first freed on FIFO, the lowest on address order', () => {
    for (const [order, address] of [['lifo', 0x10000060], ['fifo', 0x10000090], ['address', 0x10000010]] as const) {
      expect(threeHoles({ fit: 'first', order }, [2, 0, 1]).allocator.malloc(20), order).toBe(address);
    }
  });

  it('a FIFO list keeps its tail when blocks leave it: the next freed block goes after the new last one', () => {
    const { allocator } = threeHoles({ fit: 'first', order: 'fifo' }, [2, 0, 1]); // list: 48, 64, 32
    const tail = allocator.malloc(24); // the 32-byte block is an exact fit only for best fit; first fit splits the 48
    expect(tail).toBe(0x10000090);
    allocator.free(tail); // merges with its 16-byte rest: 48 bytes again, now at the tail (list 64, 32, 48)
    expect(allocator.malloc(40)).toBe(0x10000010); // the head is the 64
    expect(allocator.malloc(24)).toBe(0x10000060); // then the 32, an exact fit
    expect(allocator.malloc(40)).toBe(0x10000090); // and the 48 at the tail
  });

  it('next fit goes on from where the last search stopped; first fit starts again at the head', () => {
    for (const [fit, second] of [['next', 0x10000060], ['first', 0x10000090]] as const) {
      const { allocator } = threeHoles({ fit });
      const p = allocator.malloc(20);
      expect(p, fit).toBe(0x10000090);
      allocator.free(p); // merges back with its split-off rest: the list is 48, 32, 64 again
      expect(allocator.malloc(20), fit).toBe(second);
    }
  });

  it('size classes search the request\'s own class first', () => {
    for (const [sizeClasses, address] of [[[], 0x10000040], [[32, 64], 0x10000010]] as const) {
      const { allocator } = make({ growBy: 8, sizeClasses: [...sizeClasses] });
      const a = allocator.malloc(24), b = (allocator.malloc(8), allocator.malloc(56));
      allocator.malloc(8);
      allocator.free(a);
      allocator.free(b); // one LIFO list: the 64-byte block is first
      expect(allocator.malloc(24), JSON.stringify(sizeClasses)).toBe(address);
    }
  });
});

describe('TunableAllocator: splitting and coalescing', () => {
  it('splits off a leftover only when it reaches splitThreshold', () => {
    const split = threeHoles({ splitThreshold: 16 });
    expect(split.allocator.malloc(20)).toBe(0x10000090);
    expect(split.header(0x10000090)).toBe(32 | 1);
    expect(split.allocator.malloc(8)).toBe(0x100000b0); // the 16-byte rest, at the list's head
    const whole = threeHoles({ splitThreshold: 24 });
    expect(whole.allocator.malloc(20)).toBe(0x10000090);
    expect(whole.header(0x10000090)).toBe(48 | 1); // the 16 bytes stay inside the block
  });

  it('merges three freed neighbours at once, at the next failed search, or never', () => {
    for (const [coalesce, address, end] of [['immediate', 0x10000010, 0x10000080], ['deferred', 0x10000010, 0x10000080], ['never', 0x10000080, 0x100000e0]] as const) {
      const { heap, allocator, header } = make({ growBy: 8, coalesce });
      const [x, y, z] = [allocator.malloc(24), allocator.malloc(24), allocator.malloc(24)];
      allocator.malloc(8);
      for (const p of [x, z, y]) allocator.free(p);
      expect(header(x), coalesce).toBe(coalesce === 'immediate' ? 96 : 32); // free: allocated bit clear
      expect(allocator.malloc(88), coalesce).toBe(address);
      expect(heap.end(), coalesce).toBe(end);
    }
  });
});

describe('readTuningConfig', () => {
  const refusal = (data: unknown): string => {
    try {
      readTuningConfig(data);
    } catch (error) {
      if (error instanceof TuningError) return error.message;
      throw error;
    }
    throw new Error('expected a TuningError');
  };

  it('fills the defaults in and keeps what is given', () => {
    expect(readTuningConfig({})).toEqual(DEFAULT_TUNING);
    expect(readTuningConfig({ fit: 'best', sizeClasses: [32, 128] })).toEqual({ ...DEFAULT_TUNING, fit: 'best', sizeClasses: [32, 128] });
  });

  it.each([
    [{ fit: 'worst' }, "config.fit: 'worst' must be first, next or best"],
    [{ coalesce: true }, 'config.coalesce: true must be immediate, deferred or never'],
    [{ order: 'fido' }, "config.order: 'fido' must be lifo, fifo or address"],
    [{ splitThreshold: 8 }, 'config.splitThreshold: 8 must be a whole number of bytes from 16 to 16777216'],
    [{ growBy: 100 }, 'config.growBy: 100 must be a multiple of 8'],
    [{ sizeClasses: 64 }, 'config.sizeClasses: 64 must be a list of block sizes, ascending (or [] for one list)'],
    [{ sizeClasses: [64, 32] }, 'config.sizeClasses: must be ascending: 32 (at [1]) is not above 64'],
    [{ sizeClasses: [64, 'big'] }, "config.sizeClasses[1]: 'big' must be a whole number of bytes from 16 to 16777216"],
    [{ colour: 'red' }, 'config.colour: unknown field (fields: sizeClasses, fit, splitThreshold, coalesce, order, growBy)'],
    [[1, 2], 'config: [1,2] must be an object with fields sizeClasses, fit, splitThreshold, coalesce, order, growBy'],
  ])('refuses %j: %s', (data, message) => {
    expect(refusal(data)).toBe(message);
  });
});

describe('TunableAllocator under the checker', () => {
  const dir = path.resolve(import.meta.dirname, '../../../exercises/traces');
  const traces = readdirSync(dir).filter((f) => f.endsWith('.trace')).sort().map((f) => parseTrace(readFileSync(path.join(dir, f), 'latin1'), f));
  const configs = fc.record({
    sizeClasses: fc.uniqueArray(fc.integer({ min: 16, max: 8192 }), { maxLength: 6 }).map((xs) => xs.sort((a, b) => a - b)),
    fit: fc.constantFrom('first', 'next', 'best'),
    splitThreshold: fc.integer({ min: 16, max: 2048 }),
    coalesce: fc.constantFrom('immediate', 'deferred', 'never'),
    order: fc.constantFrom('lifo', 'fifo', 'address'),
    growBy: fc.integer({ min: 1, max: 8192 }).map((n) => n * 8),
  });

  it('passes every check on every lab trace, for any config and either parent', () => {
    expect(traces.length).toBeGreaterThanOrEqual(11);
    fc.assert(fc.property(configs, fc.constantFrom('sbrk', 'pages'), (data, parent) => {
      const config = readTuningConfig(data);
      for (const trace of traces) {
        const result = replay(trace, localTarget(tunableAllocatorClass(config), { parent }));
        expect(result.failure, `${trace.file} with ${JSON.stringify(config)} (${parent})`).toBeNull();
        expect(result.metrics.operations).toBe(trace.length);
      }
    }), { numRuns: 12, seed: 2026 });
  }, 120_000);
});
