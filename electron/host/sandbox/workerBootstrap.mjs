// The worker side of runInWorker: imports the job module (registering tsx first when it is a .ts
// file, as in development and tests), awaits its exported run(input, progress, watch) and posts
// { ok, value } or { ok: false, message } back; each progress(value) call posts { progress: value }
// on the way, and each watch(ms, what) call { watch: { ms, what } } (the host's watchdog).
// Kept as plain .mjs so a bare Node worker can start it.
import { parentPort, workerData } from 'node:worker_threads';

const { moduleUrl, input, typescript } = workerData;
try {
  if (typescript) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const job = await import(moduleUrl);
  if (typeof job.run !== 'function') throw new Error(`${moduleUrl} exports no run(input) function`);
  const value = await job.run(input, (progress) => parentPort.postMessage({ progress }), (ms, what) => parentPort.postMessage({ watch: { ms, what } }));
  parentPort.postMessage({ ok: true, value });
} catch (error) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : `threw ${typeof error}`;
  parentPort.postMessage({ ok: false, message });
}
