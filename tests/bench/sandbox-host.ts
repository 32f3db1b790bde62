// The bench's sandbox worker (a worker thread: the sandbox locks down the realm it runs in, never the
// bench's own). It answers one request per message: 'first' starts the first sandbox of this fresh
// worker and times its parts (lockdown, a bare compartment, the first target, its first malloc),
// 'replay' replays a trace against a fresh target as the grading job does (start and replay timed,
// every returned address hashed). Loaded through sandbox-host.mjs (tsx) or as a bundle (bundleJob).
import { parentPort } from 'node:worker_threads';
import { replay } from '../../engine/grader/Replay';
import { TargetError } from '../../engine/grader/ReplayTarget';
import type { Trace } from '../../engine/workload/Trace';
import type { Program } from '../../electron/host/sandbox/program';
import { hardenWorker } from '../../electron/host/sandbox/realm';
import { loadSes } from '../../electron/host/sandbox/sesCache';
import { createSandboxTarget, type SandboxOptions, type SandboxTarget } from '../../electron/host/sandbox/SandboxTarget';
import { FNV_START, hashing, type FirstAnswer, type HostRequest, type ReplayAnswer } from './sandbox-protocol';

async function first(program: Program, options: SandboxOptions): Promise<FirstAnswer> {
  let t = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
  hardenWorker();
  const lockdownMs = lap();
  const target = await createSandboxTarget(program, options);
  const targetMs = lap();
  const address = target.malloc(16);
  const mallocMs = lap();
  new Compartment({ __options__: true });
  const compartmentMs = lap();
  target.dispose();
  t = performance.now();
  const next = await createSandboxTarget(program, options);
  const nextTargetMs = lap();
  next.dispose();
  return { lockdownMs, targetMs, mallocMs, address, compartmentMs, nextTargetMs };
}

async function replayOne(program: Program, options: SandboxOptions, trace: Trace): Promise<ReplayAnswer> {
  const t0 = performance.now();
  let target: SandboxTarget;
  try {
    target = await createSandboxTarget(program, options);
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    return { ok: false, failure: { kind: error.kind, reason: error.message }, metrics: null, startMs: performance.now() - t0, ms: 0, hash: FNV_START };
  }
  const t1 = performance.now();
  try {
    const hashed = hashing(target);
    const result = replay(trace, hashed.target, { heapLimit: options.heapLimit });
    const ms = performance.now() - t1;
    const m = result.metrics;
    return {
      ok: result.ok, failure: result.failure && { kind: result.failure.kind, reason: result.failure.reason },
      metrics: { work: m.work, utilization: m.utilization, operations: m.operations, heapHighWater: m.heapHighWater }, startMs: t1 - t0, ms, hash: hashed.hash(),
    };
  } finally {
    target.dispose();
  }
}

/** ms to load the 'ses' package as realm.ts does (with the host's compiled code when this worker got it). */
function timeSesLoad(): number {
  const t0 = performance.now();
  loadSes();
  return performance.now() - t0;
}

function handle(message: HostRequest): Promise<unknown> {
  if (message.op === 'load-ses') return Promise.resolve(timeSesLoad());
  if (message.op === 'first') return first(message.program, message.options);
  if (message.op === 'replay') return replayOne(message.program, message.options, message.trace);
  throw new Error(`unknown request ${(message as { op: string }).op}`);
}

parentPort!.on('message', (message: HostRequest & { id: number }) => {
  Promise.resolve().then(() => handle(message)).then(
    (value) => parentPort!.postMessage({ id: message.id, ok: true, value }),
    (error: unknown) => parentPort!.postMessage({ id: message.id, ok: false, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
});
parentPort!.postMessage({ ready: true });
