// @vitest-environment happy-dom
// The replay store against a FakeLab whose replay methods the tests answer by hand: progress events
// coalesced to one application per animation frame, other replays' events ignored, early ones kept;
// the end (whole charts, the opening cursor, before a failure); latest-wins frames; seek, play at a
// speed waiting for each frame, follow live; zoom windows; hover lookups debounced; start and close.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watch } from 'vue';
import type { HeapWindow, LabApi, ReplayBlockInfo, ReplayEvents, ReplayFrame, ReplayInfo, ReplayStartRequest } from '../../../electron/contract';
import { CHART_BUCKETS, HOVER_MS, useReplayStore } from '../../../renderer/src/stores/replay';
import { FakeLab, installFakeLab, settle } from '../fakeLab';
import { charts, end, frame, info, manualFrames } from './fixtures';

interface FrameAsk { id: string; op: number; window: HeapWindow; answer(f?: ReplayFrame): void; fail(message: string): void }

/** A FakeLab whose replayStart answers `started`, whose frames wait for the test (or answer at once with `autoFrames`). */
function replayLab(started: ReplayInfo = info()) {
  const fake = new FakeLab();
  // The contract's view of the fake, so the replacements are typed as the LabApi's methods.
  const api: LabApi = fake;
  const starts: ReplayStartRequest[] = [];
  const asks: FrameAsk[] = [];
  const chartAsks: [string, number, number, number][] = [];
  const blocks: [string, number, number][] = [];
  const closed: string[] = [];
  const state = { autoFrames: false, block: null as ReplayBlockInfo | null };
  api.replayStart = async (request) => { starts.push(request); return started; };
  api.replayFrame = (id, op, window) => new Promise<ReplayFrame>((resolve, reject) => {
    if (state.autoFrames) return resolve(frame(op));
    asks.push({ id, op, window, answer: (f = frame(op)) => resolve(f), fail: (m) => reject(new Error(m)) });
  });
  api.replayCharts = async (id, from, to, buckets) => { chartAsks.push([id, from, to, buckets]); return charts(to - from); };
  api.replayBlock = async (id, op, address) => { blocks.push([id, op, address]); return state.block; };
  api.replayClose = async (id) => { closed.push(id); return true; };
  installFakeLab(fake);
  return { fake, api, starts, asks, chartAsks, blocks, closed, state };
}

const progress = (replayId: string, done: number, total = 1000): ReplayEvents['replayProgress'] =>
  ({ replayId, done, total, charts: charts(done), frame: frame(done - 1) });

