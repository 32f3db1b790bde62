// Rubric: a graded exercise as data (read from its exercise.yaml), checked field by field. An
// exercise names its traces and its tests: each test has points, a visibility, a time limit and a
// kind. In a 'malloc' exercise a trace is a file or a generator with options, a 'correctness' test
// passes when every trace passes the checker, and a 'performance' test also earns points on
// malloc-lab's index (thresholds as data); a correctness test may opt in to `partialCredit` for a
// trace its time limit stopped. In an 'api' exercise (the student re-implements a FreeNOS
// class, the `subject`) a trace is a scenario of calls: options for the subject, or a JSON file. In a
// 'tune' exercise the student configures the engine's TunableAllocator: its traces are malloc
// traces, a 'performance' test scores utilization alone (a band per test if it likes), and a
// 'question' test asks for a prediction the grader checks by running the engine (Questions.ts).
import { readQuestion, type Question } from './Questions';
import type { Band, Thresholds } from './Score';

export type Visibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published';
export const VISIBILITIES: readonly Visibility[] = ['visible', 'hidden', 'after_due_date', 'after_published'];

/** The live views the app can open beside an exercise. */
export type View = 'heap-map' | 'charts' | 'timeline' | 'page-tables' | 'frames' | 'explorer' | 'compare' | 'quiz';
export const VIEWS: readonly View[] = ['heap-map', 'charts', 'timeline', 'page-tables', 'frames', 'explorer', 'compare', 'quiz'];

/** Where a trace comes from: a file relative to the exercise folder, a seeded generator (malloc), or a subject's scenario options (api). */
export type TraceSource = { file: string } | { generate: string; options: Record<string, unknown> } | { scenario: Record<string, unknown> };

export interface RubricTest {
  name: string;
  /** Gradescope's test number, "1", "2"... in rubric order unless given. */
  number: string;
  kind: 'correctness' | 'performance' | 'question';
  /** Names from the exercise's traces table, in order (a question's: the trace its ask runs). */
  traces: string[];
  points: number;
  visibility: Visibility;
  /** Wall-clock limit for the whole test, in milliseconds. */
  timeLimitMs: number;
  /** A correctness test that a time limit stopped earns points × the share of its operations that passed (Grade.ts partialCredit); default false. */
  partialCredit?: boolean;
  /** A tune exercise's performance test: its own utilization band (else the exercise's). */
  utilization?: Band;
  /** A tune exercise's question test: its text and what the grader runs for the truth. */
  question?: Question;
}

export interface ExerciseSpec {
  id: string;
  title: string;
  /** One line for lists; null when not given. */
  summary: string | null;
  /** What the student will learn or be able to do, one short line each (shown in the app); [] when not given. */
  goals: string[];
  /** The live views the app opens for this exercise, in order; [] when not given. */
  views: View[];
  kind: 'malloc' | 'api' | 'tune';
  /** The class an 'api' exercise re-implements (a name in engine/grader/subjects); null for malloc. */
  subject: string | null;
  /** Files relative to the exercise folder. */
  starter: string;
  reference: string;
  instructions: string | null;
  heap: { limit: number; parent: 'sbrk' | 'pages' };
  traces: Record<string, TraceSource>;
  thresholds: Thresholds;
  tests: RubricTest[];
}

