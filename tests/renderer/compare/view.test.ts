// @vitest-environment happy-dom
// The Compare view through the App's route #/compare/<exercise>/<trace>: Run starts every row's
// replay, progress shows per row, a start that fails shows its message in its row, the charts get
// one line per allocator, the final table stars the best values and links a failure to the
// timeline; a bad generated-trace field is named next to it and blocks Run; a new trace is a new
// URL that runs there; Ctrl+Enter runs and Escape stops.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabApi, ReplayCharts, ReplayEnd, ReplayInfo } from '../../../electron/contract';
import App from '../../../renderer/src/App.vue';
import { navigate, parseHash } from '../../../renderer/src/router';
import { FakeLab, exercise, installFakeLab } from '../fakeLab';

function charts(to: number): ReplayCharts {
  const s = () => ({ x: [0], min: [0], max: [to], last: [to] });
  return { from: 0, to, series: { payload: s(), heap: s(), holes: s(), largestHole: s(), external: s(), rss: s(), work: s() } };
}
function end(replayId: string, utilization: number, extra: Partial<ReplayEnd> = {}): ReplayEnd {
  return {
    replayId, ok: true, done: 100, failure: null, error: null, stopped: false, ms: 3,
    metrics: { operations: 100, utilization, peakPayload: 8000, heapHighWater: 10_000, holes: 1, largestHole: 2, external: 0.1, meanExternal: 0.2, rss: 0.3, work: 1000, workPerOp: 10 },
    ...extra,
  };
}

function replayLab() {
  const fake = new FakeLab();
  /** The fake as the API type: its replay methods replaced with ones that take arguments. */
  const api: LabApi = fake;
  fake.exercises = [exercise('08-fragmentation', { kind: 'tune', traces: ['plateau', 'peak'] })];
  let n = 0;
  api.replayStart = async (request) => {
    fake.calls.push(['replayStart', [request]]);
    if (request.subject.code === 'reference') throw new Error('reference.ts: does not compile');
    const info: ReplayInfo = { replayId: `replay-${++n}-a`, exercise: request.exercise, trace: 'plateau', total: 100, label: request.subject.code, heapBase: 0, layout: false, closed: null };
    return info;
  };
  api.replayCharts = async (_id, _from, to) => charts(to);
  fake.replayStop = async (id) => { fake.calls.push(['replayStop', [id]]); return true; };
  fake.replayClose = async () => true;
  return fake;
}

let wrapper: VueWrapper | null = null;
let frames: FrameRequestCallback[] = [];
beforeEach(() => {
  frames = [];
  vi.stubGlobal('requestAnimationFrame', (fn: FrameRequestCallback) => frames.push(fn));
  vi.stubGlobal('cancelAnimationFrame', () => {});
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  navigate({ name: 'home' });
  vi.unstubAllGlobals();
});

async function at(trace: string, fake = replayLab()) {
  installFakeLab(fake);
  navigate({ name: 'home' });
  wrapper = mount(App, { global: { plugins: [createPinia()], stubs: { CodeEditor: true, ReplayChart: true } }, attachTo: document.body });
  navigate({ name: 'compare', id: '08-fragmentation', trace });
  await flushPromises();
  return { fake, w: wrapper };
}

