// A student's allocator as a row of the fragmentation paper's table (PolicyRanking.ts): each trace
// replayed by the live views' replay job (replayJob.ts: the submission compiled and run in the
// sandbox, or a tune submission's config on the engine's allocator) in a worker the host can stop,
// its live payload and heap series gathered from the job's chunks into a PolicyCell.
import { policyCell, type PolicyCell } from '../../../engine/grader';
import type { Trace } from '../../../engine/workload';
import { WorkerPool } from '../sandbox/WorkerPool';
import type { ReplayChunk, ReplayJobInput, ReplayJobOutput, ReplayJobSubject } from './replayJob';

const JOB = new URL(import.meta.url.endsWith('.ts') ? './replayJob.ts' : './replayJob.js', import.meta.url);

export interface SubmissionRunOptions {
  heap: { limit: number; parent: 'sbrk' | 'pages' };
  /** Wall-clock limit of one trace's replay, worker start-up included. */
  timeoutMs: number;
  /** Hears about each trace as it ends (for a progress line). */
  onTrace?: (trace: string, cell: PolicyCell, ms: number) => void;
}

/**
 * One cell per trace, in order. A submission that cannot start (does not compile, a bad config, a
 * constructor that throws) fails every trace with that reason; a replay past its time limit or a
 * crashed worker fails its trace only.
 */
export async function submissionCells(traces: readonly Trace[], subject: ReplayJobSubject, options: SubmissionRunOptions): Promise<PolicyCell[]> {
  const pool = new WorkerPool<ReplayJobInput, ReplayJobOutput>(JOB, 1);
  const cells: PolicyCell[] = [];
  const failed = (trace: Trace, reason: string): PolicyCell => ({ trace: trace.name, ok: false, failure: reason, measures: null, peakPayload: 0, heapHighWater: 0 });
  try {
    for (const trace of traces) {
      const started = performance.now();
      const payload = new Float64Array(trace.length);
      const heap = new Float64Array(trace.length);
      const take = (value: unknown) => {
        const chunk = value as ReplayChunk;
        payload.set(chunk.series.payload, chunk.from);
        heap.set(chunk.series.heap, chunk.from);
      };
      const input: ReplayJobInput = { trace, subject, heap: options.heap, progressMs: 0 };
      const job = await pool.run(input, { timeoutMs: options.timeoutMs, onProgress: take });
      let cell: PolicyCell;
      if (!job.ok) {
        cell = failed(trace, job.reason === 'timeout' ? `the replay did not finish within ${Math.round(options.timeoutMs / 1000)} s and was stopped` : `the replay's worker ended: ${job.message}`);
      } else if (job.value.error !== null) {
        // It cannot start on this trace, nor on any other: every trace fails for the same reason.
        const reason = job.value.error;
        return [...cells, ...traces.slice(cells.length).map((t) => failed(t, reason))];
      } else {
        cell = policyCell(trace.name, job.value.failure, payload, heap, job.value.metrics?.operations ?? 0);
      }
      cells.push(cell);
      options.onTrace?.(trace.name, cell, performance.now() - started);
    }
    return cells;
  } finally {
    await pool.close();
  }
}
