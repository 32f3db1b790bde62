// timeline-probe.ts [ops] [every]: a one-million-operation randomSizes trace (seed 1) replayed in-process on the 07-malloc
// reference with and without `addresses: true, series: true` (medians of 3, interleaved), a Timeline built from it, 200 jumps to seeded random
// operations timed (median, 95th percentile) and every series decimated to 1000 points. Prints one JSON line.
import { localTarget } from '../../engine/grader/LocalTarget';
import { replay } from '../../engine/grader/Replay';
import { Timeline } from '../../engine/grader/Timeline';
import { randomSizes } from '../../engine/workload/generators';
import Reference from '../../exercises/07-malloc/reference';

export interface TimelineProbe {
  operations: number;
  live: number;
  every: number;
  replayMs: number;
  replayWithMs: number;
  buildMs: number;
  checkpoints: number;
  bytes: number;
  jumps: number;
  jumpMedianMs: number;
  jumpP95Ms: number;
  jumpMaxMs: number;
  decimateMs: number;
  points: number;
  /** Sum of the blocks seen by the jumps: the same for the same trace and allocator. */
  checksum: number;
}

const OPS = Number(process.argv[2] ?? 1_000_000);
const EVERY = Number(process.argv[3] ?? 4096);
const LIVE = 5000, JUMPS = 200, BUCKETS = 1000, ROUNDS = 3;
const options = { heapLimit: 256 * 2 ** 20 };
const target = () => localTarget(Reference, { limit: 256 * 2 ** 20 });

const trace = randomSizes({ seed: 1, ops: OPS, live: LIVE });
const timed = <T>(fn: () => T): [T, number] => {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
};
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
replay(trace, target(), options); // warm-up
const off: number[] = [], on: number[] = [];
let result = replay(trace, target(), { ...options, addresses: true, series: true });
for (let round = 0; round < ROUNDS; round++) {
  off.push(timed(() => replay(trace, target(), options))[1]);
  const [r, took] = timed(() => replay(trace, target(), { ...options, addresses: true, series: true }));
  result = r;
  on.push(took);
}
const replayMs = median(off), replayWithMs = median(on);
if (!result.ok) throw new Error(`replay failed: ${result.failure?.reason}`);
const [timeline, buildMs] = timed(() => new Timeline(trace, result, { every: EVERY }));

let seed = 12345;
const next = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed;
};
for (let i = 0; i < 20; i++) timeline.at(next() % result.metrics.operations); // warm-up
const jumps: number[] = [];
let checksum = 0;
for (let i = 0; i < JUMPS; i++) {
  const k = next() % result.metrics.operations;
  const [state, took] = timed(() => timeline.at(k));
  jumps.push(took);
  checksum += state.blocks.length;
}
jumps.sort((a, b) => a - b);
timeline.charts(0, result.metrics.operations, BUCKETS); // warm-up
const [charts, decimateMs] = timed(() => timeline.charts(0, result.metrics.operations, BUCKETS)!);

const probe: TimelineProbe = {
  operations: result.metrics.operations, live: LIVE, every: EVERY, replayMs, replayWithMs, buildMs,
  checkpoints: timeline.checkpointCount, bytes: timeline.bytes(), jumps: JUMPS,
  jumpMedianMs: quantile(jumps, 0.5), jumpP95Ms: quantile(jumps, 0.95), jumpMaxMs: jumps.at(-1)!,
  decimateMs, points: Object.values(charts).reduce((n, d) => n + d.x.length, 0), checksum,
};
console.log(JSON.stringify(probe));
