// Compare store: one trace replayed through 2 to 4 allocators at once (replay sessions of the host).
// It keeps the subject rows, starts every replay together, takes their replayProgress events
// coalesced per animation frame (only the newest per session is drawn), their ends with the full
// charts, a zoom window and a cursor (the exact state of every subject at one operation), and
// stops and closes its sessions on request. Replies to an earlier run or trace are dropped.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ExerciseKind, LabEvents, ReplayCharts, ReplayEnd, ReplayFrame } from '../../../electron/contract';
import { lab } from '../bridge';
import { zoomed as zoomedWindow, type Zoom } from '../compare/charts';
import { defaultSubjects, MAX_SUBJECTS, MIN_SUBJECTS, nextSubject, rowLabels, subjectRequest, type SubjectKind } from '../compare/subjects';
import { traceSpecOf } from '../router';
import { useWorkspaceStore } from './workspace';

type Progress = LabEvents['replayProgress'];

/** Chart points asked of the host for the final and zoomed charts. */
export const CHART_BUCKETS = 800;

/** One subject's replay: where it is, its charts so far, its end. */
export interface SubjectRun {
  replayId: string | null;
  phase: 'starting' | 'running' | 'done';
  done: number;
  total: number;
  charts: ReplayCharts | null;
  /** The charts of the zoom window (null: none asked, or the replay ended before it). */
  zoomCharts: ReplayCharts | null;
  end: ReplayEnd | null;
  /** It could not start (the host's message). */
  error: string | null;
  /** The session is still open on the host (frames and zooms can be asked). */
  open: boolean;
}

export interface CompareRow {
  key: number;
  kind: SubjectKind;
  run: SubjectRun | null;
}

