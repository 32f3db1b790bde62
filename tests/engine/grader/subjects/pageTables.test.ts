// The page-tables subject: seeded scenarios are the same on every run and reach every rule (tables
// made on demand and shared, AlreadyExists, unmap of an unmapped page and of a section with no table,
// lookups and access with offsets, unaligned physical addresses, ranges across sections, the heap
// running out of table pages); the exercise's reference answers and writes the heap exactly as the
// engine's IntelPaging on every seed, and the emulated MMU walking its tables agrees; the starter,
// and a class whose answers and entries are right but whose MMU walk is not, fail with a clear report.
import { describe, expect, it } from 'vitest';
import { expectMatchesOnShapes, expectOptionErrors, runClass, seeds } from './helpers';
import type { Scenario } from '../../../../engine/grader/Conformance';
import { localApiTarget } from '../../../../engine/grader/LocalApiTarget';
import { pageTablesSubject as subject } from '../../../../engine/grader/subjects/pageTables';
import { subjects } from '../../../../engine/grader/subjects/index';
import type { PageTablesExerciseClass } from '../../../../engine/lab';
import Reference from '../../../../exercises/05-page-tables/reference';
import Starter from '../../../../exercises/05-page-tables/starter';


/** Runs `Class` through the scenario in-process over a BufferHeap, comparing answers and heap bytes. */
const run = (Class: PageTablesExerciseClass, s: Scenario) => runClass(subject, Class, s);

/** The README's worked example on a heap of the directory and two tables: [method, args, FreeNOS's answer]. */
const example: [string, number[], unknown][] = [
  ['map', [0xb0012000, 0x00345000, 11], 0],
  ['lookup', [0xb0012abc], { result: 0, phys: 0x00345000 }],
  ['access', [0xb0012000], { result: 0, access: 11 }],
  ['map', [0xb0012000, 0x00999000, 3], 3],
  ['map', [0xb0013000, 0x00346001, 1], 0],
  ['lookup', [0xb0013000], { result: 0, phys: 0x00346000 }],
  ['access', [0xb0013000], { result: 0, access: 1 }],
  ['unmap', [0xb0014000], 0],
  ['unmap', [0x40000000], 1],
  ['lookup', [0x40000000], { result: 1, phys: 0 }],
  ['map', [0x00400000, 0x00100000, 3], 0],
  ['map', [0x00800000, 0x00101000, 3], 4],
  ['unmap', [0xb0012000], 0],
  ['lookup', [0xb0012000], { result: 1, phys: 0 }],
  ['mapRangeContiguous', [0x007fe000, 0x00200000, 0x3000, 3], 4],
  ['lookup', [0x007ff000], { result: 0, phys: 0x00201000 }],
];
const exampleScenario: Scenario = { args: [], calls: example.map(([method, args]) => ({ method, args })), heapLimit: 3 * 4096 };

describe('page-tables subject', () => {
  it('is registered under its name, with the heap, its methods and defaults', () => {
    expect(subjects['page-tables']).toBe(subject);
    expect(subject.withHeap).toBe(true);
    expect(subject.methods).toEqual(['map', 'unmap', 'lookup', 'access', 'mapRangeContiguous']);
    expect(subject.defaults).toMatchObject({ seed: 1, ops: 150, tables: 'random' });
  });

  it('makes the same scenario, answers and heap checks for the same options, and different ones for other seeds', () => {
    const a = subject.scenario({ seed: 7 });
    expect(subject.scenario({ seed: 7 })).toEqual(a);
    expect(subject.scenario({ ...subject.defaults, seed: 7 })).toEqual(a);
    expect(subject.scenario({ seed: 8 })).not.toEqual(a);
    expect(subject.oracle(a)).toEqual(subject.oracle(a));
    const strip = (checks: ReturnType<NonNullable<typeof subject.memory>>) => checks.map((list) => list.map(({ address, bytes, what }) => ({ address, bytes, what })));
    expect(strip(subject.memory!(a))).toEqual(strip(subject.memory!(a)));
    expect(a.calls).toHaveLength(150);
    expect(a.args).toEqual([]);
    expect(subject.scenario({ seed: 3, ops: 37 }).calls).toHaveLength(37);
    expect(subject.scenario({ seed: 3, tables: 5 }).heapLimit).toBe(6 * 4096);
    for (const seed of seeds(20)) expect([3, 4, 5, 7, 9].map((n) => n * 4096)).toContain(subject.scenario({ seed }).heapLimit);
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
        const got = answers[k];
        const result = typeof got === 'number' ? got : (got as { result: number }).result;
        seen.add(`${call.method} ${result}`);
        if (call.method === 'map' && result === 0 && call.args[1]! % 4096 !== 0) seen.add('unaligned phys');
        if (call.method === 'mapRangeContiguous' && (call.args[0]! >>> 22) !== ((call.args[0]! + call.args[2]! - 1) >>> 22)) seen.add('range across sections');
      });
      const checks = subject.memory!(s);
      if (checks.some((list) => list.some((c) => c.verify))) seen.add('mmu walk');
    }
    expect([...seen].sort()).toEqual(['access 0', 'access 1', 'lookup 0', 'lookup 1', 'map 0', 'map 3', 'map 4',
      'mapRangeContiguous 0', 'mapRangeContiguous 3', 'mapRangeContiguous 4', 'mmu walk', 'range across sections', 'unaligned phys', 'unmap 0', 'unmap 1']);
  });

  it('rejects bad options with a RangeError naming them', () => {
    const bad: [Record<string, number | string>, string][] = [
      [{ chunks: 5 }, "unknown option 'chunks'"],
      [{ ops: 0 }, "option 'ops' must be an integer from 1 to 20000, got 0"],
      [{ tables: 'many' }, "option 'tables' must be an integer"],
      [{ sections: 0 }, "option 'sections' must be an integer from 1 to 64"],
      [{ unmaps: 0.9 }, "option 'unmaps' must be a number from 0 to 0.5"],
      [{ unmaps: 0.4, lookups: 0.4, ranges: 0.2 }, 'must leave room for maps'],
      [{ seed: 1.5 }, "option 'seed' must be a safe integer"],
    ];
    expectOptionErrors(subject, bad);
  });
});

