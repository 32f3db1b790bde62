// The pool-allocator subject: seeded scenarios are the same on every run and reach every rule (size
// classes, lists of pools growing k × the base count, next fit over freed objects, the heap running
// out, size 0, alignments, sizes over 128 MiB and near 2^32); the exercise's reference answers and
// lays out the heap exactly as the engine's PoolAllocator on every seed; the starter, and a class
// whose answers are right but whose heap bytes are not, fail with a report naming the call and the word.
import { describe, expect, it } from 'vitest';
import { expectMatchesOnShapes, expectOptionErrors, runClass, seeds } from './helpers';
import { runScenario, type Scenario } from '../../../../engine/grader/Conformance';
import { localApiTarget } from '../../../../engine/grader/LocalApiTarget';
import { poolAllocatorSubject as subject } from '../../../../engine/grader/subjects/poolAllocator';
import { subjects } from '../../../../engine/grader/subjects/index';
import type { PoolAllocatorExerciseClass } from '../../../../engine/lab';
import type { Heap } from '../../../../engine/workload/Heap';
import Reference from '../../../../exercises/03-pool-allocator/reference';
import Starter from '../../../../exercises/03-pool-allocator/starter';

type Allocation = { result: number; address: number };

/** Runs `Class` through the scenario in-process over a BufferHeap, comparing answers and heap bytes. */
const run = (Class: PoolAllocatorExerciseClass, s: Scenario) => runClass(subject, Class, s);

/** The README's worked example on a 128 KiB heap: [method, args, FreeNOS's answer]. */
const example: [string, number[], unknown][] = [
  ['available', [], 0],
  ['allocate', [4, 0], { result: 0, address: 0x10000448 }],
  ['available', [], 16368],
  ['allocate', [100, 0], { result: 0, address: 0x10004508 }],
  ['allocate', [5, 0], { result: 0, address: 0x10008748 }],
  ['release', [0x10000448], 0],
  ['allocate', [8, 0], { result: 0, address: 0x10008768 }],
  ['allocate', [16000, 0], { result: 0, address: 0x1000c78c }],
  ['allocate', [16000, 0], { result: 0, address: 0x100107d0 }],
  ['allocate', [16000, 0], { result: 0, address: 0x10014814 }],
  ['allocate', [16000, 0], { result: 0, address: 0x10018814 }],
  ['allocate', [0, 0], { result: 2, address: 0 }],
  ['allocate', [8, 4], { result: 3, address: 0 }],
  ['allocate', [200000, 0], { result: 4, address: 0 }],
  ['available', [], 48960],
];
const exampleScenario: Scenario = { args: [], calls: example.map(([method, args]) => ({ method, args })), heapLimit: 128 * 1024 };

describe('pool-allocator subject', () => {
  it('is registered under its name, with the heap, its methods and defaults', () => {
    expect(subjects['pool-allocator']).toBe(subject);
    expect(subject.withHeap).toBe(true);
    expect(subject.methods).toEqual(['allocate', 'release', 'available']);
    expect(subject.defaults).toMatchObject({ seed: 1, ops: 200, limit: 'random' });
  });

  it('makes the same scenario, answers and heap checks for the same options, and different ones for other seeds', () => {
    const a = subject.scenario({ seed: 7 });
    expect(subject.scenario({ seed: 7 })).toEqual(a);
    expect(subject.scenario({ ...subject.defaults, seed: 7 })).toEqual(a);
    expect(subject.scenario({ seed: 8 })).not.toEqual(a);
    expect(subject.oracle(a)).toEqual(subject.oracle(a));
    expect(subject.memory!(a)).toEqual(subject.memory!(a));
    expect(a.calls).toHaveLength(200);
    expect(a.args).toEqual([]);
    expect(a.calls[0]).toEqual({ method: 'available', args: [] });
    expect(subject.scenario({ seed: 3, ops: 37 }).calls).toHaveLength(37);
    expect(subject.scenario({ seed: 3, limit: 65536 }).heapLimit).toBe(65536);
    for (const seed of seeds(20)) expect([262144, 524288, 1048576, 2097152]).toContain(subject.scenario({ seed }).heapLimit);
  });

  it('answers the README\'s worked example as FreeNOS', () => {
    expect(subject.oracle(exampleScenario)).toEqual(example.map(([, , answer]) => answer));
  });

  it('reaches every rule over 50 seeds', () => {
    const seen = new Set<string>();
    for (const seed of seeds(50)) {
      const s = subject.scenario({ seed });
      const answers = subject.oracle(s);
      s.calls.forEach((call, k) => {
        seen.add(call.method);
        if (call.method !== 'allocate') return;
        const { result } = answers[k] as Allocation;
        seen.add(`result ${result}`);
        if (result === 0 && call.args[0]! > 2 ** 32 - 16) seen.add('wrapped');
        if (result === 4 && call.args[0]! > 2 ** 27) seen.add('over 128 MiB');
        if (result === 4 && call.args[0]! < s.heapLimit!) seen.add('heap refused');
      });
      // A pool bigger than its base count: a list grew k × (read from the last call's header checks).
      const checks = subject.memory!(s);
      for (const check of checks[checks.length - 1]!) {
        if (check.bytes.length !== 64) continue;
        const word = (i: number) => (check.bytes[4 * i]! | (check.bytes[4 * i + 1]! << 8) | (check.bytes[4 * i + 2]! << 16) | (check.bytes[4 * i + 3]! << 24)) >>> 0;
        const size = word(10);
        if (word(6) > (size >= 16384 ? 1 : 16384 / size)) seen.add('grown pool');
      }
    }
    expect([...seen].sort()).toEqual(['allocate', 'available', 'grown pool', 'heap refused', 'over 128 MiB', 'release',
      'result 0', 'result 2', 'result 3', 'result 4', 'wrapped']);
  });

  it('rejects bad options with a RangeError naming them', () => {
    const bad: [Record<string, number | string>, string][] = [
      [{ chunks: 5 }, "unknown option 'chunks'"],
      [{ ops: 0 }, "option 'ops' must be an integer from 1 to 20000, got 0"],
      [{ limit: 'big' }, "option 'limit' must be an integer"],
      [{ limit: 1000 }, "option 'limit' must be a multiple of 16"],
      [{ releases: 0.9 }, "option 'releases' must be a number from 0 to 0.6"],
      [{ huge: 'often' }, "option 'huge'"],
      [{ seed: 1.5 }, "option 'seed' must be a safe integer"],
    ];
    expectOptionErrors(subject, bad);
  });
});

