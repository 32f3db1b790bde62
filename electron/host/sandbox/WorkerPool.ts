// WorkerPool: up to `size` worker threads that stay alive between jobs, each running one job at a
// time from one job module (its exported run(input)). Reusing a worker saves its start-up, module
// loading and JIT warm-up for every job of a batch; a job that passes its time limit, overstays a
// watch (see runInWorker) or crashes takes its worker down, and a fresh one replaces it for the next
// job. Results are the same WorkerJobResult as runInWorker's; run() never rejects for the job's sake.
// ProcessPool (the same queue, child processes instead of threads) overrides spawnRunner().
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { Watchdog, stuckMessage, type JobMessage, type WorkerJobResult } from './runInWorker';
import { keepSesCache, sesWorkerData } from './sesCache';

const BOOTSTRAP = new URL('./poolWorker.mjs', import.meta.url);

interface Pending<I, O> {
  input: I;
  timeoutMs: number;
  onProgress?: (value: unknown) => void;
  resolve: (result: WorkerJobResult<O>) => void;
}

/** What runs jobs for the pool: a worker thread, or a child process (ProcessPool). */
export interface Runner {
  post(message: unknown): void;
  on(event: 'message' | 'error' | 'exit', listener: (...args: never[]) => void): unknown;
  off(event: 'message' | 'error' | 'exit', listener: (...args: never[]) => void): unknown;
  terminate(): unknown;
}

interface Slot {
  worker: Runner;
  busy: boolean;
}

/** What grading needs of a pool: WorkerPool's queue, whichever kind of runner it uses. */
export interface JobPool<I, O> {
  readonly size: number;
  /** Whether its jobs run in processes that may not start esbuild (the host compiles for them). */
  readonly isolated: boolean;
  run(input: I, options: { timeoutMs: number; onProgress?: (value: unknown) => void }): Promise<WorkerJobResult<O>>;
  warm(input: I, options: { timeoutMs: number }): Promise<void>;
  close(): Promise<void>;
}

export class WorkerPool<I, O> implements JobPool<I, O> {
  readonly isolated: boolean = false;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending<I, O>[] = [];
  private nextId = 0;
  private closed = false;

  /** Jobs run `run(input)` exported by `moduleUrl` (a .ts module is loaded through tsx); `resourceLimits` bound each worker's V8 heap. */
  constructor(protected readonly moduleUrl: URL, readonly size: number, private readonly resourceLimits?: ResourceLimits) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a pool needs at least one worker, not ${size}`);
  }

  /** Queues one job; resolves with its value, or 'timeout' / 'stuck' / 'crashed' and why. */
  run(input: I, options: { timeoutMs: number; onProgress?: (value: unknown) => void }): Promise<WorkerJobResult<O>> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'crashed', message: 'the worker pool is closed' });
    return new Promise((resolve) => {
      this.queue.push({ input, timeoutMs: options.timeoutMs, onProgress: options.onProgress, resolve });
      this.dispatch();
    });
  }

  /**
   * Starts every worker not yet started and runs `input` on each, its result dropped: their start-up,
   * module loading and JIT warm-up happen now (on cores that would sit idle while one worker measures
   * a reference) rather than on the first jobs. Queued jobs wait for a warming worker as for a busy one.
   * Resolves when every warm-up has ended, however it ended.
   */
  warm(input: I, options: { timeoutMs: number }): Promise<void> {
    const warming: Promise<unknown>[] = [];
    while (!this.closed && this.slots.length < this.size) {
      warming.push(new Promise((resolve) => this.start(this.spawn(), { input, timeoutMs: options.timeoutMs, resolve })));
    }
    return Promise.all(warming).then(() => undefined);
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
    const slot: Slot = { worker: this.spawnRunner(), busy: false };
    this.slots.push(slot);
    return slot;
  }

  /** A fresh worker thread running poolWorker.mjs (unref'd: an idle pool does not keep the host alive). */
  protected spawnRunner(): Runner {
    const typescript = /\.[cm]?tsx?$/.test(this.moduleUrl.pathname);
    const worker = new Worker(BOOTSTRAP, { workerData: { moduleUrl: this.moduleUrl.href, typescript, ...sesWorkerData() }, resourceLimits: this.resourceLimits });
    worker.unref();
    worker.on('message', keepSesCache);
    return { post: (m) => worker.postMessage(m), on: (e, l) => worker.on(e, l as (...args: unknown[]) => void), off: (e, l) => worker.off(e, l as (...args: unknown[]) => void), terminate: () => worker.terminate() };
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
      watchdog.stop();
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (retire) {
        const at = this.slots.indexOf(slot);
        if (at >= 0) this.slots.splice(at, 1);
        void worker.terminate();
      } else slot.busy = false;
      job.resolve(result.ok ? result : { ...result, ...watchdog.field() });
      if (!this.closed) this.dispatch();
    };
    const watchdog = new Watchdog((_what, ms) => finish({ ok: false, reason: 'stuck', message: stuckMessage(ms) }, true));
    const onMessage = (message: JobMessage<O> & { id: number }) => {
      if (message.id !== id || settled) return;
      if (message.watch) return watchdog.arm(message.watch);
      if ('progress' in message) return job.onProgress?.(message.progress);
      if (message.ok) finish({ ok: true, value: message.value as O }, false);
      else finish({ ok: false, reason: 'crashed', message: message.message ?? 'the job failed' }, false);
    };
    const onError = (error: Error) => finish({ ok: false, reason: 'crashed', message: `${error.name}: ${error.message}` }, true);
    const onExit = (code: number) => finish({ ok: false, reason: 'crashed', message: `the worker exited (code ${code}) without a result` }, true);
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', message: `the job did not finish within ${job.timeoutMs} ms` }, true), job.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.post({ id, input: job.input });
  }
}
