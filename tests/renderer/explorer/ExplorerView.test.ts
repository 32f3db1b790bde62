// @vitest-environment happy-dom
// The Machine Explorer through the App's route, on real machine sessions: the RAM field's message,
// boot → sh → fork (the child selected, its own directory shown), entries expanding to their
// copy-on-write runs, the translator (bad input at the field, the walk, TLB miss then hit), the
// VMCtl console (field errors, result with its meaning, history; bad fields or a refusal replace
// the last result), "1 process", the focus after Boot, the machine kept over a reload (or said to
// be gone), the frame map's legend and table, the host's errors, the keys and the quiz side panel.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LabApi } from '../../../electron/contract';
import App from '../../../renderer/src/App.vue';
import { navigate } from '../../../renderer/src/router';
import { swatchOf } from '../../../renderer/src/explorer/frames';
import { useExplorerStore } from '../../../renderer/src/stores/explorer';
import { machineLab } from './machineLab';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  navigate({ name: 'home' });
  sessionStorage.clear();
});

async function open(lab = machineLab()) {
  navigate({ name: 'home' });
  wrapper = mount(App, { global: { plugins: [createPinia()], stubs: { CodeEditor: true } }, attachTo: document.body });
  navigate({ name: 'explorer' });
  await flushPromises();
  return { ...lab, w: wrapper };
}

/** Boots a 16 MiB Intel machine (copy-on-write on) and the program sh. */
async function booted() {
  return booted_(machineLab());
}
async function booted_(lab: ReturnType<typeof machineLab>) {
  const o = await open(lab);
  await o.w.find('[data-testid=boot-ram]').setValue('16');
  await o.w.find('[data-testid=boot-form]').trigger('submit');
  await flushPromises();
  await o.w.find('[data-testid=boot-program]').trigger('click');
  await flushPromises();
  return o;
}

const rows = (w: VueWrapper) => w.findAll('[data-testid=processes] tbody tr').map((r) => r.attributes('data-pid'));

