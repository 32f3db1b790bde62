// The split-allocator subject: seeded scenarios are the same on every run and reach every rule (out
// of memory, the wrap, invalid alignments, size 0, sparse runs refused or failing half-way,
// translations that wrap around 2^32, stray addresses); the exercise's reference answers exactly as
// the engine's SplitAllocator on every seed; the starter fails with a report naming the call.
import { describe, expect, it } from 'vitest';
import { expectMatchesOnShapes, expectOptionErrors, runClass, seeds, starterFailures } from './helpers';
import type { Scenario } from '../../../../engine/grader/Conformance';
import { subjects } from '../../../../engine/grader/subjects/index';
import { splitAllocatorSubject as subject } from '../../../../engine/grader/subjects/splitAllocator';
import Reference from '../../../../exercises/04-split-allocator/reference';
import Starter from '../../../../exercises/04-split-allocator/starter';

type Allocation = { result: number; address: number };
type Sparse = { result: number; runs: number[] };
const methods = ['allocate', 'allocateAt', 'allocateSparse', 'release', 'isAllocated', 'available', 'toVirtual', 'toPhysical'];

/** The README's worked example, call by call: [method, args, FreeNOS's answer], on new C(0x200000, 0x20000, 0xC0000000, 0x1000). */
const example: [string, number[], unknown][] = [
  ['toVirtual', [0x203456], 0xc0003456],
  ['toPhysical', [0xc001f000], 0x21f000],
  ['toPhysical', [0x1000], 0x40201000],
  ['toVirtual', [0x1000], 0xbfe01000],
  ['allocateAt', [0x200000], 0],
  ['allocateAt', [0x201800], 0],
  ['available', [], 0x1e000],
  ['allocate', [0x2000, 0x4000], { result: 0, address: 0x204000 }],
  ['allocate', [0x1000, 0x1800], { result: 3, address: 0 }],
  ['allocate', [0x1000, 0], { result: 0, address: 0x206000 }],
  ['allocateSparse', [0x10000], { result: 0, runs: [0x207000, 0x20f000] }],
  ['available', [], 0xb000],
  ['allocateSparse', [0x6000], { result: 2, runs: [] }],
  ['allocateSparse', [0x10000], { result: 4, runs: [] }],
  ['allocateSparse', [0x8000], { result: 0, runs: [0x217000] }],
  ['release', [0x209000], 0],
  ['available', [], 0x4000],
  ['allocate', [0x1000, 0], { result: 0, address: 0x21f000 }],
  ['allocate', [0x1000, 0], { result: 0, address: 0x202000 }],
];

/** The README's sparse request that fails half-way, on a fresh allocator of the same shape. */
const halfWay: [string, number[], unknown][] = [
  ['allocateAt', [0x208000], 0],
  ['allocateAt', [0x20d000], 0],
  ['allocateAt', [0x215000], 0],
  ['allocateAt', [0x21d000], 0],
  ['available', [], 0x1c000],
  ['allocateSparse', [0x10000], { result: 4, runs: [0x200000] }],
  ['available', [], 0x14000],
];

