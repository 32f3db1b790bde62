// The worker job of the lab API's replayPolicies: every policy of the fragmentation paper replayed on
// one trace in-process (the engine's own allocators: trusted, no sandbox), ranked (PolicyRanking.ts),
// as the contract's rows. In a worker so that a long trace does not hold up the host's event loop.
import { rankPolicies } from '../../../engine/grader';
import type { Trace } from '../../../engine/workload';
import type { PolicyRankingView } from '../../contract';

export interface PolicyJobInput {
  trace: Trace;
  heap: { limit: number; parent: 'sbrk' | 'pages' };
}

/** The ranking's rows on the one trace: measures, rank, and a failure's reason. */
export async function run(input: PolicyJobInput): Promise<PolicyRankingView['rows']> {
  const ranking = rankPolicies([input.trace], { heap: input.heap });
  return ranking.rows.map((row) => {
    const cell = row.cells[0]!;
    return {
      id: row.id, label: row.label, rank: row.rank,
      frag4: cell.measures?.frag4 ?? null, frag3: cell.measures?.frag3 ?? null, frag2: cell.measures?.frag2 ?? null, failure: cell.failure,
    };
  });
}
