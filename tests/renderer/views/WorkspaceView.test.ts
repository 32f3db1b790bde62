// @vitest-environment happy-dom
// The workspace with Monaco stubbed: instructions rendered safely, the code bound to the store,
// Ctrl+S / Ctrl+Enter / Escape, results with points, compile errors passed to the editor's markers,
// "show in timeline" routing to the timeline, Export submission as a Blob download.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import type { CompileProblem } from '../../../electron/contract';
import WorkspaceView from '../../../renderer/src/views/WorkspaceView.vue';
import { installFakeLab, runResult, settle } from '../fakeLab';

const revealed: Array<[number, number]> = [];
const EditorStub = defineComponent({
  props: { modelValue: { type: String, required: true }, problems: { type: Array, required: true } },
  emits: ['update:modelValue', 'save', 'run'],
  setup(props, { emit, expose }) {
    expose({ reveal: (line: number, column: number) => revealed.push([line, column]), focus: () => {} });
    return () => h('textarea', {
      'data-testid': 'editor-stub', 'data-problems': JSON.stringify(props.problems), value: props.modelValue,
      onInput: (e: Event) => emit('update:modelValue', (e.target as HTMLTextAreaElement).value),
    });
  },
});

async function workspace() {
  const { fake } = installFakeLab();
  const wrapper = mount(WorkspaceView, {
    props: { id: '01-bit-allocator' },
    global: { plugins: [createPinia()], stubs: { CodeEditor: EditorStub } },
    attachTo: document.body,
  });
  await flushPromises();
  return { fake, wrapper };
}
const key = (init: KeyboardEventInit) => window.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
afterEach(() => { document.body.innerHTML = ''; revealed.length = 0; });

