// Exercises store: the list Home shows (summaries with best score and attempt count), loaded from
// the host and refreshed after a grade; the workspace folder (info()); opening an exercise pack and
// moving the workspace (Home's forms: the web mode has no menu). It follows the host's
// exercisesChanged and workspaceChanged events, so Electron's menu updates the list and the folder.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ExerciseSummary, LabInfo } from '../../../electron/contract';
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
  const info = shallowRef<LabInfo | null>(null);
  let unsubscribe: Array<() => void> = [];

  /** Follows the host's events (once; later calls do nothing). */
  function listen(): void {
    if (unsubscribe.length) return;
    unsubscribe = [
      lab().on('exercisesChanged', ({ exercises }) => {
        list.value = exercises;
        loaded.value = true;
        error.value = null;
      }),
      lab().on('workspaceChanged', (now) => { info.value = now; }),
    ];
  }

  /** Fetches the host's info (the workspace folder); a failure leaves `info` as it was. */
  async function loadInfo(): Promise<void> {
    try { info.value = await lab().api.info(); } catch { /* the line stays as it was; load() reports the host */ }
  }

  /** Adds the exercises of the pack in `folder`; returns the new exercises' ids. Rejects with the host's message. */
  async function openPack(folder: string): Promise<string[]> {
    const before = new Set(list.value.map((e) => e.id));
    list.value = await lab().api.openPack(folder);
    loaded.value = true;
    error.value = null;
    return list.value.filter((e) => !before.has(e.id)).map((e) => e.id);
  }

  /** Moves the workspace to `folder`, then reloads the list (scores live in the workspace). Rejects with the host's message. */
  async function setWorkspace(folder: string): Promise<void> {
    info.value = await lab().api.setWorkspace(folder);
    await load();
  }

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

  return { list, loading, loaded, error, info, listen, load, loadInfo, openPack, setWorkspace, byId };
});
