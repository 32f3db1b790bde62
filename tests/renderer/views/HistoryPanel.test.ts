// @vitest-environment happy-dom
// The workspace's attempt history (Monaco stubbed): the exercise's graded attempts newest first,
// with time, score / max and its bar, tests passed and the hash's first 8 characters (the whole
// hash as the title); a grade through the Grade button reloads it; the empty state; a host error.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import WorkspaceView from '../../../renderer/src/views/WorkspaceView.vue';
import { FakeLab, installFakeLab } from '../fakeLab';

const EditorStub = defineComponent({
  props: { modelValue: { type: String, required: true } },
  setup(props, { expose }) {
    expose({ reveal: () => {}, focus: () => {} });
    return () => h('textarea', { value: props.modelValue });
  },
});

async function workspace(fake = new FakeLab()) {
  installFakeLab(fake);
  const wrapper = mount(WorkspaceView, {
    props: { id: '01-bit-allocator' },
    global: { plugins: [createPinia()], stubs: { CodeEditor: EditorStub } },
    attachTo: document.body,
  });
  await flushPromises();
  return { fake, wrapper };
}
afterEach(() => { document.body.innerHTML = ''; });

describe('HistoryPanel', () => {
  it('lists the graded attempts newest first and reloads after a grade', async () => {
    const fake = new FakeLab();
    fake.addAttempt('01-bit-allocator', { score: 4, maxScore: 10, passed: 2, tests: 5, hash: '1234567890abcdef'.repeat(4) });
    fake.addAttempt('01-bit-allocator', { score: 10, maxScore: 10, passed: 5, tests: 5, hash: 'fedcba0987654321'.repeat(4) });
    const { wrapper } = await workspace(fake);
    expect(fake.callsOf('history')).toEqual([['01-bit-allocator']]);
    const history = wrapper.find('[data-testid=history]');
    expect(history.attributes('aria-label')).toBe('Attempt history');
    expect(history.find('summary').text()).toContain('2 graded attempts · best 10 / 10');
    let rows = wrapper.findAll('[data-testid=attempt]');
    expect(rows.map((r) => r.find('td:nth-child(2)').text())).toEqual(['10 / 10', '4 / 10']);
    expect(rows[0]!.find('time').attributes('datetime')).toBe(fake.attempts.get('01-bit-allocator')![1]!.at);
    expect(rows[0]!.find('time').text()).toMatch(/2026/);
    expect(rows[0]!.text()).toContain('5 of 5 passed');
    expect(rows[1]!.find('[role=progressbar]').attributes('aria-valuenow')).toBe('40');
    const hash = rows[0]!.find('code');
    expect(hash.text()).toBe('fedcba09');
    expect(hash.attributes('title')).toBe('fedcba0987654321'.repeat(4));

    fake.nextAttempt = { score: 7, maxScore: 10, passed: 4, tests: 5, hash: '77'.repeat(32) };
    await wrapper.find('[data-testid=grade]').trigger('click');
    await flushPromises();
    expect(fake.callsOf('history')).toHaveLength(2);
    rows = wrapper.findAll('[data-testid=attempt]');
    expect(rows.map((r) => r.find('td:nth-child(2)').text())).toEqual(['7 / 10', '10 / 10', '4 / 10']);
    expect(rows[0]!.find('code').text()).toBe('77777777');
    expect(wrapper.find('[data-testid=history] summary').text()).toContain('3 graded attempts');
    wrapper.unmount();
  });

  it('is a native <details> (its summary opens it, by click, Enter or Space) and says when there is no attempt yet', async () => {
    const { wrapper } = await workspace();
    const details = wrapper.find('[data-testid=history]').element as HTMLDetailsElement;
    expect(details.tagName).toBe('DETAILS');
    expect(details.open).toBe(false);
    await wrapper.find('[data-testid=history] summary').trigger('click');
    await flushPromises();
    expect(details.open).toBe(true);
    expect(wrapper.find('[data-testid=history-empty]').text()).toBe('No graded attempts yet: Grade records one.');
    expect(wrapper.findAll('[data-testid=attempt]')).toHaveLength(0);
    expect(wrapper.find('[data-testid=history] summary').text()).toContain('0 graded attempts');
    wrapper.unmount();
  });

  it('shows a history the host cannot read as an error', async () => {
    const fake = new FakeLab();
    fake.history = async () => { throw new Error('history.jsonl: permission denied'); };
    const { wrapper } = await workspace(fake);
    expect(wrapper.find('[data-testid=history] [role=alert]').text()).toContain('permission denied');
    wrapper.unmount();
  });
});
