// Smoke test of the bench pieces with small operation counts: checksums agree and repeat, the memory probe counts
// frames, the TLB probe hits and translates like the walk, the fork probe's copy-on-write takes few frames, the
// grader probes grade, replay on both engines and pool on a tiny scale.
import { describe, expect, it } from 'vitest';
import { generate } from '../../engine/workload/generators';
import { recordAnswers, runHarness, runOps as bareJsMix } from './barejs-mix';
import { forkOnce } from './fork-probe';
import { BATCH_EXERCISE, copies, probeBatch, probeEngines, probeSubmissions, runPool, timerBias } from './grader-probe';
import { pickFrames, probeMemory } from './memory-probe';
import { bitAllocatorMix, poolAllocatorMix, splitAllocatorMix } from './mixes';
import { formatTable, median, nsPerOp, percent } from './report';
import {
  LOCAL_PERCENT, WORKING_SET, localitySequence, loopAlone, onePageSequence, probeCost, probeMix, recordAnswers as recordTranslations,
  translateAll, translationSpace,
} from './tlb-probe';

const OPS = 20_000;

describe('bench mixes', () => {
  it('the engine BitAllocator and the bare-JS next-fit return the same addresses', () => {
    const engine = bitAllocatorMix(OPS);
    expect(engine.checksum).not.toBe(0);
    expect(engine.failures).toBe(0);
    expect(bareJsMix(OPS)).toBe(engine.checksum);
    expect(bitAllocatorMix(OPS, 'release').checksum).toBe(engine.checksum);
  });

  it('the loop alone, fed the recorded answers, reproduces the bare-JS checksum', () => {
    const answers = recordAnswers(OPS);
    expect(answers.length).toBeGreaterThan(OPS / 3);
    expect(runHarness(OPS, answers)).toBe(bareJsMix(OPS));
  });

  it('the bare-JS mix is deterministic and depends on the op count', () => {
    expect(bareJsMix(OPS)).toBe(bareJsMix(OPS));
    expect(bareJsMix(OPS + 1)).not.toBe(bareJsMix(OPS));
  });

  it('the PoolAllocator mix gives a stable checksum, in both modes, without failures', () => {
    const first = poolAllocatorMix(OPS);
    expect(first.checksum).not.toBe(0);
    expect(first.failures).toBe(0);
    expect(poolAllocatorMix(OPS)).toEqual(first);
    expect(poolAllocatorMix(OPS, 'release')).toEqual(first);
  });

  it('the SplitAllocator mix gives a stable checksum, in both modes', () => {
    const first = splitAllocatorMix(OPS);
    expect(first.checksum).not.toBe(0);
    expect(splitAllocatorMix(OPS)).toEqual(first);
    expect(splitAllocatorMix(OPS, 'release')).toEqual(first);
  });
});

describe('memory probe', () => {
  it('picks distinct frames inside the space', () => {
    const frames = pickFrames(2 ** 18, 4096, 7);
    expect(new Set(frames).size).toBe(4096);
    expect(Math.max(...frames)).toBeLessThan(2 ** 18);
  });

  it('touches 4096 frames for 16 MiB of a 1 GiB space, 256 for 1 MiB of 4 GiB', () => {
    expect(probeMemory(2 ** 30, 16 * 2 ** 20).touchedFrames).toBe(4096);
    expect(probeMemory(2 ** 32, 2 ** 20).touchedFrames).toBe(256);
  });
});

describe('TLB probe', () => {
  const COUNT = 20_000;

  it('a repeated page hits the TLB more than 99 % of the time; the checksum equals the no-TLB one', () => {
    const withTlb = translationSpace(64), without = translationSpace(0);
    const vas = onePageSequence(COUNT, withTlb.base, withTlb.pages);
    expect(new Set(Array.from(vas, (va) => va >>> 12)).size).toBe(1);
    const hit = translateAll(withTlb, vas), walk = translateAll(without, vas);
    expect(hit.faults).toBe(0);
    expect(hit.hits + hit.misses).toBe(COUNT);
    expect(hit.hits / COUNT).toBeGreaterThan(0.99);
    expect(walk.hits).toBe(0);
    expect(walk.checksum).toBe(hit.checksum);
    expect(loopAlone(recordTranslations(without, vas))).toBe(hit.checksum);
  });

  it('the locality mix stays in its working set 90 % of the time, translates the same with and without the TLB', () => {
    const withTlb = translationSpace(64), without = translationSpace(0);
    const vas = localitySequence(COUNT, withTlb.base, withTlb.pages);
    const pages = Array.from(vas, (va) => (va - withTlb.base) >>> 12);
    expect(Math.max(...pages)).toBeLessThan(withTlb.pages);
    const counts = new Map<number, number>();
    for (const p of pages) counts.set(p, (counts.get(p) ?? 0) + 1);
    const hot = [...counts.values()].sort((a, b) => b - a).slice(0, WORKING_SET).reduce((a, b) => a + b, 0);
    expect(hot / COUNT).toBeGreaterThan(LOCAL_PERCENT / 100 - 0.02);
    const a = translateAll(withTlb, vas), b = translateAll(without, vas);
    expect(a.faults + b.faults).toBe(0);
    expect(a.checksum).toBe(b.checksum);
    expect(a.hits / COUNT).toBeGreaterThan(0.8);
    expect(a.hits / COUNT).toBeLessThan(0.95);
    // Each run starts from an empty TLB: the same counts twice.
    expect(translateAll(withTlb, vas)).toEqual(a);
  });

  it('translations land in the mapped frames, and an unmapped page faults', () => {
    const space = translationSpace(64);
    const [first] = space.context.mappings({ virt: space.base, size: 4096 });
    expect(space.kernel.mmu.translate(space.base + 0x123, 'read', true)).toBe(first!.phys + 0x123);
    expect(translateAll(space, Uint32Array.of(space.base + space.pages * 4096)).faults).toBe(1);
  });

  it('the probes report consistent runs', () => {
    const mix = probeMix(64, COUNT, 2);
    expect(mix.times).toHaveLength(2);
    expect(mix.hits + mix.misses).toBe(COUNT);
    const cost = probeCost(COUNT, 2);
    expect(cost.hitChecksum).toBe(cost.walkChecksum);
    expect(cost.misses).toBe(1);
    expect(cost.walkTimes).toHaveLength(2);
  });
});

