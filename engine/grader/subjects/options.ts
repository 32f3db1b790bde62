// Scenario options of a subject: the given ones merged with the subject's defaults, each read with
// its range checked, so a bad option in exercise.yaml is a RangeError naming the subject, the option,
// what it must be and what it was.

export type Options = Record<string, number | string>;

export interface OptionReader {
  /** The options merged with the defaults (for string-valued options such as base: 'random'). */
  o: Options;
  /** An integer option within [lo, hi]. */
  int(key: string, lo: number, hi: number): number;
  /** A share (probability) option within [0, hi]. */
  share(key: string, hi?: number): number;
  /** The seed: any safe integer. */
  seed: number;
}

/** Reads `options` for `subject`; throws RangeError for an unknown option or a bad seed. */
export function readOptions(subject: string, defaults: Options, options: Options): OptionReader {
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(defaults, key)) throw new RangeError(`${subject}: unknown option '${key}' (known: ${Object.keys(defaults).join(', ')})`);
  }
  const o = { ...defaults, ...options };
  const int = (key: string, lo: number, hi: number): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new RangeError(`${subject}: option '${key}' must be an integer from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const share = (key: string, hi = 0.5): number => {
    const v = o[key];
    if (typeof v !== 'number' || !(v >= 0 && v <= hi)) throw new RangeError(`${subject}: option '${key}' must be a number from 0 to ${hi}, got ${JSON.stringify(v)}`);
    return v;
  };
  const seed = o.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new RangeError(`${subject}: option 'seed' must be a safe integer, got ${JSON.stringify(seed)}`);
  return { o, int, share, seed };
}
