// WorkerPool: workers stay alive between jobs, run at most `size` jobs at once, and a job that
// spins past its limit, overstays a watch or crashes takes only its own worker down; the pool goes on.
import type { ResourceLimits } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { stuckMessage } from '../../../electron/host/sandbox/runInWorker';
import { WorkerPool } from '../../../electron/host/sandbox/WorkerPool';
import type { WatchingInput, WatchingOutput } from './jobs/watching';

type Input = { pauseMs?: number; how?: 'spin' | 'throw' | 'bomb'; steps?: number };
type Output = { threadId: number; jobs: number };
const JOB = new URL('./jobs/whoAmI.ts', import.meta.url);
const pools: WorkerPool<unknown, unknown>[] = [];
const pool = (size: number, limits?: ResourceLimits) => track(new WorkerPool<Input, Output>(JOB, size, limits));
function track<I, O>(p: WorkerPool<I, O>): WorkerPool<I, O> {
  pools.push(p as unknown as WorkerPool<unknown, unknown>);
  return p;
}
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});

const value = <O>(result: Awaited<ReturnType<WorkerPool<unknown, O>['run']>>): O => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe('WorkerPool', () => {
  it('reuses its workers: six jobs on two workers, each worker counting its own jobs', async () => {
    const p = pool(2);
    const results = (await Promise.all(Array.from({ length: 6 }, () => p.run({ pauseMs: 50 }, { timeoutMs: 20_000 })))).map(value);
    const threads = new Set(results.map((r) => r.threadId));
    expect(threads.size).toBe(2);
    for (const thread of threads) {
      const counts = results.filter((r) => r.threadId === thread).map((r) => r.jobs).sort();
      expect(counts).toEqual(counts.map((_, k) => k + 1));
    }
  });

  it('warms every worker not yet started: the next jobs find workers that have each run one job', async () => {
    const p = pool(3);
    const first = value(await p.run({}, { timeoutMs: 20_000 }));
    await p.warm({ pauseMs: 10 }, { timeoutMs: 20_000 });
    const results = (await Promise.all(Array.from({ length: 3 }, () => p.run({ pauseMs: 200 }, { timeoutMs: 20_000 })))).map(value);
    expect(new Set(results.map((r) => r.threadId)).size).toBe(3);
    // The worker that ran the first job was not warmed again: it counts 2 jobs, the two warmed ones 2 each as well.
    expect(results.map((r) => r.jobs)).toEqual([2, 2, 2]);
    expect(results.some((r) => r.threadId === first.threadId)).toBe(true);
    await p.warm({}, { timeoutMs: 20_000 });
    expect(value(await p.run({}, { timeoutMs: 20_000 })).jobs).toBe(3);
  });

  it('runs two jobs started together on two different workers', async () => {
    const p = pool(2);
    const [a, b] = (await Promise.all([p.run({ pauseMs: 200 }, { timeoutMs: 20_000 }), p.run({ pauseMs: 200 }, { timeoutMs: 20_000 })])).map(value);
    expect(a!.threadId).not.toBe(b!.threadId);
  });

  it('stops a job that spins past its limit and runs the next one on a fresh worker', async () => {
    const p = pool(1);
    const first = value(await p.run({}, { timeoutMs: 20_000 }));
    const spun = await p.run({ how: 'spin' }, { timeoutMs: 1500 });
    expect(spun).toEqual({ ok: false, reason: 'timeout', message: 'the job did not finish within 1500 ms' });
    const after = value(await p.run({}, { timeoutMs: 20_000 }));
    expect(after.threadId).not.toBe(first.threadId);
    expect(after.jobs).toBe(1);
  });

  it('reports a job that throws as crashed and keeps the worker', async () => {
    const p = pool(1);
    const first = value(await p.run({}, { timeoutMs: 20_000 }));
    expect(await p.run({ how: 'throw' }, { timeoutMs: 20_000 })).toEqual({ ok: false, reason: 'crashed', message: 'TypeError: job refused' });
    const after = value(await p.run({}, { timeoutMs: 20_000 }));
    expect([after.threadId, after.jobs]).toEqual([first.threadId, 3]);
  });

  it("passes each job's progress values to that job's callback, in order", async () => {
    const p = pool(2);
    const seen: [unknown[], unknown[]] = [[], []];
    await Promise.all([
      p.run({ steps: 3 }, { timeoutMs: 20_000, onProgress: (v) => seen[0].push(v) }),
      p.run({ steps: 2 }, { timeoutMs: 20_000, onProgress: (v) => seen[1].push(v) }),
    ]);
    expect(seen).toEqual([[{ step: 1 }, { step: 2 }, { step: 3 }], [{ step: 1 }, { step: 2 }]]);
  });

  it('after close, queued and new jobs come back as crashed', async () => {
    const p = pool(1);
    const running = p.run({ pauseMs: 300 }, { timeoutMs: 20_000 });
    const queued = p.run({}, { timeoutMs: 20_000 });
    await p.close();
    expect(await queued).toEqual({ ok: false, reason: 'crashed', message: 'the worker pool was closed' });
    // The running job meets its worker's end (terminate() exits it with code 0).
    expect(await running).toEqual({ ok: false, reason: 'crashed', message: 'the worker exited (code 0) without a result' });
    expect(await p.run({}, { timeoutMs: 1000 })).toEqual({ ok: false, reason: 'crashed', message: 'the worker pool is closed' });
    expect(() => new WorkerPool(JOB, 0)).toThrow('a pool needs at least one worker, not 0');
  });

  it('ends a job stuck past its watch, names the step, and runs the next job on a fresh worker', async () => {
    const p = track(new WorkerPool<WatchingInput, WatchingOutput>(new URL('./jobs/watching.ts', import.meta.url), 1));
    const first = value(await p.run({ how: 'quick', ms: 1000, what: 'warm-up' }, { timeoutMs: 20_000 }));
    expect(first.jobs).toBe(1);
    const seen: unknown[] = [];
    const stuck = await p.run({ how: 'block', ms: 300, what: { test: 'coalesce' } }, { timeoutMs: 20_000, onProgress: (v) => seen.push(v) });
    expect(stuck).toEqual({ ok: false, reason: 'stuck', message: stuckMessage(300), watched: { test: 'coalesce' } });
    expect(seen).toEqual([{ watching: { test: 'coalesce' } }]);
    const after = value(await p.run({ how: 'disarm', ms: 100, what: 'step', pauseMs: 300 }, { timeoutMs: 20_000 }));
    expect(after.threadId).not.toBe(first.threadId);
    expect(after.jobs).toBe(1);
  });

  it("carries a crash's watched step, keeps the worker after a throw and replaces it after an exit", async () => {
    const p = track(new WorkerPool<WatchingInput, WatchingOutput>(new URL('./jobs/watching.ts', import.meta.url), 1));
    const first = value(await p.run({ how: 'quick', ms: 1000, what: 'warm-up' }, { timeoutMs: 20_000 }));
    expect(await p.run({ how: 'throw', ms: 20_000, what: 'replay' }, { timeoutMs: 20_000 }))
      .toEqual({ ok: false, reason: 'crashed', message: 'RangeError: gave up in "replay"', watched: 'replay' });
    const kept = value(await p.run({ how: 'quick', ms: 1000, what: 'again' }, { timeoutMs: 20_000 }));
    expect([kept.threadId, kept.jobs]).toEqual([first.threadId, 3]);
    expect(await p.run({ how: 'exit', ms: 20_000, what: 7 }, { timeoutMs: 20_000 }))
      .toEqual({ ok: false, reason: 'crashed', message: 'the worker exited (code 3) without a result', watched: 7 });
    const fresh = value(await p.run({ how: 'quick', ms: 1000, what: 'last' }, { timeoutMs: 20_000 }));
    expect(fresh.threadId).not.toBe(first.threadId);
    expect(fresh.jobs).toBe(1);
  });

  it('bounds each worker by the resource limits given, and replaces one that passed them', async () => {
    const p = pool(1, { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 });
    const first = value(await p.run({}, { timeoutMs: 20_000 }));
    expect(await p.run({ how: 'bomb' }, { timeoutMs: 20_000 }))
      .toEqual({ ok: false, reason: 'crashed', message: 'Error: Worker terminated due to reaching memory limit: JS heap out of memory' });
    const after = value(await p.run({}, { timeoutMs: 20_000 }));
    expect(after.threadId).not.toBe(first.threadId);
    expect(after.jobs).toBe(1);
  });

  it('names the watched step when a job passes its whole limit under a longer watch', async () => {
    const p = track(new WorkerPool<WatchingInput, WatchingOutput>(new URL('./jobs/watching.ts', import.meta.url), 1));
    // Warm first, so the watch message arrives well before the job's limit.
    value(await p.run({ how: 'quick', ms: 1000, what: 'warm-up' }, { timeoutMs: 20_000 }));
    expect(await p.run({ how: 'block', ms: 60_000, what: 'long' }, { timeoutMs: 1500 }))
      .toEqual({ ok: false, reason: 'timeout', message: 'the job did not finish within 1500 ms', watched: 'long' });
  });
});
