// @vitest-environment happy-dom
// The compare store against a FakeLab whose replay methods are replaced: Run starts every subject
// at once (the saved code for 'your code'), progress events are drawn once per animation frame
// (the newest per session), an end brings the full charts, a start that fails marks its row only,
// an end that outruns its start is kept, Stop and leaving stop and close the sessions, a new trace
// drops the old run's replies, rows stay between 2 and 4, and the cursor and zoom ask the host.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabApi, ReplayCharts, ReplayEnd, ReplayFrame, ReplayInfo, ReplayStartRequest } from '../../../electron/contract';
import { CHART_BUCKETS, useCompareStore } from '../../../renderer/src/stores/compare';
import { FakeLab, installFakeLab, settle } from '../fakeLab';

function charts(from: number, to: number): ReplayCharts {
  const s = () => ({ x: [from], min: [0], max: [to], last: [to] });
  return { from, to, series: { payload: s(), heap: s(), holes: s(), largestHole: s(), external: s(), rss: s(), work: s() } };
}
function end(replayId: string, extra: Partial<ReplayEnd> = {}): ReplayEnd {
  return {
    replayId, ok: true, done: 100, failure: null, error: null, stopped: false, ms: 3,
    metrics: { operations: 100, utilization: 0.8, peakPayload: 8, heapHighWater: 10, holes: 1, largestHole: 2, external: 0, meanExternal: 0, rss: 0, work: 10, workPerOp: 0.1 },
    ...extra,
  };
}
function frame(op: number): ReplayFrame {
  return { op, operation: `op ${op}`, line: 0, payload: 10, heapSize: 20, blocks: 1, holes: 1, largestHole: 4, external: 0.5, heap: { from: 0, to: 0, bytesPerCell: 1, cells: '', fill: '' } };
}

/** A FakeLab whose replays start at once as replay-<n>-a (100 operations), their requests recorded. */
function replayLab() {
  const fake = new FakeLab();
  /** The fake as the API type: its replay methods replaced with ones that take arguments. */
  const api: LabApi = fake;
  fake.files.set('07-malloc', 'my saved code');
  const starts: ReplayStartRequest[] = [];
  const failing = new Set<string>();
  api.replayStart = async (request) => {
    starts.push(request);
    const label = request.subject.code === 'engine' ? `engine (${String(request.subject.config.fit)} fit)` : request.subject.code;
    if (failing.has(label)) throw new Error(`${label}: cannot start`);
    const info: ReplayInfo = { replayId: `replay-${starts.length}-a`, exercise: request.exercise, trace: 'peak', total: 100, label, heapBase: 0, layout: false, closed: null };
    return info;
  };
  api.replayCharts = async (id, from, to) => { fake.calls.push(['replayCharts', [id, from, to]]); return charts(from, to); };
  api.replayFrame = async (id, op) => { fake.calls.push(['replayFrame', [id, op]]); return frame(op); };
  fake.replayStop = async (id) => { fake.calls.push(['replayStop', [id]]); return true; };
  fake.replayClose = async (id) => { fake.calls.push(['replayClose', [id]]); return true; };
  return { fake, api, starts, failing };
}

const progress = (replayId: string, done: number) => ({ replayId, done, total: 100, charts: charts(0, done), frame: frame(done - 1) });

/** A store on 07-malloc's peak trace whose three default rows have started (replay-1-a .. replay-3-a). */
async function running3() {
  const { fake } = replayLab();
  installFakeLab(fake);
  const store = useCompareStore();
  await store.open('07-malloc', 'peak');
  await store.run();
  return { fake, store };
}

