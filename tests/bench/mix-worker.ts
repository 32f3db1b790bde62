// Times one engine mix in its own process: `mix-worker.ts <BitAllocator|PoolAllocator|SplitAllocator> <debug|release> <ops> <runs>`; prints one JSON line.
import { mixes, type MixName } from './mixes';
import type { BuildMode } from '../../engine/index';

export interface MixTiming {
  mix: MixName;
  mode: BuildMode;
  ops: number;
  /** Milliseconds of each timed run, in order. */
  times: number[];
  checksum: number;
  failures: number;
}

const [name, mode, opsArg, runsArg] = process.argv.slice(2);
if (!name || !(name in mixes)) throw new Error(`mix-worker: unknown mix '${name}' (one of ${Object.keys(mixes).join(', ')})`);
if (mode !== 'debug' && mode !== 'release') throw new Error(`mix-worker: mode must be debug or release, got '${mode}'`);
const mix = mixes[name as MixName];
const ops = Number(opsArg ?? 1_000_000), runs = Number(runsArg ?? 5);

const warm = mix(ops, mode);
const times: number[] = [];
for (let run = 0; run < runs; run++) {
  const t0 = performance.now();
  const result = mix(ops, mode);
  times.push(performance.now() - t0);
  if (result.checksum !== warm.checksum || result.failures !== warm.failures) {
    throw new Error(`mix-worker: ${name} (${mode}) run ${run + 1} gave checksum ${result.checksum}, the warm-up ${warm.checksum}`);
  }
}
const timing: MixTiming = { mix: name as MixName, mode, ops, times, checksum: warm.checksum, failures: warm.failures };
console.log(JSON.stringify(timing));
