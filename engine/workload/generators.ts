// generators: every seeded trace generator by name, for `trace gen <name> --seed N --ops N` and the
// exercises. A generator is a function of its options (all optional, seed included) and returns a
// valid lab-format Trace: ids freed before reuse, no free or realloc of a dead block, every block
// freed by the end, phases naming its stages. The same options give the same trace on any machine.
//
//   shapes.ts:      ramp, peak, plateau, randomSizes
//   pathologies.ts: binaryPathology, reallocHeavy, coalescing, adversarialFirstFit, adversarialNextFit

import type { Generator, GivenOptions, OptionSpec, OptionSpecs } from './generatorKit';
import {
  adversarialFirstFitGenerator, adversarialNextFitGenerator, binaryPathologyGenerator, coalescingGenerator, reallocHeavyGenerator,
} from './pathologies';
import { peakGenerator, plateauGenerator, rampGenerator, randomSizesGenerator } from './shapes';
import type { Trace } from './Trace';

export { adversarialFirstFit, adversarialNextFit, binaryPathology, coalescing, reallocHeavy } from './pathologies';
export { peak, plateau, ramp, randomSizes } from './shapes';
export type { GivenOptions, OptionSpec } from './generatorKit';

export interface GeneratorEntry {
  /** One line saying what the trace does. */
  describe: string;
  /** Every option with its default, range and help line, seed and alignment included. */
  options: Readonly<Record<string, OptionSpec>>;
  /** The trace for these options (defaults for the rest); throws naming a bad option. */
  make: (options: { seed: number } & Record<string, number | string>) => Trace;
}

const all: Generator<OptionSpecs>[] = [
  rampGenerator, peakGenerator, plateauGenerator, randomSizesGenerator,
  binaryPathologyGenerator, reallocHeavyGenerator, coalescingGenerator, adversarialFirstFitGenerator, adversarialNextFitGenerator,
] as unknown as Generator<OptionSpecs>[];

/** The generators by name, in the order above. */
export const generators: Record<string, GeneratorEntry> = Object.fromEntries(all.map((g) => [g.name, {
  describe: g.describe,
  options: g.options,
  make: (options: GivenOptions) => g.run(options),
}]));

/** The trace of generator `name` for `options` (missing ones take their defaults, seed 1). Throws on an unknown name or option. */
export function generate(name: string, options: GivenOptions = {}): Trace {
  if (!Object.hasOwn(generators, name)) {
    throw new Error(`unknown generator '${name}' (generators: ${Object.keys(generators).join(', ')})`);
  }
  return generators[name]!.make(options as { seed: number } & Record<string, number | string>);
}
