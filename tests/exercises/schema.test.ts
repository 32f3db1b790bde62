// exercises/exercise.schema.json (for editors and other tools) and the grader's own check of
// exercise.yaml (readExerciseSpec) agree: both accept the lab's exercises and a minimal one, and
// every broken variant the schema can describe is refused by both. Rules across fields (names that
// must exist, unique names, max above min, weights adding up to 1) only the grader checks.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { RubricError, readExerciseSpec } from '../../engine/grader/Rubric';

type Doc = Record<string, unknown> & { traces: Record<string, unknown>; grading: { thresholds: Record<string, unknown>; tests: Record<string, unknown>[] } };
const root = path.resolve(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(path.join(root, 'exercises/exercise.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);

function minimal(): Doc {
  return {
    id: 'tiny-one', title: 'Tiny', kind: 'malloc', starter: 'starter.ts', reference: 'reference.ts',
    traces: { a: { file: 'a.trace' }, b: { generate: 'ramp', options: { seed: 3, ops: 40 } } },
    grading: {
      thresholds: { utilization: { min: 0.5, max: 0.9 }, throughput: { min: 0.5, max: 1 } },
      tests: [{ name: 'first', trace: 'a', points: 2 }, { name: 'both', kind: 'performance', traces: ['a', 'b'], points: 3 }],
    },
  };
}

function minimalApi(): Doc {
  return {
    id: 'bits', title: 'Bits', kind: 'api', subject: 'bit-allocator', starter: 'starter.ts', reference: 'reference.ts',
    traces: { s1: { scenario: { seed: 1 } }, s2: { file: 'hidden/s2.json' } },
    grading: { tests: [{ name: 'one', trace: 's1', points: 1 }, { name: 'two', trace: 's2', points: 1, visibility: 'hidden' }] },
  } as unknown as Doc;
}

function minimalTune(): Doc {
  return {
    id: 'tuned', title: 'Tuned', kind: 'tune', starter: 'starter.ts', reference: 'reference.ts',
    traces: { a: { file: 'a.trace' }, b: { generate: 'ramp', options: { seed: 3, ops: 40 } } },
    grading: {
      thresholds: { utilization: { min: 0.5, max: 0.9 } },
      tests: [
        { name: 'work', kind: 'performance', trace: 'a', points: 4, utilization: { min: 0.4, max: 0.8 } },
        { name: 'fit', kind: 'question', points: 2, question: 'Which fit?', ask: { trace: 'b', config: { coalesce: 'never' }, vary: 'fit', among: ['first', 'best'], highest: 'utilization' } },
        { name: 'heap', kind: 'question', points: 2, question: 'How big?', ask: { trace: 'a', predict: 'heapHighWater', tolerance: 0.05 } },
      ],
    },
  };
}

const grader = (doc: unknown): string | null => {
  try {
    readExerciseSpec(doc, 'exercise.yaml');
    return null;
  } catch (error) {
    if (error instanceof RubricError) return error.message;
    throw error;
  }
};

/** Broken variants of the minimal exercise: [what, edit, whether the schema alone can refuse it]. */
const broken: [string, (d: Doc) => void, boolean][] = [
  ['an unknown top-level field', (d) => { d.colour = 'red'; }, true],
  ['no id', (d) => { delete d.id; }, true],
  ['an id with capitals', (d) => { d.id = 'Tiny'; }, true],
  ['an empty title', (d) => { d.title = '  '; }, true],
  ['another kind', (d) => { d.kind = 'paging'; }, true],
  ['a heap limit below 16', (d) => { d.heap = { limit: 8 }; }, true],
  ['a fractional heap limit', (d) => { d.heap = { limit: 1000.5 }; }, true],
  ['an unknown heap parent', (d) => { d.heap = { parent: 'mmap' }; }, true],
  ['no traces', (d) => { d.traces = {}; }, true],
  ['a trace with neither file nor generator', (d) => { d.traces.a = { path: 'a.trace' }; }, true],
  ['a trace with both file and an extra key', (d) => { d.traces.a = { file: 'a.trace', seed: 1 }; }, true],
  ['no thresholds', (d) => { delete (d.grading as Partial<Doc['grading']>).thresholds; }, true],
  ['a band without max', (d) => { d.grading.thresholds.utilization = { min: 0.5 }; }, true],
  ['a negative band', (d) => { d.grading.thresholds.throughput = { min: -1, max: 1 }; }, true],
  ['no tests', (d) => { d.grading.tests = []; }, true],
  ['a test without points', (d) => { delete d.grading.tests[0]!.points; }, true],
  ['negative points', (d) => { d.grading.tests[0]!.points = -1; }, true],
  ['an unknown visibility', (d) => { d.grading.tests[0]!.visibility = 'secret'; }, true],
  ['an unknown test kind', (d) => { d.grading.tests[0]!.kind = 'speed'; }, true],
  ['both trace and traces', (d) => { d.grading.tests[0]!.traces = ['a']; }, true],
  ['neither trace nor traces', (d) => { delete d.grading.tests[0]!.trace; }, true],
  ['an empty traces list', (d) => { delete d.grading.tests[0]!.trace; d.grading.tests[0]!.traces = []; }, true],
  ['a time limit of 0', (d) => { d.grading.tests[0]!.timeLimitSeconds = 0; }, true],
  ['partialCredit that is not a boolean', (d) => { (d.grading.tests[0] as Record<string, unknown>).partialCredit = 'yes'; }, true],
  ['an unknown test field', (d) => { d.grading.tests[0]!.weight = 2; }, true],
  ['a subject in a malloc exercise', (d) => { d.subject = 'bit-allocator'; }, true],
  ['goals that are not a list', (d) => { d.goals = 'learn malloc'; }, true],
  ['an empty goal', (d) => { d.goals = ['coalesce free blocks', ' ']; }, true],
  ['a goal that is not text', (d) => { d.goals = [{ learn: 'malloc' }]; }, true],
  ['views that are not a list', (d) => { d.views = 'charts'; }, true],
  ['an unknown view', (d) => { d.views = ['charts', 'heapmap']; }, true],
  ['a view listed twice', (d) => { d.views = ['charts', 'heap-map', 'charts']; }, true],
  ['a scenario trace in a malloc exercise', (d) => { d.traces.b = { scenario: { seed: 1 } }; }, false],
  // Rules across fields: the grader's check only.
  ['a test naming an unknown trace', (d) => { d.grading.tests[0]!.trace = 'zzz'; }, false],
  ['two tests with one name', (d) => { d.grading.tests[1]!.name = 'first'; }, false],
  ['a band with max below min', (d) => { d.grading.thresholds.utilization = { min: 0.9, max: 0.5 }; }, false],
  ['weights that do not add up to 1', (d) => { d.grading.thresholds.weights = { utilization: 0.5, throughput: 0.4 }; }, false],
];

/** Broken variants of the minimal api exercise, as above. */
const brokenApi: [string, (d: Doc) => void, boolean][] = [
  ['no subject', (d) => { delete d.subject; }, true],
  ['a scenario that is not a mapping', (d) => { d.traces.s1 = { scenario: 3 }; }, true],
  ['a generated malloc trace', (d) => { d.traces.s1 = { generate: 'ramp' }; }, false],
  ['a performance test', (d) => { d.grading.tests[0]!.kind = 'performance'; }, false],
];

type Test = Record<string, unknown> & { ask?: Record<string, unknown> };
const q = (d: Doc, k = 1) => d.grading.tests[k] as Test & { ask: Record<string, unknown> };

/** Broken variants of the minimal tune exercise, as above. */
const brokenTune: [string, (d: Doc) => void, boolean][] = [
  ['a throughput band', (d) => { d.grading.thresholds.throughput = { min: 0.5, max: 1 }; }, true],
  ['weights', (d) => { d.grading.thresholds.weights = { utilization: 1, throughput: 0 }; }, true],
  ['a question without its ask', (d) => { const t: Test = q(d); delete t.ask; }, true],
  ['a question without its text', (d) => { delete q(d).question; }, true],
  ['a question with a trace of its own', (d) => { q(d).trace = 'a'; }, true],
  ['an ask on a correctness test', (d) => { d.grading.tests[0] = { name: 'c', trace: 'a', points: 1, ask: q(d).ask }; }, true],
  ['an ask varying an unknown field', (d) => { q(d).ask.vary = 'colour'; }, true],
  ['an ask with both highest and lowest', (d) => { q(d).ask.lowest = 'work'; }, true],
  ['an ask with an unknown metric', (d) => { q(d).ask.highest = 'speed'; }, true],
  ['an ask config with an unknown fit', (d) => { q(d).ask.config = { fit: 'worst' }; }, true],
  ['an ask config with an unknown field', (d) => { q(d).ask.config = { colour: 'red' }; }, true],
  ['a growBy that is not a multiple of 8', (d) => { q(d).ask.config = { growBy: 100 }; }, true],
  ['a number ask without a tolerance', (d) => { delete q(d, 2).ask.tolerance; }, true],
  ['a tolerance above 1', (d) => { q(d, 2).ask.tolerance = 5; }, true],
  // Rules across fields, or on values the schema cannot tie to the varied field: the grader's check only.
  ['an ask on an unknown trace', (d) => { q(d).ask.trace = 'zzz'; }, false],
  ['a value among that the field cannot take', (d) => { q(d).ask.among = ['first', 'worst']; }, false],
  ['a value listed twice among', (d) => { q(d).ask.among = ['best', 'best']; }, false],
  ['descending size classes', (d) => { q(d).ask.config = { sizeClasses: [256, 64] }; }, false],
];

describe('exercise.schema.json and readExerciseSpec', () => {
  it('both accept the lab\'s 07-malloc exercise and a minimal one', () => {
    const real = parse(readFileSync(path.join(root, 'exercises/07-malloc/exercise.yaml'), 'utf8')) as unknown;
    for (const doc of [real, minimal()]) {
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(grader(doc)).toBeNull();
    }
  });

  it.each(broken)('both refuse %s (or the grader alone, for a rule across fields)', (_what, edit, bySchema) => {
    const doc = minimal();
    edit(doc);
    expect(grader(doc)).toMatch(/^exercise\.yaml: \S+: /);
    expect(validate(doc)).toBe(!bySchema);
  });

  it('both accept every exercise in exercises/, and goals and views', () => {
    const dirs = readdirSync(path.join(root, 'exercises')).filter((d) => existsSync(path.join(root, 'exercises', d, 'exercise.yaml')));
    expect(dirs.length).toBeGreaterThanOrEqual(6);
    for (const dir of dirs) {
      const doc = parse(readFileSync(path.join(root, 'exercises', dir, 'exercise.yaml'), 'utf8')) as unknown;
      expect(validate(doc), `${dir}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(grader(doc), dir).toBeNull();
    }
    const doc = { ...minimal(), goals: ['Split and coalesce free blocks'], views: ['heap-map', 'charts', 'quiz'] };
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(readExerciseSpec(doc, 'exercise.yaml')).toMatchObject({ goals: ['Split and coalesce free blocks'], views: ['heap-map', 'charts', 'quiz'] });
    expect(readExerciseSpec(minimal(), 'exercise.yaml')).toMatchObject({ goals: [], views: [] });
  });

  it('names the view and the views there are when one is unknown', () => {
    expect(grader({ ...minimal(), views: ['charts', 'heapmap'] })).toBe(
      "exercise.yaml: views[1]: 'heapmap' is not a view (heap-map, charts, timeline, page-tables, frames, explorer, compare, quiz)");
  });

  it('both accept a minimal api exercise, thresholds left out', () => {
    const doc = minimalApi();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(grader(doc)).toBeNull();
  });

  it.each(brokenApi)('both refuse an api exercise with %s (or the grader alone)', (_what, edit, bySchema) => {
    const doc = minimalApi();
    edit(doc);
    expect(grader(doc)).toMatch(/^exercise\.yaml: \S+: /);
    expect(validate(doc)).toBe(!bySchema);
  });

  it('both accept a minimal tune exercise', () => {
    const doc = minimalTune();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(grader(doc)).toBeNull();
  });

  it.each(brokenTune)('both refuse a tune exercise with %s (or the grader alone)', (_what, edit, bySchema) => {
    const doc = minimalTune();
    edit(doc);
    expect(grader(doc)).toMatch(/^exercise\.yaml: \S+: /);
    expect(validate(doc)).toBe(!bySchema);
  });

  it('refuses question tests and per-test bands outside a tune exercise', () => {
    const doc = minimal();
    doc.grading.tests[0] = { name: 'q', kind: 'question', points: 1, question: 'Why?', ask: { trace: 'a', predict: 'work', tolerance: 0.1 } };
    expect(grader(doc)).toBe('exercise.yaml: grading.tests[0].kind: only a tune exercise has question tests');
    const band = minimal();
    band.grading.tests[1]!.utilization = { min: 0.1, max: 0.2 };
    expect(grader(band)).toMatch(/^exercise\.yaml: grading\.tests\[1\]\.utilization: unknown field/);
  });

  it('the 07-malloc exercise names the schema for editors', () => {
    expect(readFileSync(path.join(root, 'exercises/07-malloc/exercise.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/exercise\.schema\.json$/m);
  });
});
