// Api timeline store: the Timeline of an api exercise (01 to 06). It runs one scenario on the
// student's saved code in the host (every call at once), then moves a cursor over the calls (-1:
// before the first) and fetches the engine's state after the call under it (latest request wins).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ApiTimelineFrame, ApiTimelineInfo } from '../../../electron/contract';
import { lab } from '../bridge';
import { latestGate } from '../replay/schedule';

export type ApiTimelineStatus = 'idle' | 'running' | 'done';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const useApiTimelineStore = defineStore('apiTimeline', () => {
  const info = shallowRef<ApiTimelineInfo | null>(null);
  const status = ref<ApiTimelineStatus>('idle');
  const startError = ref<string | null>(null);
  /** The call whose state is shown (-1: before the first call). */
  const cursor = ref(-1);
  const frame = shallowRef<ApiTimelineFrame | null>(null);
  const frameError = ref<string | null>(null);

  const lastCall = computed(() => (info.value?.calls.length ?? 0) - 1);
  const firstDifference = computed(() => info.value?.firstDifference ?? null);
  const frames = latestGate();
  let starting = 0;

  /** Runs `scenario` of exercise `id` on the saved code and shows call `wanted` (clamped; the first difference when it is beyond). */
  async function start(id: string, scenario: string, wanted: number): Promise<void> {
    await close();
    const mine = ++starting;
    status.value = 'running';
    startError.value = null;
    try {
      const { source } = await lab().api.loadCode(id);
      const started = await lab().api.apiTimelineStart({ exercise: id, scenario, source });
      if (mine !== starting) {
        void lab().api.apiTimelineClose(started.timelineId).catch(() => false);
        return;
      }
      info.value = started;
      status.value = 'done';
      seek(Math.min(wanted, lastCall.value));
    } catch (e) {
      if (mine !== starting) return;
      status.value = 'idle';
      startError.value = message(e);
    }
  }

  /** Moves the cursor to `call` (clamped to -1 .. last) and fetches the engine's state after it. */
  function seek(call: number): void {
    const id = info.value?.timelineId;
    if (!id) return;
    const target = Math.max(-1, Math.min(lastCall.value, Math.round(call)));
    cursor.value = target;
    const ticket = frames.next();
    lab().api.apiTimelineFrame(id, target).then(
      (f) => { if (frames.isLatest(ticket) && info.value?.timelineId === id) { frame.value = f; frameError.value = null; } },
      (err) => { if (frames.isLatest(ticket) && info.value?.timelineId === id) frameError.value = `Could not load the state after call ${target + 1}: ${message(err)}`; },
    );
  }

  const step = (by: number) => seek(cursor.value + by);
  const first = () => seek(-1);
  const last = () => seek(lastCall.value);
  /** Shows the first call whose answer (or heap) differs from FreeNOS's. */
  const jumpToDifference = () => { if (firstDifference.value !== null) seek(firstDifference.value); };

  /** Forgets the timeline (closing it in the host). */
  async function close(): Promise<void> {
    const id = info.value?.timelineId;
    info.value = null;
    status.value = 'idle';
    cursor.value = -1;
    frame.value = null;
    frameError.value = null;
    frames.next();
    if (id) await lab().api.apiTimelineClose(id).catch(() => false);
  }

  /** Leaves the Timeline: drops a start still under way and closes the timeline. */
  async function dispose(): Promise<void> {
    starting++;
    await close();
  }

  return { info, status, startError, cursor, frame, frameError, lastCall, firstDifference, start, seek, step, first, last, jumpToDifference, close, dispose };
});
