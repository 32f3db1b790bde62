// Invariants of the machine over seeded random program scripts (malloc/free, writes, touches,
// fork, wait, execve, kill, sleep, exit), on Intel and ARM in both fork modes, checked after every step:
// every present user entry points at an allocated frame; a frame mapped by several address
// spaces is shared copy-on-write and counted in kernel.references; page-table, directory,
// kernel-stack and channel frames are never mapped as user pages; and once every process has
// exited, every frame is back. (spawn is left out: its VMCopy leaks one KernelPrivate page
// table per caller by design, tested in ForkExec.test.ts.)
import { describe, expect, it } from 'vitest';
import { AbortStatus, FrameOwner, Machine, Memory, PAGESIZE, frameMap, pageTable, type Architecture, type Step } from '../../../engine/index';


/** mulberry32: a small seeded PRNG, the same sequence on every machine. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** A random script of `length` steps; forks nest at most `depth` deep. Writes go only to mapped memory. */
function script(next: (n: number) => number, length: number, depth: number, live = new Set<string>()): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < length; i++) {
    const name = `v${next(4)}`;
    switch (next(10)) {
      case 0: case 1:
        steps.push({ op: 'malloc', size: [1, 24, 100, 4000, 70000][next(5)]!, as: name });
        live.add(name);
        break;
      case 2:
        if (live.delete(name)) steps.push({ op: 'free', name });
        break;
      case 3:
        if (live.has(name)) steps.push({ op: 'write', at: name, offset: 0, size: 1 + next(24), value: next(256) });
        break;
      case 4:
        steps.push({ op: 'touch', region: (['UserData', 'UserStack', 'UserArgs'] as const)[next(3)]!, offset: 0, size: 4096 });
        break;
      case 5:
        if (depth > 0) steps.push({ op: 'fork', as: 'kid', child: script(next, 1 + next(6), depth - 1, new Set(live)) });
        break;
      case 6:
        steps.push({ op: 'wait', name: 'kid' });
        break;
      case 7:
        steps.push({ op: 'sleep', steps: next(5) });
        break;
      case 8:
        if (next(4) === 0) steps.push({ op: 'execve', path: ['worker', 'nothing-here'][next(2)]! });
        else steps.push({ op: 'read', region: 'UserData', offset: 0, size: 64 });
        break;
      default:
        if (next(3) === 0) steps.push({ op: 'kill', name: 'kid', status: 9 });
        else steps.push({ op: 'write', region: 'UserStack', offset: next(4096), size: 16 });
    }
  }
  steps.push({ op: 'exit', status: next(4) });
  return steps;
}

/** Checks the per-step invariants; returns the first broken one as text, or null. */
function broken(machine: Machine): string | null {
  const { kernel, processes } = machine;
  const frames = frameMap(kernel, processes);
  const sharers = new Map<number, number>();
  for (const process of processes.all()) {
    if (process.context.root() === 0 || process.state === 4) continue;
    for (const entry of pageTable(process)) {
      if (!kernel.allocator.isAllocated(entry.phys)) return `pid ${process.id} maps ${entry.virt.toString(16)} to free frame ${entry.phys.toString(16)}`;
      const owner = frames.owner[entry.phys / PAGESIZE]!;
      if ([FrameOwner.Directory, FrameOwner.PageTable, FrameOwner.KernelStack, FrameOwner.KernelHeap].includes(owner)) {
        return `pid ${process.id} maps ${entry.virt.toString(16)} onto a ${FrameOwner[owner]} frame`;
      }
      if (entry.copyOnWrite && entry.access & Memory.Writable) return `a copy-on-write page is writable`;
      sharers.set(entry.phys, (sharers.get(entry.phys) ?? 0) + 1);
    }
  }
  for (const [phys, count] of sharers) {
    if (count > 1 && kernel.references.count(phys) !== count) {
      return `frame ${phys.toString(16)} is mapped ${count} times but counted ${kernel.references.count(phys)}`;
    }
  }
  return null;
}

