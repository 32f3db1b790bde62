// runInWorker: jobs in a terminable worker thread. A job that spins forever is stopped at its time
// limit and the host carries on; failures come back as 'crashed'; a watched step that overstays its
// watch ends the job as 'stuck'; a sandbox target runs end to end.
import { describe, expect, it } from 'vitest';
import { runInWorker, stuckMessage, type WorkerJobResult } from '../../../electron/host/sandbox/runInWorker';
import type { SandboxJobInput, SandboxJobOutput } from './jobs/sandboxJob';
import type { WatchingInput, WatchingOutput } from './jobs/watching';
import { BUMP, allocator, compiled } from './helpers';

const job = (name: string): URL => new URL(`./jobs/${name}.ts`, import.meta.url);
const watching = (input: WatchingInput, onProgress?: (value: unknown) => void): Promise<WorkerJobResult<WatchingOutput>> =>
  runInWorker<WatchingInput, WatchingOutput>(job('watching'), input, { timeoutMs: 20_000, onProgress });

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
    // tsx's output of `() => 1`, as the worker holds it.
    expect(unclonable).toEqual({ ok: false, reason: 'crashed', message: 'DataCloneError: ()=>1 could not be cloned.' });
    const module = new URL('../../../electron/host/sandbox/messages.ts', import.meta.url);
    const missing = await runInWorker(module, {}, { timeoutMs: 10_000 });
    expect(missing).toEqual({ ok: false, reason: 'crashed', message: `Error: ${module.href} exports no run(input) function` });
  });

  it('reports a job that exhausts its resource limits as crashed', async () => {
    const result = await runInWorker(job('failing'), { how: 'bomb' }, { timeoutMs: 20_000, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });
    expect(result).toEqual({ ok: false, reason: 'crashed', message: 'Error: Worker terminated due to reaching memory limit: JS heap out of memory' });
  });

  it("passes the job's progress values to onProgress before the result", async () => {
    const seen: unknown[] = [];
    const result = await runInWorker(job('whoAmI'), { steps: 2 }, { timeoutMs: 20_000, onProgress: (v) => seen.push(v) });
    expect(result).toMatchObject({ ok: true, value: { jobs: 1 } });
    expect(seen).toEqual([{ step: 1 }, { step: 2 }]);
  });

  it('ends a job whose watched step blocks past its watch as stuck, naming the step', async () => {
    const seen: unknown[] = [];
    const what = { test: 'large sizes', step: 3 };
    const result = await watching({ how: 'block', ms: 300, what }, (v) => seen.push(v));
    expect(result).toEqual({ ok: false, reason: 'stuck', message: stuckMessage(300), watched: what });
    expect(stuckMessage(300)).toBe('a step of the job did not finish within its watch of 300 ms and was stopped');
    expect(seen).toEqual([{ watching: what }]);
  });

  it('keeps only the latest watch: a second one replaces the first, its limit and its step', async () => {
    expect(await watching({ how: 'block', ms: 60_000, what: 'first', then: { ms: 300, what: 'second' } }))
      .toEqual({ ok: false, reason: 'stuck', message: stuckMessage(300), watched: 'second' });
  });

  it('lets a job disarm its watch and finish after it would have fired', async () => {
    const result = await watching({ how: 'disarm', ms: 100, what: 'step', pauseMs: 400 });
    expect(result).toMatchObject({ ok: true, value: { jobs: 1 } });
    expect(result).not.toHaveProperty('watched');
    expect(await watching({ how: 'quick', ms: 100, what: 'step' })).toMatchObject({ ok: true, value: { jobs: 1 } });
  });

  it('names the watched step when a job crashes under a watch, and only then', async () => {
    expect(await watching({ how: 'throw', ms: 20_000, what: 'replay' }))
      .toEqual({ ok: false, reason: 'crashed', message: 'RangeError: gave up in "replay"', watched: 'replay' });
    expect(await watching({ how: 'exit', ms: 20_000, what: ['trace', 7] }))
      .toEqual({ ok: false, reason: 'crashed', message: 'the worker exited (code 3) without a result', watched: ['trace', 7] });
    expect(await runInWorker(job('failing'), { how: 'throw' }, { timeoutMs: 10_000 })).not.toHaveProperty('watched');
  });

  it('names the watched step when the whole job times out under a watch', async () => {
    // The limit leaves the worker time to start and arm its watch (the watch message must arrive first).
    expect(await runInWorker(job('watching'), { how: 'block', ms: 60_000, what: 'long' }, { timeoutMs: 5000 }))
      .toEqual({ ok: false, reason: 'timeout', message: 'the job did not finish within 5000 ms', watched: 'long' });
  });

  it('runs a sandbox target end to end inside the worker', async () => {
    const result = await runInWorker<SandboxJobInput, SandboxJobOutput>(job('sandboxJob'), { program: await compiled(BUMP), sizes: [8, 100, 4000] }, { timeoutMs: 20_000 });
    if (!result.ok) throw new Error(result.message);
    const base = 0x10000000;
    expect(result.value.addresses).toEqual([base + 16, base + 48, base + 176]);
    expect(result.value.headers).toEqual([8, 100, 4000]);
    expect(result.value.error).toBeNull();
    expect(result.value.logs).toEqual([]);
    expect(result.value.work).toBe(20); // the constructor's and the three mallocs' units, the same on every run
  });

  it('brings a sandbox timeout inside the worker back as data', async () => {
    const spin = allocator(`malloc(): number { for (;;) {} }`);
    const result = await runInWorker<SandboxJobInput, SandboxJobOutput>(job('sandboxJob'), { program: await compiled(spin), sizes: [1], callUnits: 50_000 }, { timeoutMs: 20_000 });
    if (!result.ok) throw new Error(result.message);
    expect(result.value.error).toEqual({ kind: 'timeout', message: 'malloc(1) did not finish within 50,000 units, the most one call may use (an endless loop?)' });
    expect(result.value.addresses).toEqual([]);
  });
});
