// The fragmentation paper's ranking for Compare: the host ranks the paper's eleven policies on one
// trace of an exercise (replayPolicies, run in a worker), asked once per exercise and trace; a
// reply for an earlier pair is dropped.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { PolicyRankingView } from '../../../electron/contract';
import { lab } from '../bridge';
import { traceSpecOf } from '../router';

export const usePaperRankingStore = defineStore('paperRanking', () => {
  const ranking = shallowRef<PolicyRankingView | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  /** The exercise and trace parameter last asked for. */
  let asked = '';

  /** Asks the ranking of `exercise`'s trace `param` (a route's trace parameter), unless it is the one shown or coming. */
  async function load(exercise: string, param: string): Promise<void> {
    const key = `${exercise}\u0000${param}`;
    if (key === asked && error.value === null) return;
    asked = key;
    ranking.value = null;
    error.value = null;
    loading.value = true;
    try {
      const reply = await lab().api.replayPolicies({ exercise, trace: traceSpecOf(param) });
      if (asked === key) ranking.value = reply;
    } catch (e) {
      if (asked === key) error.value = e instanceof Error ? e.message : String(e);
    } finally {
      if (asked === key) loading.value = false;
    }
  }

  return { ranking, error, loading, load };
});