const worker = { name: 'worker', segments: [{ virt: '0x80000000', size: '8K', access: 'rw' }],
  script: [{ op: 'malloc', size: 300, as: 'w' }, { op: 'write', at: 'w', size: 300, value: 3 }, { op: 'exit', status: 7 }] };

const modes: [Architecture, boolean][] = [['intel', false], ['intel', true], ['arm', false], ['arm', true]];
describe.each(modes)('machine invariants on %s, copyOnWrite %s', (arch, copyOnWrite) => {
  it.each([1, 2, 3, 4, 5, 6])('seed %i: every step keeps the invariants and every frame comes back', (seed) => {
    const next = random(seed * 7919 + (copyOnWrite ? 1 : 0));
    const machine = new Machine({ arch, copyOnWrite, ramSize: 64 * 1024 * 1024 });
    machine.install(worker);
    const free = machine.kernel.allocator.available();
    for (let p = 0; p < 3; p++) {
      machine.install({ name: `random${p}`, segments: [{ virt: '0x80000000', size: `${4 * (1 + next(4))}K`, access: 'rw' }],
        script: script(next, 10 + next(20), 2) });
      expect(machine.boot(`random${p}`).ok).toBe(true);
    }
    let steps = 0;
    while (machine.step()) {
      steps++;
      const problem = broken(machine);
      if (problem) throw new Error(`after step ${steps} (clock ${machine.clock}): ${problem}`);
      expect(steps).toBeLessThan(5000);
    }
    expect(steps).toBeGreaterThan(20);
    expect(machine.processes.all()).toEqual([]);
    expect(machine.kernel.references.shared().size).toBe(0);
    expect(machine.kernel.allocator.available()).toBe(free);
  });
});

describe('execve after a copy-on-write fork', () => {
  it('writes the new arguments into private pages: the parent\'s stay as they were', () => {
    const machine = new Machine({ copyOnWrite: true });
    machine.install({ name: 'parent', segments: [{ virt: '0x80000000', size: '4K' }], script: [
      { op: 'fork', as: 'kid', child: [{ op: 'execve', path: 'worker', argv: ['worker', 'BETA'] }] },
      { op: 'sleep', steps: 3 },
      { op: 'wait', name: 'kid' },
    ] });
    machine.install(worker);
    const started = machine.boot('parent');
    if (!started.ok) throw new Error(started.reason);
    machine.step();
    machine.step();
    const parent = machine.processes.get(started.pid)!;
    const argsPage = parent.memoryMap.range(7).virt;
    const read = (pid: number) => {
      const bytes = machine.memoryOf(machine.processes.get(pid)!).read(argsPage, 7);
      return typeof bytes === 'number' ? '' : String.fromCharCode(...bytes);
    };
    const child = machine.taskOf(started.pid)!.vars.get('kid')!;
    expect(read(child)).toBe('worker\0');
    expect(read(started.pid)).toBe('parent\0');
  });
});

describe('a debug assertion in a program\'s heap', () => {
  it('aborts that program with status 134 and a console line; the machine and the frames are fine', () => {
    const machine = new Machine();
    const free = machine.kernel.allocator.available();
    machine.install({ name: 'overrun', segments: [{ virt: '0x80000000', size: '4K' }], script: [
      { op: 'malloc', size: 1, as: 'p' },
      { op: 'write', at: 'p', size: 24, value: 0x41 },
      { op: 'free', name: 'p' },
      { op: 'print', text: 'never printed' },
    ] });
    machine.boot('overrun');
    machine.run();
    expect(machine.console.map((line) => line.text)).toEqual([
      'overrun: assertion failed: pid 0 heap.release(0xB0002E64): no postfix signature in the 16-byte slot: the object was overrun',
    ]);
    expect(machine.exited).toEqual([{ pid: 0, program: 'overrun', status: AbortStatus }]);
    expect(machine.kernel.allocator.available()).toBe(free);
  });
});
