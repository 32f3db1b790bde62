// The worker side of the sandbox tests' remote targets (remote.ts): a sandbox worker that keeps
// targets by id and runs one operation per message: start a target, call one of its methods,
// replay a trace against a fresh one, or evaluate a tune submission. Errors come back as plain data
// (a TargetError's kind and message). Services for api targets are named, since functions do not cross.
import { parentPort } from 'node:worker_threads';
import { replay } from '../../../../engine/grader/Replay';
import { TargetError, type ReplayTarget } from '../../../../engine/grader/ReplayTarget';
import type { Trace } from '../../../../engine/workload/Trace';
import { evaluateData, type EvaluateOptions } from '../../../../electron/host/sandbox/evaluateData';
import type { Program } from '../../../../electron/host/sandbox/program';
import { hardenWorker } from '../../../../electron/host/sandbox/realm';
import { createSandboxApiTarget, createSandboxTarget, type SandboxOptions, type SandboxTarget } from '../../../../electron/host/sandbox/SandboxTarget';

export interface StartRequest {
  program: Program;
  options: SandboxOptions;
  /** An api target: its methods, constructor arguments, heap first, and a named service table. */
  api?: { methods: string[]; args: unknown[]; withHeap?: boolean; services?: 'double' };
}

type Request =
  | { op: 'start'; request: StartRequest }
  | { op: 'call'; target: number; method: string; args: unknown[] }
  | { op: 'replay'; request: StartRequest; trace: Trace; checkAll?: boolean }
  | { op: 'evaluate'; program: Program; options: EvaluateOptions }
  | { op: 'seen' }
  | { op: 'harden' };

const targets = new Map<number, Record<string, (...args: unknown[]) => unknown>>();
let next = 1;
/** What the 'double' services were called with. */
const seen: unknown[][] = [];
const SERVICES = {
  double: {
    double: (...args: unknown[]) => {
      seen.push(args);
      if (typeof args[0] !== 'number') throw new RangeError(`kernel.double(${JSON.stringify(args[0])}): n must be a number`);
      return args[0] * 2;
    },
    pages: () => [{ virt: 0x80000000, writable: true }],
    nothing: () => undefined,
  },
};

async function start(request: StartRequest): Promise<SandboxTarget | Awaited<ReturnType<typeof createSandboxApiTarget>>> {
  const { api } = request;
  if (!api) return createSandboxTarget(request.program, request.options);
  const services = api.services ? SERVICES[api.services] : undefined;
  return createSandboxApiTarget(request.program, { ...request.options, api: { methods: api.methods, args: api.args, withHeap: api.withHeap, services } });
}

/** A ReplayTarget forwarding to `target` that folds every address malloc and realloc return into a hash (FNV-1a steps). */
function hashing(target: SandboxTarget): { target: ReplayTarget; hash: () => number } {
  let hash = 0x811c9dc5;
  const fold = (address: number): number => ((hash = Math.imul(hash ^ address, 16777619) >>> 0), address);
  const wrapped: ReplayTarget = {
    name: target.name, hasRealloc: target.hasRealloc,
    malloc: (size) => fold(target.malloc(size)), free: (address) => target.free(address), realloc: (address, size) => fold(target.realloc(address, size)),
    heapBase: () => target.heapBase(), heapEnd: () => target.heapEnd(), peek8: (a) => target.peek8(a), poke8: (a, v) => target.poke8(a, v),
    peek32: (a) => target.peek32(a), poke32: (a, v) => target.poke32(a, v), bytes: (a, n) => target.bytes!(a, n), work: () => target.work(), logs: () => target.logs(),
  };
  return { target: wrapped, hash: () => hash };
}

async function handle(message: Request): Promise<unknown> {
  switch (message.op) {
    case 'start': {
      const target = await start(message.request);
      const id = next++;
      targets.set(id, target as unknown as Record<string, (...args: unknown[]) => unknown>);
      return { id, name: target.name, hasRealloc: 'hasRealloc' in target ? target.hasRealloc : false };
    }
    case 'call': {
      const target = targets.get(message.target);
      if (!target) throw new Error(`no target ${message.target}`);
      return target[message.method]!(...message.args);
    }
    case 'replay': {
      const t0 = performance.now();
      const target = (await start(message.request)) as SandboxTarget;
      const t1 = performance.now();
      try {
        const hashed = hashing(target);
        const result = replay(message.trace, hashed.target, { heapLimit: message.request.options.heapLimit, checkAll: message.checkAll });
        // startMs and ms (the replay, checker included) and the hash of every returned address are for the bench.
        return { ok: result.ok, failure: result.failure, metrics: result.metrics, logs: target.logs(), startMs: t1 - t0, ms: performance.now() - t1, hash: hashed.hash() };
      } finally {
        target.dispose();
      }
    }
    case 'evaluate':
      return evaluateData(message.program, message.options);
    case 'seen':
      return seen;
    case 'harden': {
      // For the bench: lockdown's own time (0 when this worker is hardened already).
      const t0 = performance.now();
      hardenWorker();
      return performance.now() - t0;
    }
  }
}

parentPort!.on('message', (message: Request & { id: number }) => {
  handle(message).then(
    (value) => parentPort!.postMessage({ id: message.id, ok: true, value }),
    (error: unknown) => parentPort!.postMessage({
      id: message.id, ok: false,
      error: error instanceof TargetError ? { kind: error.kind, message: error.message } : { kind: 'host', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
    }),
  );
});
parentPort!.postMessage({ ready: true });
