// Questions: the predict-then-observe questions of a 'tune' exercise (08-fragmentation), as read
// from exercise.yaml. A question never states its answer: its `ask` says what to run, and the grader
// runs the engine's TunableAllocator to find the truth (Tuning.ts). Two forms:
//
//   choice:  { trace: plateau, config: {...}, vary: fit, among: [first, next, best], highest: utilization }
//            which value of one config field gives the highest (or lowest) metric on the trace;
//   number:  { trace: ramp-random, config: {...}, predict: heapHighWater, tolerance: 0.003 }
//            the metric's value, right within a relative tolerance.
//
// `config` is optional: the fields it leaves out take their defaults (DEFAULT_TUNING).
import { TUNING_FIELDS, TuningError, readTuningConfig, readTuningField, type TuningConfig, type TuningField } from '../workload/TuningConfig';

/** The replay metrics a question may ask about (TraceMetrics fields). */
export type QuestionMetric = 'utilization' | 'heapHighWater' | 'meanExternal' | 'work';
export const QUESTION_METRICS: readonly QuestionMetric[] = ['utilization', 'heapHighWater', 'meanExternal', 'work'];

/** What each metric is, in a report's words, and how its values read. */
export const METRIC_TEXT: Record<QuestionMetric, { name: string; format: (value: number) => string }> = {
  utilization: { name: 'utilization', format: (v) => `${(v * 100).toFixed(1)} %` },
  heapHighWater: { name: 'heap high-water mark', format: (v) => `${v} bytes` },
  meanExternal: { name: 'mean external fragmentation', format: (v) => v.toFixed(3) },
  work: { name: 'work', format: (v) => `${v} heap calls` },
};

export type Ask =
  | { form: 'choice'; trace: string; config: TuningConfig; vary: TuningField; among: unknown[]; goal: 'highest' | 'lowest'; metric: QuestionMetric }
  | { form: 'number'; trace: string; config: TuningConfig; metric: QuestionMetric; tolerance: number };

export interface Question {
  /** What the student reads. */
  text: string;
  ask: Ask;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a question test's `question` (its text) and `ask` at `field` (`grading.tests[3]`); `traces`
 * are the exercise's trace names. `fail` throws (a RubricError naming the field).
 */
export function readQuestion(test: Obj, field: string, traces: string[], fail: (field: string, reason: string) => never): Question {
  if (typeof test.question !== 'string' || test.question.trim() === '') fail(`${field}.question`, 'must be the question as a non-empty string');
  if (!isObj(test.ask)) return fail(`${field}.ask`, 'must be a mapping: { trace, vary, among, highest | lowest } or { trace, predict, tolerance }');
  const ask = test.ask;
  const at = `${field}.ask`;
  const choice = ask.vary !== undefined;
  const keys = choice ? ['trace', 'config', 'vary', 'among', 'highest', 'lowest'] : ['trace', 'config', 'predict', 'tolerance'];
  for (const key of Object.keys(ask)) if (!keys.includes(key)) fail(`${at}.${key}`, `unknown field (a ${choice ? 'choice' : 'number'} question has ${keys.join(', ')})`);
  if (typeof ask.trace !== 'string' || !traces.includes(ask.trace)) fail(`${at}.trace`, `${JSON.stringify(ask.trace)} is not in the exercise's traces (${traces.join(', ')})`);
  const trace = ask.trace as string;
  let config: TuningConfig;
  try {
    config = readTuningConfig(ask.config ?? {}, `${at}.config`);
  } catch (error) {
    if (error instanceof TuningError) return fail(error.field, error.reason);
    throw error;
  }
  const metricOf = (v: unknown, where: string): QuestionMetric =>
    QUESTION_METRICS.includes(v as QuestionMetric) ? (v as QuestionMetric) : fail(where, `${JSON.stringify(v)} must be one of ${QUESTION_METRICS.join(', ')}`);
  if (!choice) {
    if (ask.predict === undefined) fail(at, 'needs `vary` (a choice question) or `predict` (a number question)');
    const tolerance = ask.tolerance;
    if (typeof tolerance !== 'number' || !(tolerance >= 0 && tolerance <= 1)) fail(`${at}.tolerance`, 'must be a relative tolerance from 0 to 1 (0.05: within 5 %)');
    return { text: test.question as string, ask: { form: 'number', trace, config, metric: metricOf(ask.predict, `${at}.predict`), tolerance: tolerance as number } };
  }
  if (!(TUNING_FIELDS as readonly unknown[]).includes(ask.vary)) fail(`${at}.vary`, `${JSON.stringify(ask.vary)} is not a config field (${TUNING_FIELDS.join(', ')})`);
  const vary = ask.vary as TuningField;
  if (!Array.isArray(ask.among) || ask.among.length < 2) fail(`${at}.among`, `must list at least two values of ${vary}`);
  const among = (ask.among as unknown[]).map((value, k) => {
    try {
      return readTuningField(vary, value, `${at}.among[${k}]`);
    } catch (error) {
      if (error instanceof TuningError) return fail(error.field, error.reason);
      throw error;
    }
  });
  const seen = among.map((v) => JSON.stringify(v));
  seen.forEach((v, k) => { if (seen.indexOf(v) < k) fail(`${at}.among[${k}]`, `${v} is listed twice`); });
  if ((ask.highest === undefined) === (ask.lowest === undefined)) fail(at, 'give `highest: <metric>` or `lowest: <metric>` (one of them)');
  const goal = ask.highest !== undefined ? 'highest' : 'lowest';
  return { text: test.question as string, ask: { form: 'choice', trace, config, vary, among, goal, metric: metricOf(ask[goal], `${at}.${goal}`) } };
}
