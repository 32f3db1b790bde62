// History store: the graded attempts of the open exercise (the host's history(id), appended at
// each grade and never rewritten), newest first. Reloaded when an exercise opens and after each
// grade the run store completes; a reply for an exercise no longer shown is dropped.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { Attempt } from '../../../electron/contract';
import { lab } from '../bridge';

/** The attempts newest first (by their ISO time; equal times keep the host's order reversed). */
export function newestFirst(attempts: Attempt[]): Attempt[] {
  return attempts.map((a, k) => ({ a, k })).sort((x, y) => (y.a.at.localeCompare(x.a.at)) || y.k - x.k).map(({ a }) => a);
}

export const useHistoryStore = defineStore('history', () => {
  const exercise = ref<string | null>(null);
  const attempts = shallowRef<Attempt[]>([]);
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  let asked = 0;

  /** Loads `id`'s attempts; on failure keeps what is shown for the same exercise and sets `error`. */
  async function load(id: string): Promise<void> {
    const mine = ++asked;
    if (exercise.value !== id) {
      exercise.value = id;
      attempts.value = [];
      loaded.value = false;
    }
    loading.value = true;
    try {
      const list = await lab().api.history(id);
      if (mine !== asked) return;
      attempts.value = newestFirst(list);
      error.value = null;
      loaded.value = true;
    } catch (e) {
      if (mine === asked) error.value = e instanceof Error ? e.message : String(e);
    } finally {
      if (mine === asked) loading.value = false;
    }
  }

  return { exercise, attempts, loading, loaded, error, load };
});
