// The lab host's machine sessions (machineStart, machineCall, machineClose) through the checked
// LabApi: sh booted and run to its end on Intel and ARM gives every frame back; a copy-on-write
// fork shares the parent's frames; translate shows the walk, the TLB and faults; VMCtl's result
// codes come with their names; state changes nothing; bad calls, dead callers and unknown or evicted sessions are refused
// with messages naming the field; the state stays small.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_MACHINE_SESSIONS, vmctlOperations, type MachineArch, type MachineProcess, type MachineState,
} from '../../../electron/contract';
import { createLabHost, type LabHost } from '../../../electron/host/lab';
import { MemoryOperation } from '../../../engine/kernel/API';

const UserRW = 1 | 2 | 8;
const proc = (state: MachineState, pid: number): MachineProcess => {
  const found = state.processes.find((p) => p.pid === pid);
  if (!found) throw new Error(`no pid ${pid} in the state`);
  return found;
};
/** Every mapped page of a process as [virt, phys, copyOnWrite], expanded from the runs. */
const pages = (p: MachineProcess) => p.mappings.flatMap((run) => Array.from({ length: run.pages }, (_, i) => [run.virt + i * 4096, run.phys + i * 4096, run.copyOnWrite] as const));

describe('the lab host: machine sessions', () => {
  let host: LabHost;
  beforeAll(() => {
    host = createLabHost({ workspace: mkdtempSync(path.join(tmpdir(), 'lab-machines-')), host: 'web' });
  });
  afterAll(async () => {
    await host.dispose();
  });

  for (const arch of ['intel', 'arm'] as MachineArch[]) {
    it(`${arch}: boots sh, runs it to its end, and every frame comes back`, async () => {
      const { sessionId, state: start } = await host.machineStart({ arch, ramMiB: 128, copyOnWrite: arch === 'arm' });
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(start).toMatchObject({ arch, ramMiB: 128, clock: 0, processes: [], console: [], consoleLines: 0, truncated: false });
      expect(start.frames.total).toBe(32768);
      expect(start.frames.free).toBeGreaterThan(30000);
      expect(start.frames.runs.reduce((n, r) => n + r.count, 0)).toBe(32768);
      expect(start.programs).toEqual(['broken', 'hog', 'server', 'sh']);

      const boot = await host.machineCall(sessionId, { op: 'boot', path: 'sh' });
      expect(boot.result).toEqual({ ok: true, pid: 0 });
      expect(proc(boot.state, 0)).toMatchObject({ program: 'sh', state: 'Ready' });
      expect(boot.state.frames.free).toBeLessThan(start.frames.free);

      const run = await host.machineCall(sessionId, { op: 'run', steps: 100_000 });
      expect(run.result.idle).toBe(true);
      expect(run.result.steps).toBeGreaterThan(50);
      const lines = run.state.console.map((l) => l.text);
      expect(lines).toContain('sh: hog exited with 0');
      expect(lines).toContain('hog: wrote 2 MiB');
      expect(lines).toContain('sh: server exited with 0');
      expect(lines).toContain('sh: broken exited with 2');
      expect(run.state.processes).toEqual([]);
      expect(run.state.exited).toContainEqual({ pid: 0, program: 'sh', status: 0 });
      expect(run.state.frames.free).toBe(start.frames.free);
      expect(run.state.frames.owners).toEqual(start.frames.owners);
      expect(run.state.clock).toBe(run.result.steps);
      expect(await host.machineClose(sessionId)).toBe(true);
      expect(await host.machineClose(sessionId)).toBe(false);
    });

    it(`${arch}: a copy-on-write fork shares the parent's frames, marked copy-on-write; a copying fork does not`, async () => {
      for (const copyOnWrite of [true, false]) {
        const { sessionId } = await host.machineStart({ arch, ramMiB: 64, copyOnWrite });
        await host.machineCall(sessionId, { op: 'boot', path: 'hog' });
        await host.machineCall(sessionId, { op: 'run', steps: 4 }); // two 64 KiB blocks malloc'ed and written
        const fork = await host.machineCall(sessionId, { op: 'fork', pid: 0 });
        expect(fork.result).toEqual({ ok: true, pid: 1 });
        const parent = proc(fork.state, 0);
        const child = proc(fork.state, 1);
        expect(child).toMatchObject({ parent: 0, state: 'Ready', program: 'hog' });
        expect(child.root).not.toBe(parent.root);
        const heap = (p: MachineProcess) => pages(p).filter(([virt]) => virt >= 0xb0000000 && virt < 0xc0000000);
        expect(heap(child).length).toBeGreaterThanOrEqual(32);
        expect(heap(child).map(([virt]) => virt)).toEqual(heap(parent).map(([virt]) => virt));
        const parentFrames = new Set(heap(parent).map(([, phys]) => phys));
        if (copyOnWrite) {
          expect(heap(child).every(([, phys, cow]) => cow && parentFrames.has(phys))).toBe(true);
          expect(heap(parent).every(([, , cow]) => cow)).toBe(true);
          expect(fork.state.frames.owners.Shared).toBeGreaterThanOrEqual(32);
        } else {
          expect(heap(child).some(([, phys, cow]) => cow || parentFrames.has(phys))).toBe(false);
        }
        expect(child.directory.length).toBeGreaterThan(0);
        expect(child.directory.every((d) => d.pages >= 0 && d.table > 0)).toBe(true);
        await host.machineClose(sessionId);
      }
    });

    it(`${arch}: translate shows the walk, the TLB, the physical address and faults`, async () => {
      const { sessionId } = await host.machineStart({ arch, ramMiB: 64, copyOnWrite: false });
      const { state } = await host.machineCall(sessionId, { op: 'boot', path: 'hog' });
      const text = proc(state, 0).mappings.find((m) => m.virt === 0x80000000)!;
      expect(text.access).toContain('User');
      const first = await host.machineCall(sessionId, { op: 'translate', pid: 0, virt: 0x80000123 });
      expect(first.result).toMatchObject({ pid: 0, virt: 0x80000123, phys: text.phys + 0x123, fault: null, tlb: 'miss' });
      expect(first.result.steps.map((s) => s.level)).toEqual(['directory', 'table']);
      expect(first.result.steps[1]!.meaning).toContain(`0x${text.phys.toString(16).toUpperCase().padStart(8, '0')}`);
      expect(first.result.mapping).toEqual({ phys: text.phys, access: text.access, copyOnWrite: false });
      expect(first.result.explanation.join('\n')).toContain('TLB miss');
      const again = await host.machineCall(sessionId, { op: 'translate', pid: 0, virt: 0x80000123 });
      expect(again.result).toMatchObject({ tlb: 'hit', steps: [], phys: text.phys + 0x123, switched: false });
      const readOnly = { virt: 0x90000000, phys: 0, size: 4096, access: 1 | 8 }; // Readable | User
      expect((await host.machineCall(sessionId, { op: 'vmctl', pid: 0, operation: 'MapContiguous', range: readOnly })).result.name).toBe('Success');
      const read = await host.machineCall(sessionId, { op: 'translate', pid: 0, virt: 0x90000010 });
      expect(read.result).toMatchObject({ fault: null, flags: ['User'] });
      const write = await host.machineCall(sessionId, { op: 'translate', pid: 0, virt: 0x90000010, access: 'write' });
      expect(write.result).toMatchObject({ fault: 'ReadOnly', phys: null });
      expect(write.result.explanation.at(-1)).toContain('read-only');
      const unmapped = await host.machineCall(sessionId, { op: 'translate', pid: 0, virt: 0x90001000 });
      expect(unmapped.result).toMatchObject({ fault: 'NotPresent', phys: null, tlb: 'miss', mapping: null });
      expect(unmapped.result.explanation.at(-1)).toContain('not present');
      expect(unmapped.state.mmu.pid).toBe(0);
      await host.machineClose(sessionId);
    });
  }

  it('vmctl returns the result code and its name, and the range written back', async () => {
    const { sessionId } = await host.machineStart({ arch: 'intel', ramMiB: 32, copyOnWrite: false });
    await host.machineCall(sessionId, { op: 'boot', path: 'hog' });
    const call = (operation: (typeof vmctlOperations)[number], range: { virt: number; phys: number; size: number; access: number }, pid = 0) =>
      host.machineCall(sessionId, { op: 'vmctl', pid, operation, range }).then((r) => r.result);
    expect(await call('LookupVirtual', { virt: 0x90000000, phys: 0, size: 4096, access: 0 })).toMatchObject({ result: 1, name: 'AccessViolation' });
    expect(await call('ReserveMem', { virt: 0, phys: 0x100000, size: 4096, access: 0 })).toMatchObject({ result: 4, name: 'InvalidArgument' });
    expect(await call('ReserveMem', { virt: 0, phys: 0x7ff00000, size: 4096, access: 0 })).toMatchObject({ result: 6, name: 'IOError' });
    expect(await call('LookupVirtual', { virt: 0x80000000, phys: 0, size: 4096, access: 0 }, 7)).toMatchObject({ result: 3, name: 'NotFound' });
    const mapped = await call('MapContiguous', { virt: 0x90000000, phys: 0, size: 8192, access: UserRW });
    expect(mapped).toMatchObject({ result: 0, name: 'Success' });
    expect(mapped.range.phys).toBeGreaterThan(0);
    const lookup = await call('LookupVirtual', { virt: 0x90001010, phys: 0, size: 4096, access: 0 });
    expect(lookup).toMatchObject({ result: 0, name: 'Success', range: { phys: mapped.range.phys + 0x1010 } });
    expect(vmctlOperations.map((name) => MemoryOperation[name])).toEqual(vmctlOperations.map((_, i) => i));
    await host.machineClose(sessionId);
  });

  it('launches, waits for and kills processes, and installs a user program', async () => {
    const { sessionId } = await host.machineStart({ arch: 'intel', ramMiB: 64, copyOnWrite: true });
    await host.machineCall(sessionId, { op: 'boot', path: 'server' });
    const launch = await host.machineCall(sessionId, { op: 'launch', pid: 0, path: 'hog' });
    expect(launch.result).toEqual({ result: 0, name: 'Success', pid: 1 });
    expect(await host.machineCall(sessionId, { op: 'wait', pid: 1 }).then((r) => r.result)).toEqual({ state: 'running' });
    expect(await host.machineCall(sessionId, { op: 'kill', pid: 1 }).then((r) => r.result)).toEqual({ ok: true, pid: 1 });
    const waited = await host.machineCall(sessionId, { op: 'wait', pid: 1 });
    expect(waited.result).toEqual({ state: 'exited', status: 1 });
    expect(await host.machineCall(sessionId, { op: 'wait', pid: 1 }).then((r) => r.result)).toEqual({ state: 'error', error: 'ESRCH' });
    expect(await host.machineCall(sessionId, { op: 'kill', pid: 9 }).then((r) => r.result)).toMatchObject({ ok: false, error: 'ESRCH' });
    expect(await host.machineCall(sessionId, { op: 'boot', path: 'nope' }).then((r) => r.result)).toMatchObject({ ok: false, error: 'ENOENT' });

    const installed = await host.machineCall(sessionId, { op: 'install', program: {
      name: 'hello', segments: [{ virt: '0x80000000', size: '4K', access: 'rx' }], script: [{ op: 'print', text: 'hello' }, { op: 'exit', status: 3 }],
    } });
    expect(installed.result).toEqual({ name: 'hello', segments: 1, steps: 2 });
    expect(installed.state.programs).toContain('hello');
    const spawned = await host.machineCall(sessionId, { op: 'spawn', pid: 0, path: 'hello' });
    expect(spawned.result).toMatchObject({ ok: true });
    const pid = (spawned.result as { pid: number }).pid;
    const step = await host.machineCall(sessionId, { op: 'step' });
    expect(step.result).toMatchObject({ op: expect.any(String) });
    const done = await host.machineCall(sessionId, { op: 'run', steps: 1000 });
    expect(done.result.idle).toBe(true);
    // server (its parent) exits first or after it: either way nobody waits, and it is reaped into `exited`.
    expect(done.state.exited).toContainEqual({ pid, program: 'hello', status: 3 });
    expect(done.state.console.map((l) => l.text)).toContain('hello');
    await expect(host.machineCall(sessionId, { op: 'install', program: { name: 'bad', segments: [{ virt: '0x80000000', size: '4K', access: 'rx' }], script: [{ op: 'fly' }] } }))
      .rejects.toThrow(/^machineCall: install: bad\.json: script\[0\]/);
    await host.machineClose(sessionId);
  });

  it('state changes nothing and gives the machine back as it is (a reloaded Explorer reattaches with it)', async () => {
    const { sessionId } = await host.machineStart({ arch: 'intel', ramMiB: 16, copyOnWrite: true });
    await host.machineCall(sessionId, { op: 'boot', path: 'sh' });
    const forked = await host.machineCall(sessionId, { op: 'fork', pid: 0 });
    const first = await host.machineCall(sessionId, { op: 'state' });
    expect(first.result).toBeNull();
    expect(first.state).toEqual(forked.state);
    expect(first.state.processes.map((p) => p.pid)).toEqual([0, 1]);
    // Asked again, still the same: the clock, the TLB and the frames did not move.
    expect((await host.machineCall(sessionId, { op: 'state' })).state).toEqual(forked.state);
    await expect(host.machineCall(sessionId, { op: 'state', pid: 0 } as never)).rejects.toThrow('(call): pid: not a field of state (it takes no fields)');
    await host.machineClose(sessionId);
  });

  it('refuses bad calls naming the field, dead callers, and unknown sessions', async () => {
    await expect(host.machineStart({ arch: 'arm', ramMiB: 32, copyOnWrite: false }))
      .rejects.toThrow('machineStart: args[0] (options): ramMiB must be a whole number of MiB from 64 to 896 on arm');
    await expect(host.machineStart({ arch: 'intel', ramMiB: 4, copyOnWrite: false })).rejects.toThrow('from 8 to 896 on intel');
    await expect(host.machineStart({ arch: 'x86' as MachineArch, ramMiB: 64, copyOnWrite: false })).rejects.toThrow("arch must be 'intel' or 'arm'");
    await expect(host.machineStart({ arch: 'intel', ramMiB: 64 } as never)).rejects.toThrow('copyOnWrite must be true or false');

    const { sessionId } = await host.machineStart({ arch: 'intel', ramMiB: 16, copyOnWrite: false });
    const bad = (call: unknown) => host.machineCall(sessionId, call as never);
    await expect(bad({ op: 'fly' })).rejects.toThrow('machineCall: args[1] (call): op must be one of boot, spawn, launch');
    await expect(bad({ op: 'fork' })).rejects.toThrow('machineCall: args[1] (call): pid must be a process id (an integer from 0 to 65535)');
    await expect(bad({ op: 'run', steps: 100_001 })).rejects.toThrow('steps must be an integer from 1 to 100000');
    await expect(bad({ op: 'translate', pid: 0, virt: -1 })).rejects.toThrow('virt must be a 32-bit address');
    await expect(bad({ op: 'translate', pid: 0, virt: 0, access: 'jump' })).rejects.toThrow("access must be 'read', 'write' or 'execute'");
    await expect(bad({ op: 'vmctl', pid: 0, operation: 'Map', range: {} })).rejects.toThrow('operation must be one of MapContiguous, MapSparse');
    await expect(bad({ op: 'vmctl', pid: 0, operation: 'UnMap', range: { virt: 0, phys: 0, size: 1.5, access: 0 } }))
      .rejects.toThrow('(call): range.size must be an integer from 0 to 0xFFFFFFFF');
    await expect(bad({ op: 'step', pid: 0 })).rejects.toThrow('(call): pid: not a field of step (it takes no fields)');
    await expect(bad('boot')).rejects.toThrow('machineCall: args[1] (call): must be { op, ... }');
    await expect(bad({ op: 'fork', pid: 3 })).rejects.toThrow('machineCall: fork: call.pid: no live process 3 (live: none)');
    await expect(bad({ op: 'translate', pid: 0, virt: 0 })).rejects.toThrow('machineCall: translate: call.pid: no live process 0');

    await expect(host.machineCall('not-a-session', { op: 'step' })).rejects.toThrow('machineCall: args[0] (sessionId): must be a machine session id (a UUID)');
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(host.machineCall(unknown, { op: 'step' })).rejects.toThrow(`machineCall: no machine session '${unknown}'`);
    await expect(host.machineClose(unknown)).resolves.toBe(false);
    await host.machineClose(sessionId);
  });

  it(`keeps at most ${MAX_MACHINE_SESSIONS} sessions, closing the least recently used`, async () => {
    const host = createLabHost({ workspace: mkdtempSync(path.join(tmpdir(), 'lab-machines-')), host: 'web' });
    const ids: string[] = [];
    for (let i = 0; i < MAX_MACHINE_SESSIONS; i++) {
      const started = await host.machineStart({ arch: 'intel', ramMiB: 8, copyOnWrite: false });
      expect(started.closed).toBeNull();
      ids.push(started.sessionId);
    }
    await host.machineCall(ids[0]!, { op: 'step' }); // ids[1] is now the least recently used
    const fifth = await host.machineStart({ arch: 'intel', ramMiB: 8, copyOnWrite: false });
    expect(fifth.closed).toBe(ids[1]);
    await expect(host.machineCall(ids[1]!, { op: 'step' })).rejects.toThrow(`no machine session '${ids[1]}' (closed to make room: at most ${MAX_MACHINE_SESSIONS} sessions)`);
    await expect(host.machineCall(ids[0]!, { op: 'step' })).resolves.toMatchObject({ result: null });
    await host.dispose();
    await expect(host.machineCall(ids[0]!, { op: 'step' })).rejects.toThrow('no machine session');
  });

  it('keeps the state small while sh runs (JSON under 200 KB at every point)', async () => {
    const { sessionId } = await host.machineStart({ arch: 'intel', ramMiB: 128, copyOnWrite: true });
    let { state } = await host.machineCall(sessionId, { op: 'boot', path: 'sh' });
    let largest = 0;
    for (let i = 0; i < 200 && (i === 0 || state.processes.length > 0); i++) {
      largest = Math.max(largest, JSON.stringify(state).length);
      expect(structuredClone(state)).toEqual(state);
      ({ state } = await host.machineCall(sessionId, { op: 'run', steps: 3 }));
    }
    expect(state.processes).toEqual([]);
    expect(largest).toBeGreaterThan(1000);
    expect(largest).toBeLessThan(200 * 1024);
    await host.machineClose(sessionId);
  });
});
