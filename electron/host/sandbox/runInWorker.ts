// runInWorker: runs one job in a worker_thread the host can always stop. The worker imports a
// module and calls its exported run(input, progress, watch); the host terminates the worker when
// the job finishes, fails, passes its time limit, or overstays a watch (a step the job announced
// with watch(ms, what): code stuck where the sandbox's meter cannot see), so a hung or crashed job
// never takes the host with it. Input and output cross by structured clone.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { keepSesCache, sesWorkerData } from './sesCache';

export interface WorkerJobOptions {
  /** Wall-clock limit for the whole job, worker start-up included. */
  timeoutMs: number;
  /** V8 heap and stack limits of the worker (exceeding them ends the job as 'crashed'). */
  resourceLimits?: ResourceLimits;
  /** Called with each value the job passes to its progress callback (run's second argument). */
  onProgress?: (value: unknown) => void;
}

/**
 * A job's value, or why it ended without one: 'timeout' (its whole limit), 'stuck' (a watched step
 * overstayed its ms) or 'crashed' (an error, an exit, a V8 limit). `watched` is the `what` of the
 * last watch still armed when it ended (the step it was in), if any.
 */
export type WorkerJobResult<O> = { ok: true; value: O } | { ok: false; reason: 'timeout' | 'stuck' | 'crashed'; message: string; watched?: unknown };

/** A message a job's worker posts: its result, a progress value or a watch. */
export type JobMessage<O> = { ok: boolean; value?: O; message?: string; progress?: unknown; watch?: { ms: number | null; what: unknown } };

/**
 * The host's side of watch(ms, what): arm() on each watch message (ms null disarms), `fire` is
 * called with the step when one overstays; stop() when the job ends. `what` is kept for a crash's result.
 */
export class Watchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  what: unknown = undefined;

  constructor(private readonly fire: (what: unknown, ms: number) => void) {}

  arm(watch: { ms: number | null; what: unknown }): void {
    this.stop();
    this.what = watch.ms === null ? undefined : watch.what;
    if (watch.ms !== null) {
      const { ms, what } = watch;
      this.timer = setTimeout(() => this.fire(what, ms), ms);
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The failure's `watched` field: present only while a watch was armed. */
  field(): { watched?: unknown } {
    return this.what === undefined ? {} : { watched: this.what };
  }
}

/** The message of a 'stuck' result. */
export function stuckMessage(ms: number): string {
  return `a step of the job did not finish within its watch of ${ms} ms and was stopped`;
}

const BOOTSTRAP = new URL('./workerBootstrap.mjs', import.meta.url);

/**
 * Runs `run(input)` exported by `moduleUrl` (a .ts module is loaded through tsx) in a new worker and
 * resolves with its value, or with 'timeout' / 'stuck' / 'crashed' and why; it never rejects for the job's
 * sake. The worker is terminated in every case. Input and output must be structured-cloneable.
 */
export function runInWorker<I, O>(moduleUrl: URL, input: I, options: WorkerJobOptions): Promise<WorkerJobResult<O>> {
  return new Promise((resolve) => {
    const typescript = /\.[cm]?tsx?$/.test(moduleUrl.pathname);
    const worker = new Worker(BOOTSTRAP, {
      workerData: { moduleUrl: moduleUrl.href, input, typescript, ...sesWorkerData() },
      resourceLimits: options.resourceLimits,
    });
    let settled = false;
    const finish = (result: WorkerJobResult<O>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      watchdog.stop();
      void worker.terminate();
      resolve(result.ok ? result : { ...result, ...watchdog.field() });
    };
    const watchdog = new Watchdog((_what, ms) => finish({ ok: false, reason: 'stuck', message: stuckMessage(ms) }));
    const timer = setTimeout(
      () => finish({ ok: false, reason: 'timeout', message: `the job did not finish within ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    worker.on('message', (message: JobMessage<O>) => {
      if (keepSesCache(message) || settled) return;
      if (message.watch) return watchdog.arm(message.watch);
      if ('progress' in message) return options.onProgress?.(message.progress);
      if (message.ok) finish({ ok: true, value: message.value as O });
      else finish({ ok: false, reason: 'crashed', message: message.message ?? 'the job failed' });
    });
    worker.on('error', (error: Error) => finish({ ok: false, reason: 'crashed', message: `${error.name}: ${error.message}` }));
    worker.on('exit', (code) => finish({ ok: false, reason: 'crashed', message: `the worker exited (code ${code}) without a result` }));
  });
}
