// The lab API's replayPolicies: the fragmentation paper's policies ranked on one trace of an
// exercise (or a generated one), on the exercise's heap, for Compare's ranking table. The ranking
// runs in a worker of its own (policyJob.ts) that the host stops after POLICY_LIMIT_MS.
import type { PolicyRankingView, ReplayTraceSpec } from '../../contract';
import type { Exercise } from '../grader/exercise';
import type { PolicyJobInput } from '../grader/policyJob';
import { runInWorker } from '../sandbox/runInWorker';
import { replayTrace } from './replays';

const JOB = new URL(import.meta.url.endsWith('.ts') ? '../grader/policyJob.ts' : '../grader/policyJob.js', import.meta.url);
/** Eleven replays of one trace: a million operations take minutes, not ten. */
const POLICY_LIMIT_MS = 10 * 60_000;

/** Ranks every policy on the trace; throws an Error naming what is wrong (an api exercise, an unknown trace, a job that failed). */
export async function rankTrace(exercise: Exercise, spec: ReplayTraceSpec): Promise<PolicyRankingView> {
  const { id, kind, heap } = exercise.spec;
  if (kind === 'api') throw new Error(`${id} is an api exercise: the fragmentation paper's policies replay malloc traces (a malloc or tune exercise, such as 07-malloc)`);
  const trace = replayTrace(exercise, spec);
  const job = await runInWorker<PolicyJobInput, PolicyRankingView['rows']>(JOB, { trace, heap }, { timeoutMs: POLICY_LIMIT_MS });
  if (!job.ok) throw new Error(`ranking the policies on ${trace.name} failed: ${job.message}`);
  return { exercise: id, trace: trace.name, heap: { ...heap }, rows: job.value };
}
