// Remote sandbox targets for the tests: the sandbox locks down the realm it runs in, so it runs only
// in a worker thread, never in the test's own. A SandboxWorker runs jobs/targetHost.ts and answers
// requests by message; a RemoteTarget mirrors a SandboxTarget with every method async. A worker that
// dies (a memory bomb past its V8 limit) fails its pending requests as 'crash' and is replaced at the
// next request. Each test file gets its own worker.
import { Worker } from 'node:worker_threads';
import { TargetError } from '../../../engine/grader/ReplayTarget';
import type { StartRequest } from './jobs/targetHost';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class SandboxWorker {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  constructor(private readonly maxOldGenerationSizeMb = 512) {}

  /** Sends one request; resolves with its value, rejects with TargetError (or Error for a fault of the host). */
  async request(message: Record<string, unknown>): Promise<unknown> {
    const worker = await this.started();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (worker) await worker.terminate();
  }

  private started(): Promise<Worker> {
    if (!this.ready) {
      const worker = new Worker(new URL('./jobs/targetHostBootstrap.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: this.maxOldGenerationSizeMb } });
      worker.unref();
      this.worker = worker;
      this.ready = new Promise((resolve, reject) => {
        const died = (why: string) => {
          if (this.worker === worker) {
            this.worker = null;
            this.ready = null;
          }
          reject(new Error(why));
          for (const p of this.pending.values()) p.reject(new TargetError('crash', `the sandbox worker died: ${why}`));
          this.pending.clear();
        };
        worker.on('message', (m: { ready?: true; id?: number; ok?: boolean; value?: unknown; error?: { kind: string; message: string } }) => {
          if (m.ready) return resolve();
          const p = this.pending.get(m.id!);
          if (!p) return;
          this.pending.delete(m.id!);
          if (m.ok) p.resolve(m.value);
          else if (m.error!.kind === 'host') p.reject(new Error(m.error!.message));
          else p.reject(new TargetError(m.error!.kind as TargetError['kind'], m.error!.message));
        });
        worker.on('error', (e) => died(`${e.name}: ${e.message}`));
        worker.on('exit', (code) => died(`exit ${code}`));
      });
    }
    return this.ready.then(() => this.worker!);
  }
}

/** A SandboxTarget in a SandboxWorker: the same methods, async. */
export class RemoteTarget {
  constructor(private readonly worker: SandboxWorker, readonly id: number, readonly name: string, readonly hasRealloc: boolean) {}

  static async start(worker: SandboxWorker, request: StartRequest): Promise<RemoteTarget> {
    const r = (await worker.request({ op: 'start', request })) as { id: number; name: string; hasRealloc: boolean };
    return new RemoteTarget(worker, r.id, r.name, r.hasRealloc);
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.worker.request({ op: 'call', target: this.id, method, args }) as Promise<T>;
  }

  malloc(size: number): Promise<number> { return this.call('malloc', size); }
  free(address: number): Promise<void> { return this.call('free', address); }
  realloc(address: number, size: number): Promise<number> { return this.call('realloc', address, size); }
  invoke(method: string, args: unknown[]): Promise<unknown> { return this.call('invoke', method, args); }
  heapBase(): Promise<number> { return this.call('heapBase'); }
  heapEnd(): Promise<number> { return this.call('heapEnd'); }
  peek8(address: number): Promise<number> { return this.call('peek8', address); }
  poke8(address: number, value: number): Promise<void> { return this.call('poke8', address, value); }
  peek32(address: number): Promise<number> { return this.call('peek32', address); }
  poke32(address: number, value: number): Promise<void> { return this.call('poke32', address, value); }
  work(): Promise<number> { return this.call('work'); }
  logs(): Promise<string[]> { return this.call('logs'); }
  setTimeLimit(ms: number): Promise<void> { return this.call('setTimeLimit', ms); }
  dispose(): Promise<void> { return this.call('dispose'); }
}
