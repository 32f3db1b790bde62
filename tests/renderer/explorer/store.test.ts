// The Explorer store against real machine sessions: options checked before the host is asked,
// boot → fork selects the child (its own directory), host refusals kept in `error` and the
// activity log (never thrown), VMCtl history, a new machine closes the old session.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LabApi } from '../../../electron/contract';
import { useExplorerStore } from '../../../renderer/src/stores/explorer';
import { machineLab } from './machineLab';

let lab: ReturnType<typeof machineLab>;
beforeEach(() => {
  setActivePinia(createPinia());
  lab = machineLab();
});

describe('explorer store', () => {
  it('refuses options outside machineRamMiB without asking the host', async () => {
    const explorer = useExplorerStore();
    expect(await explorer.start({ arch: 'arm', ramMiB: 32, copyOnWrite: false })).toBe(false);
    expect(explorer.error).toBe('Cannot boot: ramMiB must be a whole number of MiB from 64 to 896 on arm');
    expect(lab.fake.callsOf('machineStart')).toEqual([]);
  });

  it('says to boot first when there is no session', async () => {
    const explorer = useExplorerStore();
    expect(await explorer.call({ op: 'step' })).toBeNull();
    expect(explorer.error).toBe('Boot a machine first.');
  });

  it('boots, starts sh, forks it and selects the child, whose directory is its own', async () => {
    const explorer = useExplorerStore();
    expect(await explorer.start({ arch: 'intel', ramMiB: 16, copyOnWrite: true })).toBe(true);
    expect(explorer.state?.processes).toEqual([]);
    expect(explorer.state?.frames.total).toBe(4096);
    expect(await explorer.call({ op: 'boot', path: 'sh' })).toEqual({ ok: true, pid: 0 });
    expect(explorer.selectedPid).toBe(0);
    const parentRoot = explorer.selected!.root;
    expect(await explorer.call({ op: 'fork', pid: 0 })).toEqual({ ok: true, pid: 1 });
    expect(explorer.selectedPid).toBe(1);
    expect(explorer.selected!.root).not.toBe(parentRoot);
    expect(explorer.selected!.root).toBeGreaterThan(0);
    expect(explorer.selected!.mappings.some((m) => m.copyOnWrite)).toBe(true);
    expect(explorer.activity.map((a) => a.text)).toEqual([
      'fork of pid 0: child pid 1, with its own page directory',
      'boot sh: the kernel loaded it as pid 0',
      'booted an Intel machine with 16 MiB, copy-on-write fork on',
    ]);
    expect(explorer.error).toBeNull();
  });

  it('keeps host refusals in error and the log, and the selection on a process that exists', async () => {
    const explorer = useExplorerStore();
    await explorer.start({ arch: 'intel', ramMiB: 16, copyOnWrite: false });
    await explorer.call({ op: 'boot', path: 'sh' });
    expect(await explorer.translate(42, 0x80000000, 'read')).toBeNull();
    expect(explorer.error).toBe('machineCall: translate: call.pid: no live process 42 (live: 0)');
    expect(explorer.activity[0]).toMatchObject({ ok: false, text: 'translate refused: machineCall: translate: call.pid: no live process 42 (live: 0)' });
    // A failed call the engine reports (not a refusal) is logged as failed, with no error banner.
    const missing = await explorer.call({ op: 'spawn', pid: 0, path: 'nosuchprogram' });
    expect(missing).toEqual({ ok: false, error: 'ENOENT', reason: "no program named 'nosuchprogram'" });
    expect(explorer.error).toBeNull();
    expect(explorer.activity[0]!.ok).toBe(false);
    await explorer.call({ op: 'kill', pid: 0 });
    await explorer.call({ op: 'wait', pid: 0 });
    expect(explorer.state!.processes).toEqual([]);
    expect(explorer.selectedPid).toBeNull();
  });

  it('translates (a miss, then a hit) and keeps the walk', async () => {
    const explorer = useExplorerStore();
    await explorer.start({ arch: 'intel', ramMiB: 16, copyOnWrite: false });
    await explorer.call({ op: 'boot', path: 'sh' });
    const first = await explorer.translate(0, 0x80000000, 'read');
    expect(first).toMatchObject({ tlb: 'miss', fault: null });
    expect(first!.steps.map((s) => s.level)).toEqual(['directory', 'table']);
    const again = await explorer.translate(0, 0x80000004, 'read');
    expect(again).toMatchObject({ tlb: 'hit', steps: [], phys: first!.phys! + 4 });
    expect(explorer.walk).toEqual(again);
    expect(explorer.state!.mmu.hits).toBeGreaterThan(0);
  });

  it('records VMCtl calls newest first with the meaning of their result', async () => {
    const explorer = useExplorerStore();
    await explorer.start({ arch: 'intel', ramMiB: 16, copyOnWrite: false });
    await explorer.call({ op: 'boot', path: 'sh' });
    const lookup = await explorer.vmctl(0, 'LookupVirtual', { virt: 0x80000010, phys: 0, size: 4096, access: 0 });
    expect(lookup).toMatchObject({ result: 0, name: 'Success', sent: { phys: 0 } });
    expect(lookup!.range.phys % 4096).toBe(0x10);
    const missing = await explorer.vmctl(999, 'UnMap', { virt: 0x80000000, phys: 0, size: 4096, access: 0 });
    expect(missing).toMatchObject({ result: 3, name: 'NotFound', explanation: 'No process has that id (unknown ids, and ANY = 65535, are not found).' });
    expect(explorer.vmctlHistory.map((h) => h.name)).toEqual(['NotFound', 'Success']);
  });

  it('closes the previous session when a new machine boots, and shuts down', async () => {
    const explorer = useExplorerStore();
    await explorer.start({ arch: 'intel', ramMiB: 16, copyOnWrite: false });
    const first = explorer.sessionId;
    await explorer.start({ arch: 'arm', ramMiB: 64, copyOnWrite: true });
    expect(explorer.sessionId).not.toBe(first);
    expect(explorer.state!.arch).toBe('arm');
    await Promise.resolve();
    expect(lab.fake.callsOf('machineClose')).toEqual([[first]]);
    expect(lab.sessions.size).toBe(1);
    await explorer.shutdown();
    expect(explorer.state).toBeNull();
    expect(lab.sessions.size).toBe(0);
  });

  it('shows a host that cannot boot', async () => {
    (lab.fake as LabApi).machineStart = async () => { throw new Error('machineStart: out of memory'); };
    const explorer = useExplorerStore();
    expect(await explorer.start({ arch: 'intel', ramMiB: 16, copyOnWrite: false })).toBe(false);
    expect(explorer.error).toBe('Could not boot the machine: machineStart: out of memory');
    expect(explorer.sessionId).toBeNull();
  });
});
