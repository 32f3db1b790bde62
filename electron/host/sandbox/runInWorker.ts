// runInWorker: runs one job in a worker_thread the host can always stop. The worker imports a
// module and calls its exported run(input); the host terminates the worker when the job finishes,
// fails, or passes its time limit, so a hung or crashed job (plain JS or a QuickJS sandbox inside)
// never takes the host with it. Input and output cross by structured clone.
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface WorkerJobOptions {
  /** Wall-clock limit for the whole job, worker start-up included. */
  timeoutMs: number;
  /** V8 heap and stack limits of the worker (exceeding them ends the job as 'crashed'). */
  resourceLimits?: ResourceLimits;
  /** Called with each value the job passes to its progress callback (run's second argument). */
  onProgress?: (value: unknown) => void;
}

export type WorkerJobResult<O> = { ok: true; value: O } | { ok: false; reason: 'timeout' | 'crashed'; message: string };

const BOOTSTRAP = new URL('./workerBootstrap.mjs', import.meta.url);

/**
 * Runs `run(input)` exported by `moduleUrl` (a .ts module is loaded through tsx) in a new worker and
 * resolves with its value, or with 'timeout' / 'crashed' and why; it never rejects for the job's
 * sake. The worker is terminated in every case. Input and output must be structured-cloneable.
 */
export function runInWorker<I, O>(moduleUrl: URL, input: I, options: WorkerJobOptions): Promise<WorkerJobResult<O>> {
  return new Promise((resolve) => {
    const typescript = /\.[cm]?tsx?$/.test(moduleUrl.pathname);
    const worker = new Worker(BOOTSTRAP, {
      workerData: { moduleUrl: moduleUrl.href, input, typescript },
      resourceLimits: options.resourceLimits,
    });
    let settled = false;
    const finish = (result: WorkerJobResult<O>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: 'timeout', message: `the job did not finish within ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    worker.on('message', (message: { ok: boolean; value?: O; message?: string; progress?: unknown }) => {
      if ('progress' in message) {
        if (!settled) options.onProgress?.(message.progress);
        return;
      }
      if (message.ok) finish({ ok: true, value: message.value as O });
      else finish({ ok: false, reason: 'crashed', message: message.message ?? 'the job failed' });
    });
    worker.on('error', (error: Error) => finish({ ok: false, reason: 'crashed', message: `${error.name}: ${error.message}` }));
    worker.on('exit', (code) => finish({ ok: false, reason: 'crashed', message: `the worker exited (code ${code}) without a result` }));
  });
}
