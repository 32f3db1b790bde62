// The bit-allocator subject: seeded scenarios are the same on every run and reach every rule (out of
// memory, the wrap, invalid alignments, size 0, stray releases); the exercise's reference answers
// exactly as the engine's BitAllocator on every seed; the starter fails with a report naming the call.
import { describe, expect, it } from 'vitest';
import { expectMatchesOnShapes, expectOptionErrors, runClass, seeds, starterFailures } from './helpers';
import type { Scenario } from '../../../../engine/grader/Conformance';
import { bitAllocatorSubject as subject } from '../../../../engine/grader/subjects/bitAllocator';
import { subjects } from '../../../../engine/grader/subjects/index';
import Reference from '../../../../exercises/01-bit-allocator/reference';
import Starter from '../../../../exercises/01-bit-allocator/starter';

type Allocation = { result: number; address: number };

/** The README's worked example, call by call: [method, args, FreeNOS's answer]. */
const example: [string, number[], unknown][] = [
  ['allocate', [0x2000, 0], { result: 0, address: 0x11000 }],
  ['allocate', [0x1001, 0x2000], { result: 0, address: 0x13000 }],
  ['allocate', [0x1000, 0x1800], { result: 3, address: 0 }],
  ['release', [0x11000], 0],
  ['available', [], 0x5000],
  ['allocate', [0x1000, 0], { result: 0, address: 0x15000 }],
  ['allocate', [0x3000, 0], { result: 0, address: 0x16000 }],
  ['allocate', [0x1000, 0], { result: 0, address: 0x11000 }],
  ['bitmap', [], [255]],
  ['allocate', [0x1000, 0], { result: 4, address: 0 }],
];

describe('bit-allocator subject', () => {
  it('is registered under its name with its methods and defaults', () => {
    expect(subjects['bit-allocator']).toBe(subject);
    expect(subject.methods).toEqual(['allocate', 'release', 'available', 'bitmap']);
    expect(subject.defaults).toMatchObject({ seed: 1, ops: 200, chunks: 64, chunkSize: 4096, base: 'random' });
  });

  it('makes the same scenario for the same options, and different ones for other seeds', () => {
    const a = subject.scenario({ seed: 7 });
    expect(subject.scenario({ seed: 7 })).toEqual(a);
    expect(subject.scenario({ ...subject.defaults, seed: 7 })).toEqual(a);
    expect(subject.scenario({ seed: 8 })).not.toEqual(a);
    expect(subject.oracle(a)).toEqual(subject.oracle(a));
    expect(a.calls).toHaveLength(200);
    expect(subject.scenario({ seed: 7, ops: 37 }).calls).toHaveLength(37);
    const [base, size, chunkSize] = a.args as number[];
    expect(chunkSize).toBe(4096);
    expect(Math.floor(size! / 4096)).toBe(64);
    expect(base! % 4096 === 0 ? (base! / 4096) % 2 : 1).toBe(1); // never aligned to two chunks
    expect(a.calls.slice(0, 2)).toEqual([{ method: 'available', args: [] }, { method: 'bitmap', args: [] }]);
    expect(subject.scenario({ seed: 3, base: 0x20000 }).args[0]).toBe(0x20000);
  });

  it('reaches every rule over 50 seeds: out of memory, the wrap, bad alignments, size 0, stray releases', () => {
    const seen = new Set<string>();
    for (const seed of seeds(50)) {
      const s = subject.scenario({ seed });
      const answers = subject.oracle(s);
      const [base, size, chunkSize] = s.args as number[];
      const end = base! + Math.floor(size! / chunkSize!) * chunkSize!;
      let last = -1;
      s.calls.forEach((call, k) => {
        seen.add(call.method);
        if (call.method === 'allocate') {
          const { result, address } = answers[k] as Allocation;
          seen.add(`result ${result}`);
          if (call.args[0] === 0) seen.add('size 0');
          if (call.args[0]! % chunkSize! !== 0) seen.add('partial chunk');
          if (result === 0 && address < last) seen.add('wrap');
          if (result === 0) last = address;
        } else if (call.method === 'release') {
          const at = call.args[0]!;
          if (at < base! || at >= end) seen.add('outside');
          else if ((at - base!) % chunkSize! !== 0) seen.add('middle');
        }
      });
    }
    expect([...seen].sort()).toEqual(['allocate', 'available', 'bitmap', 'middle', 'outside', 'partial chunk', 'release',
      'result 0', 'result 3', 'result 4', 'size 0', 'wrap']);
  });

  it('answers the README\'s worked example as FreeNOS', () => {
    const s: Scenario = { args: [0x11000, 0x8000, 0x1000], calls: example.map(([method, args]) => ({ method, args })) };
    expect(subject.oracle(s)).toEqual(example.map(([, , answer]) => answer));
  });

  it('rejects bad options with a RangeError naming them', () => {
    const bad: [Record<string, number | string>, string][] = [
      [{ size: 5 }, "unknown option 'size'"],
      [{ ops: 0 }, "option 'ops' must be an integer from 1 to 100000, got 0"],
      [{ chunks: 'many' }, "option 'chunks' must be an integer"],
      [{ chunkSize: 0 }, "option 'chunkSize' must be an integer from 1"],
      [{ chunkSize: 2.5 }, "option 'chunkSize'"],
      [{ chunks: 65536, chunkSize: 65536 }, 'chunks × chunkSize must be at most 2^31 bytes'],
      [{ base: 'low' }, "option 'base' must be an integer"],
      [{ base: 0xffff0000 }, "option 'base' must be an integer from 0 to"],
      [{ zero: 0.9 }, "option 'zero' must be a number from 0 to 0.5"],
      [{ strays: -1 }, "option 'strays'"],
      [{ seed: 1.5 }, "option 'seed' must be a safe integer"],
    ];
    expectOptionErrors(subject, bad);
  });
});

describe('01-bit-allocator reference and starter', () => {
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
      { chunks: 8, chunkSize: 16 }, { chunks: 1 }, { chunks: 100, chunkSize: 1 }, { chunks: 33, chunkSize: 3, zero: 0.3, strays: 0.3 },
      { chunks: 4096, chunkSize: 8, base: 0, ops: 2000 }, { chunks: 9, chunkSize: 4096, base: 0xffff0000 - 9 * 4096 },
    ];
    expectMatchesOnShapes(subject, Reference, shapes, 25);
  });

  it('the starter fails on most seeds, at the call that shows it, with the expected and the actual answer', () => {
    const failed = starterFailures(subject, Starter, 100, /^(allocate|available|bitmap)\(/);
    expect(failed.length).toBeGreaterThanOrEqual(90);
  });
});