describe('CompareView', () => {
  it('runs every allocator, shows progress and start errors per row, overlays the charts and stars the best', async () => {
    const { fake, w } = await at('plateau');
    expect(w.findAll('[data-testid^=compare-row-]').map((r) => (r.find('select').element as HTMLSelectElement).value)).toEqual(['submission', 'reference', 'engine-first']);
    expect((w.find('#compare-trace-name').element as HTMLSelectElement).value).toBe('plateau');
    await w.find('[data-testid=compare-run]').trigger('click');
    await flushPromises();
    expect(fake.callsOf('replayStart').map(([r]) => (r as { subject: { code: string } }).subject.code)).toEqual(['submission', 'reference', 'engine']);
    expect(w.find('[data-testid=compare-row-1]').find('[role=alert]').text()).toBe('could not start: reference.ts: does not compile');
    expect(w.find('[data-testid=compare-run]').attributes('disabled')).toBeDefined();

    fake.emit('replayProgress', { replayId: 'replay-1-a', done: 40, total: 100, charts: charts(40), frame: {} as never });
    frames.splice(0).forEach((f) => f(0));
    await flushPromises();
    expect(w.find('[data-testid=compare-row-0]').text()).toContain('running: 40 / 100 operations (40%)');
    expect(w.find('[data-testid=compare-row-0] [role=progressbar]').attributes('aria-valuenow')).toBe('40');
    const chartsShown = w.findAllComponents({ name: 'ReplayChart' });
    expect(chartsShown.map((c) => c.props('series'))).toEqual(['utilization', 'external', 'heap', 'holes', 'work']);
    expect((chartsShown[0]!.props('lines') as { label: string; charts: ReplayCharts | null }[]).map((l) => [l.label, l.charts?.to ?? null]))
      .toEqual([['your code', 40], ['reference', null], ['engine (first fit)', null]]);

    fake.emit('replayDone', end('replay-1-a', 0.7));
    fake.emit('replayDone', end('replay-2-a', 0.9));
    await flushPromises();
    const table = w.find('[data-testid=compare-table]');
    expect(table.exists()).toBe(true);
    const best = (k: number) => w.find(`[data-testid=compare-metrics-${k}] td[data-key=utilization]`);
    expect(best(2).text()).toBe('90.0%★, best');
    expect(best(2).classes()).toContain('best');
    expect(best(0).text()).toBe('70.0%');
    expect(w.find('th[data-key=relativeWork]').text()).toMatch(/^Work vs your code/);
    expect(w.find('[data-testid=compare-metrics-1]').text()).toContain('Could not start: reference.ts: does not compile');
    expect(w.find('[data-testid=compare-summary]').text()).toBe('All replays ended: 2 of 3 finished the trace. The results table follows the charts.');
  });

  it('notes on each chart which allocators coincide there, draws them wider beneath, and says what a work unit is', async () => {
    const fake = replayLab();
    // The engine's heap line differs (and so its utilization, payload / heap); every other series is the same for both allocators.
    (fake as LabApi).replayCharts = async (id, _from, to) => {
      const c = charts(to);
      if (id === 'replay-2-a') c.series.heap = { x: [0], min: [0], max: [2 * to], last: [2 * to] };
      return c;
    };
    const { w } = await at('plateau', fake);
    await w.find('[data-testid=compare-run]').trigger('click');
    await flushPromises();
    fake.emit('replayDone', end('replay-1-a', 0.7));
    fake.emit('replayDone', end('replay-2-a', 0.9));
    await flushPromises();
    const shown = w.findAllComponents({ name: 'ReplayChart' });
    const note = 'your code and engine (first fit) coincide on this chart (drawn on top of each other, each line wider than the one above it).';
    expect(Object.fromEntries(shown.map((c) => [c.props('series'), c.props('note')]))).toEqual({
      utilization: null, external: note, heap: null, holes: note, work: note,
    });
    // The reference could not start (no line): your code on top, the engine's line wider beneath it.
    expect(shown.find((c) => c.props('series') === 'holes')!.props('widths')).toEqual([2, 2, 5]);
    expect(shown.find((c) => c.props('series') === 'heap')!.props('widths')).toEqual([2, 2, 2]);
    expect(w.find('[data-testid=compare-work-unit]').text()).toMatch(/^One work unit = one call or loop step of the allocator's code, or one heap access\. Work vs a row of 2\.00× is a throughput of 0\.50 against it/);
    expect(w.find('th[data-key=workPerOp]').text()).toMatch(/^Work units per op/);
  });

  it("links the engine row's failure with its subject, so the timeline replays that allocator", async () => {
    const { fake, w } = await at('plateau');
    await w.find('[data-testid=compare-run]').trigger('click');
    await flushPromises();
    fake.emit('replayDone', end('replay-1-a', 0.7));
    fake.emit('replayDone', end('replay-2-a', 0.5, { ok: false, done: 7, failure: { op: 7, where: 'plateau.trace:9', operation: 'a 1 8', kind: 'overlap', reason: 'x' } }));
    await flushPromises();
    expect(w.find('[data-testid=compare-metrics-2] [data-testid=compare-failure-link]').attributes('href')).toBe('#/timeline/08-fragmentation/plateau/7/engine-first');
  });

  it('links a failure to its operation in the timeline', async () => {
    const { fake, w } = await at('plateau');
    await w.find('[data-testid=compare-run]').trigger('click');
    await flushPromises();
    fake.emit('replayDone', end('replay-1-a', 0.7, { ok: false, done: 41, failure: { op: 41, where: 'plateau.trace:43', operation: 'f 3', kind: 'overlap', reason: 'block 3 overlaps block 2' } }));
    fake.emit('replayDone', end('replay-2-a', 0.9));
    await flushPromises();
    const row = w.find('[data-testid=compare-metrics-0]');
    expect(row.attributes('data-status')).toBe('failed');
    expect(row.text()).toContain('Failed at op 41, f 3 (plateau.trace:43): overlap — block 3 overlaps block 2');
    expect(row.find('[data-testid=compare-failure-link]').attributes('href')).toBe('#/timeline/08-fragmentation/plateau/41');
    // The first row failed: work is relative to the first that finished.
    expect(w.find('th[data-key=relativeWork]').text()).toMatch(/^Work vs engine \(first fit\)/);
    expect(w.find('[data-testid=compare-metrics-2] td[data-key=relativeWork]').text()).toBe('1.00×');
  });

  it('names a bad generated-trace field, and runs a good new trace at its own URL', async () => {
    const { fake, w } = await at('plateau');
    await w.find('input[value=generator]').setValue(true);
    await w.find('#compare-ops').setValue('1');
    expect(w.find('#compare-ops-error').text()).toBe('Operations must be a whole number from 2 to 2,000,000.');
    expect(w.find('#compare-ops').attributes('aria-invalid')).toBe('true');
    expect(w.find('[data-testid=compare-run]').attributes('disabled')).toBeDefined();
    await w.find('#compare-ops').setValue('500');
    await w.find('#compare-seed').setValue('9');
    await w.find('[data-testid=compare-run]').trigger('click');
    await flushPromises();
    expect(parseHash(location.hash)).toEqual({ name: 'compare', id: '08-fragmentation', trace: 'gen:randomSizes:ops=500,seed=9' });
    expect(fake.callsOf('replayStart').map(([r]) => (r as { trace: unknown }).trace)).toEqual(Array(3).fill({ generator: 'randomSizes', options: { ops: 500, seed: 9 } }));
    expect(wrapper!.find('h1 + span').text()).toContain('randomSizes (500 ops, seed 9)');
  });

  it('says an api exercise has no traces to compare, and does not run it', async () => {
    const fake = replayLab();
    fake.exercises = [exercise('08-fragmentation', { kind: 'api' })];
    const { w } = await at('small', fake);
    expect(w.find('[data-testid=compare-api]').text()).toContain('08-fragmentation is checked call by call');
    expect(w.find('[data-testid=compare-run]').attributes('disabled')).toBeDefined();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }));
    await flushPromises();
    expect(fake.callsOf('replayStart')).toEqual([]);
  });

  it('runs on Ctrl+Enter and stops on Escape', async () => {
    const { fake } = await at('peak');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }));
    await flushPromises();
    expect(fake.callsOf('replayStart')).toHaveLength(3);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(fake.callsOf('replayStop').map(([id]) => id)).toEqual(['replay-1-a', 'replay-2-a']);
  });
});
