// The child-process side of ProcessPool: imports one job module (plain JavaScript: a bundle, since
// this process may not start tsx's compiler), then runs one job per message, `run(input, progress,
// watch)`, and sends { id, ok, value } or { id, ok: false, message } back, { id, progress } for each
// progress call and { id, watch } for each watch(ms, what) call, as poolWorker.mjs does for threads.
const moduleUrl = process.argv[2];
let loaded = null;

async function load() {
  const job = await import(moduleUrl);
  if (typeof job.run !== 'function') throw new Error(`${moduleUrl} exports no run(input) function`);
  return job;
}

process.on('message', async ({ id, input }) => {
  try {
    loaded ??= load();
    const job = await loaded;
    const value = await job.run(input, (progress) => process.send({ id, progress }), (ms, what) => process.send({ id, watch: { ms, what } }));
    process.send({ id, ok: true, value });
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : `threw ${typeof error}`;
    process.send({ id, ok: false, message });
  }
});
