// Random: the engine's seeded pseudo-random numbers, so a generated workload is the same trace on
// every machine for the same seed (the engine may not use Math.random).
//
// Algorithm: xoshiro128** (Blackman and Vigna, 2018) on four 32-bit words of state, seeded by
// splitmix32 from the seed's low and high 32 bits. Only 32-bit integer operations (Math.imul,
// shifts, xor) produce the raw numbers, so next(), float(), int(), range(), pick() and shuffle()
// are bit-exact everywhere. normal() and logNormal() also use Math.log, Math.sqrt, Math.cos,
// Math.sin and Math.exp: V8 bundles its own versions of these (not the operating system's), so they
// agree on every platform; another V8 version might differ in the last bit, which the generators
// hide by rounding such values to integer sizes.

const TwoTo32 = 4294967296;

/** One splitmix32 step from `state`: [new state, output]. Spreads a seed over the state words. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) | 0];
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** normal() makes two values at a time (Box–Muller); the second waits here. */
  private spare: number | null = null;

  /** A generator for `seed`, any safe integer (negative seeds work; the same seed gives the same numbers). */
  constructor(readonly seed: number = 0) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Random: seed must be a safe integer, got ${seed}`);
    let low = seed >>> 0;
    let high = (Math.floor(seed / TwoTo32) >>> 0) ^ 0x6a09e667;
    [low, this.s0] = splitmix32(low);
    [low, this.s1] = splitmix32(low);
    [high, this.s2] = splitmix32(high);
    [high, this.s3] = splitmix32(high);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // xoshiro's one bad state
  }

  /** The next raw number: an unsigned 32-bit integer. */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1), a multiple of 2^-32. */
  float(): number {
    return this.next() / TwoTo32;
  }

  /** An integer in [0, n), every value equally likely (rejection sampling); n is an integer from 1 to 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TwoTo32) throw new RangeError(`Random.int: n must be an integer from 1 to 2^32, got ${n}`);
    const limit = TwoTo32 - (TwoTo32 % n); // the largest multiple of n that fits: no value is favoured
    for (;;) {
      const x = this.next();
      if (x < limit) return x % n;
    }
  }

  /** An integer in [lo, hi], both included; lo ≤ hi are integers at most 2^32 apart. */
  range(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) throw new RangeError(`Random.range: need integers lo ≤ hi, got ${lo}, ${hi}`);
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p (p ≤ 0: never, p ≥ 1: always). */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A standard normal value (mean 0, deviation 1) by the Box–Muller transform. */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const u = 1 - this.float(); // (0, 1]: the logarithm stays finite
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A log-normal value exp(mu + sigma × normal()): positive, median e^mu. Not an integer; round it for sizes. */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** One of `items`, each equally likely; items must not be empty. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random.pick: no items to pick from');
    return items[this.int(items.length)]!;
  }

  /** Shuffles `items` in place (Fisher–Yates: every order equally likely) and returns it. */
  shuffle<T>(items: T[]): T[];
  shuffle<A extends Int32Array | Uint32Array | Float64Array>(items: A): A;
  shuffle(items: { length: number; [index: number]: unknown }): unknown {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}
