// @vitest-environment happy-dom
// The Timeline of an api exercise through the App's route: it runs the route's scenario on the saved
// code, lists every call with FreeNOS's answer and the student's (the first difference marked), steps
// with buttons, keys and rows, jumps to the first difference, draws the engine's state after the
// selected call (facts, bitmap with the cursor, bars), and shows a run that cannot start, a class that
// does not compile and a state that cannot be fetched as messages, never a broken page.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiPicture, ApiTimelineInfo, ApiTimelineRequest, LabApi } from '../../../electron/contract';
import App from '../../../renderer/src/App.vue';
import { navigate } from '../../../renderer/src/router';
import { FakeLab, installFakeLab } from '../fakeLab';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  navigate({ name: 'home' });
});

const rows: ApiTimelineInfo['calls'] = [
  { call: 'available()', expected: '1024', got: '1024', status: 'same', reason: null },
  { call: 'allocate(64, 0)', expected: '{"result":0,"address":0x1000}', got: '{"result":0,"address":0x1000}', status: 'same', reason: null },
  { call: 'allocate(64, 0)', expected: '{"result":0,"address":0x1040}', got: '{"result":0,"address":0x1000}', status: 'differs', reason: 'allocate(64, 0) returned {"result":0,"address":0x1000}, FreeNOS returns {"result":0,"address":0x1040}' },
  { call: 'release(0x1000)', expected: '0', got: '0', status: 'same', reason: null },
];

function picture(call: number): ApiPicture {
  const used = Math.max(0, Math.min(2, call));
  return {
    title: "FreeNOS's BitAllocator",
    facts: [{ label: 'next-fit cursor', value: `chunk ${Math.max(0, used - 1)}` }],
    bars: [{ label: 'handed out', base: 0x1000, size: 1024, used: used * 64 }],
    bitmaps: [{ label: 'chunks (1 = used)', units: 16, unitsPerCell: 1, cells: '1'.repeat(used) + '0'.repeat(16 - used), cursor: Math.max(0, used - 1), first: 0x1000, step: 64 }],
    tables: [],
  };
}

function apiLab(extra: Partial<ApiTimelineInfo> = {}) {
  const fake = new FakeLab();
  fake.files.set('01-bit-allocator', '// my bit allocator\n');
  const api: LabApi = fake;
  const starts: ApiTimelineRequest[] = [];
  const asked: number[] = [];
  api.apiTimelineStart = async (request) => {
    starts.push(request);
    return { timelineId: `api-timeline-${starts.length}-a`, exercise: request.exercise, scenario: request.scenario, subject: 'bit-allocator',
      constructed: 'new BitAllocator(0x1000, 1024, 64)', calls: rows, firstDifference: 2, error: null, logs: [], ms: 40, closed: null, ...extra };
  };
  api.apiTimelineFrame = async (_id, call) => { asked.push(call); return { call, picture: picture(call) }; };
  return { fake, api, starts, asked };
}

async function at(op: number, lab = apiLab()) {
  installFakeLab(lab.fake);
  wrapper = mount(App, { global: { plugins: [createPinia()], stubs: { CodeEditor: true } }, attachTo: document.body });
  navigate({ name: 'timeline', id: '01-bit-allocator', trace: 'small', op });
  await flushPromises();
  return { ...lab, w: wrapper };
}

const root = (w: VueWrapper) => w.find('[data-testid=api-timeline]');
const key = async (k: string, extra: KeyboardEventInit = {}) => {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...extra }));
  await flushPromises();
};

