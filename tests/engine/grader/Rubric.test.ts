// readExerciseSpec: the real 07-malloc exercise.yaml reads with its defaults filled in, and every
// kind of bad field is refused with a RubricError naming the field's path.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RubricError, readExerciseSpec, type ExerciseSpec } from '../../../engine/grader/Rubric';

const root = path.resolve(import.meta.dirname, '../../..');
const realFile = path.join(root, 'exercises', '07-malloc', 'exercise.yaml');
const real = (): Record<string, unknown> => parse(readFileSync(realFile, 'utf8')) as Record<string, unknown>;

type Fields = Record<string, unknown>;
/** exercise.yaml as data, loosely typed so that the cases below can break any field. */
interface Doc {
  [key: string]: unknown;
  traces?: Record<string, Fields>;
  heap?: Fields;
  grading: { thresholds: Fields; tests: unknown[] };
}
const testAt = (d: Doc, k: number): Fields => d.grading.tests[k] as Fields;
const traceAt = (d: Doc, name: string): Fields => d.traces![name]!;

/** A small valid exercise as data; each case below breaks one field of a fresh copy. */
function minimal(): Doc {
  return {
    id: 'tiny-one',
    title: 'Tiny',
    kind: 'malloc',
    starter: 'starter.ts',
    reference: 'reference.ts',
    traces: {
      a: { file: 'a.trace' },
      b: { generate: 'ramp', options: { seed: 3, ops: 40 } },
    },
    grading: {
      thresholds: { utilization: { min: 0.5, max: 0.9 }, throughput: { min: 0.5, max: 1 } },
      tests: [
        { name: 'first', trace: 'a', points: 2 },
        { name: 'both', kind: 'performance', traces: ['a', 'b'], points: 3 },
      ],
    },
  };
}

/** The RubricError that reading `data` throws. */
function refusal(data: unknown, file = 'exercise.yaml'): RubricError {
  try {
    readExerciseSpec(data, file);
  } catch (error) {
    if (error instanceof RubricError) return error;
    throw error;
  }
  throw new Error('expected a RubricError');
}

describe('readExerciseSpec: the real 07-malloc exercise', () => {
  // The file's numbers are tuned by instructors: its tests compare the spec with the raw YAML and the
  // documented defaults, and pin only what the exercise is built around.
  const raw = real() as { traces: Record<string, unknown>; grading: { thresholds: unknown; tests: Record<string, unknown>[] } };
  const spec: ExerciseSpec = readExerciseSpec(real(), realFile);

  it('reads the header fields, the heap and the thresholds', () => {
    expect(spec.id).toBe('07-malloc');
    expect(spec.kind).toBe('malloc');
    expect(spec.title).toBe('A malloc of your own');
    expect(spec.summary).toMatch(/^Implement malloc, free and realloc/);
    expect([spec.starter, spec.reference, spec.instructions]).toEqual(['starter.ts', 'reference.ts', 'README.md']);
    expect(spec.heap).toEqual({ limit: 32 * 1024 * 1024, parent: 'pages' });
    expect(spec.thresholds).toEqual(raw.grading.thresholds);
    for (const band of [spec.thresholds.utilization, spec.thresholds.throughput]) expect(band.min).toBeLessThanOrEqual(band.max);
    expect(spec.thresholds.weights!.utilization + spec.thresholds.weights!.throughput).toBeCloseTo(1, 12);
  });

  it('reads its trace files, the hidden ones in hidden/', () => {
    expect(Object.keys(spec.traces)).toEqual(Object.keys(raw.traces));
    expect(spec.traces['ramp-random']).toEqual({ file: '../traces/ramp-random.trace' });
    expect(spec.traces['hidden-random']).toEqual({ file: 'hidden/random.trace' });
    expect(spec.traces['hidden-realloc']).toEqual({ file: 'hidden/realloc.trace' });
  });

  it('reads a generated trace with its options', () => {
    expect(readExerciseSpec(minimal(), 'exercise.yaml').traces.b).toEqual({ generate: 'ramp', options: { seed: 3, ops: 40 } });
  });

  it('fills in the defaults of every test: numbers in order, correctness, visible, 60 s', () => {
    expect(spec.tests).toEqual(raw.grading.tests.map((t, k) => ({
      name: t.name,
      number: t.number === undefined ? String(k + 1) : String(t.number),
      kind: t.kind ?? 'correctness',
      traces: t.traces ?? [t.trace],
      points: t.points,
      visibility: t.visibility ?? 'visible',
      timeLimitMs: 1000 * ((t.timeLimitSeconds as number | undefined) ?? 60),
    })));
    expect(spec.tests[0]).toMatchObject({ name: 'ramp-random', number: '1', kind: 'correctness', traces: ['ramp-random'], visibility: 'visible' });
    const hidden = spec.tests.find((t) => t.name === 'hidden-correctness')!;
    expect(hidden).toMatchObject({ kind: 'correctness', traces: ['hidden-random', 'hidden-realloc', 'hidden-plateau'], visibility: 'after_due_date' });
    const perf = spec.tests.find((t) => t.kind === 'performance')!;
    expect(perf.traces.length).toBeGreaterThan(1);
    for (const name of perf.traces) expect(spec.traces[name]).toBeDefined();
  });
});

