// A worker job that uses the host's watchdog, run(input, progress, watch): it announces a step with
// watch(ms, what) (and, with `then`, replaces it by a second watch), then blocks the thread for good (Atomics.wait, where no timer or message can
// reach it), or disarms the watch and finishes after a longer pause, or throws under the watch, or
// exits the worker under it. Says which worker ran it and how many jobs that worker has run. For
// the runInWorker and WorkerPool tests.
import { threadId } from 'node:worker_threads';

export interface WatchingInput {
  how: 'block' | 'disarm' | 'throw' | 'exit' | 'quick';
  /** The watch's limit (ms). */
  ms: number;
  /** The step named in the watch. */
  what: unknown;
  /** How long 'disarm' pauses after disarming (ms). */
  pauseMs?: number;
  /** A second watch, armed right after the first (which it replaces). */
  then?: { ms: number; what: unknown };
}

export interface WatchingOutput {
  threadId: number;
  jobs: number;
}

let jobs = 0;

export async function run(input: WatchingInput, progress: (value: unknown) => void, watch: (ms: number | null, what: unknown) => void): Promise<WatchingOutput> {
  jobs++;
  watch(input.ms, input.what);
  progress({ watching: input.what });
  if (input.then) watch(input.then.ms, input.then.what);
  switch (input.how) {
    case 'block':
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // never woken
      break;
    case 'disarm':
      watch(null, input.what);
      await new Promise((resolve) => setTimeout(resolve, input.pauseMs ?? 0));
      break;
    case 'throw':
      throw new RangeError(`gave up in ${JSON.stringify(input.what)}`);
    case 'exit':
      process.exit(3);
      break;
    case 'quick':
      watch(null, input.what);
      break;
  }
  return { threadId, jobs };
}
