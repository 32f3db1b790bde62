// Exercises store: the list Home shows (summaries with best score and attempt count), loaded from
// the host and refreshed after a grade.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ExerciseSummary } from '../../../electron/contract';
import { lab } from '../bridge';

/** Best score as a fraction of the maximum (0 when not graded yet). */
export function progressOf(exercise: ExerciseSummary): number {
  if (exercise.best === null || exercise.maxScore <= 0) return 0;
  return Math.max(0, Math.min(1, exercise.best / exercise.maxScore));
}

export const useExercisesStore = defineStore('exercises', () => {
  const list = shallowRef<ExerciseSummary[]>([]);
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string | null>(null);

  /** Fetches the list; on failure keeps the previous one and sets `error`. */
  async function load(): Promise<void> {
    loading.value = true;
    try {
      list.value = await lab().api.listExercises();
      error.value = null;
      loaded.value = true;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    } finally {
      loading.value = false;
    }
  }

  const byId = (id: string) => list.value.find((e) => e.id === id) ?? null;

  return { list, loading, loaded, error, load, byId };
});