/** The state of every row at the cursor: its frame, or why there is none. */
export interface CursorState {
  op: number;
  frames: { frame: ReplayFrame | null; error: string | null }[];
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const schedule = (fn: () => void): (() => void) => {
  if (typeof requestAnimationFrame === 'function') {
    const handle = requestAnimationFrame(fn);
    return () => cancelAnimationFrame(handle);
  }
  const handle = setTimeout(fn, 16);
  return () => clearTimeout(handle);
};

export const useCompareStore = defineStore('compare', () => {
  let nextKey = 1;
  const rows = shallowRef<CompareRow[]>(defaultSubjects().map((kind) => ({ key: nextKey++, kind, run: null })));
  const exercise = ref<string | null>(null);
  const trace = ref('');
  const traces = shallowRef<string[]>([]);
  /** The exercise's kind once loaded: an 'api' exercise has no malloc traces to replay. */
  const kind = ref<ExerciseKind | null>(null);
  const loadError = ref<string | null>(null);
  const zoom = shallowRef<Zoom | null>(null);
  const zoomError = ref<string | null>(null);
  const cursor = shallowRef<CursorState | null>(null);
  /** Counts runs and traces: a reply for an older one is dropped. */
  let generation = 0;
  let starting = 0;
  let stopAsked = false;
  let runQueued: string | null = null;
  const pending = new Map<string, Progress>();
  const earlyEnds = new Map<string, ReplayEnd>();
  let cancelFrame: (() => void) | null = null;
  let unsubscribe: (() => void)[] = [];

  const labels = computed(() => rowLabels(rows.value.map((r) => r.kind)));
  const running = computed(() => rows.value.some((r) => r.run !== null && r.run.phase !== 'done'));
  const canAdd = computed(() => !running.value && rows.value.length < MAX_SUBJECTS);
  const canRemove = computed(() => !running.value && rows.value.length > MIN_SUBJECTS);
  /** Operations of the trace (from the first replay that knows it), 0 before a run. */
  const total = computed(() => rows.value.find((r) => r.run && r.run.total > 0)?.run?.total ?? 0);

  /** Replaces the run of each row `match` picks by `change(run)` (a new rows array only then); false when none matched. */
  function update(match: (r: CompareRow) => boolean, change: (run: SubjectRun) => SubjectRun): boolean {
    let found = false;
    const next = rows.value.map((r) => {
      if (!r.run || !match(r)) return r;
      found = true;
      return { ...r, run: change(r.run) };
    });
    if (found) rows.value = next;
    return found;
  }
  const byId = (id: string) => (r: CompareRow) => r.run?.replayId === id;

  function listen(): void {
    if (unsubscribe.length) return;
    unsubscribe = [
      lab().on('replayProgress', (p) => {
        if (!rows.value.some(byId(p.replayId)) && starting === 0) return;
        pending.set(p.replayId, p);
        cancelFrame ??= schedule(flush);
      }),
      lab().on('replayDone', (end) => finish(end)),
    ];
  }

  /** Draws the newest progress of each session (called once per animation frame). */
  function flush(): void {
    cancelFrame = null;
    for (const [id, p] of pending) {
      const applied = update(byId(id), (run) => (run.phase === 'running' ? { ...run, done: p.done, total: p.total, charts: p.charts } : run));
      if (applied || starting === 0) pending.delete(id);
    }
  }

  /** Takes a replay's end: the row is done; its full charts are asked for. */
  function finish(end: ReplayEnd): void {
    pending.delete(end.replayId);
    const mine = generation;
    const known = update(byId(end.replayId), (run) => ({ ...run, phase: 'done', end, done: end.done }));
    if (!known) {
      if (starting > 0) earlyEnds.set(end.replayId, end);
      return;
    }
    if (end.done <= 0) return;
    lab().api.replayCharts(end.replayId, 0, end.done, CHART_BUCKETS).then((charts) => {
      if (mine === generation) update(byId(end.replayId), (run) => ({ ...run, charts }));
    }, () => { /* keep the last progress charts */ });
  }

  /** Closes every open session of the rows (stopping running ones first); keeps what they showed. */
  async function closeSessions(): Promise<void> {
    const ids = rows.value.flatMap((r) => (r.run?.replayId && r.run.open ? [r.run.replayId] : []));
    const live = rows.value.flatMap((r) => (r.run?.replayId && r.run.phase === 'running' ? [r.run.replayId] : []));
    rows.value = rows.value.map((r) => (r.run ? { ...r, run: { ...r.run, open: false } } : r));
    await Promise.all([
      ...live.map((id) => lab().api.replayStop(id).catch(() => false)),
      ...ids.map((id) => lab().api.replayClose(id).catch(() => false)),
    ]);
  }

  function clearResults(): void {
    generation++;
    pending.clear();
    earlyEnds.clear();
    zoom.value = null;
    zoomError.value = null;
    cursor.value = null;
    rows.value = rows.value.map((r) => ({ ...r, run: null }));
  }

  /**
   * Shows `exercise` with trace parameter `param`: a new pair forgets the last results (and closes
   * their sessions) and loads the exercise's traces; then runs when runWhenOpen asked for this trace.
   */
  async function open(id: string, param: string): Promise<void> {
    const queued = runQueued === param;
    if (queued) runQueued = null;
    if (exercise.value !== id || trace.value !== param || loadError.value) {
      const sameExercise = exercise.value === id && !loadError.value;
      await closeSessions();
      clearResults();
      exercise.value = id;
      trace.value = param;
      if (!sameExercise) await loadTraces(id);
    }
    if (queued) await run();
  }

  async function loadTraces(id: string): Promise<void> {
    traces.value = [];
    kind.value = null;
    loadError.value = null;
    const mine = generation;
    try {
      const detail = await lab().api.openExercise(id);
      if (mine !== generation) return;
      traces.value = detail.traces;
      kind.value = detail.kind;
    } catch (e) {
      if (mine === generation) loadError.value = message(e);
    }
  }

  /** Asks for a run as soon as open() shows trace `param` (the view then navigates to it). */
  function runWhenOpen(param: string): void {
    runQueued = param;
  }

  function setKind(key: number, kind: SubjectKind): void {
    if (running.value) return;
    rows.value = rows.value.map((r) => (r.key === key ? { key: r.key, kind, run: null } : r));
  }
  /** Replaces every row by `kinds` (a preset: 2 to 4 of them) while nothing runs; the last results are forgotten. */
  function setRows(kinds: readonly SubjectKind[]): void {
    if (running.value || kinds.length < MIN_SUBJECTS || kinds.length > MAX_SUBJECTS) return;
    rows.value = kinds.map((kind) => ({ key: nextKey++, kind, run: null }));
  }
  function addRow(): void {
    const kind = nextSubject(rows.value.map((r) => r.kind));
    if (canAdd.value && kind) rows.value = [...rows.value, { key: nextKey++, kind, run: null }];
  }
  function removeRow(key: number): void {
    if (canRemove.value) rows.value = rows.value.filter((r) => r.key !== key);
  }

  /** The student's saved code (the workspace's unsaved edits saved first when it has this exercise open). */
  async function savedSource(id: string): Promise<string> {
    const workspace = useWorkspaceStore();
    if (workspace.exercise?.id === id) await workspace.flush().catch(() => undefined);
    return (await lab().api.loadCode(id)).source;
  }

  /** Starts every row's replay of the trace at once; resolves when all have started (or failed to). */
  async function run(): Promise<void> {
    const id = exercise.value;
    if (!id || running.value) return;
    listen();
    await closeSessions();
    clearResults();
    const mine = generation;
    stopAsked = false;
    const fresh = (): SubjectRun => ({ replayId: null, phase: 'starting', done: 0, total: 0, charts: null, zoomCharts: null, end: null, error: null, open: false });
    rows.value = rows.value.map((r) => ({ ...r, run: fresh() }));
    const spec = traceSpecOf(trace.value);
    let source: string | null = null;
    let sourceError: string | null = null;
    if (rows.value.some((r) => r.kind === 'submission')) {
      try { source = await savedSource(id); } catch (e) { sourceError = `could not load your code: ${message(e)}`; }
      if (mine !== generation) return;
    }
    const starts = rows.value;
    starting += starts.length;
    await Promise.all(starts.map(async (row) => {
      try {
        if (row.kind === 'submission' && source === null) throw new Error(sourceError ?? 'no code');
        const info = await lab().api.replayStart({ exercise: id, trace: spec, subject: subjectRequest(row.kind, source ?? '') });
        if (mine !== generation) {
          void lab().api.replayClose(info.replayId).catch(() => false);
          return;
        }
        if (info.closed) update(byId(info.closed), (r) => ({ ...r, open: false }));
        update((r) => r.key === row.key, (r) => (r.phase === 'starting' ? { ...r, replayId: info.replayId, phase: 'running', total: info.total, open: true } : r));
        if (stopAsked) void lab().api.replayStop(info.replayId).catch(() => false);
        const early = earlyEnds.get(info.replayId);
        earlyEnds.delete(info.replayId);
        if (early) finish(early);
        else if (pending.has(info.replayId)) cancelFrame ??= schedule(flush);
      } catch (e) {
        if (mine === generation) update((r) => r.key === row.key, (r) => ({ ...r, phase: 'done', error: message(e) }));
      } finally {
        starting--;
      }
    }));
  }

  /** Stops every running replay (each ends with stopped: true); those still starting stop once started. */
  async function stop(): Promise<void> {
    if (!running.value) return;
    stopAsked = true;
    const ids = rows.value.flatMap((r) => (r.run?.replayId && r.run.phase === 'running' ? [r.run.replayId] : []));
    await Promise.all(ids.map((id) => lab().api.replayStop(id).catch(() => false)));
  }

  /** Asks every finished row's charts over [zoom.from, zoom.to) (null: back to the whole trace). */
  async function setZoom(next: Zoom | null): Promise<void> {
    zoom.value = next;
    zoomError.value = null;
    const mine = generation;
    if (!next) {
      rows.value = rows.value.map((r) => (r.run ? { ...r, run: { ...r.run, zoomCharts: null } } : r));
      return;
    }
    const results = await Promise.all(rows.value.map(async (r) => {
      const end = Math.min(next.to, r.run?.done ?? 0);
      if (!r.run?.replayId || !r.run.open || end <= next.from) return null;
      try {
        return await lab().api.replayCharts(r.run.replayId, next.from, end, CHART_BUCKETS);
      } catch (e) {
        zoomError.value = `Could not zoom (${labels.value[rows.value.indexOf(r)] ?? 'a subject'}): ${message(e)}`;
        return null;
      }
    }));
    if (mine !== generation || zoom.value !== next) return;
    rows.value = rows.value.map((r, k) => (r.run ? { ...r, run: { ...r.run, zoomCharts: results[k] ?? null } } : r));
  }

  /** Zooms in (factor < 1) or out (> 1) around the cursor. */
  function zoomBy(factor: number): Promise<void> {
    return setZoom(zoomedWindow(zoom.value, cursor.value?.op ?? null, factor, total.value));
  }

  /** Puts the cursor on operation `op` and asks every subject's state after it. */
  async function seek(op: number): Promise<void> {
    const mine = generation;
    const at = Math.max(0, Math.min(Math.round(op), Math.max(0, total.value - 1)));
    const state: CursorState = { op: at, frames: rows.value.map(() => ({ frame: null, error: null })) };
    cursor.value = state;
    const frames = await Promise.all(rows.value.map(async (r) => {
      if (!r.run?.replayId || !r.run.open) return { frame: null, error: r.run?.error ? 'did not run' : 'no replay' };
      if (at >= r.run.done) return { frame: null, error: `not replayed that far (${r.run.done.toLocaleString('en-US')} operations done)` };
      try {
        return { frame: await lab().api.replayFrame(r.run.replayId, at, { cells: 1 }), error: null };
      } catch (e) {
        return { frame: null, error: message(e) };
      }
    }));
    if (mine === generation && cursor.value === state) cursor.value = { op: at, frames };
  }

  /** Leaves the view: stops and closes the sessions (the results stay shown until the trace changes). */
  async function close(): Promise<void> {
    cancelFrame?.();
    cancelFrame = null;
    pending.clear();
    const wasRunning = running.value;
    const closing = closeSessions();
    if (wasRunning) {
      // Replies to the stopped run no longer matter: its unfinished rows end here, as stopped.
      generation++;
      rows.value = rows.value.map((r) => (r.run && r.run.phase !== 'done'
        ? { ...r, run: { ...r.run, phase: 'done', end: { replayId: r.run.replayId ?? '', ok: false, done: r.run.done, failure: null, metrics: null, error: 'stopped: you left the Compare view', stopped: true, ms: 0 } } }
        : r));
    }
    await closing;
  }

  return {
    rows, labels, exercise, trace, traces, kind, loadError, running, canAdd, canRemove, total, zoom, zoomError, cursor,
    open, runWhenOpen, setKind, setRows, addRow, removeRow, run, stop, setZoom, zoomBy, seek, close, flush,
  };
});
