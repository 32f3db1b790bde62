// The bench's side of sandbox-host.ts: a fresh worker thread that runs the sandbox, through tsx (as
// the grader's workers run in development) or as a plain-JavaScript bundle (as a built lab runs them).
import { Worker } from 'node:worker_threads';
import { bundleJob } from '../../electron/host/sandbox/ProcessPool';
import { keepSesCache, sesWorkerData } from '../../electron/host/sandbox/sesCache';
import type { HostRequest } from './sandbox-protocol';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Bundles sandbox-host.ts (no tsx needed to start it); returns the bundle's path. */
export function bundleHost(): Promise<string> {
  return bundleJob(new URL('./sandbox-host.ts', import.meta.url), 'bench-sandbox-host');
}

export class BenchSandbox {
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private dead: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: { id?: number; ok?: boolean; value?: unknown; message?: string }) => {
      if (keepSesCache(m)) return;
      const p = m.id === undefined ? undefined : this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id!);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.message));
    });
    const died = (error: Error) => {
      this.dead = error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`the sandbox worker exited (code ${code})`)));
  }

  /**
   * A fresh worker running sandbox-host: `bundle` (bundleHost's output, started with no Node flags)
   * or, without it, the TypeScript through tsx (inheriting this process's flags, as the grader's
   * workers do). Resolves when it is ready, with the time from `new Worker` to then.
   */
  static start(options: { bundle?: string; heapMb?: number } = {}): Promise<{ sandbox: BenchSandbox; readyMs: number }> {
    const t0 = performance.now();
    const worker = new Worker(options.bundle ?? new URL('./sandbox-host.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? 2048 },
      // The compiled ses a first worker sent back, as the grader's workers get it (sesCache.ts).
      workerData: sesWorkerData(),
      // A bundle needs no loader: without this the worker inherits the bench's `--import tsx` (~150 ms), as a built lab's would not.
      ...(options.bundle ? { execArgv: [] } : {}),
    });
    return new Promise((resolve, reject) => {
      const ready = (m: { ready?: true }) => {
        if (!m.ready) return;
        worker.off('message', ready);
        worker.off('error', reject);
        resolve({ sandbox: new BenchSandbox(worker), readyMs: performance.now() - t0 });
      };
      worker.on('message', ready);
      worker.once('error', reject);
    });
  }

  request<T>(message: HostRequest): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
