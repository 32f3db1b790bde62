// @vitest-environment happy-dom
// The Timeline view through the App's route: it starts the student's saved code on the route's
// trace at once, shows the progress, then the failure with the last good state; the controls (op
// box with its error, keys, play), the subject picker (engine fits for malloc only), the charts'
// tables seeking, the heap map's summary, legend, keyboard zoom and hover, and the quiz beside it.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabApi, ReplayBlockInfo, ReplayStartRequest } from '../../../electron/contract';
import App from '../../../renderer/src/App.vue';
import { navigate } from '../../../renderer/src/router';
import { FakeLab, installFakeLab } from '../fakeLab';
import { charts, end, frame, info } from './fixtures';

let wrapper: VueWrapper | null = null;
const frames: ((t: number) => void)[] = [];
/** Runs the animation frames asked for so far. */
const runFrames = (t = 0) => frames.splice(0).forEach((fn) => fn(t));

beforeEach(() => {
  vi.stubGlobal('requestAnimationFrame', (fn: (t: number) => void) => frames.push(fn));
  vi.stubGlobal('cancelAnimationFrame', () => {});
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  navigate({ name: 'home' });
  frames.length = 0;
  vi.unstubAllGlobals();
});

function replayLab() {
  const fake = new FakeLab();
  // The contract's view of the fake, so the replacements are typed as the LabApi's methods.
  const api: LabApi = fake;
  const starts: ReplayStartRequest[] = [];
  const frameOps: number[] = [];
  let block: ReplayBlockInfo | null = null;
  api.replayStart = async (request) => { starts.push(request); return info(`replay-${starts.length}-a`, { trace: 'trace' in request.trace ? request.trace.trace : 'gen' }); };
  api.replayFrame = async (_id, op, window) => {
    frameOps.push(op);
    return frame(op, window.from === undefined ? {} : { heap: { from: window.from, to: window.to!, bytesPerCell: 1, cells: '2'.repeat(window.cells), fill: 'a'.repeat(window.cells) } });
  };
  api.replayCharts = async (_id, from, to) => charts(to - from, { heap: Array.from({ length: to - from }, (_, i) => 4096 * (i + 1)) });
  api.replayBlock = async () => block;
  return { fake, api, starts, frameOps, setBlock: (b: ReplayBlockInfo) => { block = b; } };
}

async function at(id: string, trace: string, op: number, lab = replayLab()) {
  installFakeLab(lab.fake);
  navigate({ name: 'home' });
  wrapper = mount(App, { global: { plugins: [createPinia()], stubs: { CodeEditor: true } }, attachTo: document.body });
  navigate({ name: 'timeline', id, trace, op });
  await flushPromises();
  return { ...lab, w: wrapper };
}

const root = (w: VueWrapper) => w.find('[data-testid=timeline-view]');
const key = async (k: string, extra: KeyboardEventInit = {}) => {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...extra }));
  await flushPromises();
};

/** Finishes replay `n` after `done` operations (optionally failing at `failAt`). */
async function finish(fake: FakeLab, done: number, failAt: number | null = null, n = 1) {
  fake.emit('replayDone', end(`replay-${n}-a`, done, failAt === null ? {} : {
    ok: false, failure: { op: failAt, where: 'submission.ts:40', operation: `a 9 24`, kind: 'overlap', reason: 'the block overlaps block 3' },
  }));
  await flushPromises();
}

