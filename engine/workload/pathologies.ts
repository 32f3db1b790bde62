// Pathology generators: traces built to hurt a particular allocator design. binaryPathology and
// coalescing follow the patterns of the classic malloc-lab traces (written from the idea, not
// copied); reallocHeavy grows blocks by realloc behind small blockers; the two adversarial traces
// target first fit and next fit. Each ends with every block freed and has at most `ops` operations.

import {
  MaxOps, MaxSize, atLeastOps, choice, defineGenerator, int, notAbove, type OptionsOf,
} from './generatorKit';
import type { Trace } from './Trace';

export const binaryPathologyGenerator = defineGenerator({
  name: 'binaryPathology',
  describe: 'alternate small and large blocks, free one kind, then ask for a size that fits no hole',
  options: {
    ops: int(6000, 6, MaxOps, 'operations: ops/6 small-large pairs, as many frees and misfits, then the drain'),
    small: int(64, 1, MaxSize, 'size of the small blocks'),
    large: int(448, 1, MaxSize, 'size of the large blocks'),
    free: choice(['small', 'large'], 'small', 'which kind of block to free, leaving holes of that size'),
    misfit: int(0, 0, MaxSize, 'size asked for after the frees; 0: (small+large)/2 when freeing small, small+large when freeing large'),
  },
  check(o) {
    if (o.small >= o.large) return `option 'small' must be less than option 'large' (${o.large}), got ${o.small}`;
    const hole = o.free === 'small' ? o.small : o.large;
    if (o.misfit !== 0 && o.misfit <= hole) return `option 'misfit' must be 0 or larger than the freed blocks (${hole}), got ${o.misfit}`;
    return null;
  },
  build(o, b, random) {
    const pairs = Math.floor(o.ops / 6);
    const hole = o.free === 'small' ? o.small : o.large;
    const misfit = o.misfit !== 0 ? o.misfit : o.free === 'small' ? Math.floor((o.small + o.large) / 2) : o.small + o.large;
    const freed = new Int32Array(pairs);
    b.phase('pairs');
    for (let i = 0; i < pairs; i++) {
      const small = b.alloc(o.small);
      const large = b.alloc(o.large);
      freed[i] = o.free === 'small' ? small : large;
    }
    // Holes of one size, each between two live blocks: none can coalesce, and none fits `misfit`.
    b.phase('holes');
    for (const id of random.shuffle(freed)) b.free(id);
    b.phase('misfits');
    for (let i = 0; i < pairs; i++) b.alloc(misfit > hole ? misfit : hole + 1);
    b.phase('drain');
    b.freeAll((n) => random.int(n));
  },
});

/** Phases 'pairs' (small, large, small, ...), 'holes' (one kind freed), 'misfits' (blocks larger than a hole), 'drain'. 6 × ⌊ops/6⌋ ops. */
export function binaryPathology(options: Partial<OptionsOf<typeof binaryPathologyGenerator.options>> = {}): Trace {
  return binaryPathologyGenerator.run(options);
}

export const reallocHeavyGenerator = defineGenerator({
  name: 'reallocHeavy',
  describe: 'blocks grown by repeated realloc, each growth followed by a small blocker allocation',
  options: {
    ops: int(8000, 2, MaxOps, 'operations (at most; up to 3 fewer)'),
    vectors: int(4, 1, 10000, 'number of growing blocks'),
    growth: choice(['add', 'double'], 'add', 'each realloc adds step bytes, or doubles the size'),
    step: int(128, 1, MaxSize, 'bytes added per realloc (growth add)'),
    startSize: int(512, 1, MaxSize, 'size a growing block starts at'),
    maxSize: int(16384, 1, MaxSize, 'a block that would grow past this is freed and started again'),
    blocker: int(128, 1, MaxSize, 'size of the small block allocated after each realloc'),
  },
  check: (o) => notAbove(o, 'startSize', 'maxSize') ?? atLeastOps(o.ops, 2 * o.vectors, 'an allocation and a free per vector'),
  build(o, b, random) {
    b.phase('grow');
    const vectors = new Int32Array(o.vectors);
    for (let v = 0; v < o.vectors; v++) vectors[v] = b.alloc(o.startSize);
    // The blocker just after a grown block stops it growing in place next time; the oldest blocker
    // is freed once more than `vectors` are live, leaving a hole a little too small to grow into.
    const blockers: number[] = [];
    let oldest = 0;
    // A round adds at most 4 to length + live blocks (each allocation 2, as its free comes later).
    while (b.length + b.liveCount + 4 <= o.ops) {
      const v = random.int(o.vectors);
      const size = b.sizeOf(vectors[v]!);
      const grown = o.growth === 'add' ? size + o.step : 2 * size;
      if (grown > o.maxSize) {
        b.free(vectors[v]!);
        vectors[v] = b.alloc(o.startSize);
      } else {
        b.realloc(vectors[v]!, grown);
      }
      blockers.push(b.alloc(o.blocker));
      if (blockers.length - oldest > o.vectors) b.free(blockers[oldest++]!);
    }
    b.phase('drain');
    b.freeAll((n) => random.int(n));
  },
});