describe('readExerciseSpec: defaults of a minimal exercise', () => {
  it('leaves summary, instructions and weights out, and fills the heap, time limit, visibility and kind', () => {
    const spec = readExerciseSpec(minimal(), 'exercise.yaml');
    expect(spec.summary).toBeNull();
    expect(spec.instructions).toBeNull();
    expect(spec.heap).toEqual({ limit: 32 * 1024 * 1024, parent: 'sbrk' });
    expect(spec.thresholds.weights).toBeUndefined();
    expect(spec.traces.b).toEqual({ generate: 'ramp', options: { seed: 3, ops: 40 } });
    expect(spec.tests).toEqual([
      { name: 'first', number: '1', kind: 'correctness', traces: ['a'], points: 2, visibility: 'visible', timeLimitMs: 60_000 },
      { name: 'both', number: '2', kind: 'performance', traces: ['a', 'b'], points: 3, visibility: 'visible', timeLimitMs: 60_000 },
    ]);
  });

  it('keeps a given test number (as a string), a generator without options and a pages parent', () => {
    const data = minimal();
    testAt(data, 0).number = 7.1;
    data.traces!.b = { generate: 'ramp' };
    data.heap = { limit: 4096, parent: 'pages' };
    testAt(data, 1).timeLimitSeconds = 0.5;
    const spec = readExerciseSpec(data, 'x.yaml');
    expect(spec.tests.map((t) => t.number)).toEqual(['7.1', '2']);
    expect(spec.traces.b).toEqual({ generate: 'ramp', options: {} });
    expect(spec.heap).toEqual({ limit: 4096, parent: 'pages' });
    expect(spec.tests[1]!.timeLimitMs).toBe(500);
  });

  it('reads partialCredit on a correctness test (true kept, false and absent left out: off by default)', () => {
    const data = minimal();
    testAt(data, 0).partialCredit = true;
    expect(readExerciseSpec(data, 'x.yaml').tests[0]!.partialCredit).toBe(true);
    testAt(data, 0).partialCredit = false;
    expect(readExerciseSpec(data, 'x.yaml').tests[0]).not.toHaveProperty('partialCredit');
  });
});