/** A field that is wrong: its path (`grading.tests[2].points`) and why. */
export class RubricError extends Error {
  constructor(readonly file: string, readonly field: string, readonly reason: string) {
    super(`${file}: ${field}: ${reason}`);
    this.name = 'RubricError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks parsed exercise.yaml data and returns the spec with defaults filled in (visibility
 * 'visible', time limit 60 s, weights 0.6/0.4). Throws RubricError naming the first bad field.
 */
export function readExerciseSpec(data: unknown, file: string): ExerciseSpec {
  const fail = (field: string, reason: string): never => {
    throw new RubricError(file, field, reason);
  };
  const obj = (v: unknown, field: string): Obj => (isObj(v) ? v : fail(field, 'must be a mapping'));
  const str = (v: unknown, field: string): string => (typeof v === 'string' && v.trim() !== '' ? v : fail(field, 'must be a non-empty string'));
  const num = (v: unknown, field: string, min: number, max = Infinity): number =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : fail(field, `must be a number from ${min}${max === Infinity ? ' up' : ` to ${max}`}`);
  const known = (o: Obj, field: string, keys: string[]): void => {
    for (const key of Object.keys(o)) if (!keys.includes(key)) fail(field ? `${field}.${key}` : key, `unknown field (expected one of ${keys.join(', ')})`);
  };

  const root = obj(data, '(top level)');
  known(root, '', ['id', 'title', 'kind', 'subject', 'summary', 'goals', 'views', 'starter', 'reference', 'instructions', 'heap', 'traces', 'grading']);
  const id = str(root.id, 'id');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fail('id', `'${id}' must be lowercase letters, digits and dashes`);
  if (root.kind !== 'malloc' && root.kind !== 'api' && root.kind !== 'tune') fail('kind', `'${String(root.kind)}' is not a kind this grader knows (malloc, api, tune)`);
  const kind = root.kind as ExerciseSpec['kind'];
  const api = kind === 'api';
  const tune = kind === 'tune';
  if (api) str(root.subject, 'subject');
  else if (root.subject !== undefined) fail('subject', 'only an api exercise has a subject');

  const heapData = root.heap === undefined ? {} : obj(root.heap, 'heap');
  known(heapData, 'heap', ['limit', 'parent']);
  const limit = heapData.limit === undefined ? 32 * 1024 * 1024 : num(heapData.limit, 'heap.limit', 16, 1024 * 1024 * 1024);
  if (!Number.isInteger(limit)) fail('heap.limit', 'must be a whole number of bytes');
  const parent = heapData.parent ?? 'sbrk';
  if (parent !== 'sbrk' && parent !== 'pages') fail('heap.parent', `'${String(parent)}' must be sbrk or pages`);

  const traces: Record<string, TraceSource> = {};
  for (const [name, value] of Object.entries(obj(root.traces, 'traces'))) {
    const field = `traces.${name}`;
    const t = obj(value, field);
    if (typeof t.file === 'string') {
      known(t, field, ['file']);
      traces[name] = { file: str(t.file, `${field}.file`) };
    } else if (!api && typeof t.generate === 'string') {
      known(t, field, ['generate', 'options']);
      traces[name] = { generate: t.generate, options: t.options === undefined ? {} : obj(t.options, `${field}.options`) };
    } else if (api && t.scenario !== undefined) {
      known(t, field, ['scenario']);
      traces[name] = { scenario: obj(t.scenario, `${field}.scenario`) };
    } else fail(field, api ? 'needs `file: <scenario.json>` or `scenario: { seed: ..., ... }`' : 'needs `file: <path>` or `generate: <generator>`');
  }
  if (Object.keys(traces).length === 0) fail('traces', 'must name at least one trace');

  const grading = obj(root.grading, 'grading');
  known(grading, 'grading', ['thresholds', 'tests']);
  // An api exercise has no performance tests, so thresholds are optional there (and unused).
  const th = api && grading.thresholds === undefined ? { utilization: { min: 0, max: 0 }, throughput: { min: 0, max: 0 } } : obj(grading.thresholds, 'grading.thresholds');
  // A tune exercise runs the engine's own allocator: utilization is all it scores.
  if (tune) known(th, 'grading.thresholds', ['utilization']);
  else known(th, 'grading.thresholds', ['utilization', 'throughput', 'weights']);
  const band = (v: unknown, field: string) => {
    const b = obj(v, field);
    known(b, field, ['min', 'max']);
    const min = num(b.min, `${field}.min`, 0), max = num(b.max, `${field}.max`, 0);
    if (max < min) fail(field, `max ${max} is below min ${min}`);
    return { min, max };
  };
  const thresholds: Thresholds = tune
    ? { utilization: band(th.utilization, 'grading.thresholds.utilization'), throughput: { min: 0, max: 0 }, weights: { utilization: 1, throughput: 0 } }
    : { utilization: band(th.utilization, 'grading.thresholds.utilization'), throughput: band(th.throughput, 'grading.thresholds.throughput') };
  if (th.weights !== undefined) {
    const w = obj(th.weights, 'grading.thresholds.weights');
    known(w, 'grading.thresholds.weights', ['utilization', 'throughput']);
    const weights = { utilization: num(w.utilization, 'grading.thresholds.weights.utilization', 0, 1), throughput: num(w.throughput, 'grading.thresholds.weights.throughput', 0, 1) };
    if (Math.abs(weights.utilization + weights.throughput - 1) > 1e-9) fail('grading.thresholds.weights', `must add up to 1, not ${weights.utilization + weights.throughput}`);
    thresholds.weights = weights;
  }

  if (!Array.isArray(grading.tests) || grading.tests.length === 0) fail('grading.tests', 'must be a list of at least one test');
  const names = new Set<string>();
  const tests = (grading.tests as unknown[]).map((value, k): RubricTest => {
    const field = `grading.tests[${k}]`;
    const t = obj(value, field);
    const kind = t.kind ?? 'correctness';
    if (kind !== 'correctness' && kind !== 'performance' && kind !== 'question') fail(`${field}.kind`, `'${String(kind)}' must be ${tune ? 'correctness, performance or question' : 'correctness or performance'}`);
    if (api && kind === 'performance') fail(`${field}.kind`, 'an api exercise has correctness tests only');
    if (!tune && kind === 'question') fail(`${field}.kind`, 'only a tune exercise has question tests');
    const tuneKeys = !tune ? [] : kind === 'question' ? ['question', 'ask'] : kind === 'performance' ? ['utilization'] : [];
    const partialKeys = kind === 'correctness' && !tune ? ['partialCredit'] : [];
    known(t, field, ['name', 'number', 'kind', ...(kind === 'question' ? [] : ['trace', 'traces']), 'points', 'visibility', 'timeLimitSeconds', ...partialKeys, ...tuneKeys]);
    if (t.partialCredit !== undefined && typeof t.partialCredit !== 'boolean') fail(`${field}.partialCredit`, 'must be true or false');
    const name = str(t.name, `${field}.name`);
    if (names.has(name)) fail(`${field}.name`, `'${name}' is used by an earlier test`);
    names.add(name);
    const question = kind === 'question' ? readQuestion(t, field, Object.keys(traces), fail) : undefined;
    let list: unknown[];
    if (question) list = [question.ask.trace];
    else if (t.trace !== undefined && t.traces !== undefined) list = fail(field, 'give `trace` or `traces`, not both');
    else if (t.trace !== undefined) list = [t.trace];
    else if (Array.isArray(t.traces) && t.traces.length > 0) list = t.traces;
    else list = fail(`${field}.traces`, 'must list at least one trace');
    const traceNames = list.map((n, j) => {
      const at = question ? `${field}.ask.trace` : t.trace !== undefined ? `${field}.trace` : `${field}.traces[${j}]`;
      const traceName = str(n, at);
      if (!(traceName in traces)) fail(at, `'${traceName}' is not in the exercise's traces (${Object.keys(traces).join(', ')})`);
      return traceName;
    });
    const visibility = t.visibility ?? 'visible';
    if (!VISIBILITIES.includes(visibility as Visibility)) fail(`${field}.visibility`, `'${String(visibility)}' must be one of ${VISIBILITIES.join(', ')}`);
    return {
      name,
      number: t.number === undefined ? String(k + 1) : str(String(t.number), `${field}.number`),
      kind: kind as RubricTest['kind'],
      traces: traceNames,
      points: num(t.points, `${field}.points`, 0),
      visibility: visibility as Visibility,
      timeLimitMs: 1000 * (t.timeLimitSeconds === undefined ? 60 : num(t.timeLimitSeconds, `${field}.timeLimitSeconds`, 0.001, 3600)),
      ...(t.partialCredit === true ? { partialCredit: true } : {}),
      ...(t.utilization === undefined ? {} : { utilization: band(t.utilization, `${field}.utilization`) }),
      ...(question ? { question } : {}),
    };
  });

  const optionalStr = (v: unknown, field: string): string | null => (v === undefined ? null : str(v, field));
  const list = (v: unknown, field: string): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : fail(field, 'must be a list'));
  const goals = list(root.goals, 'goals').map((g, k) => str(g, `goals[${k}]`));
  const views = list(root.views, 'views').map((v, k): View => {
    if (!VIEWS.includes(v as View)) fail(`views[${k}]`, `'${String(v)}' is not a view (${VIEWS.join(', ')})`);
    if ((root.views as unknown[]).indexOf(v) < k) fail(`views[${k}]`, `'${String(v)}' is listed twice`);
    return v as View;
  });
  return {
    id,
    title: str(root.title, 'title'),
    summary: optionalStr(root.summary, 'summary'),
    goals,
    views,
    kind,
    subject: api ? (root.subject as string) : null,
    starter: str(root.starter, 'starter'),
    reference: str(root.reference, 'reference'),
    instructions: optionalStr(root.instructions, 'instructions'),
    heap: { limit, parent: parent as 'sbrk' | 'pages' },
    traces,
    thresholds,
    tests,
  };
}
