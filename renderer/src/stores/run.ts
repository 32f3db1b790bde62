// Run store: one run at a time of the open exercise (a test, a trace, or a grade of every test).
// It shows progress per test from the host's runProgress events, the result (tests, score,
// compile errors for the editor's markers, logs), and stops a run on request. The runId is learnt
// from the first progress event (run() resolves only at the end): a stop asked before that goes
// by the exercise's id, and again by the run's id once it is known.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CompileProblem, LabEvents, RunResult, RunTarget } from '../../../electron/contract';
import { lab } from '../bridge';
import { useExercisesStore } from './exercises';
import { useWorkspaceStore } from './workspace';

export type Progress = LabEvents['runProgress'];

export const useRunStore = defineStore('run', () => {
  const running = ref(false);
  const target = shallowRef<RunTarget | null>(null);
  const runId = ref<string | null>(null);
  const progress = shallowRef<Progress[]>([]);
  const result = shallowRef<RunResult | null>(null);
  /** The run could not be done (the host's message); not the same as failing tests. */
  const error = ref<string | null>(null);
  const stopRequested = ref(false);
  /** The last "show in timeline" request (the timeline view comes later). */
  const timelineRequest = shallowRef<{ exercise: string; trace: string; op: number } | null>(null);
  /** Counts the grades the host has answered (and so recorded in the history): watch it to refresh. */
  const graded = ref(0);
  let exercise: string | null = null;
  /** Counts runs, so a reply to a forgotten run is ignored. */
  let generation = 0;
  let unsubscribe: Array<() => void> = [];

  /** When the current (or last) run started (Date.now()), for its elapsed time. */
  const startedAt = ref(0);

  const compileErrors = computed<CompileProblem[]>(() => result.value?.compileErrors ?? []);
  /** Tests the run has: from the host's first event; before it, 1 for a test or a trace, 0 (unknown) for a grade. */
  const total = computed(() => progress.value[0]?.total ?? (target.value && !('grade' in target.value) ? 1 : 0));
  /** Tests finished so far, and how many of them passed. */
  const done = computed(() => progress.value.length);
  const passedSoFar = computed(() => progress.value.filter((p) => p.passed).length);

  function listen(): void {
    if (unsubscribe.length) return;
    unsubscribe = [
      lab().on('runProgress', (p) => {
        if (!running.value || p.exercise !== exercise || (runId.value && p.runId !== runId.value)) return;
        if (!runId.value) {
          runId.value = p.runId;
          if (stopRequested.value) void lab().api.stop(p.runId);
        }
        progress.value = [...progress.value, p];
      }),
      lab().on('runDone', (r) => {
        if (running.value && r.runId === runId.value) finish(r);
      }),
    ];
  }

  function finish(r: RunResult): void {
    result.value = r;
    running.value = false;
  }

  /** Runs `what` on the editor's current code; resolves when the run ends (never rejects). */
  async function start(what: RunTarget): Promise<void> {
    const workspace = useWorkspaceStore();
    const detail = workspace.exercise;
    if (running.value || !detail) return;
    listen();
    const mine = ++generation;
    exercise = detail.id;
    running.value = true;
    target.value = what;
    runId.value = null;
    progress.value = [];
    result.value = null;
    error.value = null;
    stopRequested.value = false;
    startedAt.value = Date.now();
    void workspace.flush();
    try {
      const r = await lab().api.run({ exercise: detail.id, source: workspace.code, target: what });
      if (mine === generation) finish(r);
      if ('grade' in what) {
        graded.value++;
        void useExercisesStore().load();
      }
    } catch (e) {
      if (mine !== generation) return;
      error.value = e instanceof Error ? e.message : String(e);
      running.value = false;
    }
  }

  /**
   * Asks the host to stop the run: by its id, or before the id is known by the exercise's id (the
   * host's stop takes either), and by its id again as soon as that is known.
   */
  async function stop(): Promise<void> {
    if (!running.value) return;
    stopRequested.value = true;
    const id = runId.value ?? exercise;
    if (id) await lab().api.stop(id);
  }

  /** Forgets the last run (another exercise was opened). */
  function reset(): void {
    if (running.value) void stop();
    generation++;
    running.value = false;
    result.value = null;
    progress.value = [];
    error.value = null;
    target.value = null;
  }

  function showInTimeline(failure: { trace: string; op: number }): void {
    if (exercise) timelineRequest.value = { exercise, ...failure };
  }

  return {
    running, target, runId, progress, result, error, stopRequested, timelineRequest, graded, startedAt, compileErrors, total, done, passedSoFar,
    start, stop, reset, showInTimeline,
  };
});
