// @vitest-environment happy-dom
// Home: every exercise as a card with data-exercise, its kind, goals and best score as progress,
// linking to its workspace; the arrow keys move between cards.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import HomeView from '../../../renderer/src/views/HomeView.vue';
import { FakeLab, installFakeLab } from '../fakeLab';

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
});
