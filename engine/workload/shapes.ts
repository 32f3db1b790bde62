// Shape generators: traces named after the curve of live bytes over time: a ramp up and down, a
// few peaks, a plateau, a random walk. Each ends with every block freed. `ops` sets the length:
// each trace has at most `ops` operations and falls short only by its structure's remainder (see
// each generator). Sizes are uniform in [minSize, maxSize] unless an option says otherwise.

import {
  MaxOps, MaxSize, atLeastOps, choice, defineGenerator, int, notAbove, num, randomLive,
  type OptionsOf,
} from './generatorKit';
import type { Trace } from './Trace';

const minSize = (fallback: number) => int(fallback, 1, MaxSize, 'smallest block size');
const maxSize = (fallback: number) => int(fallback, 1, MaxSize, 'largest block size');

export const rampGenerator = defineGenerator({
  name: 'ramp',
  describe: 'allocate blocks of growing sizes, then free them all (fifo, lifo or random order)',
  options: {
    ops: int(4000, 2, MaxOps, 'operations: ops/2 allocations, then as many frees'),
    minSize: minSize(16),
    maxSize: maxSize(4096),
    order: choice(['fifo', 'lifo', 'random'], 'fifo', 'order of the frees: first allocated first, last first, or random'),
  },
  check: (o) => notAbove(o, 'minSize', 'maxSize'),
  build(o, b, random) {
    const blocks = Math.floor(o.ops / 2);
    const sizes = new Float64Array(blocks);
    for (let i = 0; i < blocks; i++) sizes[i] = random.range(o.minSize, o.maxSize);
    sizes.sort(); // random sizes, in increasing order
    const ids = new Int32Array(blocks);
    b.phase('grow');
    for (let i = 0; i < blocks; i++) ids[i] = b.alloc(sizes[i]!);
    b.phase('drain');
    if (o.order === 'lifo') ids.reverse();
    if (o.order === 'random') random.shuffle(ids);
    for (const id of ids) b.free(id);
  },
});

/** ops/2 allocations of nondecreasing random sizes (phase 'grow'), then all freed in `order` ('drain'). */
export function ramp(options: Partial<OptionsOf<typeof rampGenerator.options>> = {}): Trace {
  return rampGenerator.run(options);
}

export const peakGenerator = defineGenerator({
  name: 'peak',
  describe: 'grow to a peak of live bytes, then free everything; repeated for several cycles',
  options: {
    ops: int(8000, 2, MaxOps, 'operations: each cycle gets ops/cycles'),
    cycles: int(4, 1, 1000, 'number of grow-and-drain cycles'),
    minSize: minSize(8),
    maxSize: maxSize(2048),
  },
  check: (o) => notAbove(o, 'minSize', 'maxSize') ?? atLeastOps(o.ops, 2 * o.cycles, 'two per cycle'),
  build(o, b, random) {
    const allocations = Math.floor(o.ops / (2 * o.cycles));
    for (let cycle = 1; cycle <= o.cycles; cycle++) {
      // Some frees while growing, at a rate drawn per cycle (0 to 40 %), so the peaks differ in height.
      const freeRate = 0.4 * random.float();
      b.phase(`grow-${cycle}`);
      for (let made = 0; made < allocations;) {
        if (b.liveCount > 0 && random.chance(freeRate)) {
          b.free(randomLive(b, random));
        } else {
          b.alloc(random.range(o.minSize, o.maxSize));
          made++;
        }
      }
      b.phase(`drain-${cycle}`);
      b.freeAll((n) => random.int(n));
    }
  },
});

/** `cycles` × (phase 'grow-k': allocations with some frees; 'drain-k': the rest freed); 2 × ⌊ops/(2·cycles)⌋ ops per cycle. */
export function peak(options: Partial<OptionsOf<typeof peakGenerator.options>> = {}): Trace {
  return peakGenerator.run(options);
}

export const plateauGenerator = defineGenerator({
  name: 'plateau',
  describe: 'grow to a target of live bytes, hold it with a steady mix of frees and allocations, then free all',
  options: {
    ops: int(10000, 2, MaxOps, 'operations (rounded down to even); the grow phase alone may need more'),
    target: int(262144, 1, MaxSize, 'live payload bytes to grow to and hold'),
    minSize: minSize(16),
    maxSize: maxSize(1024),
  },
  check: (o) => notAbove(o, 'minSize', 'maxSize'),
  build(o, b, random) {
    // Each allocation is one operation now and one free later: keep length + live blocks + 2 ≤ ops.
    const room = () => b.length + b.liveCount + 2 <= o.ops;
    b.phase('grow');
    while (b.liveBytes < o.target && room()) b.alloc(random.range(o.minSize, o.maxSize));
    // Free when at or above target, allocate when below: live bytes stay in [target − maxSize, target + maxSize).
    b.phase('hold');
    while (room()) {
      if (b.liveBytes >= o.target) b.free(randomLive(b, random));
      else b.alloc(random.range(o.minSize, o.maxSize));
    }
    b.phase('drain');
    b.freeAll((n) => random.int(n));
  },
});

/**
 * Phase 'grow' to `target` live bytes, 'hold' (live bytes within [target − maxSize, target + maxSize)),
 * 'drain'. Length: ops rounded down to even, unless the grow phase is cut short by ops.
 */
export function plateau(options: Partial<OptionsOf<typeof plateauGenerator.options>> = {}): Trace {
  return plateauGenerator.run(options);
}

export const randomSizesGenerator = defineGenerator({
  name: 'randomSizes',
  describe: 'random allocations and frees around a target number of live blocks; uniform or log-normal sizes',
  options: {
    ops: int(10000, 2, MaxOps, 'operations (rounded down to even)'),
    live: int(500, 1, MaxOps, 'number of live blocks to grow to and wander around'),
    sizes: choice(['uniform', 'lognormal'], 'uniform', 'uniform in [minSize, maxSize], or log-normal clamped to it'),
    minSize: minSize(1),
    maxSize: maxSize(4096),
    mu: num(6, 0, 30, 'log-normal: mean of the logarithm of the size (median size e^mu)'),
    sigma: num(1.5, 0, 10, 'log-normal: deviation of the logarithm of the size'),
  },
  check: (o) => notAbove(o, 'minSize', 'maxSize'),
  build(o, b, random) {
    const size = o.sizes === 'uniform'
      ? () => random.range(o.minSize, o.maxSize)
      : () => Math.min(o.maxSize, Math.max(o.minSize, Math.round(random.logNormal(o.mu, o.sigma))));
    const room = () => b.length + b.liveCount + 2 <= o.ops;
    b.phase('grow');
    while (b.liveCount < o.live && room()) b.alloc(size());
    // A random walk: allocate with probability 0.6 below the target, 0.4 at or above it.
    b.phase('mix');
    while (room()) {
      if (b.liveCount === 0 || random.chance(b.liveCount < o.live ? 0.6 : 0.4)) b.alloc(size());
      else b.free(randomLive(b, random));
    }
    b.phase('drain');
    b.freeAll((n) => random.int(n));
  },
});

/** Phase 'grow' to `live` blocks, 'mix' (random allocs and frees around it), 'drain'. Length: ops rounded down to even. */
export function randomSizes(options: Partial<OptionsOf<typeof randomSizesGenerator.options>> = {}): Trace {
  return randomSizesGenerator.run(options);
}