describe('split-allocator subject', () => {
  it('is registered under its name with its methods and defaults', () => {
    expect(subjects['split-allocator']).toBe(subject);
    expect(subject.methods).toEqual(methods);
    expect(subject.defaults).toMatchObject({ seed: 1, ops: 200, pages: 64, pageSize: 4096, physical: 'random', virtual: 'random' });
  });

  it('makes the same scenario for the same options, and different ones for other seeds', () => {
    const a = subject.scenario({ seed: 7 });
    expect(subject.scenario({ seed: 7 })).toEqual(a);
    expect(subject.scenario({ ...subject.defaults, seed: 7 })).toEqual(a);
    expect(subject.scenario({ seed: 8 })).not.toEqual(a);
    expect(subject.oracle(a)).toEqual(subject.oracle(a));
    expect(a.calls).toHaveLength(200);
    expect(subject.scenario({ seed: 7, ops: 37 }).calls).toHaveLength(37);
    const [physical, size, virtual, pageSize] = a.args as number[];
    expect(pageSize).toBe(4096);
    expect(size).toBe(64 * 4096);
    expect(physical! % 4096).toBe(0);
    expect((physical! / 4096) % 2).toBe(1); // never aligned to two pages
    expect(virtual! % 4096).toBe(0);
    expect(virtual! + size!).toBeLessThanOrEqual(2 ** 32);
    expect(a.calls[0]).toEqual({ method: 'available', args: [] });
    expect(subject.scenario({ seed: 3, physical: 0x20000, virtual: 0xc0000000 }).args).toEqual([0x20000, 64 * 4096, 0xc0000000, 4096]);
    for (const call of a.calls) expect(methods).toContain(call.method);
  });

  it('reaches every rule over 50 seeds: out of memory, the wrap, bad alignments, size 0, sparse refusals and half-way failures, wrapping translations, strays', () => {
    const seen = new Set<string>();
    for (const seed of seeds(50)) {
      const s = subject.scenario({ seed });
      const answers = subject.oracle(s);
      const [physical, size, virtual, pageSize] = s.args as number[];
      const end = physical! + size!;
      seen.add(virtual! > physical! ? 'virtual above' : virtual! < physical! ? 'virtual below' : 'virtual equal');
      let last = -1;
      s.calls.forEach((call, k) => {
        const at = call.args[0]!;
        const got = answers[k];
        seen.add(call.method);
        if (call.method === 'allocate') {
          const { result, address } = got as Allocation;
          seen.add(`allocate ${result}`);
          if (at === 0) seen.add('size 0');
          if (at % pageSize! !== 0) seen.add('partial page');
          if (result === 0 && address < last) seen.add('wrap');
          if (result === 0) last = address;
        } else if (call.method === 'allocateSparse') {
          const { result, runs } = got as Sparse;
          seen.add(`sparse ${result}${result !== 0 && runs.length > 0 ? ' half-way' : ''}`);
          for (const run of runs) expect((run - physical!) % pageSize!).toBe(0);
        } else if (call.method === 'toVirtual' || call.method === 'toPhysical') {
          const plain = call.method === 'toVirtual' ? at - physical! + virtual! : at + physical! - virtual!;
          if (plain !== got) seen.add(`${call.method} wraps`);
        } else if (call.method === 'release' || call.method === 'allocateAt' || call.method === 'isAllocated') {
          if (at < physical! || at >= end) seen.add(`${call.method} outside`);
          else if ((at - physical!) % pageSize! !== 0) seen.add(`${call.method} middle`);
          if (call.method === 'isAllocated') seen.add(`isAllocated ${String(got)}`);
        }
      });
    }
    expect([...seen].sort()).toEqual([...methods,
      'allocate 0', 'allocate 3', 'allocate 4', 'allocateAt middle', 'allocateAt outside', 'isAllocated false', 'isAllocated middle',
      'isAllocated outside', 'isAllocated true', 'partial page', 'release middle', 'release outside', 'size 0', 'sparse 0', 'sparse 2',
      'sparse 4', 'sparse 4 half-way', 'toPhysical wraps', 'toVirtual wraps', 'virtual above', 'virtual below', 'virtual equal', 'wrap'].sort());
  });

  it('answers the README\'s worked examples as FreeNOS', () => {
    for (const calls of [example, halfWay]) {
      const s: Scenario = { args: [0x200000, 0x20000, 0xc0000000, 0x1000], calls: calls.map(([method, args]) => ({ method, args })) };
      expect(subject.oracle(s)).toEqual(calls.map(([, , answer]) => answer));
    }
  });

  it('rejects bad options with a RangeError naming them', () => {
    const bad: [Record<string, number | string>, string][] = [
      [{ size: 5 }, "unknown option 'size'"],
      [{ ops: 0 }, "option 'ops' must be an integer from 1 to 100000, got 0"],
      [{ pages: 'many' }, "option 'pages' must be an integer"],
      [{ pages: 0 }, "option 'pages' must be an integer from 1 to 65536, got 0"],
      [{ pageSize: 0 }, "option 'pageSize' must be an integer from 1"],
      [{ pageSize: 2.5 }, "option 'pageSize'"],
      [{ pages: 65536, pageSize: 65536 }, 'pages × pageSize must be at most 2^31 bytes'],
      [{ physical: 'low' }, "option 'physical' must be an integer"],
      [{ physical: 0xffff0000 }, "option 'physical' must be an integer from 0 to"],
      [{ virtual: -4096 }, "option 'virtual' must be an integer from 0 to"],
      [{ virtual: 'high' }, "option 'virtual' must be an integer"],
      [{ zero: 0.9 }, "option 'zero' must be a number from 0 to 0.5"],
      [{ strays: -1 }, "option 'strays'"],
      [{ sparse: 'often' }, "option 'sparse' must be a number from 0 to 0.5"],
      [{ translate: 0.6 }, "option 'translate'"],
      [{ strays: 0.3, sparse: 0.3, translate: 0.3 }, "options 'strays' + 'sparse' + 'translate' must add up to at most 0.8, got 0.9"],
      [{ seed: 1.5 }, "option 'seed' must be a safe integer"],
    ];
    expectOptionErrors(subject, bad);
  });
});

