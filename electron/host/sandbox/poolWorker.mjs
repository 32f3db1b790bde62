// The worker side of WorkerPool: imports the job module once (registering tsx first for a .ts
// module), then runs one job per message, `run(input, progress, watch)`, and posts { id, ok, value }
// or { id, ok: false, message } back, { id, progress } for each progress call and { id, watch } for
// each watch(ms, what) call. The host ends the worker when a job passes its time limit or its watch.
import { parentPort, workerData } from 'node:worker_threads';

const { moduleUrl, typescript } = workerData;
let loaded = null;

async function load() {
  if (typescript) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const job = await import(moduleUrl);
  if (typeof job.run !== 'function') throw new Error(`${moduleUrl} exports no run(input) function`);
  return job;
}

parentPort.on('message', async ({ id, input }) => {
  try {
    loaded ??= load();
    const job = await loaded;
    const value = await job.run(input, (progress) => parentPort.postMessage({ id, progress }), (ms, what) => parentPort.postMessage({ id, watch: { ms, what } }));
    parentPort.postMessage({ id, ok: true, value });
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : `threw ${typeof error}`;
    parentPort.postMessage({ id, ok: false, message });
  }
});