describe('03-pool-allocator reference and starter', () => {
  it('the reference answers and lays out the heap as the engine on 120 seeds', () => {
    for (const seed of seeds(120)) {
      const result = run(Reference, subject.scenario({ seed }));
      expect(result.failure, `seed ${seed}`).toBeNull();
      expect(result.calls).toBe(200);
    }
  });

  it('the reference passes the worked example and odd mixes, heap checks included', () => {
    expect(run(Reference, exampleScenario).ok).toBe(true);
    const shapes: Record<string, number | string>[] = [
      { limit: 131072, releases: 0.5 }, { large: 0.5, limit: 4194304 }, { zero: 0.3, aligned: 0.3, huge: 0.2, oversize: 0.2 }, { limit: 16, ops: 50 },
    ];
    expectMatchesOnShapes(subject, Reference, shapes, 5);
  });

  it('the starter fails where a list of pools grows, naming the call and the header word', () => {
    const result = run(Starter, subject.scenario({ seed: 2, ops: 200, limit: 2097152, large: 0.4, oversize: 0, huge: 0 }));
    expect(result.ok).toBe(false);
    expect(result.failure!.kind).toBe('mismatch');
    expect(result.failure!.reason).toMatch(/^after call \d+, allocate\(0x[0-9A-F]+, 0\), the header of the \d+-byte pool at 0x[0-9A-F]+ \(word 3, the payload size, at 0x[0-9A-F]+\) is 0x[0-9A-F]+, FreeNOS has 0x[0-9A-F]+$/);
    expect(run(Starter, exampleScenario).failure!.reason)
      .toBe('after call 10, allocate(0x3E80, 0), the header of the 16384-byte pool at 0x100147C8 (word 3, the payload size, at 0x100147D4) is 0x4000, FreeNOS has 0x8000');
  });

  it('a class with the right answers but a wrong postfix fails on the heap bytes', () => {
    class NoPostfix extends Reference {
      constructor(private readonly memory: Heap) {
        super(memory);
      }
      override allocate(size: number, alignment: number): Allocation {
        const got = super.allocate(size, alignment);
        if (got.result === 0) this.memory.write32((got.address + Math.ceil(size / 4) * 4) >>> 0, 0);
        return got;
      }
    }
    const result = run(NoPostfix, exampleScenario);
    expect(result.failure).toMatchObject({ op: 1, kind: 'mismatch', expected: 0xf7312a56, got: 0 });
    expect(result.failure!.reason).toBe('after call 2, allocate(4, 0), the postfix of the object 0x10000448 at 0x1000044C (word 0, the signature 0xF7312A56) is 0x0, FreeNOS has 0xF7312A56');
    // Without the heap checks, only the answers count: the same class passes.
    const target = localApiTarget(NoPostfix, [], 'no postfix', { withHeap: true, heapLimit: exampleScenario.heapLimit });
    expect(runScenario(exampleScenario, subject.oracle(exampleScenario), target).ok).toBe(true);
  });
});