describe('05-page-tables reference and starter', () => {
  it('the reference answers and writes the tables as the engine on 120 seeds', () => {
    for (const seed of seeds(120)) {
      const result = run(Reference, subject.scenario({ seed }));
      expect(result.failure, `seed ${seed}`).toBeNull();
      expect(result.calls).toBe(150);
    }
  });

  it('the reference passes the worked example and odd mixes, heap checks included', () => {
    expect(run(Reference, exampleScenario).ok).toBe(true);
    const shapes: Record<string, number | string>[] = [
      { tables: 0, ops: 30 }, { tables: 40, sections: 30, ops: 400 }, { unmaps: 0.3, lookups: 0.5 }, { ranges: 0.4, unaligned: 1 }, { sections: 1 },
    ];
    expectMatchesOnShapes(subject, Reference, shapes, 5);
  });

  it('the starter fails on the directory entry\'s User bit, naming the call and the entry', () => {
    const failure = run(Starter, exampleScenario).failure!;
    expect(failure.kind).toBe('mismatch');
    expect(failure.reason).toBe('after call 1, map(0xB0012000, 0x345000, 11), the directory entry for 0xB0000000 (index 0x2C0) at 0x10000B00 (word 0, table | flags) is 0x10001003, FreeNOS has 0x10001007');
    let failed = 0;
    for (const seed of seeds(20)) if (!run(Starter, subject.scenario({ seed })).ok) failed++;
    expect(failed).toBe(20);
  });

  it('the starter\'s unmap of an unmapped page in a tabled section answers InvalidAddress, not Success', () => {
    const s: Scenario = { args: [], calls: [{ method: 'map', args: [0x1000, 0x5000, 3] }, { method: 'unmap', args: [0x2000] }], heapLimit: 8192 };
    expect(run(Starter, s).failure!.reason).toBe('unmap(0x2000) returned 1, FreeNOS returns 0');
  });

  it('a class whose table entries point into the wrong place is caught by the MMU walk as well as the bytes', () => {
    const s: Scenario = { args: [], calls: [{ method: 'map', args: [0x1000, 0x5000, 3] }, { method: 'lookup', args: [0x1234] }], heapLimit: 8192 };
    const checks = subject.memory!(s);
    const walk = checks[1]!.find((c) => c.verify)!;
    expect(walk.what).toBe("the emulated MMU's walk of 0x1234");
    // The reference's heap: the walk agrees.
    const target = localApiTarget(Reference, [], 'reference', { withHeap: true, heapLimit: 8192 });
    for (const call of s.calls) target.invoke(call.method, call.args);
    expect(walk.verify!(target.peek8)).toBeNull();
    // The same heap with the table entry cleared: the walk faults.
    const broken = (address: number) => (address >= 0x10001004 && address < 0x10001008 ? 0 : target.peek8(address));
    expect(walk.verify!(broken)!.text).toBe('the emulated MMU walking your tables translates 0x1234 to a page fault (directory entry 0x0 at 0x10000000 = 0x10001003, table entry 0x1 at 0x10001004 = 0x0), FreeNOS\'s tables give 0x5234');
  });
});
