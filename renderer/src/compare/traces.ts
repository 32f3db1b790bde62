// Compare's trace picker as data: one of the exercise's traces, or a generated trace (a generator,
// its number of operations and seed), to and from the route's trace parameter
// ('gen:randomSizes:ops=10000,seed=1' for a generated one, see router.ts traceSpecOf), with the
// checks whose messages the picker shows next to its fields.
import { MAX_REPLAY_OPS, type ReplayTraceSpec } from '../../../electron/contract';
import { traceSpecOf } from '../router';

/** The engine's trace generators (engine/workload/generators.ts), in its order; every one takes ops and seed. */
export const generatorNames = [
  'ramp', 'peak', 'plateau', 'randomSizes', 'binaryPathology', 'reallocHeavy', 'coalescing', 'adversarialFirstFit', 'adversarialNextFit',
] as const;

export const DEFAULT_OPS = 10_000;
export const MAX_SEED = 2 ** 32 - 1;

/** The picker's state. ops and seed are the inputs' text, checked by tracePickErrors. */
export interface TracePick {
  mode: 'named' | 'generator';
  /** The exercise's trace (mode 'named'). */
  name: string;
  generator: string;
  ops: string;
  seed: string;
  /** Other options of a generated trace from the URL, kept while its generator stays picked. */
  extra: Record<string, number | string>;
  /** The generator those extra options belong to. */
  extraOf: string;
}

/** The picker's state for a route's trace parameter; a named trace not in `traces` is still picked (the host will say if it is unknown). */
export function pickOf(param: string, traces: readonly string[]): TracePick {
  const spec = traceSpecOf(param);
  const base: TracePick = { mode: 'named', name: traces[0] ?? '', generator: 'randomSizes', ops: String(DEFAULT_OPS), seed: '1', extra: {}, extraOf: '' };
  if ('trace' in spec) return { ...base, name: spec.trace };
  const { ops, seed, ...extra } = spec.options;
  return {
    ...base, mode: 'generator', generator: spec.generator,
    ops: ops === undefined ? base.ops : String(ops), seed: seed === undefined ? base.seed : String(seed),
    extra, extraOf: spec.generator,
  };
}

/** What is wrong with each field of the pick ('ops', 'seed', 'name'), empty when it can run. */
export function tracePickErrors(pick: TracePick): Partial<Record<'name' | 'ops' | 'seed', string>> {
  const errors: Partial<Record<'name' | 'ops' | 'seed', string>> = {};
  if (pick.mode === 'named') {
    if (!pick.name) errors.name = 'Pick a trace (this exercise lists none: use a generated trace).';
    return errors;
  }
  const whole = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : NaN);
  const ops = whole(pick.ops);
  if (!(ops >= 2 && ops <= MAX_REPLAY_OPS)) errors.ops = `Operations must be a whole number from 2 to ${MAX_REPLAY_OPS.toLocaleString('en-US')}.`;
  const seed = whole(pick.seed);
  if (!(seed >= 0 && seed <= MAX_SEED)) errors.seed = `The seed must be a whole number from 0 to ${MAX_SEED}.`;
  return errors;
}

/** The route's trace parameter of a valid pick: the trace's name, or gen:<generator>:ops=N,seed=S[,<kept options>]. */
export function paramOf(pick: TracePick): string {
  if (pick.mode === 'named') return pick.name;
  const extra = pick.extraOf === pick.generator ? pick.extra : {};
  const options = { ops: Number(pick.ops.trim()), seed: Number(pick.seed.trim()), ...extra };
  return `gen:${pick.generator}:${Object.entries(options).map(([k, v]) => `${k}=${v}`).join(',')}`;
}

/** A trace for people: 'plateau', or 'randomSizes (10,000 ops, seed 1)'. */
export function traceTitle(spec: ReplayTraceSpec): string {
  if ('trace' in spec) return spec.trace;
  const { ops, seed, ...rest } = spec.options;
  const parts = [
    ...(ops === undefined ? [] : [`${typeof ops === 'number' ? ops.toLocaleString('en-US') : ops} ops`]),
    ...(seed === undefined ? [] : [`seed ${seed}`]),
    ...Object.entries(rest).map(([k, v]) => `${k} ${v}`),
  ];
  return parts.length ? `${spec.generator} (${parts.join(', ')})` : spec.generator;
}