let raf: ReturnType<typeof manualFrames>;
beforeEach(() => {
  raf = manualFrames();
  vi.stubGlobal('requestAnimationFrame', raf.schedule);
  vi.stubGlobal('cancelAnimationFrame', raf.cancel);
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** A store with a replay started (subject: the saved code) and, with `done`, finished after `done` operations. */
async function started(done?: number, wanted = 0) {
  const lab = replayLab();
  const store = useReplayStore();
  await store.start('07-malloc', { trace: 'peak' }, 'submission', 'best', wanted);
  if (done !== undefined) {
    lab.fake.emit('replayDone', end('replay-1-a', done));
    await settle();
  }
  return { ...lab, store };
}

describe('replay store: streaming', () => {
  it('applies a flood of progress events once per animation frame, the newest only', async () => {
    const { fake, store } = await started();
    let applied = 0;
    watch(() => store.charts, () => applied++, { flush: 'sync' });
    for (let done = 1; done <= 500; done++) fake.emit('replayProgress', progress('replay-1-a', done));
    expect(store.done).toBe(0);
    expect(raf.pending).toBe(1);
    raf.run();
    expect(applied).toBe(1);
    expect(store.done).toBe(500);
    expect(store.charts?.to).toBe(500);
    expect(store.frame?.op).toBe(499);
    expect(store.cursor).toBe(499);
    raf.run();
    expect(applied).toBe(1);
    fake.emit('replayProgress', progress('replay-1-a', 600));
    fake.emit('replayProgress', progress('replay-1-a', 700));
    raf.run();
    expect(applied).toBe(2);
    expect(store.done).toBe(700);
  });

  it('ignores the events of other replays', async () => {
    const { fake, store } = await started();
    fake.emit('replayProgress', progress('replay-9-z', 50));
    fake.emit('replayDone', end('replay-9-z', 50));
    raf.run();
    expect(store.done).toBe(0);
    expect(store.status).toBe('running');
  });

  it('keeps the events that come before replayStart answers', async () => {
    const lab = replayLab();
    let answer: (i: ReplayInfo) => void = () => {};
    lab.api.replayStart = (request) => { lab.starts.push(request); return new Promise((resolve) => { answer = resolve; }); };
    const store = useReplayStore();
    const starting = store.start('07-malloc', { trace: 'peak' }, 'reference', 'best', 0);
    await settle();
    expect(store.status).toBe('starting');
    lab.fake.emit('replayProgress', progress('replay-1-a', 40));
    answer(info());
    await starting;
    raf.run();
    expect(store.done).toBe(40);
    expect(store.status).toBe('running');
  });

  it('stops following when the user moves the cursor, and follows again on request', async () => {
    const { fake, store, asks } = await started();
    fake.emit('replayProgress', progress('replay-1-a', 100));
    raf.run();
    store.seek(500);
    expect(store.cursor).toBe(99);
    expect(store.following).toBe(false);
    expect(asks.map((a) => a.op)).toEqual([99]);
    asks[0]!.answer();
    await settle();
    fake.emit('replayProgress', progress('replay-1-a', 200));
    raf.run();
    expect(store.done).toBe(200);
    expect(store.cursor).toBe(99);
    expect(store.frame?.op).toBe(99);
    store.goLive();
    expect(store.following).toBe(true);
    fake.emit('replayProgress', progress('replay-1-a', 300));
    raf.run();
    expect(store.frame?.op).toBe(299);
  });
});

describe('replay store: the end', () => {
  it('flushes the last progress, loads the whole charts and opens at the wanted operation', async () => {
    const { fake, store, asks, chartAsks } = await started(undefined, 250);
    fake.emit('replayProgress', progress('replay-1-a', 900));
    fake.emit('replayDone', end('replay-1-a', 1000));
    await settle();
    expect(store.status).toBe('done');
    expect(store.done).toBe(1000);
    expect(chartAsks).toEqual([['replay-1-a', 0, 1000, CHART_BUCKETS]]);
    expect(store.charts?.to).toBe(1000);
    expect(store.cursor).toBe(250);
    expect(asks.map((a) => a.op)).toEqual([250]);
    asks[0]!.answer();
    await settle();
    expect(store.frame?.op).toBe(250);
  });

  it('opens at the last state before a failure and jumps back to it', async () => {
    const { fake, store, asks } = await started(undefined, 12);
    fake.emit('replayDone', end('replay-1-a', 12, { ok: false, failure: { op: 12, where: 'x.ts:3', operation: 'a 3 24', kind: 'overlap', reason: 'r' } }));
    await settle();
    expect(store.cursor).toBe(11);
    expect(store.lastOp).toBe(11);
    store.seek(2);
    store.jumpToFailure();
    expect(store.cursor).toBe(11);
    expect(asks.map((a) => a.op)).toEqual([11, 2, 11]);
  });
});

describe('replay store: time travel', () => {
  it('shows only the newest frame asked for, whatever order the answers come in', async () => {
    const { store, asks } = await started(1000);
    const shown: number[] = [];
    watch(() => store.frame, (f) => { if (f) shown.push(f.op); }, { flush: 'sync' });
    store.seek(5);
    store.seek(9);
    const ask = (op: number) => asks.find((a) => a.op === op)!;
    ask(9).answer();
    await settle();
    ask(5).answer();
    await settle();
    expect(shown).toEqual([9]);
    // In order: the older answer is superseded too.
    store.seek(20);
    store.seek(30);
    ask(20).answer();
    await settle();
    ask(30).answer();
    await settle();
    expect(shown).toEqual([9, 30]);
    expect(store.frame?.op).toBe(30);
  });

  it('reports a failed fetch of the newest request only', async () => {
    const { store, asks } = await started(1000);
    store.seek(5);
    store.seek(6);
    asks.find((a) => a.op === 5)!.fail('old');
    await settle();
    expect(store.frameError).toBeNull();
    asks.find((a) => a.op === 6)!.fail('operation 6 is not replayed yet');
    await settle();
    expect(store.frameError).toBe('Could not load operation 6: operation 6 is not replayed yet');
  });

  it('clamps seeks and steps to the operations done', async () => {
    const { store } = await started(100);
    store.seek(-50);
    expect(store.cursor).toBe(0);
    store.seek(1e9);
    expect(store.cursor).toBe(99);
    store.step(-10);
    expect(store.cursor).toBe(89);
    store.step(1000);
    expect(store.cursor).toBe(99);
  });

  it('plays at the chosen speed, waits for each frame, and stops at the end', async () => {
    const { store, asks, state } = await started(1000);
    asks.splice(0).forEach((a) => a.answer());
    await settle();
    store.seek(0);
    asks.splice(0).forEach((a) => a.answer());
    await settle();
    store.speed = 60;
    store.play();
    expect(store.playing).toBe(true);
    let t = 0;
    raf.run(t); // the first frame only starts the clock
    for (let i = 0; i < 3; i++) {
      raf.run((t += 1000 / 60));
      expect(asks.length).toBe(1);
      asks.splice(0).forEach((a) => a.answer());
      await settle();
    }
    expect(store.cursor).toBe(3);
    // A frame still in flight: no step until it comes.
    raf.run((t += 1000 / 60));
    expect(store.cursor).toBe(4);
    raf.run((t += 1000 / 60));
    raf.run((t += 1000 / 60));
    expect(store.cursor).toBe(4);
    asks.splice(0).forEach((a) => a.answer());
    await settle();
    // Faster: 6000 ops/s is 100 operations a frame.
    state.autoFrames = true;
    store.speed = 6000;
    raf.run((t += 1000 / 60));
    expect(store.cursor).toBe(104);
    store.pause();
    raf.run((t += 1000 / 60));
    expect(store.cursor).toBe(104);
    expect(raf.pending).toBe(0);
    // To the end, then it stops by itself.
    store.seek(990);
    await settle();
    store.play();
    raf.run((t += 1000));
    raf.run((t += 1000 / 60));
    await settle();
    raf.run((t += 1000 / 60));
    expect(store.cursor).toBe(999);
    expect(store.playing).toBe(false);
  });

  it('zooms by fetching the state shown in a byte window', async () => {
    const { store, asks } = await started(1000);
    store.setCapacity(100);
    asks.splice(0);
    store.setView({ from: 0xb0001000, to: 0xb0001000 + 1000 });
    expect(asks.map((a) => [a.op, a.window])).toEqual([[0, { from: 0xb0001000, to: 0xb0001000 + 1000, cells: 100 }]]);
    store.setView(null);
    expect(asks[1]!.window).toEqual({ cells: 100 });
  });

  it('zooms the charts around the cursor, then back to the whole run', async () => {
    const { store, chartAsks } = await started(1000);
    store.seek(100);
    store.zoomCharts(1000);
    expect(store.chartRange).toBeNull();
    store.zoomCharts(100);
    expect(store.chartRange).toEqual({ from: 50, to: 150 });
    store.seek(990);
    store.zoomCharts(100);
    expect(store.chartRange).toEqual({ from: 900, to: 1000 });
    await settle();
    expect(chartAsks.slice(1)).toEqual([
      ['replay-1-a', 0, 1000, CHART_BUCKETS], ['replay-1-a', 50, 150, CHART_BUCKETS], ['replay-1-a', 900, 1000, CHART_BUCKETS],
    ]);
    store.zoomCharts(null);
    expect(store.chartRange).toBeNull();
  });

  it('keeps zoomed charts while the replay runs, and loads the range at the end', async () => {
    const { fake, store, chartAsks } = await started();
    fake.emit('replayProgress', progress('replay-1-a', 500));
    raf.run();
    store.seek(300);
    store.zoomCharts(100);
    await settle();
    expect(store.charts?.to).toBe(100);
    fake.emit('replayProgress', progress('replay-1-a', 800));
    raf.run();
    expect(store.done).toBe(800);
    expect(store.charts?.to).toBe(100);
    fake.emit('replayDone', end('replay-1-a', 1000));
    await settle();
    expect(chartAsks[chartAsks.length - 1]).toEqual(['replay-1-a', 250, 350, CHART_BUCKETS]);
  });

  it('looks up what is under the pointer after a pause, the newest address only', async () => {
    const { store, asks, blocks, state } = await started(1000);
    asks.splice(0).forEach((a) => a.answer());
    await settle();
    vi.useFakeTimers();
    state.block = { kind: 'payload', address: 0xb0001010, size: 24, id: 3, allocatedAt: 7 };
    store.hoverAt(0xb0001000);
    store.hoverAt(0xb0001014);
    vi.advanceTimersByTime(HOVER_MS - 1);
    expect(blocks).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(blocks).toEqual([['replay-1-a', 0, 0xb0001014]]);
    await settle();
    expect(store.hover).toEqual({ address: 0xb0001014, block: state.block });
    store.hoverAt(null);
    expect(store.hover).toBeNull();
  });
});

describe('replay store: sessions', () => {
  it('sends the saved code for "your code" and the fit for the engine allocator', async () => {
    const { fake, starts, store } = await started();
    fake.files.set('07-malloc', 'export default class Mine {}');
    await store.start('07-malloc', { generator: 'randomSizes', options: { ops: 10 } }, 'submission', 'first', 0);
    await store.start('07-malloc', { trace: 'peak' }, 'engine', 'next', 0);
    expect(starts.slice(1)).toEqual([
      { exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: 10 } }, subject: { code: 'submission', source: 'export default class Mine {}' } },
      { exercise: '07-malloc', trace: { trace: 'peak' }, subject: { code: 'engine', config: { fit: 'next' } } },
    ]);
  });

  it('closes the previous session on a new start and on leaving', async () => {
    const { closed, store } = await started();
    await store.start('07-malloc', { trace: 'peak' }, 'reference', 'best', 0);
    expect(closed).toEqual(['replay-1-a']);
    await store.dispose();
    expect(closed).toEqual(['replay-1-a', 'replay-1-a']);
    expect(store.info).toBeNull();
    expect(store.status).toBe('idle');
  });

  it('follows a new start made while the previous Timeline is still closing', async () => {
    const { fake, api, store } = await started();
    api.replayStart = async () => info('replay-2-b');
    const leaving = store.dispose();
    const next = store.start('07-malloc', { trace: 'peak' }, 'reference', 'best', 0);
    await Promise.all([leaving, next]);
    fake.emit('replayProgress', progress('replay-2-b', 30));
    raf.run();
    expect(store.info?.replayId).toBe('replay-2-b');
    expect(store.done).toBe(30);
    fake.emit('replayDone', end('replay-2-b', 30));
    await settle();
    expect(store.status).toBe('done');
  });

  it('keeps the host\'s reason when a replay cannot start', async () => {
    const { api, store } = await started();
    api.replayStart = async () => { throw new Error('trace.generator must be a generator name'); };
    await store.start('07-malloc', { generator: '9bad', options: {} }, 'reference', 'best', 0);
    expect(store.status).toBe('idle');
    expect(store.startError).toBe('trace.generator must be a generator name');
  });

  it('stops a running replay in the host', async () => {
    const { fake, store } = await started();
    const stops: string[] = [];
    fake.replayStop = async (id) => { stops.push(id); return true; };
    await store.stop();
    expect(stops).toEqual(['replay-1-a']);
  });
});