describe('ApiTimelineView', () => {
  it('runs the route\'s scenario on the saved code and lists every call with both answers, the first difference marked', async () => {
    const { starts, w } = await at(0);
    expect(starts).toEqual([{ exercise: '01-bit-allocator', scenario: 'small', source: '// my bit allocator\n' }]);
    expect(w.find('h1').text()).toBe('Timeline — Title of 01-bit-allocator');
    expect(w.find('[data-testid=api-constructed]').text()).toBe('new BitAllocator(0x1000, 1024, 64)');
    const trs = w.findAll('[data-testid=api-calls] tbody tr');
    expect(trs).toHaveLength(5);
    expect(trs[3]!.attributes('data-status')).toBe('differs');
    expect(trs[3]!.classes()).toContain('first');
    expect(trs[3]!.text()).toContain('{result: 0, address: 0x1040}');
    expect(w.find('[data-testid=api-summary]').text()).toMatch(/^First difference at call 3 of 4, allocate\(64, 0\): allocate\(64, 0\) returned/);
    expect(root(w).attributes('data-call')).toBe('0');
    expect(w.find('[data-testid=api-position]').text()).toBe('Call 1 of 4');
  });

  it('steps with the buttons, the keys and the rows, and jumps to the first difference', async () => {
    const { w, asked } = await at(0);
    await key('Home');
    expect(root(w).attributes('data-call')).toBe('-1');
    expect(w.find('[data-testid=api-position]').text()).toBe('Before the first call (4 calls)');
    expect(w.find('[data-testid=api-selected]').text()).toContain('The state before any call');
    await key('ArrowRight');
    await key('ArrowRight');
    expect(root(w).attributes('data-call')).toBe('1');
    await key('End');
    expect(root(w).attributes('data-call')).toBe('3');
    await key('ArrowRight');
    expect(root(w).attributes('data-call')).toBe('3');
    await w.findAll('[data-testid=api-calls] tbody tr')[1]!.trigger('click');
    await flushPromises();
    expect(root(w).attributes('data-call')).toBe('0');
    await w.find('[data-testid=api-first-difference]').trigger('click');
    await flushPromises();
    expect(root(w).attributes('data-call')).toBe('2');
    const selected = w.find('[data-testid=api-selected]').text();
    expect(selected).toContain('Call 3 of 4: allocate(64, 0)');
    expect(selected).toContain('yours (differs)');
    expect(selected).toContain('FreeNOS returns');
    await key('Home');
    await key('j');
    expect(root(w).attributes('data-call')).toBe('2');
    expect(asked).toContain(-1);
  });

  it('draws the engine\'s state after the selected call: facts, the bitmap with the cursor, the bar', async () => {
    const { w } = await at(2);
    const state = w.find('[data-testid=api-state]');
    expect(state.find('h2').text()).toBe("FreeNOS's BitAllocator");
    expect(state.text()).toContain('next-fit cursor');
    const cells = state.findAll('[data-testid=api-bitmap] .cell');
    expect(cells).toHaveLength(16);
    expect(cells.filter((c) => c.attributes('data-cell') === '1')).toHaveLength(2);
    expect(cells[1]!.classes()).toContain('cursor');
    expect(cells[1]!.attributes('title')).toBe('unit 1 at 0x1040: used (next-fit cursor)');
    expect(state.find('[data-testid=api-bar]').text()).toContain('128 of 1,024 bytes');
  });

  it('shows a class that could not run, a run that could not start and a state that could not load as messages', async () => {
    const broken = await at(0, apiLab({ error: 'submission.ts does not compile: line 3:2 Expected ")"', firstDifference: null,
      calls: rows.map((r) => ({ ...r, got: null, status: 'not-run' as const })) }));
    expect(broken.w.find('[data-testid=api-summary]').text()).toBe('Your class could not run: submission.ts does not compile: line 3:2 Expected ")"');
    expect(broken.w.find('[data-testid=api-first-difference]').exists()).toBe(false);
    broken.w.unmount();

    const refused = apiLab();
    refused.api.apiTimelineStart = async () => { throw new Error("scenario: 01-bit-allocator has no scenario 'nope' to run"); };
    const r = await at(0, refused);
    expect(r.w.find('[data-testid=api-error]').text()).toBe("Could not run the scenario: scenario: 01-bit-allocator has no scenario 'nope' to run");
    r.w.unmount();

    const lost = apiLab();
    lost.api.apiTimelineFrame = async () => { throw new Error('timelineId: no api timeline'); };
    const l = await at(1, lost);
    expect(l.w.find('[data-testid=api-frame-error]').text()).toBe('Could not load the state after call 2: timelineId: no api timeline');
  });
});