describe('compare store', () => {
  let frames: FrameRequestCallback[];
  beforeEach(() => {
    setActivePinia(createPinia());
    frames = [];
    vi.stubGlobal('requestAnimationFrame', (fn: FrameRequestCallback) => frames.push(fn));
    vi.stubGlobal('cancelAnimationFrame', () => {});
  });
  afterEach(() => vi.unstubAllGlobals());
  const nextFrame = () => frames.splice(0).forEach((fn) => fn(0));

  it('starts every subject at once with the saved code, and draws progress once per frame', async () => {
    const { fake, starts } = replayLab();
    installFakeLab(fake);
    const store = useCompareStore();
    await store.open('07-malloc', 'gen:randomSizes:ops=100,seed=3');
    expect(fake.callsOf('openExercise')).toEqual([['07-malloc']]);
    await store.run();
    expect(starts).toEqual([
      { exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: 100, seed: 3 } }, subject: { code: 'submission', source: 'my saved code' } },
      { exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: 100, seed: 3 } }, subject: { code: 'reference' } },
      { exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: 100, seed: 3 } }, subject: { code: 'engine', config: { fit: 'first' } } },
    ]);
    expect(store.running).toBe(true);
    expect(store.rows.map((r) => r.run?.replayId)).toEqual(['replay-1-a', 'replay-2-a', 'replay-3-a']);

    fake.emit('replayProgress', progress('replay-1-a', 10));
    fake.emit('replayProgress', progress('replay-1-a', 20));
    fake.emit('replayProgress', progress('replay-2-a', 5));
    fake.emit('replayProgress', progress('replay-99-z', 50)); // another view's replay
    expect(frames).toHaveLength(1);
    expect(store.rows[0]!.run!.done).toBe(0);
    nextFrame();
    expect(store.rows.map((r) => r.run!.done)).toEqual([20, 5, 0]);
    expect(store.rows[0]!.run!.charts?.to).toBe(20);
    expect(store.total).toBe(100);

    fake.emit('replayProgress', progress('replay-1-a', 30));
    expect(frames).toHaveLength(1);
  });

  it('takes each end with its full charts, and is done when every row is', async () => {
    const { fake, store } = await running3();
    fake.emit('replayProgress', progress('replay-1-a', 40));
    fake.emit('replayDone', end('replay-1-a'));
    nextFrame(); // the progress that came before the end is not drawn over it
    await settle();
    expect(store.rows[0]!.run).toMatchObject({ phase: 'done', done: 100, charts: { from: 0, to: 100 } });
    expect(fake.callsOf('replayCharts')).toEqual([['replay-1-a', 0, 100]]);
    expect(store.running).toBe(true);
    fake.emit('replayDone', end('replay-2-a', { ok: false, done: 7, failure: { op: 7, where: 'peak.trace:9', operation: 'a 3 16', kind: 'overlap', reason: 'x' } }));
    fake.emit('replayDone', end('replay-3-a', { done: 0, error: 'boom', metrics: null, ok: false }));
    await settle();
    expect(store.running).toBe(false);
    expect(fake.callsOf('replayCharts')).toEqual([['replay-1-a', 0, 100], ['replay-2-a', 0, 7]]);
    expect(CHART_BUCKETS).toBeGreaterThan(100);
  });

  it('shows a start that fails in its row only, and keeps an end that came before its start answered', async () => {
    const { fake, api, failing } = replayLab();
    failing.add('reference');
    installFakeLab(fake);
    const real = api.replayStart.bind(api);
    api.replayStart = async (request) => {
      const info = await real(request);
      if (request.subject.code === 'engine') fake.emit('replayDone', end(info.replayId, { done: 100 }));
      return info;
    };
    const store = useCompareStore();
    await store.open('07-malloc', 'peak');
    await store.run();
    await settle();
    expect(store.rows[1]!.run).toMatchObject({ phase: 'done', error: 'reference: cannot start', replayId: null });
    expect(store.rows[2]!.run).toMatchObject({ phase: 'done', end: { replayId: 'replay-3-a' } });
    expect(store.rows[0]!.run!.phase).toBe('running');
  });

  it('reports a failure to load the saved code in the row of your code', async () => {
    const { fake, starts } = replayLab();
    fake.loadCode = async () => { throw new Error('disk on fire'); };
    installFakeLab(fake);
    const store = useCompareStore();
    await store.open('07-malloc', 'peak');
    await store.run();
    expect(store.rows[0]!.run!.error).toBe('could not load your code: disk on fire');
    expect(starts.map((s) => s.subject.code)).toEqual(['reference', 'engine']);
  });

  it('stops the running replays, and one still starting as soon as it has started', async () => {
    const { fake, api } = replayLab();
    installFakeLab(fake);
    const real = api.replayStart.bind(api);
    let release: () => void = () => {};
    api.replayStart = async (request) => {
      if (request.subject.code === 'reference') await new Promise<void>((resolve) => { release = resolve; });
      return real(request);
    };
    const store = useCompareStore();
    await store.open('07-malloc', 'peak');
    const running = store.run();
    await settle();
    await store.stop();
    expect(fake.callsOf('replayStop').map(([id]) => id).sort()).toEqual(['replay-1-a', 'replay-2-a']);
    release();
    await running;
    expect(fake.callsOf('replayStop').map(([id]) => id)).toContain('replay-3-a');
  });

  it('on leaving, stops and closes its sessions and ends unfinished rows as stopped; a late start is closed', async () => {
    const { fake, store } = await running3();
    fake.emit('replayDone', end('replay-1-a'));
    await settle();
    await store.close();
    expect(fake.callsOf('replayStop').map(([id]) => id)).toEqual(['replay-2-a', 'replay-3-a']);
    expect(fake.callsOf('replayClose').map(([id]) => id)).toEqual(['replay-1-a', 'replay-2-a', 'replay-3-a']);
    expect(store.running).toBe(false);
    expect(store.rows[1]!.run!.end).toMatchObject({ stopped: true, error: 'stopped: you left the Compare view' });
    expect(store.rows[0]!.run!.end?.ok).toBe(true);
    // A late progress of a closed session changes nothing.
    fake.emit('replayProgress', progress('replay-2-a', 90));
    nextFrame();
    expect(store.rows[1]!.run!.done).toBe(0);
  });

  it('forgets the results on a new trace, closing the sessions, and drops the old run\'s late replies', async () => {
    const { fake, store } = await running3();
    fake.emit('replayDone', end('replay-1-a'));
    fake.emit('replayDone', end('replay-2-a'));
    fake.emit('replayDone', end('replay-3-a'));
    await settle();
    await store.open('07-malloc', 'plateau');
    expect(fake.callsOf('replayClose')).toHaveLength(3);
    expect(fake.callsOf('openExercise')).toHaveLength(1);
    expect(store.rows.every((r) => r.run === null)).toBe(true);
    fake.emit('replayDone', end('replay-1-a'));
    expect(store.rows.every((r) => r.run === null)).toBe(true);
    // A run asked for another trace starts once that trace is open.
    store.runWhenOpen('gen:peak:ops=10,seed=1');
    await store.open('07-malloc', 'gen:peak:ops=10,seed=1');
    expect(store.rows.map((r) => r.run?.replayId)).toEqual(['replay-4-a', 'replay-5-a', 'replay-6-a']);
  });

  it('keeps 2 to 4 rows, and no row changes while a run goes on', async () => {
    const { fake } = replayLab();
    installFakeLab(fake);
    const store = useCompareStore();
    store.addRow();
    expect(store.rows.map((r) => r.kind)).toEqual(['submission', 'reference', 'engine-first', 'starter']);
    store.addRow();
    expect(store.rows).toHaveLength(4);
    store.setKind(store.rows[3]!.key, 'engine-best');
    store.removeRow(store.rows[0]!.key);
    store.removeRow(store.rows[0]!.key);
    store.removeRow(store.rows[0]!.key);
    expect(store.rows.map((r) => r.kind)).toEqual(['engine-first', 'engine-best']);
    expect(store.labels).toEqual(['engine (first fit)', 'engine (best fit)']);
    await store.open('07-malloc', 'peak');
    await store.run();
    store.addRow();
    store.setKind(store.rows[0]!.key, 'starter');
    expect(store.rows.map((r) => r.kind)).toEqual(['engine-first', 'engine-best']);
  });

  it('asks every subject\'s state at the cursor and the charts of a zoom window, within what each replayed', async () => {
    const { fake, store } = await running3();
    fake.emit('replayDone', end('replay-1-a'));
    fake.emit('replayDone', end('replay-2-a', { ok: false, done: 30, failure: { op: 30, where: '', operation: 'f 2', kind: 'integrity', reason: 'x' } }));
    fake.emit('replayDone', end('replay-3-a'));
    await settle();
    await store.seek(50.4);
    expect(fake.callsOf('replayFrame')).toEqual([['replay-1-a', 50], ['replay-3-a', 50]]);
    expect(store.cursor?.op).toBe(50);
    expect(store.cursor?.frames.map((f) => f.frame?.op ?? f.error)).toEqual([50, 'not replayed that far (30 operations done)', 50]);
    await store.zoomBy(0.5);
    expect(store.zoom).toEqual({ from: 25, to: 75 });
    expect(fake.callsOf('replayCharts').slice(3)).toEqual([['replay-1-a', 25, 75], ['replay-2-a', 25, 30], ['replay-3-a', 25, 75]]);
    expect(store.rows.map((r) => r.run!.zoomCharts?.to)).toEqual([75, 30, 75]);
    await store.setZoom(null);
    expect(store.rows.every((r) => r.run!.zoomCharts === null)).toBe(true);
  });
});