describe('04-split-allocator reference and starter', () => {
  it('the reference answers as the engine on 200 seeds', () => {
    for (const seed of seeds(200)) {
      const s = subject.scenario({ seed });
      const result = runClass(subject, Reference, s, 'reference');
      expect(result.failure, `seed ${seed}`).toBeNull();
      expect(result.work).toBe(200);
    }
  });

  it('the reference answers as the engine on other memory shapes', () => {
    const shapes: Record<string, number | string>[] = [
      { pages: 8, pageSize: 16 }, { pages: 1 }, { pages: 7, sparse: 0.5 }, { pages: 100, pageSize: 1 },
      { pages: 33, pageSize: 3, zero: 0.3, strays: 0.3, sparse: 0.3 }, { pages: 4096, pageSize: 8, physical: 0, ops: 2000 },
      { pages: 9, physical: 0xffff0000 - 9 * 4096, virtual: 0 }, { pages: 16, physical: 0, virtual: 0xffff0000 - 16 * 4096 },
      { pages: 64, sparse: 0.5, translate: 0.25 }, { pages: 40, pageSize: 1024, ops: 400 },
    ];
    expectMatchesOnShapes(subject, Reference, shapes, 25);
  });

  it('the starter fails on most seeds, at the call that shows it, with the expected and the actual answer', () => {
    const failed = starterFailures(subject, Starter, 100, /^(allocate|allocateSparse|toVirtual|toPhysical)\(/);
    const where = new Set(failed.map((f) => f.call.replace(/\(.*/, '')));
    expect(failed.length).toBeGreaterThanOrEqual(90);
    expect([...where].sort()).toEqual(['allocate', 'allocateSparse', 'toPhysical', 'toVirtual']);
  });

  it('the starter\'s translations fail only where the arithmetic wraps, with the unwrapped number', () => {
    const s: Scenario = { args: [0x200000, 0x20000, 0xc0000000, 0x1000], calls: [
      { method: 'toVirtual', args: [0x203456] }, { method: 'toPhysical', args: [0xc001f000] }, { method: 'toPhysical', args: [0x1000] },
    ] };
    const result = runClass(subject, Starter, s, 'starter');
    expect(result.failure).toMatchObject({ op: 2, expected: 0x40201000, got: 0x1000 - 0xbfe00000 });
    expect(result.failure!.reason).toBe('toPhysical(0x1000) returned -3219124224, FreeNOS returns 0x40201000');
  });
});
