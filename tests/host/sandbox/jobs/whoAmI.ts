// A worker job that says which worker ran it and how many jobs that worker has run, after an
// optional pause; or spins forever, or throws. For WorkerPool's tests.
import { threadId } from 'node:worker_threads';

let jobs = 0;

export async function run(input: { pauseMs?: number; how?: 'spin' | 'throw' }): Promise<{ threadId: number; jobs: number }> {
  jobs++;
  if (input.how === 'throw') throw new TypeError('job refused');
  while (input.how === 'spin') jobs++;
  if (input.pauseMs) await new Promise((resolve) => setTimeout(resolve, input.pauseMs));
  return { threadId, jobs };
}