/** Phase 'grow' (a random block grows by realloc, then a blocker is allocated), 'drain'. Between ops − 3 and ops operations. */
export function reallocHeavy(options: Partial<OptionsOf<typeof reallocHeavyGenerator.options>> = {}): Trace {
  return reallocHeavyGenerator.run(options);
}

export const coalescingGenerator = defineGenerator({
  name: 'coalescing',
  describe: 'a run of equal blocks freed every other one, then the rest (each joins two free neighbours), then one block as big as the run',
  options: {
    ops: int(4000, 4, MaxOps, 'operations: ⌊ops/(2·run+2)⌋ rounds'),
    run: int(100, 1, 100000, 'blocks per run'),
    minSize: int(16, 1, MaxSize, 'smallest block size (each round draws one size)'),
    maxSize: int(512, 1, MaxSize, 'largest block size'),
  },
  check: (o) => notAbove(o, 'minSize', 'maxSize') ?? atLeastOps(o.ops, 2 * o.run + 2, 'one round')
    ?? (o.run * o.maxSize > MaxSize ? `option 'run' times option 'maxSize' must be at most ${MaxSize}, got ${o.run * o.maxSize}` : null),
  build(o, b, random) {
    const rounds = Math.floor(o.ops / (2 * o.run + 2));
    const run = new Int32Array(o.run);
    const evens = new Int32Array(Math.ceil(o.run / 2));
    const odds = new Int32Array(Math.floor(o.run / 2));
    for (let round = 1; round <= rounds; round++) {
      const size = random.range(o.minSize, o.maxSize);
      b.phase(`run-${round}`);
      for (let i = 0; i < o.run; i++) run[i] = b.alloc(size);
      for (let i = 0; i < o.run; i++) (i % 2 === 0 ? evens : odds)[i >> 1] = run[i]!;
      b.phase(`every-other-${round}`); // blocks 0, 2, 4, ...: no two neighbours
      for (const id of random.shuffle(evens)) b.free(id);
      b.phase(`the-rest-${round}`); // blocks 1, 3, 5, ...: both neighbours already free
      for (const id of random.shuffle(odds)) b.free(id);
      b.phase(`merged-${round}`); // fits only if the run coalesced into one free block
      b.free(b.alloc(size * o.run));
    }
  },
});

/** Rounds of phases 'run-k', 'every-other-k', 'the-rest-k', 'merged-k' (alloc and free of one run-sized block). */
export function coalescing(options: Partial<OptionsOf<typeof coalescingGenerator.options>> = {}): Trace {
  return coalescingGenerator.run(options);
}

