// generatorKit: what every trace generator shares. A generator declares its options once (kind,
// default, range, one-line help); run() checks what a caller or the CLI passed against that, fills
// in the defaults, seeds a Random, lets the generator write operations into a TraceBuilder, and
// names the trace `generator:<name>?seed=N&...` with every option's value, so the file string alone
// regenerates it. Errors name the generator, the option and the bad value.

import { Random } from './Random';
import type { Trace } from './Trace';
import { TraceBuilder } from './TraceBuilder';

export interface IntOption { kind: 'int'; default: number; min: number; max: number; powerOfTwo?: boolean; help: string }
export interface NumberOption { kind: 'number'; default: number; min: number; max: number; help: string }
export interface ChoiceOption<V extends string = string> { kind: 'choice'; default: V; values: readonly V[]; help: string }
export type OptionSpec = IntOption | NumberOption | ChoiceOption;
export type OptionSpecs = Record<string, OptionSpec>;
/** The resolved options of a spec: a number for each int or number option, the value for a choice. */
export type OptionsOf<S extends OptionSpecs> = { [K in keyof S]: S[K] extends ChoiceOption<infer V> ? V : number };
/** What a caller or the CLI may pass: any subset; numbers may come as strings ("100"). */
export type GivenOptions = Readonly<Record<string, number | string | undefined>>;

/** Largest block size a generator option may ask for (1 GiB). */
export const MaxSize = 2 ** 30;
/** Most operations a generator may be asked for. */
export const MaxOps = 10_000_000;

export function int(fallback: number, min: number, max: number, help: string): IntOption {
  return { kind: 'int', default: fallback, min, max, help };
}

export function num(fallback: number, min: number, max: number, help: string): NumberOption {
  return { kind: 'number', default: fallback, min, max, help };
}

export function choice<const V extends string>(values: readonly V[], fallback: NoInfer<V>, help: string): ChoiceOption<V> {
  return { kind: 'choice', default: fallback, values, help };
}

/** The options every generator has: seed first, alignment last (the trace's payload alignment). */
export const seedOption = int(1, 0, 2 ** 32 - 1, 'seed of the random numbers: the same seed gives the same trace');
export const alignmentOption: IntOption = {
  kind: 'int', default: 8, min: 1, max: 4096, powerOfTwo: true, help: 'payload alignment the checker requires',
};

export interface GeneratorDef<S extends OptionSpecs> {
  name: string;
  /** One line for `trace gen --help`. */
  describe: string;
  /** Every option but seed and alignment, which all generators have. */
  options: S;
  /** A problem between options (e.g. minSize above maxSize) as `option 'x' must ...`, or null. */
  check?(o: OptionsOf<S>): string | null;
  /** Writes the operations; `o` is resolved and checked. */
  build(o: OptionsOf<S>, b: TraceBuilder, random: Random): void;
}

type WithCommon<S extends OptionSpecs> = { seed: IntOption } & S & { alignment: IntOption };

export interface Generator<S extends OptionSpecs> {
  name: string;
  describe: string;
  /** All options, seed and alignment included, in the order the file string lists them. */
  options: WithCommon<S>;
  /** The trace for `given` options (defaults for the rest); throws naming a bad or unknown option. */
  run(given: GivenOptions): Trace;
}

/** A generator from its definition: adds seed and alignment, option checking and naming. */
export function defineGenerator<S extends OptionSpecs>(def: GeneratorDef<S>): Generator<S> {
  const options = { seed: seedOption, ...def.options, alignment: alignmentOption } as WithCommon<S>;
  return {
    name: def.name,
    describe: def.describe,
    options,
    run(given) {
      const o = resolveOptions(def.name, options, given) as OptionsOf<S> & { seed: number; alignment: number };
      const problem = def.check?.(o);
      if (problem) throw new Error(`generator '${def.name}': ${problem}`);
      const b = new TraceBuilder();
      def.build(o, b, new Random(o.seed));
      const query = Object.keys(options).map((key) => `${key}=${o[key]}`).join('&');
      return b.build({ name: def.name, file: `generator:${def.name}?${query}`, alignment: o.alignment });
    },
  };
}

/** `given` checked against `specs` with defaults filled in; throws `generator 'g': option 'x' must be ...`. */
export function resolveOptions<S extends OptionSpecs>(generator: string, specs: S, given: GivenOptions): OptionsOf<S> {
  const fail = (message: string): never => {
    throw new Error(`generator '${generator}': ${message}`);
  };
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(specs, key)) fail(`unknown option '${key}' (options: ${Object.keys(specs).join(', ')})`);
  }
  const resolved: Record<string, number | string> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const raw = Object.hasOwn(given, key) ? given[key] : undefined;
    const value = raw === undefined ? spec.default : typeof raw === 'string' && spec.kind !== 'choice' ? numeric(raw) : raw;
    const shown = typeof value === 'string' ? `'${value}'` : String(value);
    if (spec.kind === 'choice') {
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        fail(`option '${key}' must be one of ${spec.values.map((v) => `'${v}'`).join(', ')}, got ${shown}`);
      }
    } else if (typeof value !== 'number' || !(value >= spec.min && value <= spec.max)
      || (spec.kind === 'int' && !Number.isInteger(value)) || (spec.kind === 'int' && spec.powerOfTwo && !isPowerOfTwo(value))) {
      const what = spec.kind === 'number' ? 'a number' : spec.powerOfTwo ? 'a power of two' : 'an integer';
      fail(`option '${key}' must be ${what} from ${spec.min} to ${spec.max}, got ${shown}`);
    }
    resolved[key] = value;
  }
  return resolved as OptionsOf<S>;
}

/** A string that spells a decimal number as that number; any other string unchanged. */
function numeric(text: string): number | string {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : text;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && Math.log2(n) % 1 === 0;
}

/** `option 'lower' must not exceed option 'upper' (N), got M`, or null when o[lower] ≤ o[upper]. */
export function notAbove(o: Record<string, number | string>, lower: string, upper: string): string | null {
  return o[lower]! > o[upper]! ? `option '${lower}' must not exceed option '${upper}' (${o[upper]}), got ${o[lower]}` : null;
}

/** `option 'ops' must be at least N (why), got M`, or null when there are enough. */
export function atLeastOps(ops: number, needed: number, why: string): string | null {
  return ops < needed ? `option 'ops' must be at least ${needed} (${why}), got ${ops}` : null;
}

/** A random live block of `b` (b must have one). */
export function randomLive(b: TraceBuilder, random: Random): number {
  return b.liveId(random.int(b.liveCount));
}
