// @vitest-environment happy-dom
// The window: the demo label only in the demo mode, a visible "host disconnected", the hash routes
// (Home, the workspace, the timeline), and the hash parser itself.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.vue';
import { hrefOf, navigate, parseHash } from '../../renderer/src/router';
import { installFakeLab } from './fakeLab';

async function app(mode: 'web' | 'demo' = 'web') {
  const { fake, bridge } = installFakeLab();
  bridge.mode = mode;
  const wrapper = mount(App, { global: { plugins: [createPinia()], stubs: { CodeEditor: true } }, attachTo: document.body });
  await flushPromises();
  return { fake, bridge, wrapper };
}

describe('App', () => {
  it('labels the demo mode, and only the demo mode', async () => {
    const web = await app('web');
    expect(web.wrapper.text()).not.toContain('DEMO MODE');
    web.wrapper.unmount();
    const demo = await app('demo');
    expect(demo.wrapper.text()).toContain('DEMO MODE');
    demo.wrapper.unmount();
  });

  it('shows a lost host and reloads the list when it is back', async () => {
    const { fake, bridge, wrapper } = await app();
    expect(wrapper.find('[data-testid=connection]').exists()).toBe(false);
    bridge.state.value = 'disconnected';
    bridge.retryIn.value = 2;
    const list = fake.listExercises.bind(fake);
    fake.listExercises = async () => { throw new Error('host disconnected'); };
    navigate({ name: 'home' });
    await flushPromises();
    expect(wrapper.find('[data-testid=connection]').text()).toContain('Host disconnected — reconnecting in 2 s');
    fake.listExercises = list;
    bridge.state.value = 'connected';
    await flushPromises();
    expect(wrapper.findAll('[data-exercise]').length).toBeGreaterThan(0);
    wrapper.unmount();
  });

  it('says a refused token means an out-of-date address (or none) and where the new one is, with no countdown', async () => {
    const { bridge, wrapper } = await app();
    bridge.state.value = 'token-refused';
    await flushPromises();
    const banner = wrapper.find('[data-testid=connection]');
    expect(banner.attributes('role')).toBe('alert');
    expect(banner.text()).toContain('This lab address is out of date: the lab was restarted and has a new token.');
    expect(banner.text()).toMatch(/Open the address the lab printed in its terminal, the http:\/\/127\.0\.0\.1:…\/\?token=… line of npm start or npm run web/);
    expect(banner.text()).not.toContain('reconnecting');
    bridge.state.value = 'no-token';
    await flushPromises();
    expect(wrapper.find('[data-testid=connection]').text()).toContain('This address has no token');
    bridge.state.value = 'connected';
    await flushPromises();
    expect(wrapper.find('[data-testid=connection]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('routes #/exercise/<id> to the workspace and #/timeline/… to the timeline, which starts the replay of a malloc exercise', async () => {
    const { fake, wrapper } = await app();
    navigate({ name: 'exercise', id: '01-bit-allocator' });
    await flushPromises();
    expect(wrapper.find('h1').text()).toBe('Title of 01-bit-allocator');
    // A malloc exercise's timeline replays its trace (an api exercise's is the call-by-call one).
    navigate({ name: 'timeline', id: '07-malloc', trace: 'small', op: 4 });
    await flushPromises();
    const view = wrapper.find('[data-testid=timeline-view]');
    expect(view.find('h1').text()).toBe('Timeline — Title of 07-malloc');
    expect(view.find('[data-testid=timeline-trace]').text()).toBe('small');
    // FakeLab's replayStart refuses by default: the host's reason is shown.
    expect(fake.callsOf('replayStart').length).toBe(1);
    expect(view.find('[data-testid=replay-error]').text()).toBe('Could not start the replay: replayStart: not in the fake');
    navigate({ name: 'home' });
    wrapper.unmount();
  });
});

describe('router', () => {
  it('parses and builds the hashes', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/')).toEqual({ name: 'home' });
    expect(parseHash('#/exercise/07-malloc')).toEqual({ name: 'exercise', id: '07-malloc' });
    expect(parseHash('#/timeline/a/t%201/3')).toEqual({ name: 'timeline', id: 'a', trace: 't 1', op: 3, subject: null });
    expect(parseHash('#/timeline/a/t/3/engine-next')).toEqual({ name: 'timeline', id: 'a', trace: 't', op: 3, subject: 'engine-next' });
    expect(parseHash('#/timeline/a/t/3/Bad_Subject').name).toBe('missing');
    expect(hrefOf({ name: 'timeline', id: 'a', trace: 't', op: 3, subject: 'reference' })).toBe('#/timeline/a/t/3/reference');
    expect(parseHash('#/nope')).toEqual({ name: 'missing', path: '/nope' });
    expect(hrefOf({ name: 'timeline', id: 'a', trace: 't 1', op: 3 })).toBe('#/timeline/a/t%201/3');
  });
});
