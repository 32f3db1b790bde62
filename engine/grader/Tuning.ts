// Tuning: grading a 'tune' exercise's submission (a TunableAllocator config and predictions) with
// the engine alone. The config is replayed on traces in-process (LocalTarget: the allocator is the
// engine's, trusted); a question's truth is found by running every configuration it compares, and a
// prediction is judged against it. Reports reveal the observed values only for visible questions,
// and only once a prediction was made.
import { localTarget } from './LocalTarget';
import { METRIC_TEXT, type Ask, type Question } from './Questions';
import { replay, type ReplayResult } from './Replay';
import type { Trace } from '../workload/Trace';
import { tunableAllocatorClass } from '../workload/TunableAllocator';
import { TuningError, readTuningConfig, shown, type TuningConfig } from '../workload/TuningConfig';

export interface CheckedTuning {
  config: TuningConfig;
  /** Question name to prediction; null or absent: not answered. */
  predictions: Record<string, unknown>;
}

/**
 * The submission from its default export (plain data): `{ config, predictions }`. Throws
 * TuningError naming the field (`config.fit`, `predictions.q9`); `questions` are the names a
 * prediction may use.
 */
export function readTuningSubmission(data: unknown, questions: string[]): CheckedTuning {
  const shape = 'must be an object { config: {...}, predictions: {...} }';
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TuningError('the default export', `${shown(data)} ${shape}`);
  const root = data as Record<string, unknown>;
  for (const key of Object.keys(root)) if (key !== 'config' && key !== 'predictions') throw new TuningError(key, `unknown field: the default export ${shape}`);
  if (root.config === undefined) throw new TuningError('config', `is missing: the default export ${shape}`);
  const config = readTuningConfig(root.config, 'config');
  const given = root.predictions ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new TuningError('predictions', `${shown(given)} must be an object mapping question names to predictions`);
  for (const name of Object.keys(given)) {
    if (!questions.includes(name)) throw new TuningError(`predictions.${name}`, `there is no question '${name}' (questions: ${questions.join(', ') || 'none'})`);
  }
  return { config, predictions: given as Record<string, unknown> };
}

/** Replays traces under configs, each (trace, config) pair once. */
export class TuningRuns {
  private readonly done = new Map<string, ReplayResult>();

  constructor(private readonly heap: { limit: number; parent: 'sbrk' | 'pages' }) {}

  /** The replay of `trace` by a TunableAllocator with `config` (a failure is in the result, never thrown). */
  run(trace: Trace, config: TuningConfig): ReplayResult {
    const key = `${trace.name}\u0000${JSON.stringify(config)}`;
    let result = this.done.get(key);
    if (!result) {
      const target = localTarget(tunableAllocatorClass(config), { name: 'TunableAllocator', limit: this.heap.limit, parent: this.heap.parent });
      result = replay(trace, target, { heapLimit: this.heap.limit });
      this.done.set(key, result);
    }
    return result;
  }
}

/** What the engine observed for a question: each compared value's metric and the winners, or the one number. */
export type Observation =
  | { form: 'choice'; values: { value: unknown; metric: number }[]; truth: unknown[] }
  | { form: 'number'; value: number };

/** Runs what `ask` needs on `trace`; throws Error when a run fails the checker (a broken question). */
export function observe(ask: Ask, trace: Trace, runs: TuningRuns): Observation {
  const measure = (config: TuningConfig): number => {
    const result = runs.run(trace, config);
    if (!result.ok) throw new Error(`the question's run on ${ask.trace} failed: ${result.failure!.reason}`);
    return result.metrics[ask.metric];
  };
  if (ask.form === 'number') return { form: 'number', value: measure(ask.config) };
  const values = ask.among.map((value) => ({ value, metric: measure({ ...ask.config, [ask.vary]: value }) }));
  const best = ask.goal === 'highest' ? Math.max(...values.map((v) => v.metric)) : Math.min(...values.map((v) => v.metric));
  // Values within a relative 1e-9 of the best all count as right (a tie).
  const truth = values.filter((v) => Math.abs(v.metric - best) <= 1e-9 * Math.max(1, Math.abs(best))).map((v) => v.value);
  return { form: 'choice', values, truth };
}

export interface Judgement {
  correct: boolean;
  /** What the report says: the question, the prediction, the verdict (and, when revealed, what was observed). */
  text: string;
  /** The observation as plain text, or null when not revealed. */
  observed: string | null;
}

/** The same value for a prediction: a numeric string is its number, everything else as it is. */
function normalize(value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return JSON.stringify(Number(value));
  return JSON.stringify(value) ?? 'undefined';
}

/** Judges `prediction` (null/undefined: not answered) against the observation; `reveal` shows what was observed (to an answer only). */
export function judge(question: Question, prediction: unknown, observation: Observation, reveal: boolean): Judgement {
  const { ask } = question;
  const metric = METRIC_TEXT[ask.metric];
  const answered = prediction !== null && prediction !== undefined;
  let correct = false;
  let observed: string;
  let why = '';
  if (observation.form === 'choice' && ask.form === 'choice') {
    const values = observation.values.map((v) => `${ask.vary} ${shown(v.value)}: ${metric.format(v.metric)}`).join(', ');
    observed = `the ${ask.goal} ${metric.name} with ${observation.truth.map((v) => shown(v)).join(' or ')} (${values})`;
    correct = answered && observation.truth.some((v) => normalize(v) === normalize(prediction));
    if (answered && !ask.among.some((v) => normalize(v) === normalize(prediction))) why = ` (it is not one of ${ask.among.map((v) => shown(v)).join(', ')})`;
  } else if (observation.form === 'number' && ask.form === 'number') {
    const value = observation.value;
    observed = `the ${metric.name} is ${metric.format(value)} (right within ${+(ask.tolerance * 100).toFixed(3)} %)`;
    const p = typeof prediction === 'string' && prediction.trim() !== '' ? Number(prediction) : prediction;
    if (answered && (typeof p !== 'number' || !Number.isFinite(p))) why = ' (it is not a number)';
    else if (answered) correct = Math.abs((p as number) - value) <= ask.tolerance * Math.abs(value);
  } else throw new Error('the observation does not match the question');
  // Predict, then observe: an unanswered question shows nothing, so the answer cannot come before the prediction.
  const shows = reveal && answered;
  const verdict = !answered ? 'not answered (predict first: what the engine observes is shown once you have)' : `you predicted ${shown(prediction)}${why}: ${correct ? 'right' : 'wrong'}`;
  const lines = [question.text, shows ? `${verdict}; observed: ${observed}` : verdict];
  return { correct, text: lines.join('\n'), observed: shows ? observed : null };
}
