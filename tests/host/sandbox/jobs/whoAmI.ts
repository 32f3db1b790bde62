// A worker job that says which worker ran it and how many jobs that worker has run, after an
// optional pause, reporting `steps` progress values first; or spins forever, throws, or fills the
// heap until V8's limit ends the worker. For the WorkerPool and runInWorker tests.
import { threadId } from 'node:worker_threads';

let jobs = 0;

export async function run(input: { pauseMs?: number; how?: 'spin' | 'throw' | 'bomb'; steps?: number }, progress?: (value: unknown) => void): Promise<{ threadId: number; jobs: number }> {
  jobs++;
  for (let step = 1; step <= (input.steps ?? 0); step++) progress?.({ step });
  if (input.how === 'throw') throw new TypeError('job refused');
  while (input.how === 'spin') jobs++;
  const keep: number[][] = [];
  while (input.how === 'bomb') keep.push(new Array(100_000).fill(keep.length));
  if (input.pauseMs) await new Promise((resolve) => setTimeout(resolve, input.pauseMs));
  return { threadId, jobs };
}