describe('TimelineView', () => {
  it('starts the saved code on the route\'s trace at once and shows its progress', async () => {
    const lab = replayLab();
    lab.fake.files.set('07-malloc', '// my malloc\n');
    const { fake, starts, w } = await at('07-malloc', 'gen:randomSizes:ops=1000,seed=3', 0, lab);
    expect(starts).toEqual([{ exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: 1000, seed: 3 } }, subject: { code: 'submission', source: '// my malloc\n' } }]);
    expect(w.find('h1').text()).toBe('Timeline — Title of 07-malloc');
    fake.emit('replayProgress', { replayId: 'replay-1-a', done: 400, total: 1000, charts: charts(400), frame: frame(399) });
    runFrames();
    await flushPromises();
    expect(root(w).attributes('data-done')).toBe('400');
    expect(root(w).attributes('data-op')).toBe('399');
    expect(w.find('[data-testid=replay-progress]').text()).toContain('400 / 1,000 operations');
    expect(w.find('[role=progressbar]').attributes('aria-valuenow')).toBe('400');
    expect(w.find('[data-testid=heap-summary]').text()).toBe('After operation 399: payload 32 B in 2 blocks, heap 64 B, 1 hole (the largest 16 B), external fragmentation 0.0 %.');
    await finish(fake, 1000);
    expect(w.find('[data-testid=replay-progress]').exists()).toBe(false);
    expect(w.find('[data-testid=replay-end]').text()).toContain('Replayed 1,000 operations without a failure');
    expect(root(w).attributes('data-op')).toBe('0');
  });

  it('opens a failed replay at the last good state, says so, and jumps back to it', async () => {
    const { fake, w } = await at('07-malloc', 'peak', 12);
    await finish(fake, 12, 12);
    expect(root(w).attributes('data-op')).toBe('11');
    const box = w.find('[data-testid=replay-failure]');
    expect(box.text()).toContain('Operation 12 failed: a 9 24');
    expect(box.text()).toContain('overlap: the block overlaps block 3');
    expect(w.find('[data-testid=replay-last-state]').text()).toContain('the state after operation 11, the last one that completed');
    await key('Home');
    expect(root(w).attributes('data-op')).toBe('0');
    expect(w.find('[data-testid=replay-last-state]').exists()).toBe(false);
    await w.find('[data-testid=replay-jump-failure]').trigger('click');
    await flushPromises();
    expect(root(w).attributes('data-op')).toBe('11');
    await key('Home');
    await key('j');
    expect(root(w).attributes('data-op')).toBe('11');
    expect(w.find('[data-testid=timeline-failure]').text()).toBe('Jump to failing operation 12');
  });

  it('jumps to a typed operation, and explains a bad one beside the box', async () => {
    const { fake, w } = await at('07-malloc', 'peak', 0);
    await finish(fake, 500);
    await w.find('[data-testid=timeline-op]').setValue('12x');
    await w.find('form.jump').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid=timeline-op-error]').text()).toBe('Type an operation number from 0 to 499.');
    expect(w.find('[data-testid=timeline-op]').attributes('aria-invalid')).toBe('true');
    await w.find('[data-testid=timeline-op]').setValue('500');
    await w.find('form.jump').trigger('submit');
    expect(w.find('[data-testid=timeline-op-error]').text()).toBe('Operation 500 is not in this replay: type one from 0 to 499.');
    await w.find('[data-testid=timeline-op]').setValue('321');
    await w.find('form.jump').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid=timeline-op-error]').text()).toBe('');
    expect(root(w).attributes('data-op')).toBe('321');
    expect(w.find('[data-testid=timeline-operation]').text()).toBe('Operation 321: a 321 16 → 0xb0001000 (trace line 323)');
  });

  it('travels with the keys and the slider, and plays with Space', async () => {
    const { fake, w } = await at('07-malloc', 'peak', 200);
    await finish(fake, 1000);
    expect(root(w).attributes('data-op')).toBe('200');
    await key('ArrowRight');
    expect(root(w).attributes('data-op')).toBe('201');
    await key('ArrowLeft', { shiftKey: true });
    expect(root(w).attributes('data-op')).toBe('101');
    await key('End');
    expect(root(w).attributes('data-op')).toBe('999');
    await w.find('[data-testid=timeline-slider]').setValue('640');
    await flushPromises();
    expect(root(w).attributes('data-op')).toBe('640');
    await key(' ');
    expect(w.find('[data-testid=timeline-play]').attributes('aria-pressed')).toBe('true');
    await key(' ');
    expect(w.find('[data-testid=timeline-play]').attributes('aria-pressed')).toBe('false');
    // Keys typed in a field are the field's.
    const input = w.find('[data-testid=timeline-op]').element as HTMLInputElement;
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, cancelable: true }));
    await flushPromises();
    expect(root(w).attributes('data-op')).toBe('640');
    expect(w.find('.controls .keys').text()).toContain('Shift + ← →');
  });

  it('offers the engine allocator with a fit for malloc exercises and starts what is picked', async () => {
    const { starts, w } = await at('07-malloc', 'peak', 0);
    const options = w.findAll('[data-testid=timeline-subject] option').map((o) => o.attributes('value'));
    expect(options).toEqual(['submission', 'reference', 'starter', 'engine']);
    expect(w.find('[data-testid=timeline-fit]').exists()).toBe(false);
    await w.find('[data-testid=timeline-subject]').setValue('engine');
    await w.find('[data-testid=timeline-fit]').setValue('next');
    await w.find('form.setup').trigger('submit');
    await flushPromises();
    expect(starts[1]).toEqual({ exercise: '07-malloc', trace: { trace: 'peak' }, subject: { code: 'engine', config: { fit: 'next' } } });
    expect(w.find('[data-testid=timeline-subject]').exists()).toBe(true);
  });

  it('shows an API exercise call by call (the api timeline), never a malloc replay', async () => {
    const { w, starts } = await at('01-bit-allocator', 'small', 0);
    expect(starts).toEqual([]);
    expect(w.find('[data-testid=api-timeline]').exists()).toBe(true);
    expect(w.find('[data-testid=timeline-subject]').exists()).toBe(false);
  });

  it('words the states before the first operation without -1: the count, the jump box and the failure note', async () => {
    const { fake, w } = await at('07-malloc', 'peak', 0);
    expect(w.find('[data-testid=timeline-count]').text()).toBe('no operations yet');
    expect(w.find('[data-testid=timeline-op]').attributes('placeholder')).toBe('');
    await finish(fake, 0, 0);
    expect(w.find('[data-testid=replay-last-state]').text()).toBe('Shown: the heap before the first operation. Operation 0 is the one that failed.');
    expect(w.text()).not.toMatch(/-1 \/ 0|operation -1|-1–-1/);
  });

  it('shows a chart\'s data as a table whose rows seek', async () => {
    const { fake, w } = await at('07-malloc', 'peak', 0);
    await finish(fake, 30);
    expect(w.findAll('[data-series]').map((c) => c.attributes('data-series'))).toEqual(['utilization', 'external', 'rss', 'holes', 'heap', 'work']);
    for (const s of ['utilization', 'heap', 'work']) expect(w.find(`[data-testid=chart-${s}]`).exists()).toBe(true);
    expect(w.find('[data-testid=chart-heap]').attributes('aria-label')).toBe('Heap size: your code 120.0 KiB at operation 29.');
    await w.find('[data-testid=chart-table-heap]').trigger('click');
    const rows = w.findAll('[data-testid=table-heap] tbody tr');
    expect(rows.length).toBe(30);
    expect(rows[2]!.text()).toContain('12.0 KiB');
    await rows[7]!.find('button').trigger('click');
    await flushPromises();
    expect(root(w).attributes('data-op')).toBe('7');
  });

  it('zooms the charts to operations around the cursor', async () => {
    const lab = replayLab();
    const asked: [number, number][] = [];
    lab.api.replayCharts = async (_id, from, to) => { asked.push([from, to]); return { ...charts(to - from), from, to }; };
    const { fake, w } = await at('07-malloc', 'peak', 5000, lab);
    await finish(fake, 100_000);
    await w.find('[data-testid=chart-zoom]').setValue('1000');
    await flushPromises();
    expect(asked).toEqual([[0, 100_000], [4500, 5500]]);
    expect(w.find('.chart-zoom').text()).toContain('operations 4500–5499');
    await key('End');
    await w.find('[data-testid=chart-recenter]').trigger('click');
    await flushPromises();
    expect(asked[2]).toEqual([99_000, 100_000]);
    await w.find('[data-testid=chart-zoom]').setValue('all');
    await flushPromises();
    expect(asked[3]).toEqual([0, 100_000]);
    expect(w.find('[data-testid=chart-recenter]').exists()).toBe(false);
  });

  it('draws the heap map with a legend, zooms with the keyboard and says what is under the cursor', async () => {
    const lab = replayLab();
    const { fake, frameOps, w } = await at('07-malloc', 'peak', 0, lab);
    await finish(fake, 100);
    expect(w.findAll('.legend [data-kind]').map((k) => k.attributes('data-kind'))).toEqual(['beyond', 'free', 'payload', 'overhead']);
    lab.setBlock({ kind: 'payload', address: 0xb0001000, size: 32, id: 4, allocatedAt: 3 });
    const map = w.find('[data-testid=heap-map]');
    await map.trigger('keydown', { key: ']' });
    await new Promise((resolve) => setTimeout(resolve, 120));
    await flushPromises();
    expect(w.find('[data-testid=heap-hover]').text()).toBe('0xb0001000: payload · block 0xb0001000, 32 B · id 4 · allocated at operation 3');
    const before = frameOps.length;
    await map.trigger('keydown', { key: '+' });
    await flushPromises();
    expect(frameOps.length).toBe(before + 1);
    expect(w.find('[data-testid=heap-window]').text()).toMatch(/^0xb0001000 – 0xb0001020, 1 byte per cell$/);
    // The map's keys are its own; ← and → step the timeline even there.
    expect(root(w).attributes('data-op')).toBe('0');
    map.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true }));
    await flushPromises();
    expect(root(w).attributes('data-op')).toBe('1');
    await w.find('[data-testid=heap-reset]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid=heap-window]').text()).toBe('0xb0001000 – 0xb0001040, 16 bytes per cell');
  });

  it('has the exercise\'s quiz folded beside the heap', async () => {
    const { fake, w } = await at('07-malloc', 'peak', 0);
    const quiz = w.find('[data-testid=timeline-quiz]');
    expect(quiz.find('summary').text()).toBe('Quiz: pool');
    (quiz.element as HTMLDetailsElement).open = true;
    await quiz.trigger('toggle');
    await flushPromises();
    expect(fake.callsOf('quiz')[0]![0]).toBe('pool');
    expect(w.find('[data-testid=quiz-question]').exists()).toBe(true);
  });

  it('shows why a replay could not start', async () => {
    const lab = replayLab();
    lab.fake.replayStart = async () => { throw new Error('07-malloc has no trace \'nope\''); };
    const { w } = await at('07-malloc', 'nope', 0, lab);
    expect(w.find('[data-testid=replay-error]').text()).toBe('Could not start the replay: 07-malloc has no trace \'nope\'');
    expect(root(w).attributes('data-status')).toBe('idle');
  });
});
