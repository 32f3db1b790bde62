// Workspace store: the exercise open in the editor and the student's code. The code comes from the
// host's loadCode (so a reload shows what was saved), autosaves 800 ms after the last edit and on
// save() (Ctrl+S), and is marked dirty until the host confirms the write. A failed save keeps the
// text, shows the error, and is retried on the next edit or Ctrl+S.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ExerciseDetail } from '../../../electron/contract';
import { lab } from '../bridge';

export const AUTOSAVE_MS = 800;
export type SaveStatus = 'idle' | 'saving' | 'saved' | 'error';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const useWorkspaceStore = defineStore('workspace', () => {
  const exercise = shallowRef<ExerciseDetail | null>(null);
  const loading = ref(false);
  const loadError = ref<string | null>(null);
  const code = ref('');
  /** The text the host last confirmed as written. */
  const savedSource = ref('');
  const status = ref<SaveStatus>('idle');
  const savedAt = ref<string | null>(null);
  const saveError = ref<string | null>(null);
  const savePath = ref<string | null>(null);
  const dirty = computed(() => code.value !== savedSource.value);

  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;
  let opening = 0;

  const cancelTimer = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const schedule = () => {
    cancelTimer();
    timer = setTimeout(() => { timer = null; void save(); }, AUTOSAVE_MS);
  };

  /** Opens exercise `id`: its detail and the student's saved code (flushing the previous one). */
  async function open(id: string): Promise<void> {
    if (exercise.value?.id === id && !loadError.value) return;
    await flush();
    const token = ++opening;
    loading.value = true;
    loadError.value = null;
    try {
      const [detail, saved] = await Promise.all([lab().api.openExercise(id), lab().api.loadCode(id)]);
      if (token !== opening) return;
      exercise.value = detail;
      code.value = saved.source;
      savedSource.value = saved.source;
      savedAt.value = saved.savedAt;
      status.value = saved.savedAt ? 'saved' : 'idle';
      saveError.value = null;
      savePath.value = null;
    } catch (e) {
      if (token !== opening) return;
      exercise.value = null;
      loadError.value = message(e);
    } finally {
      if (token === opening) loading.value = false;
    }
  }

  /** The editor's text changed: remember it and autosave after AUTOSAVE_MS of quiet. */
  function setCode(text: string): void {
    code.value = text;
    if (dirty.value) schedule();
    else cancelTimer();
  }

  /**
   * Writes the code now (Ctrl+S, or the autosave timer). Clean code is written only when `force`
   * is set (Ctrl+S on the untouched starter). Saves never overlap: one waits for the other.
   */
  async function save(force = false): Promise<void> {
    cancelTimer();
    while (inFlight) await inFlight;
    const current = exercise.value;
    if (!current || (!dirty.value && !force && status.value !== 'error')) return;
    const snapshot = code.value;
    status.value = 'saving';
    inFlight = (async () => {
      try {
        const result = await lab().api.saveCode(current.id, snapshot);
        if (exercise.value?.id !== current.id) return;
        savedSource.value = snapshot;
        savedAt.value = result.savedAt;
        savePath.value = result.path;
        saveError.value = null;
        status.value = 'saved';
        if (dirty.value) schedule();
      } catch (e) {
        saveError.value = message(e);
        status.value = 'error';
      }
    })();
    try { await inFlight; } finally { inFlight = null; }
  }

  /** Saves pending edits now (before leaving the exercise, exporting, or closing). */
  async function flush(): Promise<void> {
    if (timer !== null || dirty.value) await save();
    else if (inFlight) await inFlight;
  }

  /** The submission file, after saving pending edits. */
  async function exportFile(): Promise<{ fileName: string; content: string }> {
    const current = exercise.value;
    if (!current) throw new Error('no exercise open');
    await flush();
    return lab().api.exportSubmission(current.id);
  }

  return { exercise, loading, loadError, code, savedSource, status, savedAt, saveError, savePath, dirty, open, setCode, save, flush, exportFile };
});
