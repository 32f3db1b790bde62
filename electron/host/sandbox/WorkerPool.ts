// WorkerPool: up to `size` worker threads that stay alive between jobs, each running one job at a
// time from one job module (its exported run(input)). Reusing a worker saves its start-up, module
// loading and JIT warm-up for every job of a batch; a job that passes its time limit or crashes
// takes its worker down, and a fresh one replaces it for the next job. Results are the same
// WorkerJobResult as runInWorker's; run() never rejects for the job's sake.
import { Worker } from 'node:worker_threads';
import type { WorkerJobResult } from './runInWorker';

const BOOTSTRAP = new URL('./poolWorker.mjs', import.meta.url);

interface Pending<I, O> {
  input: I;
  timeoutMs: number;
  onProgress?: (value: unknown) => void;
  resolve: (result: WorkerJobResult<O>) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class WorkerPool<I, O> {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending<I, O>[] = [];
  private nextId = 0;
  private closed = false;

  /** Jobs run `run(input)` exported by `moduleUrl` (a .ts module is loaded through tsx). */
  constructor(private readonly moduleUrl: URL, readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a pool needs at least one worker, not ${size}`);
  }

  /** Queues one job; resolves with its value, or 'timeout' / 'crashed' and why. */
  run(input: I, options: { timeoutMs: number; onProgress?: (value: unknown) => void }): Promise<WorkerJobResult<O>> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'crashed', message: 'the worker pool is closed' });
    return new Promise((resolve) => {
      this.queue.push({ input, timeoutMs: options.timeoutMs, onProgress: options.onProgress, resolve });
      this.dispatch();
    });
  }

  /** Ends every worker; queued jobs resolve as 'crashed'. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, reason: 'crashed', message: 'the worker pool was closed' });
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const typescript = /\.[cm]?tsx?$/.test(this.moduleUrl.pathname);
    const slot: Slot = { worker: new Worker(BOOTSTRAP, { workerData: { moduleUrl: this.moduleUrl.href, typescript } }), busy: false };
    slot.worker.unref();
    this.slots.push(slot);
    return slot;
  }

  /** Runs one job on `slot`; a timeout, an error or an exit retires the worker. */
  private start(slot: Slot, job: Pending<I, O>): void {
    slot.busy = true;
    const id = this.nextId++;
    const { worker } = slot;
    let settled = false;
    const finish = (result: WorkerJobResult<O>, retire: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (retire) {
        const at = this.slots.indexOf(slot);
        if (at >= 0) this.slots.splice(at, 1);
        void worker.terminate();
      } else slot.busy = false;
      job.resolve(result);
      if (!this.closed) this.dispatch();
    };
    const onMessage = (message: { id: number; ok: boolean; value?: O; message?: string; progress?: unknown }) => {
      if (message.id !== id) return;
      if ('progress' in message) {
        job.onProgress?.(message.progress);
        return;
      }
      if (message.ok) finish({ ok: true, value: message.value as O }, false);
      else finish({ ok: false, reason: 'crashed', message: message.message ?? 'the job failed' }, false);
    };
    const onError = (error: Error) => finish({ ok: false, reason: 'crashed', message: `${error.name}: ${error.message}` }, true);
    const onExit = (code: number) => finish({ ok: false, reason: 'crashed', message: `the worker exited (code ${code}) without a result` }, true);
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', message: `the job did not finish within ${job.timeoutMs} ms` }, true), job.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id, input: job.input });
  }
}