describe('fork probe', () => {
  it('copy-on-write takes far fewer frames than eager; neither leaves frames behind after run()', () => {
    const eager = forkOnce(false, 4, 32 * 2 ** 20), cow = forkOnce(true, 4, 32 * 2 ** 20);
    expect(eager.parentFrames).toBe(1024);
    expect(eager.frames).toBeGreaterThan(1024);
    expect(cow.frames).toBeLessThan(eager.frames / 20);
    expect(cow.shared).toBeGreaterThanOrEqual(1024);
    expect(eager.shared).toBe(0);
    for (const run of [eager, cow]) {
      expect(run.childPagesOk).toBe(run.sampled);
      expect(run.leftFrames).toBe(0);
      expect(run.exited).toEqual([0]);
    }
  });
});

describe('grader probe', () => {
  it('replays the same compiled allocator on QuickJS and V8: same addresses, times split into calls, accesses and the rest', async () => {
    const trace = { ...generate('randomSizes', { seed: 5, ops: 300, live: 20, maxSize: 512 }), name: 'tiny' };
    const p = await probeEngines(BATCH_EXERCISE, 'starter', 1, [trace]);
    expect(p.traces).toBe(1);
    expect(p.operations).toBe(trace.length);
    expect(p.biasMs).toBeGreaterThan(0);
    expect(p.biasMs).toBeLessThan(0.01);
    for (const side of [p.v8, p.quickjs]) {
      expect(side.failures).toEqual([]);
      expect(side.calls).toBe(trace.length);
      expect(side.accesses).toBeGreaterThan(0);
      expect(side.runs).toHaveLength(1);
      const run = side.runs[0]!;
      expect(run.replayMs).toBeGreaterThan(0);
      expect(run.callMs + run.accessMs).toBeLessThanOrEqual(run.replayMs);
    }
    expect(p.quickjs.hash).toBe(p.v8.hash);
    expect(p.quickjs.accesses).toBe(p.v8.accesses);
  });

  it('the timing wrapper costs well under a microsecond a call', () => {
    const bias = timerBias(10_000);
    expect(bias).toBeGreaterThan(0);
    expect(bias).toBeLessThan(0.001);
  });

  it('the pool keeps item order and never runs more than its size at once', async () => {
    let running = 0, most = 0;
    const task = async (n: number) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, (n * 7) % 5));
      running--;
      return n * n;
    };
    expect(await runPool([1, 2, 3, 4, 5, 6, 7], 2, task)).toEqual([1, 4, 9, 16, 25, 36, 49]);
    expect(most).toBe(2);
    expect(await runPool([3], 4, task)).toEqual([9]);
    expect(await runPool([], 2, task)).toEqual([]);
  });

  it('makes distinct copies of a submission', () => {
    const made = copies('export default class A {}', 'dir/starter.ts', 3);
    expect(made.map((c) => c.file)).toEqual(['starter-1.ts', 'starter-2.ts', 'starter-3.ts']);
    expect(new Set(made.map((c) => c.source)).size).toBe(3);
    expect(made.every((c) => c.source.startsWith('export default class A {}'))).toBe(true);
  });

  it('grades the starter with the reference measured first', async () => {
    const p = await probeSubmissions(BATCH_EXERCISE, ['starter']);
    expect(p.referenceTraces).toBe(2);
    expect(p.referenceMs).toBeGreaterThan(0);
    expect(p.runs).toHaveLength(1);
    const run = p.runs[0]!;
    expect(run).toMatchObject({ who: 'starter', tests: 3, passed: 3, failed: [] });
    expect(run.score).toBeGreaterThan(10);
    expect(run.traceMs).toBeGreaterThan(0);
    expect(run.traceMs).toBeLessThan(run.ms);
  }, 60_000);

  it.each([true, false])('grades a small batch on two workers, every copy alike (gradeBatch if there: %s)', async (useBatchModule) => {
    const p = await probeBatch(BATCH_EXERCISE, 2, [2], useBatchModule);
    expect(p.count).toBe(2);
    if (!useBatchModule) expect(p.via).toBe('pool');
    expect(p.runs).toHaveLength(1);
    const run = p.runs[0]!;
    expect(run.workers).toBe(2);
    expect(run.scores).toHaveLength(1);
    expect(run.allPassed).toBe(2);
    expect(run.submissionsMs).toBeGreaterThan(0);
    expect(run.submissionsMs).toBeLessThanOrEqual(run.ms);
    expect(run.cpuMs).toBeGreaterThan(0);
  }, 60_000);
});

describe('report helpers', () => {
  it('takes medians and aligns columns', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(formatTable(['a', 'bb'], [['xxx', 'y']]).split('\n')).toEqual(['a    bb', '---  --', 'xxx  y']);
    expect(nsPerOp(7, 1_000_000)).toBe('7.00 ns');
    expect(percent(0.876554)).toBe('87.7 %');
  });
});
