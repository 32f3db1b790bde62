// The worker side of the sandbox tests' remote targets (remote.ts): a sandbox worker that keeps
// targets by id and runs one operation per message: start a target, call one of its methods,
// replay a trace against a fresh one, or evaluate a tune submission. Errors come back as plain data
// (a TargetError's kind and message). Services for api targets are named, since functions do not cross.
import { parentPort } from 'node:worker_threads';
import { replay } from '../../../../engine/grader/Replay';
import { TargetError } from '../../../../engine/grader/ReplayTarget';
import type { Trace } from '../../../../engine/workload/Trace';
import { evaluateData, type EvaluateOptions } from '../../../../electron/host/sandbox/evaluateData';
import type { Program } from '../../../../electron/host/sandbox/program';
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
  | { op: 'seen' };

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
      const target = (await start(message.request)) as SandboxTarget;
      try {
        const result = replay(message.trace, target, { heapLimit: message.request.options.heapLimit, checkAll: message.checkAll });
        return { ok: result.ok, failure: result.failure, metrics: result.metrics, logs: target.logs() };
      } finally {
        target.dispose();
      }
    }
    case 'evaluate':
      return evaluateData(message.program, message.options);
    case 'seen':
      return seen;
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
