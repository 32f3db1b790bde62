// The bubble-allocator subject: seeded scenarios are the same on every run and reach every rule
// (rounding, exact fits, out of memory, size 0 on a full allocator, ignored alignments, releases,
// the 32-bit wrap); the exercise's reference answers exactly as the engine's BubbleAllocator on
// every seed; the starter fails with a report naming the call, the expected and the actual answer.
import { describe, expect, it } from 'vitest';
import { expectMatchesOnShapes, expectOptionErrors, runClass, seeds, starterFailures } from './helpers';
import type { Scenario } from '../../../../engine/grader/Conformance';
import { bubbleAllocatorSubject as subject } from '../../../../engine/grader/subjects/bubbleAllocator';
import { subjects } from '../../../../engine/grader/subjects/index';
import { BubbleAllocator } from '../../../../engine/kernel/BubbleAllocator';
import Reference from '../../../../exercises/02-bubble-allocator/reference';
import Starter from '../../../../exercises/02-bubble-allocator/starter';

type Allocation = { result: number; address: number };

/** The README's worked example, call by call, on new BubbleAllocator(0x31209C, 64, 16): [method, args, FreeNOS's answer]. */
const example: [string, number[], unknown][] = [
  ['available', [], 64],
  ['allocate', [5, 0], { result: 0, address: 0x31209c }],
  ['allocate', [1, 4096], { result: 0, address: 0x3120ac }],
  ['allocate', [0, 0], { result: 0, address: 0x3120bc }],
  ['release', [0x31209c], 1],
  ['allocate', [33, 0], { result: 4, address: 0 }],
  ['allocate', [17, 0], { result: 0, address: 0x3120bc }],
  ['available', [], 0],
  ['allocate', [1, 0], { result: 4, address: 0 }],
  ['allocate', [0, 0], { result: 0, address: 0x3120dc }],
  ['allocate', [0xfffffff8, 0], { result: 0, address: 0x3120dc }],
  ['allocate', [0xffffffe0, 0], { result: 0, address: 0x3120dc }],
  ['available', [], 32],
  ['allocate', [0xffffff00, 0], { result: 4, address: 0 }],
  ['allocate', [16, 0], { result: 0, address: 0x3120bc }],
];

