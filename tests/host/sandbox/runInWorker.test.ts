// runInWorker: jobs in a terminable worker thread. A job that spins forever is stopped at its time
// limit and the host carries on; failures come back as 'crashed'; a QuickJS target runs end to end.
import { describe, expect, it } from 'vitest';
import { runInWorker } from '../../../electron/host/sandbox/runInWorker';
import type { SandboxJobInput, SandboxJobOutput } from './jobs/sandboxJob';
import { BUMP, allocator } from './helpers';

const job = (name: string): URL => new URL(`./jobs/${name}.ts`, import.meta.url);

describe('runInWorker', () => {
  it('terminates a job that loops forever in plain JavaScript, and the host carries on', async () => {
    const result = await runInWorker<{ spin: boolean }, number>(job('loopForever'), { spin: true }, { timeoutMs: 800 });
    expect(result).toEqual({ ok: false, reason: 'timeout', message: 'the job did not finish within 800 ms' });
    const quick = await runInWorker<{ spin: boolean }, number>(job('loopForever'), { spin: false }, { timeoutMs: 10_000 });
    expect(quick).toEqual({ ok: true, value: 0 });
  });

  it('reports a job that throws or returns something unclonable as crashed', async () => {
    const thrown = await runInWorker(job('failing'), { how: 'throw' }, { timeoutMs: 10_000 });
    expect(thrown).toEqual({ ok: false, reason: 'crashed', message: 'RangeError: job gave up' });
    const unclonable = await runInWorker(job('failing'), { how: 'unclonable' }, { timeoutMs: 10_000 });
    expect(unclonable).toMatchObject({ ok: false, reason: 'crashed' });
    expect(unclonable.ok ? '' : unclonable.message).toMatch(/DataCloneError/);
    const missing = await runInWorker(new URL('../../../electron/host/sandbox/messages.ts', import.meta.url), {}, { timeoutMs: 10_000 });
    expect(missing.ok ? '' : missing.message).toMatch(/exports no run\(input\) function/);
  });

  it('reports a job that exhausts its resource limits as crashed', async () => {
    const result = await runInWorker(job('failing'), { how: 'bomb' }, { timeoutMs: 20_000, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });
    expect(result).toMatchObject({ ok: false, reason: 'crashed' });
    expect(result.ok ? '' : result.message).toMatch(/out of memory/i);
  });

  it("passes the job's progress values to onProgress before the result", async () => {
    const seen: unknown[] = [];
    const result = await runInWorker(job('whoAmI'), { steps: 2 }, { timeoutMs: 20_000, onProgress: (v) => seen.push(v) });
    expect(result.ok).toBe(true);
    expect(seen).toEqual([{ step: 1 }, { step: 2 }]);
  });

  it('runs a QuickJS sandbox target end to end inside the worker', async () => {
    const result = await runInWorker<SandboxJobInput, SandboxJobOutput>(job('sandboxJob'), { source: BUMP, sizes: [8, 100, 4000] }, { timeoutMs: 20_000 });
    if (!result.ok) throw new Error(result.message);
    const base = 0x10000000;
    expect(result.value.addresses).toEqual([base + 16, base + 48, base + 176]);
    expect(result.value.headers).toEqual([8, 100, 4000]);
    expect(result.value.error).toBeNull();
    expect(result.value.logs).toEqual([]);
  });

  it('brings a sandbox timeout inside the worker back as data', async () => {
    const spin = allocator(`malloc(): number { for (;;) {} }`);
    const result = await runInWorker<SandboxJobInput, SandboxJobOutput>(job('sandboxJob'), { source: spin, sizes: [1], callDeadlineMs: 200 }, { timeoutMs: 20_000 });
    if (!result.ok) throw new Error(result.message);
    expect(result.value.error).toEqual({ kind: 'timeout', message: 'malloc(1) did not return within 200 ms' });
  });
});
