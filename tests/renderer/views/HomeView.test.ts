// @vitest-environment happy-dom
// Home: every exercise as a card with data-exercise, its kind, goals and best score as progress,
// linking to its workspace; the arrow keys move between cards. The workspace line and its inline
// forms (move the workspace, open a pack; the host's errors inline, the text kept); a pack's
// exercises labelled with it; the host's exercisesChanged and workspaceChanged events followed.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import HomeView from '../../../renderer/src/views/HomeView.vue';
import { FakeLab, exercise, installFakeLab } from '../fakeLab';

async function home(fake = new FakeLab()) {
  installFakeLab(fake);
  const wrapper = mount(HomeView, { global: { plugins: [createPinia()] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('HomeView', () => {
  it('lists the exercises with data-exercise, progress and attempts', async () => {
    const wrapper = await home();
    const cards = wrapper.findAll('[data-exercise]');
    expect(cards.map((c) => c.attributes('data-exercise'))).toEqual(['01-bit-allocator', '07-malloc']);
    const first = cards[0]!;
    expect(first.attributes('href')).toBe('#/exercise/01-bit-allocator');
    expect(first.text()).toContain('Title of 01-bit-allocator');
    expect(first.text()).toContain('goal one of 01-bit-allocator');
    expect(first.text()).toContain('best 6 / 10');
    expect(first.text()).toContain('2 attempts');
    expect(first.find('[role=progressbar]').attributes('aria-valuenow')).toBe('60');
    expect(cards[1]!.text()).toContain('best — / 100');
    expect(cards[1]!.find('[role=progressbar]').attributes('aria-valuenow')).toBe('0');
    wrapper.unmount();
  });

  it('says where to start and how (read, edit, Ctrl+Enter, Grade), and what the kinds mean', async () => {
    const fake = new FakeLab();
    fake.exercises = [exercise('01-bit-allocator'), exercise('07-malloc', { kind: 'malloc', maxScore: 100 }), exercise('08-fragmentation', { kind: 'tune' })];
    const wrapper = await home(fake);
    const start = wrapper.find('[data-testid=start-here]');
    expect(start.attributes('open')).toBeDefined();
    expect(start.find('summary').text()).toMatch(/^Start here: open 01-bit-allocator: Title of 01-bit-allocator \(the exercises build on one another, in this order\)$/);
    expect(start.find('[data-testid=start-exercise]').attributes('href')).toBe('#/exercise/01-bit-allocator');
    const steps = start.findAll('.steps li').map((li) => li.text());
    expect(steps.map((s) => s.split(' ')[0])).toEqual(['Read', 'Edit', 'Run', 'Grade']);
    expect(steps[2]).toContain('Ctrl+Enter');
    expect(start.findAll('[data-kind]').map((k) => [k.attributes('data-kind'), k.find('dd').text()])).toEqual([
      ['api', 're-implement a FreeNOS class; it is checked call by call against the real one.'],
      ['malloc', 'write malloc, free and realloc; graded on traces for correctness, utilization and throughput.'],
      ['tune', "configure the engine's allocator and predict what its policies do."],
    ]);
    // Each card's kind badge says it too (its title, and for screen readers its text).
    const badge = wrapper.find('[data-exercise="07-malloc"] [data-testid=kind]');
    expect(badge.attributes('title')).toBe('write malloc, free and realloc; graded on traces for correctness, utilization and throughput');
    expect(badge.find('.sr-only').text()).toContain('graded on traces');
    wrapper.unmount();
  });

  it('folds "start here" to the next exercise once the student has begun, and lists only the kinds shown', async () => {
    const fake = new FakeLab();
    fake.exercises = [exercise('01-bit-allocator', { best: 10, attempts: 3 }), exercise('02-bubble-allocator', { best: 2, attempts: 1 })];
    const wrapper = await home(fake);
    const start = wrapper.find('[data-testid=start-here]');
    expect(start.attributes('open')).toBeUndefined();
    expect(start.find('summary').text()).toBe('Next: open 02-bubble-allocator: Title of 02-bubble-allocator (the first not at full marks)');
    expect(start.findAll('[data-kind]').map((k) => k.attributes('data-kind'))).toEqual(['api']);
    wrapper.unmount();
  });

  it('moves the focus between cards with the arrow keys', async () => {
    const wrapper = await home();
    const cards = wrapper.findAll('[data-exercise]');
    (cards[0]!.element as HTMLElement).focus();
    await cards[0]!.trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(cards[1]!.element);
    await cards[1]!.trigger('keydown', { key: 'Home' });
    expect(document.activeElement).toBe(cards[0]!.element);
    wrapper.unmount();
  });

  it('says when the list cannot be loaded', async () => {
    const fake = new FakeLab();
    fake.listExercises = async () => { throw new Error('host gone'); };
    const wrapper = await home(fake);
    expect(wrapper.find('[role=alert]').text()).toContain('host gone');
    wrapper.unmount();
  });

  it('shows the workspace; Change… moves it with setWorkspace, a host error stays inline with the text kept', async () => {
    const fake = new FakeLab();
    const wrapper = await home(fake);
    expect(wrapper.find('[data-testid=workspace-path]').text()).toBe('/tmp/ws');
    await wrapper.find('[data-testid=change-workspace]').trigger('click');
    expect(wrapper.find('[data-testid=change-workspace]').attributes('aria-expanded')).toBe('true');
    const input = wrapper.find('[data-testid=folder-input]');
    expect((input.element as HTMLInputElement).value).toBe('/tmp/ws');
    expect(document.activeElement).toBe(input.element);

    fake.workspaceFails = "/etc/passwd: not a folder";
    await input.setValue('/etc/passwd');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(fake.callsOf('setWorkspace')).toEqual([['/etc/passwd']]);
    expect(wrapper.find('[data-testid=folder-error]').text()).toBe('/etc/passwd: not a folder');
    expect(wrapper.find('[data-testid=folder-input]').attributes('aria-invalid')).toBe('true');
    expect((wrapper.find('[data-testid=folder-input]').element as HTMLInputElement).value).toBe('/etc/passwd');
    expect(wrapper.find('[data-testid=workspace-path]').text()).toBe('/tmp/ws');

    fake.workspaceFails = null;
    await wrapper.find('[data-testid=folder-input]').setValue('/home/me/lab');
    const lists = fake.callsOf('listExercises').length;
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(fake.callsOf('setWorkspace')).toEqual([['/etc/passwd'], ['/home/me/lab']]);
    expect(wrapper.find('form').exists()).toBe(false);
    expect(wrapper.find('[data-testid=workspace-path]').text()).toBe('/home/me/lab');
    expect(fake.callsOf('listExercises').length).toBe(lists + 1);
    wrapper.unmount();
  });

  it('Cancel and Escape close the form without calling the host', async () => {
    const fake = new FakeLab();
    const wrapper = await home(fake);
    await wrapper.find('[data-testid=open-pack]').trigger('click');
    await wrapper.find('[data-testid=folder-cancel]').trigger('click');
    expect(wrapper.find('form').exists()).toBe(false);
    await wrapper.find('[data-testid=change-workspace]').trigger('click');
    await wrapper.find('[data-testid=folder-input]').trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(wrapper.find('form').exists()).toBe(false);
    expect(document.activeElement).toBe(wrapper.find('[data-testid=change-workspace]').element);
    expect(fake.callsOf('openPack')).toEqual([]);
    expect(fake.callsOf('setWorkspace')).toEqual([]);
    wrapper.unmount();
  });

  it('opens a pack with openPack: its exercise appears, labelled with the pack; an unknown folder errs inline', async () => {
    const fake = new FakeLab();
    fake.packs.set('/home/me/packs/os-extra', [exercise('09-slab', { title: 'Slab allocator' })]);
    const wrapper = await home(fake);
    await wrapper.find('[data-testid=open-pack]').trigger('click');
    await wrapper.find('[data-testid=folder-input]').setValue('/home/me/nothing');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-testid=folder-error]').text()).toContain('/home/me/nothing: no exercises there');
    expect(wrapper.findAll('[data-exercise]')).toHaveLength(2);

    await wrapper.find('[data-testid=folder-input]').setValue('/home/me/packs/os-extra');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(fake.callsOf('openPack')).toEqual([['/home/me/nothing'], ['/home/me/packs/os-extra']]);
    expect(wrapper.find('form').exists()).toBe(false);
    const cards = wrapper.findAll('[data-exercise]');
    expect(cards.map((c) => c.attributes('data-exercise'))).toEqual(['01-bit-allocator', '07-malloc', '09-slab']);
    const pack = cards[2]!.find('[data-testid=pack]');
    expect(pack.text()).toBe('pack: os-extra');
    expect(pack.attributes('title')).toBe('/home/me/packs/os-extra');
    expect(cards[0]!.find('[data-testid=pack]').exists()).toBe(false);
    expect(wrapper.find('[data-testid=workspace-note]').text()).toBe('Added 1 exercise: 09-slab.');
    wrapper.unmount();
  });

  it("follows the host's exercisesChanged and workspaceChanged events (Electron's menu)", async () => {
    const fake = new FakeLab();
    const wrapper = await home(fake);
    const [first] = await fake.listExercises();
    fake.emit('exercisesChanged', { exercises: [first!, { ...first!, id: '10-menu-pack', title: 'From the menu', pack: 'C:\\packs\\menu' }] });
    await flushPromises();
    const cards = wrapper.findAll('[data-exercise]');
    expect(cards.map((c) => c.attributes('data-exercise'))).toEqual(['01-bit-allocator', '10-menu-pack']);
    expect(cards[1]!.find('[data-testid=pack]').text()).toBe('pack: menu');
    fake.emit('workspaceChanged', { version: 'test', host: 'electron', workspace: '/srv/class/ws' });
    await flushPromises();
    expect(wrapper.find('[data-testid=workspace-path]').text()).toBe('/srv/class/ws');
    wrapper.unmount();
  });
});