describe('readExerciseSpec: bad fields are named by their path', () => {
  type Case = [what: string, breakIt: (d: Doc) => void, field: string, reason: RegExp];
  const cases: Case[] = [
    ['an unknown top-level key', (d) => { d.pionts = 3; }, 'pionts', /^unknown field \(expected one of id, title, kind/],
    ['an unknown key in a test', (d) => { testAt(d, 1).pionts = 3; }, 'grading.tests[1].pionts', /^unknown field/],
    ['an unknown key in the thresholds', (d) => { d.grading.thresholds.speed = {}; }, 'grading.thresholds.speed', /^unknown field/],
    ['an unknown key in a file trace', (d) => { traceAt(d, 'a').seed = 1; }, 'traces.a.seed', /^unknown field \(expected one of file\)/],
    ['missing traces', (d) => { delete d.traces; }, 'traces', /^must be a mapping$/],
    ['an empty traces table', (d) => { d.traces = {}; }, 'traces', /^must name at least one trace$/],
    ['a trace with neither file nor generate', (d) => { d.traces!.a = { path: 'a.trace' }; }, 'traces.a', /needs `file: <path>` or `generate: <generator>`/],
    ['a test without traces', (d) => { delete testAt(d, 0).trace; }, 'grading.tests[0].traces', /^must list at least one trace$/],
    ['an unknown trace name in `trace`', (d) => { testAt(d, 0).trace = 'nope'; }, 'grading.tests[0].trace', /^'nope' is not in the exercise's traces \(a, b\)$/],
    ['an unknown trace name in `traces`', (d) => { testAt(d, 1).traces = ['a', 'zz']; }, 'grading.tests[1].traces[1]', /^'zz' is not in the exercise's traces/],
    ['a duplicate test name', (d) => { testAt(d, 1).name = 'first'; }, 'grading.tests[1].name', /^'first' is used by an earlier test$/],
    ['a bad visibility', (d) => { testAt(d, 0).visibility = 'secret'; }, 'grading.tests[0].visibility', /^'secret' must be one of visible, hidden, after_due_date, after_published$/],
    ['negative points', (d) => { testAt(d, 1).points = -1; }, 'grading.tests[1].points', /^must be a number from 0 up$/],
    ['points that are not a number', (d) => { testAt(d, 0).points = '4'; }, 'grading.tests[0].points', /^must be a number/],
    ['a zero time limit', (d) => { testAt(d, 0).timeLimitSeconds = 0; }, 'grading.tests[0].timeLimitSeconds', /^must be a number from 0.001 to 3600$/],
    ['partialCredit that is not true or false', (d) => { testAt(d, 0).partialCredit = 'yes'; }, 'grading.tests[0].partialCredit', /^must be true or false$/],
    ['partialCredit on a performance test', (d) => { testAt(d, 1).partialCredit = true; }, 'grading.tests[1].partialCredit', /^unknown field/],
    ['weights not adding to 1', (d) => { d.grading.thresholds.weights = { utilization: 0.5, throughput: 0.6 }; }, 'grading.thresholds.weights', /^must add up to 1, not 1\.1/],
    ['a weight above 1', (d) => { d.grading.thresholds.weights = { utilization: 1.5, throughput: -0.5 }; }, 'grading.thresholds.weights.utilization', /^must be a number from 0 to 1$/],
    ['a band with max < min', (d) => { d.grading.thresholds.utilization = { min: 0.8, max: 0.6 }; }, 'grading.thresholds.utilization', /^max 0\.6 is below min 0\.8$/],
    ['a band without max', (d) => { d.grading.thresholds.throughput = { min: 0.5 }; }, 'grading.thresholds.throughput.max', /^must be a number from 0 up$/],
    ['both trace and traces', (d) => { testAt(d, 0).traces = ['a']; }, 'grading.tests[0]', /^give `trace` or `traces`, not both$/],
    ['an unknown test kind', (d) => { testAt(d, 0).kind = 'speed'; }, 'grading.tests[0].kind', /^'speed' must be correctness or performance$/],
    ['no tests', (d) => { d.grading.tests = []; }, 'grading.tests', /^must be a list of at least one test$/],
    ['a test that is not a mapping', (d) => { d.grading.tests[1] = 'both'; }, 'grading.tests[1]', /^must be a mapping$/],
    ['an unknown exercise kind', (d) => { d.kind = 'paging'; }, 'kind', /^'paging' is not a kind this grader knows/],
    ['an id with capitals', (d) => { d.id = 'Tiny'; }, 'id', /^'Tiny' must be lowercase letters, digits and dashes$/],
    ['an empty title', (d) => { d.title = '  '; }, 'title', /^must be a non-empty string$/],
    ['a heap limit that is not whole', (d) => { d.heap = { limit: 100.5 }; }, 'heap.limit', /^must be a whole number of bytes$/],
    ['a bad heap parent', (d) => { d.heap = { parent: 'mmap' }; }, 'heap.parent', /^'mmap' must be sbrk or pages$/],
  ];

  it.each(cases)('%s', (_what, breakIt, field, reason) => {
    const data = minimal();
    breakIt(data);
    const e = refusal(data, 'ex/exercise.yaml');
    expect(e.field).toBe(field);
    expect(e.reason).toMatch(reason);
    expect(e.file).toBe('ex/exercise.yaml');
    expect(e.message).toBe(`ex/exercise.yaml: ${field}: ${e.reason}`);
    expect(e.name).toBe('RubricError');
  });

  it('refuses a document that is not a mapping at all', () => {
    for (const data of [null, 'id: x', [1, 2], 42]) expect(refusal(data).field).toBe('(top level)');
  });

  it('names the first bad field of the real exercise when one of its tests is broken', () => {
    const data = real() as { grading: { tests: Record<string, unknown>[] } };
    const k = data.grading.tests.findIndex((t) => t.kind === 'performance');
    data.grading.tests[k]!.traces = ['ramp-random', 'no-such-trace'];
    const e = refusal(data, realFile);
    expect(e.field).toBe(`grading.tests[${k}].traces[1]`);
    expect(e.message).toContain(`${realFile}: grading.tests[${k}].traces[1]: 'no-such-trace' is not in the exercise's traces (ramp-random, peak,`);
  });
});
