// WorkerPool: workers stay alive between jobs, run at most `size` jobs at once, and a job that
// spins past its limit or crashes takes only its own worker down; the pool goes on.
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../electron/host/sandbox/WorkerPool';

type Input = { pauseMs?: number; how?: 'spin' | 'throw'; steps?: number };
type Output = { threadId: number; jobs: number };
const JOB = new URL('./jobs/whoAmI.ts', import.meta.url);
const pools: WorkerPool<Input, Output>[] = [];
const pool = (size: number) => {
  const p = new WorkerPool<Input, Output>(JOB, size);
  pools.push(p);
  return p;
};
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});

const value = (result: Awaited<ReturnType<WorkerPool<Input, Output>['run']>>): Output => {
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
    expect((await running).ok).toBe(false);
    expect(await p.run({}, { timeoutMs: 1000 })).toEqual({ ok: false, reason: 'crashed', message: 'the worker pool is closed' });
    expect(() => new WorkerPool(JOB, 0)).toThrow('a pool needs at least one worker, not 0');
  });
});
