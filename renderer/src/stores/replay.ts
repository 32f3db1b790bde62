// Replay store: the Timeline's one replay session. It starts a replay in the host, follows its
// replayProgress events (coalesced: only the newest is applied, once per animation frame) and its
// replayDone, and then travels in time: a cursor (the operation whose state is shown), play at a
// speed, step, seek. Frame fetches are latest-wins (an answer is used only if no newer request was
// made), the heap map's zoom is a byte window, and hover lookups are debounced and latest-wins.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ExerciseDetail, ReplayBlockInfo, ReplayCharts, ReplayEnd, ReplayEvents, ReplayFrame, ReplayInfo, ReplayTraceSpec } from '../../../electron/contract';
import { lab } from '../bridge';
import { windowRequest, type ByteRange } from '../replay/heapGrid';
import { advance, coalescer, initialCursor, latestGate, maxStepFor, opsPerSecond } from '../replay/schedule';
import { subjectOf, type Fit, type SubjectChoice } from '../replay/subject';

export type ReplayStatus = 'idle' | 'starting' | 'running' | 'done';
type Progress = ReplayEvents['replayProgress'];

/** Points per chart series asked for once a replay is done. */
export const CHART_BUCKETS = 1000;
export const HOVER_MS = 60;
export const speeds = [10, 30, 100, 300, 1000, 3000, 10_000, 100_000];

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const schedule = (fn: (t: number) => void) => requestAnimationFrame(fn);
const cancelFrame = (handle: number) => cancelAnimationFrame(handle);

