// A queue of redraws spread over animation frames: each frame runs queued jobs until a time budget
// is spent (at least one), the rest wait for the next frame. A key is queued once (a newer job for
// it replaces the older, in its place), so six charts updated by one progress event cost a frame or two, not one
// long frame. Pure but for the clock and the scheduler, which are passed in.
import type { Cancel, Schedule } from './schedule';

export interface FrameQueue {
  /** Queues `job` under `key` (replacing a job queued for it) and asks for a frame. */
  queue(key: object, job: () => void): void;
  /** Forgets the job queued under `key`, if any. */
  drop(key: object): void;
  /** Jobs waiting. */
  readonly size: number;
}

/** A frame queue spending at most `budgetMs` a frame (measured with `now`). */
export function frameQueue(schedule: Schedule, cancelFrame: Cancel, now: () => number, budgetMs: number): FrameQueue {
  const jobs = new Map<object, () => void>();
  let handle: number | null = null;
  const drain = () => {
    handle = null;
    const start = now();
    for (const [key, job] of jobs) {
      jobs.delete(key);
      job();
      if (now() - start >= budgetMs) break;
    }
    if (jobs.size > 0) handle = schedule(drain);
  };
  return {
    queue(key, job) {
      jobs.set(key, job); // a key already waiting keeps its place

      handle ??= schedule(drain);
    },
    drop(key) {
      jobs.delete(key);
      if (jobs.size === 0 && handle !== null) {
        cancelFrame(handle);
        handle = null;
      }
    },
    get size() { return jobs.size; },
  };
}

/** The charts' queue: 4 ms of chart updates a frame. */
export const chartUpdates = frameQueue(
  (fn) => requestAnimationFrame(fn), (h) => cancelAnimationFrame(h),
  () => (typeof performance !== 'undefined' ? performance.now() : Date.now()), 4,
);