describe('WorkspaceView', () => {
  it('renders the instructions: tables and figures kept, raw HTML shown as text', async () => {
    const { wrapper } = await workspace();
    const article = wrapper.find('article.instructions');
    expect(article.find('pre code').text()).toBe('chunk  1 0\nbit    1 1');
    expect(article.find('table td').text()).toBe('1');
    expect(article.find('b').exists()).toBe(false);
    expect(article.text()).toContain('<b>raw</b>');
    wrapper.unmount();
  });

  it('binds the editor to the saved code; Ctrl+S saves and the status says when', async () => {
    const { fake, wrapper } = await workspace();
    const editor = wrapper.find('[data-testid=editor-stub]');
    expect((editor.element as HTMLTextAreaElement).value).toBe('// starter of 01-bit-allocator\n');
    await editor.setValue('export default class X {}');
    expect(wrapper.find('[data-testid=save-status]').text()).toBe('Unsaved changes');
    key({ key: 's', ctrlKey: true });
    await flushPromises();
    expect(fake.files.get('01-bit-allocator')).toBe('export default class X {}');
    expect(wrapper.find('[data-testid=save-status]').text()).toMatch(/^saved \d\d:\d\d:\d\d$/);
    wrapper.unmount();
  });

  it('shows a save error and keeps the text', async () => {
    const { fake, wrapper } = await workspace();
    fake.saveFails = 'disk full';
    await wrapper.find('[data-testid=editor-stub]').setValue('keep me');
    key({ key: 's', ctrlKey: true });
    await flushPromises();
    expect(wrapper.find('[data-testid=save-status]').text()).toContain('Not saved: disk full');
    expect((wrapper.find('[data-testid=editor-stub]').element as HTMLTextAreaElement).value).toBe('keep me');
    wrapper.unmount();
  });

  it('runs the selected test with Ctrl+Enter, shows progress, Escape stops', async () => {
    const { fake, wrapper } = await workspace();
    fake.holdRuns = true;
    expect(wrapper.findAll('option').map((o) => [o.text(), o.attributes('disabled') !== undefined])).toEqual([
      ['small (2 pts)', false], ['hidden (2 pts) — hidden', true], ['small', false],
    ]);
    key({ key: 'Enter', ctrlKey: true });
    await flushPromises();
    expect(fake.callsOf('run')[0]![0]).toMatchObject({ target: { test: 'small' } });
    fake.emit('runProgress', { runId: 'run-1', exercise: '01-bit-allocator', test: 'small', index: 0, total: 2, passed: true });
    await flushPromises();
    expect(wrapper.find('[data-testid=run-progress]').text()).toBe('Running… 1 of 2 tests');
    key({ key: 'Escape' });
    await flushPromises();
    expect(fake.callsOf('stop')).toEqual([['run-1']]);
    fake.finishRun(runResult({ stopped: true, error: 'stopped' }));
    await flushPromises();
    expect(wrapper.find('[data-testid=summary]').text()).toContain('Stopped');
    wrapper.unmount();
  });

  it('shows a grade\'s progress as tests end: a bar, "k of n tests", each finished test listed; the keys give way to it', async () => {
    const { fake, wrapper } = await workspace();
    fake.holdRuns = true;
    expect(wrapper.find('.runbar .keys').text()).toContain('Ctrl+Enter run');
    await wrapper.find('[data-testid=grade]').trigger('click');
    await flushPromises();
    // Before the host's first event the number of tests is unknown: the bar says it is starting.
    const bar = () => wrapper.find('[data-testid=progress-bar]');
    expect(bar().attributes('aria-valuetext')).toBe('starting');
    expect(bar().classes()).toContain('unknown');
    expect(wrapper.find('[data-testid=progress-count]').text()).toBe('starting: compiling your code, then the first test');
    expect(wrapper.find('[data-testid=run-progress]').text()).toBe('Grading… starting');
    expect(wrapper.find('.runbar .keys').exists()).toBe(false);
    const event = (index: number, test: string, passed: boolean) =>
      fake.emit('runProgress', { runId: 'run-1', exercise: '01-bit-allocator', test, index, total: 3, passed });
    event(1, 'small', true);
    await flushPromises();
    expect(bar().attributes()).toMatchObject({ 'aria-valuenow': '1', 'aria-valuemax': '3', 'aria-valuetext': '1 of 3 tests' });
    expect(bar().find('.fill').attributes('style')).toContain('width: 33%');
    expect(wrapper.find('[data-testid=progress-count]').text()).toBe('1 of 3 tests done (1 passed)');
    event(2, 'wrap', false);
    await flushPromises();
    expect(wrapper.findAll('[data-testid=progress-tests] li').map((li) => li.findAll('span').map((x) => x.text()))).toEqual([
      ['pass', 'small', '1 / 3'], ['fail', 'wrap', '2 / 3'],
    ]);
    expect(wrapper.find('[data-progress=wrap] .badge').classes()).toContain('bad');
    expect(wrapper.find('[data-testid=run-progress]').text()).toBe('Grading… 2 of 3 tests');
    event(3, 'hidden', true);
    await flushPromises();
    expect(wrapper.find('[data-testid=progress-count]').text()).toBe('all 3 tests done (2 passed): scoring');
    expect(bar().find('.fill').attributes('style')).toContain('width: 100%');
    fake.finishRun(runResult({
      score: 61.9, maxScore: 100,
      tests: [{
        name: 'performance', points: 11.9, maxPoints: 50, passed: true, ms: 9,
        output: 'performance index 23.7 / 100: utilization 59.0 % (band 55.0 %–65.0 %), throughput 0.04 × the reference', failure: null,
      }],
    }));
    await flushPromises();
    expect(wrapper.find('[data-testid=run-live]').exists()).toBe(false);
    expect(wrapper.find('.runbar .keys').exists()).toBe(true);
    // The line that explains the score comes straight after it, above the tests.
    const top = wrapper.findAll('[data-testid=results] > *').map((e) => e.attributes('data-testid'));
    expect(top.slice(0, 2)).toEqual(['summary', 'score-explained']);
    expect(wrapper.find('[data-testid=score-explained]').text()).toBe('performance index 23.7 / 100: utilization 59.0 % (band 55.0 %–65.0 %), throughput 0.04 × the reference');
    wrapper.unmount();
  });

  it('shows tests with points and failure text; "show in timeline" opens the timeline at the failing operation', async () => {
    const { fake, wrapper } = await workspace();
    fake.nextResult = runResult({
      score: 2, maxScore: 4, logs: ['hello from log()'],
      tests: [
        { name: 'small', points: 2, maxPoints: 2, passed: true, output: '', failure: null, ms: 3 },
        { name: 'wrap', points: 0, maxPoints: 2, passed: false, output: 'allocate(4096, 0) answered 0x11000', failure: { trace: 'wrap', op: 12 }, ms: 4 },
      ],
    });
    await wrapper.find('[data-testid=grade]').trigger('click');
    await flushPromises();
    expect(fake.callsOf('run')[0]![0]).toMatchObject({ target: { grade: true } });
    expect(wrapper.find('[data-testid=summary]').text()).toContain('2 / 4 points');
    expect(wrapper.find('[data-test=wrap]').text()).toContain('allocate(4096, 0) answered 0x11000');
    expect(wrapper.find('[data-test=wrap]').text()).toContain('0 / 2 pts');
    expect(wrapper.find('[data-testid=logs]').text()).toBe('hello from log()');
    // An api exercise's failure is a call of a scenario, counted from 1 for the student.
    expect(wrapper.find('[data-testid=show-in-timeline]').text()).toBe('Show in timeline (call 13 of scenario wrap)');
    await wrapper.find('[data-testid=show-in-timeline]').trigger('click');
    expect(location.hash).toBe('#/timeline/01-bit-allocator/wrap/12');
    wrapper.unmount();
  });

  it("labels a hidden test that ran as the instructor's copy, and one not in this pack as the instructor's to grade, outside the tally", async () => {
    const { fake, wrapper } = await workspace();
    fake.nextResult = runResult({
      score: 4, maxScore: 4,
      tests: [
        { name: 'small', points: 2, maxPoints: 2, passed: true, output: '', failure: null, ms: 3 },
        { name: 'hidden', points: 2, maxPoints: 2, passed: true, output: '', failure: null, ms: 5, hidden: 'instructor-copy' },
        { name: 'later', points: 0, maxPoints: 3, passed: false, output: 'hidden test, not in this pack', failure: null, ms: 0, hidden: 'not-in-pack' },
      ],
    });
    await wrapper.find('[data-testid=grade]').trigger('click');
    await flushPromises();
    const copy = wrapper.find('[data-test=hidden]');
    expect(copy.find('[data-testid=hidden-label]').text()).toBe("hidden test — instructor's copy, not in student packs");
    expect(copy.text()).toContain('2 / 2 pts');
    expect(wrapper.find('[data-test=small] [data-testid=hidden-label]').exists()).toBe(false);
    const absent = wrapper.find('[data-test=later]');
    expect(absent.find('[data-testid=hidden-label]').text()).toBe('hidden test — not in this pack, graded by your instructor');
    expect(absent.text()).toContain('3 pts, not counted here');
    expect(absent.text()).not.toMatch(/fail|0 \/ 3/);
    const summary = wrapper.find('[data-testid=summary]').text();
    expect(summary).toContain('4 / 4 points');
    expect(summary).toContain('2 of 2 tests passed');
    expect(summary).toContain('1 hidden test not in this pack, graded by your instructor');
    wrapper.unmount();
  });

  it('lists compile errors, gives them to the editor as markers, and reveals a clicked one', async () => {
    const { fake, wrapper } = await workspace();
    const problems: CompileProblem[] = [{ line: 4, column: 9, message: 'Expected ";" but found "x"' }];
    fake.nextResult = runResult({ compileErrors: problems });
    await wrapper.find('[data-testid=run]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid=summary]').text()).toContain('Does not compile');
    expect(JSON.parse(wrapper.find('[data-testid=editor-stub]').attributes('data-problems')!)).toEqual(problems);
    const item = wrapper.find('[data-testid=compile-errors] li');
    expect(item.text()).toContain('line 4, column 9');
    await item.find('button').trigger('click');
    expect(revealed).toEqual([[4, 9]]);
    wrapper.unmount();
  });

  it('exports the submission as a downloaded file, after saving', async () => {
    const { fake, wrapper } = await workspace();
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => { created.push(blob as Blob); return 'blob:x'; });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) { clicked.push(this.download); });
    await wrapper.find('[data-testid=editor-stub]').setValue('final');
    await wrapper.find('[data-testid=export]').trigger('click');
    await flushPromises();
    await settle();
    expect(fake.files.get('01-bit-allocator')).toBe('final');
    expect(clicked).toEqual(['01-bit-allocator.ts']);
    expect(await created[0]!.text()).toBe('final');
    vi.restoreAllMocks();
    wrapper.unmount();
  });
});