export const useReplayStore = defineStore('replay', () => {
  const exercise = shallowRef<ExerciseDetail | null>(null);
  const exerciseError = ref<string | null>(null);
  const info = shallowRef<ReplayInfo | null>(null);
  const status = ref<ReplayStatus>('idle');
  const startError = ref<string | null>(null);
  const done = ref(0);
  const total = ref(0);
  /** Operations a second since the start (while running). */
  const rate = ref(0);
  const charts = shallowRef<ReplayCharts | null>(null);
  /** The frame on screen, and why the last fetch failed. */
  const frame = shallowRef<ReplayFrame | null>(null);
  const frameError = ref<string | null>(null);
  const end = shallowRef<ReplayEnd | null>(null);
  /** The operation whose state is wanted (-1: before the first). */
  const cursor = ref(-1);
  /** While running: show the newest operation as it comes. */
  const following = ref(true);
  const playing = ref(false);
  const speed = ref(100);
  /** The heap map's zoom (null: the whole heap), the whole heap as last seen, and the map's cell capacity. */
  const view = shallowRef<ByteRange | null>(null);
  const full = shallowRef<ByteRange | null>(null);
  const capacity = ref(4096);
  /** The charts' operations when zoomed (null: the whole run). */
  const chartRange = shallowRef<{ from: number; to: number } | null>(null);
  /** What is under the heap map's pointer or cell cursor. */
  const hover = shallowRef<{ address: number; block: ReplayBlockInfo | null } | null>(null);

  const failure = computed(() => end.value?.failure ?? null);
  const lastOp = computed(() => done.value - 1);
  const firstOp = computed(() => (done.value > 0 ? 0 : -1));

  const frames = latestGate();
  const hovers = latestGate();
  const chartAsks = latestGate();
  let hoverTimer: ReturnType<typeof setTimeout> | null = null;
  let startedAt = 0;
  let starting = 0;
  let listening = false;
  /** Events of a replay whose replayStart has not answered yet (its id unknown until then). */
  let early: Array<['progress', Progress] | ['done', ReplayEnd]> = [];
  let playHandle: number | null = null;
  let lastTick: number | null = null;
  let carry = 0;
  let wantedOp = 0;
  /** Frame requests not answered yet (playback waits for them, so it never outruns the host). */
  let fetching = 0;

  const progress = coalescer<Progress>(applyProgress, schedule, cancelFrame);

  /** Follows the host's replay events (once for the app's life). */
  function listen(): void {
    if (listening) return;
    listening = true;
    lab().on('replayProgress', (p) => {
      if (info.value?.replayId === p.replayId) progress.push(p);
      else if (status.value === 'starting') early.push(['progress', p]);
    });
    lab().on('replayDone', (e) => {
      if (info.value?.replayId === e.replayId) finish(e);
      else if (status.value === 'starting') early.push(['done', e]);
    });
  }

  /** Loads the exercise (its kind decides the subjects offered); keeps `exerciseError` on failure. */
  async function open(id: string): Promise<void> {
    if (exercise.value?.id === id) return;
    exerciseError.value = null;
    try {
      exercise.value = await lab().api.openExercise(id);
    } catch (e) {
      exercise.value = null;
      exerciseError.value = message(e);
    }
  }

  /** Starts a replay of `trace` on exercise `id` with a subject (closing the previous session); `wanted` is the operation to open at once done. */
  async function start(id: string, trace: ReplayTraceSpec, choice: SubjectChoice, fit: Fit, wanted: number): Promise<void> {
    listen();
    await close();
    const mine = ++starting;
    status.value = 'starting';
    startError.value = null;
    wantedOp = wanted;
    early = [];
    try {
      const source = choice === 'submission' ? (await lab().api.loadCode(id)).source : '';
      const started = await lab().api.replayStart({ exercise: id, trace, subject: subjectOf(choice, fit, source) });
      if (mine !== starting) {
        void lab().api.replayClose(started.replayId).catch(() => {});
        return;
      }
      info.value = started;
      total.value = started.total;
      status.value = 'running';
      startedAt = now();
      const mineEarly = early.filter(([, data]) => data.replayId === started.replayId);
      early = [];
      for (const [kind, data] of mineEarly) {
        if (kind === 'progress') progress.push(data as Progress);
        else finish(data as ReplayEnd);
      }
    } catch (e) {
      if (mine !== starting) return;
      status.value = 'idle';
      startError.value = message(e);
    }
  }

  /** Applies one progress event: counts and charts; while following, the newest state. */
  function applyProgress(p: Progress): void {
    if (info.value?.replayId !== p.replayId || status.value !== 'running') return;
    done.value = p.done;
    total.value = p.total;
    if (!chartRange.value) charts.value = p.charts;
    rate.value = opsPerSecond(p.done, now() - startedAt);
    if (!following.value) return;
    cursor.value = p.done - 1;
    if (view.value) {
      requestFrame(cursor.value);
    } else {
      frames.next();
      show(p.frame);
    }
  }

  /** The replay ended: the last progress first, then the whole charts and the wanted operation's state. */
  function finish(e: ReplayEnd): void {
    if (info.value?.replayId !== e.replayId) return;
    progress.flush();
    end.value = e;
    done.value = e.done;
    status.value = 'done';
    following.value = false;
    rate.value = opsPerSecond(e.done, e.ms);
    const range = chartRange.value;
    void loadCharts(range ? Math.min(range.from, e.done) : 0, range ? Math.min(range.to, e.done) : e.done);
    seek(initialCursor(wantedOp, e.done, e.failure?.op ?? null));
  }

  /** Fetches the series over operations [from, to) (the newest request wins). */
  async function loadCharts(from: number, to: number): Promise<void> {
    const id = info.value?.replayId;
    if (!id || to <= from) return;
    const ticket = chartAsks.next();
    try {
      const c = await lab().api.replayCharts(id, from, to, CHART_BUCKETS);
      if (info.value?.replayId === id && chartAsks.isLatest(ticket)) charts.value = c;
    } catch (err) {
      if (info.value?.replayId === id) frameError.value = `Could not load the charts: ${message(err)}`;
    }
  }

  function show(f: ReplayFrame): void {
    frame.value = f;
    frameError.value = null;
    if (!view.value) full.value = { from: f.heap.from, to: Math.max(f.heap.to, full.value?.to ?? 0) };
  }

  /** Asks for the state after `op` in the current window; only the newest request's answer is shown. */
  function requestFrame(op: number): void {
    const id = info.value?.replayId;
    if (!id) return;
    const ticket = frames.next();
    fetching++;
    lab().api.replayFrame(id, op, windowRequest(view.value, capacity.value)).then(
      (f) => { if (frames.isLatest(ticket) && info.value?.replayId === id) show(f); },
      (err) => { if (frames.isLatest(ticket) && info.value?.replayId === id) frameError.value = `Could not load operation ${op}: ${message(err)}`; },
    ).finally(() => { fetching--; });
  }

  /** Moves the cursor to `op` (clamped to the states there are) and fetches that state; stops following the live end. */
  function seek(op: number): void {
    if (!info.value) return;
    const target = Math.max(firstOp.value, Math.min(lastOp.value, Math.round(op)));
    if (status.value === 'running') following.value = false;
    cursor.value = target;
    requestFrame(target);
  }

  const step = (by: number) => seek(cursor.value + by);
  /** Shows the last state before the failing operation. */
  const jumpToFailure = () => { if (failure.value) { pause(); seek(failure.value.op - 1); } };
  /** Back to showing the newest operation while the replay runs. */
  function goLive(): void {
    pause();
    following.value = true;
    if (status.value === 'running') { cursor.value = lastOp.value; requestFrame(lastOp.value); }
  }

  function tick(time: number): void {
    playHandle = null;
    if (!playing.value) return;
    const dt = lastTick === null ? 0 : time - lastTick;
    lastTick = time;
    if (fetching === 0) {
      const next = advance(carry, speed.value, dt, maxStepFor(speed.value));
      carry = next.carry;
      if (next.step > 0) seek(cursor.value + next.step);
      if (cursor.value >= lastOp.value) { pause(); return; }
    }
    playHandle = schedule(tick);
  }

  /** Plays from the cursor (from the start when at the end) at `speed` operations a second. */
  function play(): void {
    if (playing.value || done.value <= 0) return;
    following.value = false;
    if (cursor.value >= lastOp.value) seek(firstOp.value);
    playing.value = true;
    lastTick = null;
    carry = 0;
    playHandle = schedule(tick);
  }

  function pause(): void {
    playing.value = false;
    if (playHandle !== null) cancelFrame(playHandle);
    playHandle = null;
  }

  const toggle = () => (playing.value ? pause() : play());

  /** Zooms the heap map to `range` (null: the whole heap) and refetches the state shown. */
  function setView(range: ByteRange | null): void {
    view.value = range;
    if (info.value && (status.value === 'done' || !following.value)) requestFrame(cursor.value);
    else if (info.value && range) requestFrame(Math.max(-1, lastOp.value));
  }

  /** The heap map's cells (from its size); refetches when it changed and a replay is done. */
  function setCapacity(cells: number): void {
    if (cells === capacity.value) return;
    capacity.value = cells;
    if (info.value && status.value === 'done') requestFrame(cursor.value);
  }

  /** Looks up what is at `address` in the state shown, after HOVER_MS without a newer address (null: clears). */
  function hoverAt(address: number | null): void {
    if (hoverTimer !== null) clearTimeout(hoverTimer);
    hoverTimer = null;
    const ticket = hovers.next();
    if (address === null) { hover.value = null; return; }
    const id = info.value?.replayId;
    const op = frame.value?.op;
    if (!id || op === undefined) return;
    hoverTimer = setTimeout(() => {
      hoverTimer = null;
      lab().api.replayBlock(id, op, address).then(
        (block) => { if (hovers.isLatest(ticket)) hover.value = { address, block }; },
        () => { if (hovers.isLatest(ticket)) hover.value = { address, block: null }; },
      );
    }, HOVER_MS);
  }

  /**
   * Zooms the charts to `width` operations around the cursor (null or at least all done: the whole
   * run). While the replay runs, a zoomed chart stays as fetched instead of following the progress.
   */
  function zoomCharts(width: number | null): void {
    const all = done.value;
    if (width === null || width >= all) {
      chartRange.value = null;
      void loadCharts(0, all);
      return;
    }
    const from = Math.max(0, Math.min(all - width, Math.round(cursor.value - width / 2)));
    chartRange.value = { from, to: from + width };
    void loadCharts(from, from + width);
  }

  /** Stops the running replay (it ends with a replayDone, stopped). */
  async function stop(): Promise<void> {
    const id = info.value?.replayId;
    if (id && status.value === 'running') await lab().api.replayStop(id).catch(() => false);
  }

  /** Forgets the session: stops and closes it in the host, clears the state (not the exercise). */
  async function close(): Promise<void> {
    pause();
    progress.cancel();
    hoverAt(null);
    const id = info.value?.replayId;
    info.value = null;
    status.value = 'idle';
    done.value = 0;
    total.value = 0;
    rate.value = 0;
    charts.value = null;
    chartRange.value = null;
    frame.value = null;
    frameError.value = null;
    end.value = null;
    cursor.value = -1;
    following.value = true;
    view.value = null;
    full.value = null;
    frames.next();
    if (id) await lab().api.replayClose(id).catch(() => false);
  }

  /**
   * Leaves the Timeline: drops a start still under way and closes the session. The event listeners
   * stay (events are matched by replay id): a Timeline opened while this one closes starts at once.
   */
  async function dispose(): Promise<void> {
    starting++;
    await close();
  }

  return {
    exercise, exerciseError, info, status, startError, done, total, rate, charts, frame, frameError, end, cursor, following,
    playing, speed, view, full, capacity, hover, chartRange, failure, lastOp, firstOp,
    open, start, stop, close, dispose, seek, step, jumpToFailure, goLive, play, pause, toggle, setView, setCapacity, hoverAt, zoomCharts,
  };
});
