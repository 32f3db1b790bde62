// Smoke test of the bench pieces with small operation counts: checksums agree and repeat, the memory probe counts
// frames, the TLB probe hits and translates like the walk, the fork probe's copy-on-write takes few frames; the
// grader probes on a tiny scale: the malloc-lab-size set, the first-fit's addresses equal in the sandbox and on V8,
// work units equal across runs, fresh workers, memory bombs' verdicts, long traces, a batch. No timing is asserted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../engine/grader/LocalTarget';
import { replay } from '../../engine/grader/Replay';
import { OpKind } from '../../engine/workload/Trace';
import { recordAnswers, runHarness, runOps as bareJsMix } from './barejs-mix';
import { forkOnce } from './fork-probe';
import {
  BATCH_EXERCISE, BOMBS, NAMED_BOMBS, compilePlain, copies, evaluatePlain, probeBatch, probeBombs, probeEngines, probeScale, probeStart, probeSubmissions,
} from './grader-probe';
import { FIRST_FIT, MALLOCLAB_HEAP, MALLOCLAB_OPERATIONS, mallocLabTraces, writeMallocLabExercise } from './malloclab';
import { FNV_START } from './sandbox-protocol';
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
  // The malloc-lab-size set at 2 % of its size, written once for the file.
  const lab = writeMallocLabExercise(mkdtempSync(path.join(tmpdir(), 'freenos-bench-test-')), 0.02);
  afterAll(() => rmSync(lab.dir, { recursive: true, force: true }));

  it('the malloc-lab-size set: eleven traces of about 89,572 operations, every block freed', () => {
    const full = mallocLabTraces();
    expect(full.map((t) => t.name)).toEqual(['amptjp', 'cccp', 'cp-decl', 'expr', 'coalescing', 'random', 'random2', 'binary', 'binary2', 'realloc', 'realloc2']);
    const total = full.reduce((n, t) => n + t.trace.length, 0);
    expect(Math.abs(total - MALLOCLAB_OPERATIONS)).toBeLessThan(MALLOCLAB_OPERATIONS * 0.01);
    for (const { trace } of full) {
      let allocs = 0, frees = 0;
      for (let k = 0; k < trace.length; k++) {
        if (trace.kind[k] === OpKind.Alloc) allocs++;
        if (trace.kind[k] === OpKind.Free) frees++;
      }
      expect(frees).toBe(allocs);
    }
    expect(full.filter((t) => t.trace.kind.includes(OpKind.Realloc)).map((t) => t.name)).toEqual(['amptjp', 'cccp', 'realloc', 'realloc2']);
    // The same set every time.
    expect(Array.from(mallocLabTraces()[1]!.trace.size.slice(0, 50))).toEqual(Array.from(full[1]!.trace.size.slice(0, 50)));
    expect(lab.traces).toHaveLength(11);
    expect(lab.operations).toBeLessThan(3000);
  });

  it('the textbook first-fit passes the checker on every trace on plain V8 and grows the sbrk heap by exactly what it asks', async () => {
    const Allocator = evaluatePlain(await compilePlain(readFileSync(FIRST_FIT, 'utf8'), 'first-fit.ts'));
    for (const { name, trace } of mallocLabTraces(0.05)) {
      const target = localTarget(Allocator, { limit: MALLOCLAB_HEAP, parent: 'sbrk' });
      const result = replay(trace, target, { heapLimit: MALLOCLAB_HEAP });
      expect(result.failure, name).toBeNull();
      expect(result.metrics.utilization, name).toBeGreaterThan(0.2);
      expect(target.heapEnd() % 8).toBe(0);
    }
  });

  it('replays the first-fit in the sandbox and on plain V8: same addresses, the same work units every pass and as graded', async () => {
    const p = await probeEngines(lab.dir, 'starter', 2);
    expect(p.traces).toHaveLength(11);
    expect(p.operations).toBe(lab.operations);
    for (const side of [p.v8, p.v8meter, p.sandbox]) {
      expect(side.failures).toEqual([]);
      expect(side.runs).toHaveLength(2);
      for (const run of side.runs) {
        expect(run.traceMs).toHaveLength(11);
        expect(run.replayMs).toBeGreaterThan(0);
      }
    }
    expect(p.sandbox.hash).not.toBe(FNV_START);
    expect(p.v8meter.hash).toBe(p.v8.hash);
    expect(p.sandbox.hash).toBe(p.v8.hash);
    expect(p.sandbox.work).toHaveLength(2);
    expect(p.sandbox.work[1]).toBe(p.sandbox.work[0]);
    // The sandbox counts the allocator's own steps on top of its heap calls (all that LocalTarget counts).
    expect(p.sandbox.work[0]).toBeGreaterThan(p.v8.work[0]!);
    expect(p.v8meter.work).toEqual(p.v8.work);

    const graded = await probeSubmissions(lab.dir, ['starter'], 2);
    expect(graded.referenceTraces).toBe(11);
    expect(graded.operations).toBe(lab.operations);
    for (const run of graded.runs) expect(run).toMatchObject({ who: 'starter', tests: 12, passed: 12, failed: [] });
    const [one, two] = graded.runs;
    expect(Object.keys(one!.work)).toHaveLength(11);
    expect(two!.work).toEqual(one!.work);
    expect(Object.values(one!.work).reduce((a, b) => a! + b!, 0)).toBe(p.sandbox.work[0]);
  }, 120_000);

  it('grades 07-malloc\'s slice with the reference measured first', async () => {
    const p = await probeSubmissions(BATCH_EXERCISE, ['starter']);
    expect(p.referenceTraces).toBe(2);
    expect(p.referenceMs).toBeGreaterThan(0);
    const run = p.runs[0]!;
    expect(run).toMatchObject({ who: 'starter', round: 1, tests: 3, passed: 3, failed: [] });
    expect(run.score).toBeGreaterThan(10);
    expect(run.traceMs).toBeGreaterThan(0);
    expect(run.traceMs).toBeLessThan(run.ms);
    expect(Object.keys(run.work).sort()).toEqual(['coalescing', 'random']);
  }, 60_000);

  it('starts fresh sandbox workers, bundled and through tsx, to their first malloc', async () => {
    const p = await probeStart(1);
    expect(p.runs.map((r) => r.kind)).toEqual(['bundle', 'tsx']);
    for (const r of p.runs) {
      expect(r.address).toBe(0x10000000);
      expect(r.lockdownMs).toBeGreaterThan(0);
      expect(r.totalMs).toBeGreaterThan(r.readyMs + r.lockdownMs);
      expect(r.threadMs).toBeGreaterThan(0);
      expect(r.sesMs).toBeGreaterThan(0);
      expect(r.nextTargetMs).toBeGreaterThan(0);
    }
  }, 60_000);

  it('the named memory bombs end as memory verdicts, the host well under 1 GiB', async () => {
    const p = await probeBombs(BATCH_EXERCISE);
    expect(p.runs.map((r) => r.bomb)).toEqual(Object.keys(BOMBS));
    for (const r of p.runs.filter((r) => NAMED_BOMBS.includes(r.bomb))) expect(r, r.failure).toMatchObject({ memory: true, kind: 'target' });
    // The others end one way or the other, but end (the flat string hoard may meet its units first: see run.ts).
    for (const r of p.runs) expect(['target', 'timeout']).toContain(r.kind);
    expect(p.maxRssMb).toBeGreaterThanOrEqual(p.startRssMb);
    expect(p.maxRssMb).toBeLessThan(1024);
  }, 120_000);

  it('replays 07\'s reference and the first-fit on a long trace in the sandbox', async () => {
    const runs = await probeScale([3000]);
    expect(runs.map((r) => r.allocator)).toEqual(['07-malloc reference.ts', 'first-fit.ts']);
    for (const r of runs) {
      expect(r).toMatchObject({ operations: 3000, ok: true, failure: null });
      expect(r.utilization).toBeGreaterThan(0.3);
      expect(r.utilization).toBeLessThanOrEqual(1);
      expect(r.work).toBeGreaterThan(3000);
    }
    expect(runs[1]!.work).toBeGreaterThan(runs[0]!.work);
  }, 60_000);

  it('makes distinct copies of a submission', () => {
    const made = copies('export default class A {}', 'dir/starter.ts', 3);
    expect(made.map((c) => c.file)).toEqual(['starter-1.ts', 'starter-2.ts', 'starter-3.ts']);
    expect(new Set(made.map((c) => c.source)).size).toBe(3);
    expect(made.every((c) => c.source.startsWith('export default class A {}'))).toBe(true);
  });

  it('grades a small batch through gradeBatch on two workers, every copy alike', async () => {
    const p = await probeBatch(BATCH_EXERCISE, 2, ['2']);
    expect(p.count).toBe(2);
    const run = p.runs[0]!;
    expect(run.workers).toBe(2);
    expect(run.scores).toHaveLength(1);
    expect(run.allPassed).toBe(2);
    expect(run.submissionsMs).toBeGreaterThan(0);
    expect(run.submissionsMs).toBeLessThanOrEqual(run.ms);
  }, 120_000);
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