export const adversarialFirstFitGenerator = defineGenerator({
  name: 'adversarialFirstFit',
  describe: 'many small pinned holes at the low end that every first-fit search walks and splits into slivers',
  options: {
    ops: int(8000, 2, MaxOps, 'operations (rounded down to even)'),
    holes: int(500, 1, MaxOps, 'number of small holes left at the start of the heap'),
    holeSize: int(64, 2, MaxSize / 8, 'size of each hole'),
    pinSize: int(16, 1, MaxSize, 'size of the live block after each hole'),
    live: int(64, 1, MaxOps, 'number of stream blocks live at a time, about'),
  },
  check: (o) => atLeastOps(o.ops, 4 * o.holes + 2, '4 × holes + 2'),
  build(o, b, random) {
    // First fit scans from the low end of the heap. Holes there that no request fits are walked by
    // every search; requests that do fit split a hole and leave a sliver that is walked from then on.
    b.phase('pins');
    const holes = new Int32Array(o.holes);
    for (let i = 0; i < o.holes; i++) {
      holes[i] = b.alloc(o.holeSize);
      b.alloc(o.pinSize); // keeps hole i from coalescing with hole i + 1
    }
    b.phase('holes');
    for (const id of random.shuffle(holes)) b.free(id);
    // Three quarters of the requests are larger than any hole; a quarter are small enough to split one.
    b.phase('stream');
    const stream: number[] = [];
    while (b.length + b.liveCount + 2 <= o.ops) {
      if (stream.length === 0 || random.chance(stream.length < o.live ? 0.75 : 0.25)) {
        stream.push(b.alloc(random.chance(0.75) ? random.range(o.holeSize + 1, 8 * o.holeSize) : random.range(1, o.holeSize >> 1)));
      } else {
        const k = random.int(stream.length);
        b.free(stream[k]!);
        stream[k] = stream[stream.length - 1]!;
        stream.pop();
      }
    }
    b.phase('drain');
    b.freeAll((n) => random.int(n));
  },
});

/** Phases 'pins' (hole, pin, hole, pin, ...), 'holes' (the holes freed), 'stream' (mostly requests too big for a hole), 'drain'. */
export function adversarialFirstFit(options: Partial<OptionsOf<typeof adversarialFirstFitGenerator.options>> = {}): Trace {
  return adversarialFirstFitGenerator.run(options);
}

export const adversarialNextFitGenerator = defineGenerator({
  name: 'adversarialNextFit',
  describe: 'batches of short-lived blocks with a few long-lived ones, which next fit scatters over the whole heap',
  options: {
    ops: int(8000, 2, MaxOps, 'operations (at most; rounded down to whole batches)'),
    batch: int(32, 1, 100000, 'blocks allocated per batch'),
    keepPercent: int(12, 0, 100, 'percent of each batch that is long-lived'),
    longLived: int(128, 0, MaxOps, 'most long-lived blocks live at once (the oldest is freed first)'),
    minSize: int(16, 1, MaxSize / 2, 'smallest block size'),
    maxSize: int(256, 1, MaxSize / 2, 'largest block size'),
  },
  check: (o) => notAbove(o, 'minSize', 'maxSize') ?? atLeastOps(o.ops, 2 * o.batch + 2, 'one batch'),
  build(o, b, random) {
    // Next fit starts each search where the last one ended, so each batch lands further along the
    // heap than the last and the long-lived blocks end up sprinkled over all of it, where first fit
    // would pack them at the low end. The large request after each batch then finds no free run
    // long enough and the heap grows.
    b.phase('scatter');
    const kept: number[] = [];
    let oldest = 0;
    let big = -1;
    while (b.length + b.liveCount + 2 * (o.batch + 1) <= o.ops) {
      if (big >= 0) b.free(big);
      const shortLived: number[] = [];
      let shortBytes = 0;
      for (let i = 0; i < o.batch; i++) {
        const size = random.range(o.minSize, o.maxSize);
        const id = b.alloc(size);
        if (random.int(100) < o.keepPercent) {
          kept.push(id);
        } else {
          shortLived.push(id);
          shortBytes += size;
        }
      }
      while (kept.length - oldest > o.longLived) b.free(kept[oldest++]!);
      for (const id of random.shuffle(shortLived)) b.free(id);
      big = b.alloc(Math.max(2 * o.maxSize, Math.floor(shortBytes / 2)));
    }
    b.phase('drain');
    b.freeAll((n) => random.int(n));
  },
});

/** Phase 'scatter' (batches: allocate, free the short-lived ones, ask for one block ≥ 2 × maxSize), 'drain'. */
export function adversarialNextFit(options: Partial<OptionsOf<typeof adversarialNextFitGenerator.options>> = {}): Trace {
  return adversarialNextFitGenerator.run(options);
}