describe('ExplorerView', () => {
  it('shows the RAM limits of the architecture at the field and boots nothing out of range', async () => {
    const { fake, w } = await open();
    expect(w.find('[data-testid=nav-explorer]').attributes('aria-current')).toBe('page');
    expect(w.find('[data-testid=boot-ram-error]').text()).toBe('8–896 MiB');
    await w.find('[data-testid=arch-arm]').setValue(true);
    await w.find('[data-testid=boot-ram]').setValue('32');
    expect(w.find('[data-testid=boot-ram-error]').text()).toBe('ARM boots with 64 to 896 MiB; 32 MiB is out of range.');
    expect(w.find('[data-testid=boot-ram]').attributes('aria-invalid')).toBe('true');
    await w.find('[data-testid=boot-ram]').setValue('lots');
    expect(w.find('[data-testid=boot-ram-error]').text()).toBe('Enter the RAM as a whole number of MiB, from 64 to 896.');
    await w.find('[data-testid=boot-form]').trigger('submit');
    await flushPromises();
    expect(fake.callsOf('machineStart')).toEqual([]);
    await w.find('[data-testid=boot-ram]').setValue('64');
    await w.find('[data-testid=boot-form]').trigger('submit');
    await flushPromises();
    expect(fake.callsOf('machineStart')).toEqual([[{ arch: 'arm', ramMiB: 64, copyOnWrite: true }]]);
    expect(w.find('[data-testid=machine-summary]').text()).toContain('ARM · 64 MiB · copy-on-write fork on');
  });

  it('boots sh, forks it: the child appears, selected, with its own page directory and copy-on-write runs', async () => {
    const { w } = await booted();
    expect(rows(w)).toEqual(['0']);
    const parentRoot = w.find('[data-testid=directory-root]').text();
    await w.find('[data-pid="0"] [data-testid=fork]').trigger('click');
    await flushPromises();
    expect(rows(w)).toEqual(['0', '1']);
    expect(w.find('[data-pid="1"]').attributes('aria-current')).toBe('true');
    expect(w.find('[data-pid="1"]').text()).toMatch(/^1\s*0\s*Ready\s*sh/);
    const childRoot = w.find('[data-testid=directory-root]').text();
    expect(childRoot).toMatch(/^0x[0-9A-F]{8}$/);
    expect(childRoot).not.toBe(parentRoot);
    expect(w.find('[data-testid=page-tables] h2').text()).toBe('Page tables of pid 1 (sh)');
    // Entry 512 (UserData) expands to its runs, shared copy-on-write with the parent.
    const toggle = w.find('[data-entry="512"] button');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    await toggle.trigger('click');
    expect(toggle.attributes('aria-expanded')).toBe('true');
    const runs = w.find('#explorer-entry-512');
    expect(runs.text()).toContain('0x80000000');
    expect(runs.findAll('.badge.cow').length).toBeGreaterThan(0);
    // Selecting the parent shows its own directory again.
    await w.find('[data-pid="0"] [data-testid=select-process]').trigger('click');
    expect(w.find('[data-testid=directory-root]').text()).toBe(parentRoot);
    expect(w.find('[data-testid=activity]').text()).toContain('fork of pid 0: child pid 1, with its own page directory');
  });

  it('translates: a bad address gets a message at the field, a good one shows the walk, a second one the TLB hit', async () => {
    const { fake, w } = await booted();
    const before = fake.callsOf('machineCall').length;
    await w.find('[data-testid=translate-virt]').setValue('80000000');
    expect(w.find('[data-testid=translate-reading]').text()).toBe('decimal 80000000 = 0x04C4B400');
    await w.find('[data-testid=translate-virt]').setValue('8000000a');
    await w.find('[data-testid=translator] form').trigger('submit');
    expect(w.find('[data-testid=translate-error]').text()).toBe('"8000000a" looks like hex: write it with 0x (0x8000000A).');
    expect(w.find('[data-testid=translate-reading]').exists()).toBe(false);
    expect(w.find('[data-testid=translate-virt]').attributes('aria-invalid')).toBe('true');
    expect(fake.callsOf('machineCall').length).toBe(before);
    await w.find('[data-testid=translate-virt]').setValue('0x80000000');
    await w.find('[data-testid=translator] form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid=translate-error]').text()).toBe('');
    expect(w.find('[data-testid=walk-tlb]').text()).toBe('TLB miss');
    const steps = w.findAll('[data-testid=walk-steps] tbody tr').map((r) => r.findAll('td')[0]!.text());
    expect(steps).toEqual(['directory', 'table']);
    expect(w.find('[data-testid=walk-steps]').text()).toContain('512');
    expect(w.find('[data-testid=walk-result]').text()).toMatch(/^physical 0x[0-9A-F]{8}$/);
    expect(w.find('[data-testid=walk]').text()).toContain('TLB miss for page 0x00080000: the MMU walks the tables');
    await w.find('[data-testid=translator] form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid=walk-tlb]').text()).toBe('TLB hit');
    expect(w.find('[data-testid=tlb-counters]').text()).toMatch(/TLB 64 entries · [1-9]\d* hits · [1-9]\d* misses/);
    // A write to a copy-on-write page of a fork child faults ReadOnly.
    await w.find('[data-pid="0"] [data-testid=fork]').trigger('click');
    await flushPromises();
    await w.find('[data-testid=translate-access]').setValue('write');
    await w.find('[data-testid=translator] form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid=walk-result]').text()).toBe('fault: ReadOnly');
    expect(w.find('[data-testid=walk]').text()).toContain('copy-on-write');
  });

  it('sends VMCtl calls: field errors first, then the result, its meaning, the range written back and a history', async () => {
    const { w } = await booted();
    await w.find('[data-testid=vmctl-virt]').setValue('zz');
    await w.find('[data-testid=vmctl-size]').setValue('');
    await w.find('[data-testid=vmctl] form').trigger('submit');
    expect(w.find('#vmctl-virt-error').text()).toBe('"zz" is not a number: write hex with 0x (0x80000000) or decimal (2147483648).');
    expect(w.find('#vmctl-size-error').text()).toBe('Enter a size: 4096, 0x1000, 4K or 1M.');
    expect(w.find('[data-testid=vmctl-result]').attributes('data-kind')).toBe('invalid');
    expect(w.find('[data-testid=vmctl-history]').exists()).toBe(false);
    await w.find('[data-testid=vmctl-operation]').setValue('LookupVirtual');
    await w.find('[data-testid=vmctl-virt]').setValue('0x80000000');
    await w.find('[data-testid=vmctl-size]').setValue('4K');
    await w.find('[data-testid=vmctl] form').trigger('submit');
    await flushPromises();
    expect(w.find('#vmctl-virt-error').text()).toBe('');
    const result = w.find('[data-testid=vmctl-result]');
    expect(result.text()).toContain('0 Success');
    expect(result.text()).toContain('It worked');
    expect(result.text()).toMatch(/written back: virt 0x80000000 · phys 0x[0-9A-F]{8} · size 0x00001000/);
    await w.find('[data-testid=vmctl-pid]').setValue('77');
    await w.find('[data-testid=vmctl] form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid=vmctl-result]').text()).toContain('3 NotFound');
    expect(w.find('[data-testid=vmctl-result]').text()).toContain('No process has that id');
    expect(w.findAll('[data-testid=vmctl-history] li').map((l) => l.text().split('→')[1]!.trim().split('\n')[0])).toEqual([
      expect.stringMatching(/^NotFound \(3\)/), expect.stringMatching(/^Success \(0\)/),
    ]);
  });

  it('answers every Send in the reply box: bad fields or a refusal replace the previous "0 Success"', async () => {
    const { fake, w } = await booted();
    const result = () => w.find('[data-testid=vmctl-result]');
    await w.find('[data-testid=vmctl-operation]').setValue('LookupVirtual');
    await w.find('[data-testid=vmctl-virt]').setValue('0x80000000');
    await w.find('[data-testid=vmctl] form').trigger('submit');
    await flushPromises();
    expect(result().text()).toContain('0 Success');
    // A request with a bad field is not sent: the reply says so instead of the old success.
    await w.find('[data-testid=vmctl-pid]').setValue('-1');
    await w.find('[data-testid=vmctl] form').trigger('submit');
    await flushPromises();
    expect(result().attributes()).toMatchObject({ 'data-kind': 'invalid', role: 'alert' });
    expect(result().text()).not.toContain('Success');
    expect(result().text()).toBe('not sent Check pid: the message is at the field.');
    expect(document.activeElement?.id).toBe('vmctl-pid');
    // Fixed, it works again; then a call the host refuses replaces that result in turn.
    await w.find('[data-testid=vmctl-pid]').setValue('0');
    await w.find('[data-testid=vmctl] form').trigger('submit');
    await flushPromises();
    expect(result().text()).toContain('0 Success');
    (fake as LabApi).machineCall = async () => { throw new Error('machineCall: args[1] (call): range.size must be an integer from 0 to 0xFFFFFFFF'); };
    await w.find('[data-testid=vmctl] form').trigger('submit');
    await flushPromises();
    expect(result().attributes('data-kind')).toBe('refused');
    expect(result().text()).toBe('refused machineCall: args[1] (call): range.size must be an integer from 0 to 0xFFFFFFFF');
    expect(w.findAll('[data-testid=vmctl-history] li')).toHaveLength(2);
  });

  it('says "1 process" and "0 processes", and puts the focus on the program to boot after Boot', async () => {
    const { w } = await open();
    await w.find('[data-testid=boot-ram]').setValue('16');
    (w.find('[data-testid=boot]').element as HTMLElement).focus();
    await w.find('[data-testid=boot-form]').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid=machine-summary]').text()).toMatch(/ · 0 processes · /);
    expect(document.activeElement).toBe(w.find('[data-testid=program]').element);
    await w.find('[data-testid=boot-program]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid=machine-summary]').text()).toMatch(/ · 1 process · /);
    expect(w.find('[data-testid=processes] .head').text()).toMatch(/clock \d+ steps?$/);
    await w.find('[data-pid="0"] [data-testid=fork]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid=machine-summary]').text()).toMatch(/ · 2 processes · /);
  });

  it('keeps the machine over a reload: the host still has it, the selection and the logs come back', async () => {
    const lab = machineLab();
    const first = await booted_(lab);
    await first.w.find('[data-pid="0"] [data-testid=fork]').trigger('click');
    await flushPromises();
    await first.w.find('[data-testid=vmctl-operation]').setValue('LookupVirtual');
    await first.w.find('[data-testid=vmctl-virt]').setValue('0x80000000');
    await first.w.find('[data-testid=vmctl] form').trigger('submit');
    await flushPromises();
    const sessionId = useExplorerStore().sessionId;
    const root = first.w.find('[data-testid=directory-root]').text();
    // The reload: a new page (App and Pinia), the same host.
    first.w.unmount();
    const { w, fake } = await open(lab);
    expect(fake.callsOf('machineCall').at(-1)).toEqual([sessionId, { op: 'state' }]);
    expect(fake.callsOf('machineStart')).toHaveLength(1);
    expect(rows(w)).toEqual(['0', '1']);
    expect(w.find('[data-pid="1"]').attributes('aria-current')).toBe('true');
    expect(w.find('[data-testid=directory-root]').text()).toBe(root);
    expect(w.find('[data-testid=explorer-notice]').text()).toContain('This is the machine you booted before the page was reloaded');
    expect(w.find('[data-testid=activity]').text()).toContain('fork of pid 0: child pid 1, with its own page directory');
    expect(w.find('[data-testid=vmctl-result]').text()).toContain('0 Success');
    expect(w.find('[data-testid=boot]').text()).toBe('Boot a new machine');
    // The boot form shows how that machine was booted (16 MiB, not the form's first 64).
    expect((w.find('[data-testid=boot-ram]').element as HTMLInputElement).value).toBe('16');
  });

  it('keeps the machine to try again when the host cannot be reached after a reload', async () => {
    const lab = machineLab();
    const first = await booted_(lab);
    first.w.unmount();
    (lab.fake as LabApi).machineCall = async () => { throw new Error('the lab host is not connected'); };
    const { w } = await open(lab);
    expect(w.find('[data-testid=explorer-notice] span').text()).toBe('Could not take back the machine booted before the page was reloaded: the lab host is not connected');
    expect(sessionStorage.length).toBe(1);
  });

  it('says on load when the machine booted before the reload is gone (the host no longer has it)', async () => {
    const lab = machineLab();
    const first = await booted_(lab);
    const sessionId = useExplorerStore().sessionId!;
    first.w.unmount();
    lab.sessions.close(sessionId);
    const { w } = await open(lab);
    expect(w.find('[data-testid=processes]').exists()).toBe(false);
    const notice = w.find('[data-testid=explorer-notice]');
    expect(notice.classes()).toContain('gone');
    expect(notice.find('span').text()).toBe('The machine booted before the page was reloaded is gone: the host was restarted, or closed it to make room (it keeps at most 4). Boot a new one.');
    expect(sessionStorage.length).toBe(0);
    // Booting a new machine clears the note.
    await w.find('[data-testid=boot-ram]').setValue('16');
    await w.find('[data-testid=boot-form]').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid=explorer-notice]').exists()).toBe(false);
  });

  it('installs a program (JSON checked at the field, the host\'s refusal in the alert), launches it and shows its output', async () => {
    const { w } = await booted();
    const json = w.find('[data-testid=install-json]');
    await json.setValue('{ "name": ');
    await w.find('[data-testid=install]').trigger('click');
    expect(w.find('[data-testid=install-error]').text()).toMatch(/^Not JSON: /);
    expect(json.attributes('aria-invalid')).toBe('true');
    await json.setValue('{ "name": "empty" }');
    await w.find('[data-testid=install]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid=install-error]').text()).toBe('');
    expect(w.find('[data-testid=explorer-error]').text()).toMatch(/machineCall: install: .*segments/);
    await json.setValue(JSON.stringify({
      name: 'hello', segments: [{ virt: '0x80000000', size: '16K', access: 'rx' }],
      script: [{ op: 'print', text: 'hello from a new program' }, { op: 'exit', status: 0 }],
    }));
    await w.find('[data-testid=install]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid=explorer-error]').exists()).toBe(false);
    expect(w.findAll('[data-testid=program] option').map((o) => o.text())).toContain('hello');
    await w.find('[data-testid=program]').setValue('hello');
    await w.find('[data-pid="0"] [data-testid=select-process]').trigger('click');
    await w.find('[data-testid=launch]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid=activity]').text()).toContain('launch hello from pid 0: ApplicationLauncher.exec() → Success; child pid 1 will execve hello');
    await w.find('[data-testid=processes] form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid=console]').text()).toContain('[1] hello from a new program');
  });

  it('shows the frame legend with the host\'s counts and the runs as a table', async () => {
    const { w } = await booted();
    const store = useExplorerStore();
    const legend = w.findAll('[data-testid=frame-legend] li[data-owner]');
    const owners = Object.entries(store.state!.frames.owners).filter(([, n]) => n > 0);
    expect(legend.length).toBe(owners.length);
    const directory = w.find('[data-testid=frame-legend] li[data-owner=Directory]');
    expect(directory.text()).toBe(`${swatchOf('Directory').label} ${store.state!.frames.owners.Directory}`);
    expect(w.findAll('.runs tbody tr').length).toBe(store.state!.frames.runs.length);
    expect(w.find('[data-testid=frame-map]').attributes('aria-label')).toMatch(/^Physical frame map: 4096 frames of 4 KiB, \d+ free, one cell per frame\./);
    // The keyboard walks the cells and the live line names the focused one.
    const map = w.find('[data-testid=frame-map]');
    await map.trigger('focus');
    await map.trigger('keydown', { key: 'End' });
    expect(w.find('[data-testid=frame-info]').text()).toBe('Frame 4095 at 0x00FFF000: free');
    await map.trigger('keydown', { key: 'Home' });
    expect(w.find('[data-testid=frame-info]').text()).toBe('Frame 0 at 0x00000000: firmware');
  });

  it('shows the host\'s errors in an alert', async () => {
    const { fake, w } = await booted();
    (fake as LabApi).machineCall = async () => { throw new Error("machineCall: no machine session 'x' (closed to make room: at most 4 sessions)"); };
    await w.find('[data-testid=step]').trigger('click');
    await flushPromises();
    const alert = w.find('[data-testid=explorer-error]');
    expect(alert.attributes('role')).toBe('alert');
    expect(alert.text()).toContain('closed to make room');
    await alert.find('button').trigger('click');
    expect(w.find('[data-testid=explorer-error]').exists()).toBe(false);
  });

  it('takes keys outside fields: n steps, j / k move the selection, f forks, q opens the quiz', async () => {
    const { fake, w } = await booted();
    const key = async (k: string, target: EventTarget = document.body) => {
      target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
      await flushPromises();
    };
    await key('f');
    expect(rows(w)).toEqual(['0', '1']);
    expect(useExplorerStore().selectedPid).toBe(1);
    await key('j');
    expect(useExplorerStore().selectedPid).toBe(0);
    await key('k');
    expect(useExplorerStore().selectedPid).toBe(1);
    await key('n');
    expect(fake.callsOf('machineCall').at(-1)![1]).toEqual({ op: 'step' });
    // Typing in a field is not a shortcut.
    const calls = fake.callsOf('machineCall').length;
    await key('n', w.find('[data-testid=translate-virt]').element);
    expect(fake.callsOf('machineCall').length).toBe(calls);
    expect(w.find('[data-testid=quiz-question]').exists()).toBe(false);
    await key('q');
    expect(w.find('[data-testid=explorer-quiz-toggle]').attributes('aria-expanded')).toBe('true');
    expect(fake.callsOf('quiz')[0]![0]).toBe('translate');
    expect(w.find('[data-testid=quiz-question]').attributes('aria-label')).toMatch(/^Question: translate, seed \d+$/);
  });

  it('shuts the machine down back to the boot form, closing the session, without a warning', async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    try {
      const { fake, w } = await booted();
      await w.find('[data-testid=shutdown]').trigger('click');
      await flushPromises();
      expect(w.find('[data-testid=processes]').exists()).toBe(false);
      expect(w.find('.intro').text()).toMatch(/^Boot a machine to begin/);
      expect(fake.callsOf('machineClose').length).toBe(1);
      expect(w.find('[data-testid=boot]').text()).toBe('Boot');
      expect([...warn.mock.calls, ...error.mock.calls]).toEqual([]);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it('opens the quiz side panel with its button and draws a new question on request', async () => {
    const { fake, w } = await open();
    const toggle = w.find('[data-testid=explorer-quiz-toggle]');
    await toggle.trigger('click');
    await flushPromises();
    expect(fake.callsOf('quiz').length).toBe(1);
    expect(w.find('#explorer-quiz-body [data-testid=quiz-question]').exists()).toBe(true);
    await w.find('[data-testid=explorer-quiz-new]').trigger('click');
    await flushPromises();
    expect(fake.callsOf('quiz').length).toBe(2);
    await toggle.trigger('click');
    expect(w.find('#explorer-quiz-body').exists()).toBe(false);
    expect(toggle.attributes('aria-expanded')).toBe('false');
  });
});