describe('bubble-allocator subject', () => {
  it('is registered under its name with its methods and defaults', () => {
    expect(subjects['bubble-allocator']).toBe(subject);
    expect(subject.methods).toEqual(['allocate', 'release', 'available']);
    expect(subject.defaults).toMatchObject({ seed: 1, ops: 200, size: 'random', alignment: 'random', base: 'random' });
  });

  it('makes the same scenario for the same options, and different ones for other seeds', () => {
    const a = subject.scenario({ seed: 7 });
    expect(subject.scenario({ seed: 7 })).toEqual(a);
    expect(subject.scenario({ ...subject.defaults, seed: 7 })).toEqual(a);
    expect(subject.scenario({ seed: 8 })).not.toEqual(a);
    expect(subject.oracle(a)).toEqual(subject.oracle(a));
    expect(a.calls).toHaveLength(200);
    expect(a.calls[0]).toEqual({ method: 'available', args: [] });
    expect(subject.scenario({ seed: 7, ops: 37 }).calls).toHaveLength(37);
    for (const seed of seeds(50)) {
      const [base, size, alignment] = subject.scenario({ seed }).args as number[];
      expect(alignment! >= 4 && size! % alignment! === 0 && base! + size! <= 2 ** 32, `seed ${seed}`).toBe(true);
    }
    expect(subject.scenario({ seed: 3, base: 0x20000, size: 96, alignment: 12 }).args).toEqual([0x20000, 96, 12]);
    expect(subject.scenario({ seed: 3, size: 96 }).args[1]).toBe(96);
  });

  it('reaches every rule over 50 seeds: rounding, exact fits, out of memory, size 0 when full, the wrap', () => {
    const seen = new Set<string>();
    for (const seed of seeds(50)) {
      const s = subject.scenario({ seed });
      const answers = subject.oracle(s);
      const [base, size, alignment] = s.args as number[];
      const engine = new BubbleAllocator({ address: base!, size: size!, alignment: alignment! }, { mode: 'release' });
      seen.add(alignment! & (alignment! - 1) ? 'alignment not a power of two' : `alignment ${alignment}`);
      if (base! % alignment! !== 0) seen.add('unaligned base');
      s.calls.forEach((call, k) => {
        seen.add(call.method);
        const before = engine.allocatedBytes();
        if (call.method === 'allocate') {
          const range = { address: 0, size: call.args[0]!, alignment: call.args[1]! };
          const result = engine.allocate(range);
          const { result: answered } = answers[k] as Allocation;
          expect(answered).toBe(result);
          seen.add(`result ${result}`);
          const asked = call.args[0]!;
          if (asked === 0) seen.add(before === size ? 'size 0 when full' : 'size 0');
          else if (asked >= 2 ** 31) seen.add(result === 4 ? 'huge, out of memory' : engine.allocatedBytes() < before ? 'huge, counter back' : 'huge, nothing taken');
          else if (asked === size! - before) seen.add('exact fit');
          else if (asked > size! - before && asked <= size! - before + alignment!) seen.add('just over');
          else if (asked < size! - before && result === 0 && engine.allocatedBytes() === size) seen.add('fits once rounded');
          if (asked % alignment! !== 0 && result === 0) seen.add('rounded');
          if (call.args[1]! !== 0) seen.add('request alignment');
        } else if (call.method === 'release') {
          expect(answers[k]).toBe(1);
        } else {
          expect(answers[k]).toBe(engine.available());
        }
      });
    }
    expect([...seen].sort()).toEqual(['alignment 16', 'alignment 4', 'alignment 4096', 'alignment 64', 'alignment 8', 'alignment not a power of two',
      'allocate', 'available', 'exact fit', 'fits once rounded', 'huge, counter back', 'huge, nothing taken', 'huge, out of memory', 'just over',
      'release', 'request alignment', 'result 0', 'result 4', 'rounded', 'size 0', 'size 0 when full', 'unaligned base']);
  });

  it('answers the README\'s worked example as FreeNOS', () => {
    const s: Scenario = { args: [0x31209c, 64, 16], calls: example.map(([method, args]) => ({ method, args })) };
    expect(subject.oracle(s)).toEqual(example.map(([, , answer]) => answer));
  });

  it('rejects bad options with a RangeError naming them', () => {
    const bad: [Record<string, number | string>, string][] = [
      [{ chunks: 5 }, "unknown option 'chunks'"],
      [{ ops: 0 }, "option 'ops' must be an integer from 1 to 100000, got 0"],
      [{ size: 'big' }, "option 'size' must be an integer"],
      [{ size: 2 }, "option 'size' must be an integer from 4"],
      [{ size: 100, alignment: 8 }, "option 'size' must be a multiple of the alignment 8, got 100"],
      [{ size: 102 }, "option 'size' must be a multiple of the alignment 4"],
      [{ alignment: 2 }, "option 'alignment' must be an integer from 4"],
      [{ alignment: 4.5 }, "option 'alignment'"],
      [{ base: 'low' }, "option 'base' must be an integer"],
      [{ base: 0xffffff00, size: 0x200, alignment: 4 }, "option 'base' must be an integer from 0 to 4294966784"],
      [{ base: 0xffffffff }, "option 'base' must be at most 2^32 − size"],
      [{ zero: 0.9 }, "option 'zero' must be a number from 0 to 0.5"],
      [{ releases: -1 }, "option 'releases'"],
      [{ huge: 'often' }, "option 'huge'"],
      [{ seed: 1.5 }, "option 'seed' must be a safe integer"],
    ];
    expectOptionErrors(subject, bad);
  });
});

describe('02-bubble-allocator reference and starter', () => {
  it('the reference answers as the engine on 200 seeds', () => {
    for (const seed of seeds(200)) {
      const s = subject.scenario({ seed });
      const result = runClass(subject, Reference, s, 'reference');
      expect(result.failure, `seed ${seed}`).toBeNull();
      expect(result.work).toBe(200);
    }
  });

  it('the reference answers as the engine on other range shapes', () => {
    const shapes: Record<string, number | string>[] = [
      { size: 64, alignment: 4, base: 0 }, { size: 4, alignment: 4 }, { size: 96, alignment: 12, zero: 0.3, releases: 0.3, huge: 0.3 },
      { size: 0x100000 - 156, alignment: 4, ops: 2000 }, { size: 2048, alignment: 8, base: 2 ** 32 - 2048, zero: 0.3 },
      { alignment: 1 << 20, huge: 0.5 }, { size: 2 ** 31, alignment: 4096, base: 2 ** 31, huge: 0.2 },
    ];
    expectMatchesOnShapes(subject, Reference, shapes, 25);
  });

  it('the starter fails on most seeds, at the call that shows it, with the expected and the actual answer', () => {
    const failed = starterFailures(subject, Starter, 100, /^(allocate|release|available)\(/);
    expect(failed.length).toBeGreaterThanOrEqual(90);
  });

  it('the starter fails the small scenario on rounding, with the addresses in hex', () => {
    const s = subject.scenario({ seed: 1, ops: 40, size: 256, alignment: 4, base: 4096, zero: 0, releases: 0, huge: 0 });
    const result = runClass(subject, Starter, s, 'starter');
    expect(result.failure?.reason).toBe('allocate(6, 0) returned {"result":0,"address":0x101D}, FreeNOS returns {"result":0,"address":0x1020}');
  });
});
