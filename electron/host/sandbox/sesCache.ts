// The 'ses' package loaded with V8's code cache: a sandbox worker compiles ses.cjs (half a megabyte)
// and runs lockdown(), which compiles most of its functions; the first worker of a host process
// sends the compiled code back (V8's cached data, ~450 KB), and every later worker gets it in its
// workerData and skips that compiling (~30 ms of a fresh worker's start). V8 checks the data
// against the source and its flags and rejects what does not match; then the worker compiles anew.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';

/** Host side: the newest cached data a worker sent, for the next workers. */
let cached: Uint8Array | undefined;

/** Host side: what a new sandbox worker's workerData carries (nothing until a first worker sent it). */
export function sesWorkerData(): { sesCache?: Uint8Array } {
  return cached ? { sesCache: cached } : {};
}

/** Host side: keeps the cached data if `message` is a worker's `{ sesCache }`; true when it was (not the job's message). */
export function keepSesCache(message: unknown): boolean {
  const data = (message as { sesCache?: unknown } | null)?.sesCache;
  if (!(data instanceof Uint8Array)) return false;
  cached = data;
  return true;
}

/** Worker side: the compiled ses script, once `loadSes` ran. */
let script: vm.Script | null = null;
let rejected = true;

/** Worker side: evaluates ses.cjs in this realm (installing lockdown, harden, Compartment), with the host's cached data if any. */
export function loadSes(): void {
  const file = createRequire(import.meta.url).resolve('ses');
  const source = readFileSync(file, 'utf8');
  const data = (workerData as { sesCache?: unknown } | null)?.sesCache;
  const cachedData = data instanceof Uint8Array ? data : undefined;
  // The module wrapper CommonJS would add: ses.cjs needs none of its arguments, but keeps its shape.
  script = new vm.Script(`(function (exports, module) {${source}\n})`, { filename: file, cachedData });
  rejected = cachedData === undefined || script.cachedDataRejected === true;
  const module = { exports: {} };
  (script.runInThisContext() as (exports: object, module: object) => void)(module.exports, module);
}

/**
 * Worker side, after lockdown: sends the compiled code to the host when this worker had none (or
 * V8 refused it). Call before any student code runs in this realm. A child process has no parent port: nothing is sent.
 */
export function offerSesCache(): void {
  if (!script || !rejected || !parentPort) return;
  const data = script.createCachedData();
  parentPort.postMessage({ sesCache: new Uint8Array(data) });
  rejected = false;
}
