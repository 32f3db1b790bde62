// Machine (engine/machine/Machine.ts, Interpreter.ts): boot of programs (§9.2), the built-in
// shell's whole scenario with exit codes and every frame back afterwards, install(), print,
// sleep and the clock, loads and stores through the MMU (segmentation faults, status 139), malloc
// in a program's heap at the §2.6 addresses, round-robin step() order, run() limits, and
// determinism of the whole machine.
import { describe, expect, it } from 'vitest';
import { EventLog, KERNEL_PID, Machine, ProcessState, ProgramError, Region, SegfaultStatus } from '../../../engine/index';

const PAGE = 4096;
const segments = [{ virt: '0x80000000', size: '8K', access: 'rw' }];

/** A machine without the built-ins, with `programs` (name → script) installed. */
function machineWith(programs: Record<string, unknown[]>, options: ConstructorParameters<typeof Machine>[0] = {}): Machine {
  const machine = new Machine({ builtins: false, ...options });
  for (const [name, script] of Object.entries(programs)) machine.install({ name, segments, script });
  return machine;
}

/** Boots `path` and returns its pid. */
function boot(machine: Machine, path: string): number {
  const result = machine.boot(path);
  if (!result.ok) throw new Error(`boot ${path}: ${result.error}`);
  return result.pid;
}

/** Runs until nothing can run; returns every step report. */
function runAll(machine: Machine) {
  const reports: { pid: number; op: string; outcome: string }[] = [];
  for (let report = machine.step(); report; report = machine.step()) reports.push(report);
  return reports;
}

const texts = (machine: Machine) => machine.console.map((line) => line.text);

describe('Machine.boot (§9.2)', () => {
  it('boots a built-in that runs to completion and leaves nothing behind', () => {
    const machine = new Machine();
    const before = machine.kernel.allocator.available();
    expect(machine.boot('hog')).toEqual({ ok: true, pid: 0 });
    expect(machine.processes.get(0)?.state).toBe(ProcessState.Ready);
    const reports = runAll(machine);
    // repeat, 32 × (malloc, write), print, exit
    expect(reports).toHaveLength(1 + 64 + 2);
    expect(machine.console).toEqual([{ pid: 0, text: 'hog: wrote 2 MiB' }]);
    expect(machine.exited).toEqual([{ pid: 0, program: 'hog', status: 0 }]);
    expect(machine.processes.all()).toEqual([]);
    expect(machine.kernel.allocator.available()).toBe(before);
  });

  it('a booted process has the kernel as its parent', () => {
    const machine = new Machine();
    const pid = boot(machine, 'sh');
    expect(machine.processes.get(pid)!.parent).toBe(KERNEL_PID);
  });

  it('boot of an unknown program is ENOENT and creates nothing', () => {
    const machine = new Machine();
    const before = machine.kernel.allocator.available();
    expect(machine.boot('nope')).toEqual({ ok: false, error: 'ENOENT', reason: "no program named 'nope'" });
    expect(machine.processes.all()).toEqual([]);
    expect(machine.kernel.allocator.available()).toBe(before);
  });

  it('a boot program that does not fit is fatal: a kernel panic (§9.2)', () => {
    const machine = new Machine({ builtins: false, ramSize: 8 * 1024 * 1024 });
    machine.install({ name: 'huge', segments: [{ virt: '0x80000000', size: '6M' }] });
    expect(() => machine.boot('huge')).toThrow("kernel panic: cannot load boot program 'huge': out of memory");
  });

  it('install() replaces a program by name', () => {
    const machine = new Machine();
    const old = machine.programs.get('hog')!;
    const image = machine.install({ name: 'hog', segments, script: [{ op: 'print', text: 'a tiny hog' }] }, 'tiny.json');
    expect(machine.programs.get('hog')).toBe(image);
    expect(image).not.toBe(old);
    boot(machine, 'hog');
    runAll(machine);
    expect(machine.console).toEqual([{ pid: 0, text: 'a tiny hog' }]);
  });

  it('install() of an invalid image throws ProgramError and keeps the installed one', () => {
    const machine = new Machine();
    const old = machine.programs.get('hog');
    expect(() => machine.install({ name: 'hog', segments: [] }, 'bad.json')).toThrow(ProgramError);
    expect(() => machine.install({ name: 'hog', segments: [] }, 'bad.json')).toThrow('bad.json: segments: must be a non-empty array');
    expect(machine.programs.get('hog')).toBe(old);
  });

  it('installs the four built-ins by default, none with builtins: false', () => {
    expect([...new Machine().programs.keys()]).toEqual(['sh', 'hog', 'server', 'broken']);
    expect([...new Machine({ builtins: false }).programs.keys()]).toEqual([]);
  });
});

describe('Machine: the built-in shell', () => {
  it('prints every line in order, with the exit codes 0, 0, 1 and 2', () => {
    const machine = new Machine();
    boot(machine, 'sh');
    runAll(machine);
    expect(machine.console).toEqual([
      { pid: 0, text: 'sh: launching hog' },
      { pid: 1, text: 'hog: wrote 2 MiB' },
      { pid: 0, text: 'sh: hog exited with 0' },
      { pid: 2, text: 'server: a worker handled a request' },
      { pid: 2, text: 'server: a worker handled a request' },
      { pid: 2, text: 'server: a worker handled a request' },
      { pid: 2, text: 'server: a worker handled a request' },
      { pid: 0, text: 'sh: server exited with 0' },
      { pid: 1, text: "sh: cannot execute 'nosuchprogram': no program named 'nosuchprogram' (ENOENT)" },
      { pid: 0, text: 'sh: nosuchprogram exited with 1' },
      { pid: 1, text: "broken: cannot execute 'no-such-program': no program named 'no-such-program' (ENOENT)" },
      { pid: 0, text: 'sh: broken exited with 2' },
    ]);
  });

  it('waits for each child in turn: the wait outcomes give 0, 0, 1, 2', () => {
    const machine = new Machine();
    boot(machine, 'sh');
    const waits = runAll(machine).filter((r) => r.pid === 0 && r.op === 'wait' && r.outcome.includes('exited'));
    expect(waits).toEqual([
      { pid: 0, op: 'wait', outcome: 'pid 1 exited with 0' },
      { pid: 0, op: 'wait', outcome: 'pid 1 exited with 0' },
      { pid: 0, op: 'wait', outcome: 'pid 1 exited with 1' },
      { pid: 0, op: 'wait', outcome: 'pid 1 exited with 2' },
    ]);
  });

  it('gives every frame back, leaves no process, and lists only sh as exited with 0', () => {
    const machine = new Machine();
    const before = machine.kernel.allocator.available();
    boot(machine, 'sh');
    machine.run();
    expect(machine.kernel.allocator.available()).toBe(before);
    expect(machine.processes.all()).toEqual([]);
    expect(machine.exited).toEqual([{ pid: 0, program: 'sh', status: 0 }]);
    expect(machine.step()).toBeNull();
  });

  it('hog\'s 2 MiB cost 5.75 MiB of heap while it runs: 128 KiB pools grow 1, 1, 2, ..., 8 objects (§2.3, §2.5)', () => {
    const machine = new Machine();
    boot(machine, 'sh');
    const before = machine.kernel.allocator.available();
    expect(machine.runUntil(() => machine.console.some((l) => l.text === 'hog: wrote 2 MiB'))).toBe(true);
    // 64 KiB + 12 goes to the 128 KiB class. Pools of w objects (1, 1, 2, ..., 8: 37 >= 32 slots) each
    // take 64 + w + w × 128 KiB, which the PageAllocator rounds up to (w + 1) × 128 KiB = (w + 1) × 32 pages.
    const heapPages = [1, 1, 2, 3, 4, 5, 6, 7, 8].reduce((sum, w) => sum + (w + 1) * 32, 0);
    expect(heapPages).toBe(1472);
    // hog: 10 process frames, segments 6 + table, args 32 + table, first heap page + table, the pools,
    // and a second heap table: 4 KiB + 1472 pages run past 0xB0400000.
    expect((before - machine.kernel.allocator.available()) / PAGE).toBe(10 + 7 + 33 + 2 + heapPages + 1);
  });
});

describe('Machine: script steps', () => {
  it('a script that ends without exit exits with status 0', () => {
    const machine = machineWith({ quiet: [{ op: 'print', text: 'hello' }] });
    boot(machine, 'quiet');
    expect(runAll(machine)).toEqual([
      { pid: 0, op: 'print', outcome: 'hello' },
      { pid: 0, op: 'exit', outcome: 'end of script, status 0' },
    ]);
    expect(machine.exited).toEqual([{ pid: 0, program: 'quiet', status: 0 }]);
  });

  it('exit ends the script with its status; later steps never run', () => {
    const machine = machineWith({ early: [{ op: 'exit', status: 5 }, { op: 'print', text: 'never' }] });
    boot(machine, 'early');
    expect(runAll(machine)).toEqual([{ pid: 0, op: 'exit', outcome: 'status 5' }]);
    expect(machine.console).toEqual([]);
    expect(machine.exited).toEqual([{ pid: 0, program: 'early', status: 5 }]);
  });

  it('print interpolates {status} and other variables; unknown names stay as written', () => {
    const machine = machineWith({
      parent: [
        { op: 'fork', as: 'kid', child: [{ op: 'exit', status: 42 }] },
        { op: 'wait', name: 'kid' },
        { op: 'print', text: 'child {kid} exited with {status}; {nothing}' },
      ],
    });
    boot(machine, 'parent');
    runAll(machine);
    expect(texts(machine)).toEqual(['child 1 exited with 42; {nothing}']);
  });

  it('repeat runs its body the given number of times', () => {
    const machine = machineWith({ loop: [{ op: 'repeat', times: 3, body: [{ op: 'print', text: 'a' }, { op: 'print', text: 'b' }] }] });
    boot(machine, 'loop');
    runAll(machine);
    expect(texts(machine)).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('sleep lets another process run first, in a fixed order', () => {
    const machine = machineWith({
      sleeper: [{ op: 'sleep', steps: 3 }, { op: 'print', text: 'A' }],
      busy: [{ op: 'print', text: 'B1' }, { op: 'print', text: 'B2' }, { op: 'print', text: 'B3' }, { op: 'print', text: 'B4' }],
    });
    boot(machine, 'sleeper');
    boot(machine, 'busy');
    expect(machine.step()).toEqual({ pid: 0, op: 'sleep', outcome: 'until step 3' });
    expect(machine.processes.get(0)!.state).toBe(ProcessState.Sleeping);
    runAll(machine);
    expect(texts(machine)).toEqual(['B1', 'B2', 'A', 'B3', 'B4']);
  });

  it('the clock jumps over a sleep when nothing else is ready', () => {
    const machine = machineWith({ sleeper: [{ op: 'sleep', steps: 50 }, { op: 'print', text: 'woke' }] });
    boot(machine, 'sleeper');
    expect(machine.step()).toEqual({ pid: 0, op: 'sleep', outcome: 'until step 50' });
    expect(machine.clock).toBe(1);
    expect(machine.step()).toEqual({ pid: 0, op: 'print', outcome: 'woke' });
    expect(machine.clock).toBe(51);
  });
});

describe('Machine: loads and stores through the MMU', () => {
  it('writing into a read-only ("rx") segment of an execve\'d image is a segmentation fault, status 139', () => {
    const machine = machineWith({ runner: [{ op: 'execve', path: 'ro' }] });
    machine.install({
      name: 'ro',
      segments: [{ virt: '0x80000000', size: '4K', access: 'rx' }],
      script: [{ op: 'write', address: '0x80000000', size: 4, value: 1 }, { op: 'print', text: 'unreachable' }],
    });
    boot(machine, 'runner');
    const reports = runAll(machine);
    expect(SegfaultStatus).toBe(139);
    expect(reports.at(-1)).toEqual({ pid: 0, op: 'write', outcome: 'segmentation fault at 0x80000000, status 139' });
    expect(machine.console).toEqual([{ pid: 0, text: 'ro: segmentation fault at 0x80000000' }]);
    expect(machine.exited).toEqual([{ pid: 0, program: 'ro', status: SegfaultStatus }]);
  });

  it('a booted program\'s segments are User|R|W|X whatever the image says (§9.2), so the same write succeeds', () => {
    const machine = new Machine({ builtins: false });
    machine.install({
      name: 'ro',
      segments: [{ virt: '0x80000000', size: '4K', access: 'rx' }],
      script: [{ op: 'write', address: '0x80000000', size: 4, value: 1 }, { op: 'print', text: 'wrote' }],
    });
    boot(machine, 'ro');
    runAll(machine);
    expect(texts(machine)).toEqual(['wrote']);
    expect(machine.exited).toEqual([{ pid: 0, program: 'ro', status: 0 }]);
  });

  it('touching an unmapped address in UserPrivate is a segmentation fault naming the address', () => {
    const machine = machineWith({ toucher: [{ op: 'touch', region: 'UserPrivate', offset: 0x1234, size: 1 }] });
    boot(machine, 'toucher');
    expect(machine.step()).toEqual({ pid: 0, op: 'touch', outcome: 'segmentation fault at 0xA0001234, status 139' });
    expect(machine.console).toEqual([{ pid: 0, text: 'toucher: segmentation fault at 0xA0001234' }]);
    expect(machine.exited).toEqual([{ pid: 0, program: 'toucher', status: 139 }]);
  });

  it('reading an unmapped address is a segmentation fault too', () => {
    const machine = machineWith({ reader: [{ op: 'read', address: '0x80002000', size: 4 }] });
    boot(machine, 'reader');
    expect(machine.step()?.outcome).toBe('segmentation fault at 0x80002000, status 139');
    expect(machine.exited).toEqual([{ pid: 0, program: 'reader', status: 139 }]);
  });

  it('a write then a read of the same bytes works', () => {
    const machine = machineWith({
      rw: [
        { op: 'write', region: 'UserData', offset: '0x100', size: 8, value: 0x5a },
        { op: 'read', region: 'UserData', offset: '0x100', size: 8 },
        { op: 'sleep', steps: 10 },
      ],
    });
    const pid = boot(machine, 'rw');
    expect(machine.step()).toEqual({ pid, op: 'write', outcome: '8 bytes at 0x80000100' });
    expect(machine.step()).toEqual({ pid, op: 'read', outcome: '8 bytes at 0x80000100' });
    const bytes = machine.memoryOf(machine.processes.get(pid)!).read(0x800000fc, 16);
    expect(Array.from(bytes as Uint8Array)).toEqual([0, 0, 0, 0, ...Array<number>(8).fill(0x5a), 0, 0, 0, 0]);
  });

  it('a write through a malloc\'d pointer lands in the heap page behind it', () => {
    const machine = machineWith({
      heap: [{ op: 'malloc', size: 100, as: 'p' }, { op: 'write', at: 'p', offset: 2, size: 3, value: 7 }, { op: 'sleep', steps: 10 }],
    });
    const pid = boot(machine, 'heap');
    machine.step();
    expect(machine.step()).toEqual({ pid, op: 'write', outcome: '3 bytes at 0xB0001442' });
    const process = machine.processes.get(pid)!;
    const phys = process.context.lookup(0xb0001000).phys;
    expect(Array.from(machine.kernel.memory.read(phys + 0x441, 5) as Uint8Array)).toEqual([0, 7, 7, 7, 0]);
  });
});

describe('Machine: malloc in a program (§2.6)', () => {
  it('returns the §2.6 addresses', () => {
    const sizes = [1, 4, 5, 64, 1000, 4096, 16384, 100000];
    const machine = machineWith({ mal: sizes.map((size) => ({ op: 'malloc', size })) });
    boot(machine, 'mal');
    expect(sizes.map(() => machine.step()!.outcome)).toEqual([
      'malloc(1) = 0xB0002E64',
      'malloc(4) = 0xB0002E74',
      'malloc(5) = 0xB0021FCC',
      'malloc(64) = 0xB0041440',
      'malloc(1000) = 0xB00610C8',
      'malloc(4096) = 0xB0081058',
      'malloc(16384) = 0xB00A104C',
      'malloc(100000) = 0xB00C104C',
    ]);
  });

  it('malloc of more than the heap can map gives NULL (0), says so, and takes no frame', () => {
    // 64 MiB goes to the 128 MiB pool class: more than a 128 MiB machine can map.
    const machine = machineWith({ big: [{ op: 'malloc', size: '64M', as: 'big' }, { op: 'print', text: 'big = {big}' }] });
    boot(machine, 'big');
    const before = machine.kernel.allocator.available();
    expect(machine.step()).toEqual({ pid: 0, op: 'malloc', outcome: 'malloc(67108864) = NULL' });
    expect(machine.kernel.allocator.available()).toBe(before);
    machine.step();
    expect(texts(machine)).toEqual(['big = 0']);
  });

  it('malloc(0) is NULL', () => {
    const machine = machineWith({ zero: [{ op: 'malloc', size: 0 }] });
    boot(machine, 'zero');
    expect(machine.step()?.outcome).toBe('malloc(0) = NULL');
  });
});

describe('Machine.step: scheduling', () => {
  const printer = (name: string) => [1, 2, 3].map((i) => ({ op: 'print', text: `${name}${i}` }));

  it('runs ready processes round robin, lowest PID first', () => {
    const machine = machineWith({ a: printer('a'), b: printer('b'), c: printer('c') });
    boot(machine, 'a');
    boot(machine, 'b');
    boot(machine, 'c');
    const order = Array.from({ length: 7 }, () => machine.step()!.pid);
    expect(order).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(texts(machine)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3']);
  });

  it('continues after the last process run, also when a new one appears', () => {
    const machine = machineWith({ a: printer('a'), b: printer('b'), c: printer('c') });
    boot(machine, 'a');
    boot(machine, 'b');
    expect(machine.step()!.pid).toBe(0);
    boot(machine, 'c');
    expect([machine.step()!.pid, machine.step()!.pid, machine.step()!.pid]).toEqual([1, 2, 0]);
  });

  it('skips processes that are not Ready', () => {
    const machine = machineWith({ a: [{ op: 'sleep', steps: 100 }, ...printer('a')], b: printer('b'), c: printer('c') });
    boot(machine, 'a');
    boot(machine, 'b');
    boot(machine, 'c');
    expect(Array.from({ length: 5 }, () => machine.step()!.pid)).toEqual([0, 1, 2, 1, 2]);
  });

  it('run(maxSteps) stops at the limit and returns the number of steps run', () => {
    const machine = new Machine();
    boot(machine, 'hog');
    expect(machine.run(5)).toBe(5);
    expect(machine.clock).toBe(5);
    expect(machine.processes.get(0)?.state).toBe(ProcessState.Ready);
    expect(machine.run()).toBe(67 - 5);
    expect(machine.processes.all()).toEqual([]);
  });

  it('runUntil stops as soon as the condition holds', () => {
    const machine = machineWith({ a: printer('a') });
    boot(machine, 'a');
    expect(machine.runUntil(() => machine.console.length === 2)).toBe(true);
    expect(machine.clock).toBe(2);
    expect(machine.runUntil(() => false)).toBe(false);
    expect(machine.clock).toBe(4);
  });

  it('step() returns null when nothing can run: no process, or every process waiting', () => {
    expect(new Machine().step()).toBeNull();
    const machine = machineWith({ a: [{ op: 'wait', pid: 1 }], b: [{ op: 'wait', pid: 0 }] });
    boot(machine, 'a');
    boot(machine, 'b');
    expect(machine.step()).toEqual({ pid: 0, op: 'wait', outcome: 'waiting for pid 1' });
    expect(machine.step()).toEqual({ pid: 1, op: 'wait', outcome: 'waiting for pid 0' });
    expect(machine.step()).toBeNull();
    expect(machine.run()).toBe(0);
    expect(machine.processes.all().map((p) => p.state)).toEqual([ProcessState.Waiting, ProcessState.Waiting]);
  });
});

describe('Machine: determinism', () => {
  /** Boots sh and server on a fresh logged machine and returns it after `steps` steps. */
  function sample(steps: number) {
    const log = new EventLog();
    const machine = new Machine({ log });
    boot(machine, 'sh');
    boot(machine, 'server');
    machine.run(steps);
    const { address, size } = machine.kernel.layout.bitmap;
    return { machine, log, bitmap: Array.from(machine.kernel.memory.read(address, size) as Uint8Array) };
  }

  it('two machines with the same programs print the same lines and hold the same frames, mid-run and at the end', () => {
    for (const steps of [60, 100_000]) {
      const one = sample(steps);
      const two = sample(steps);
      expect(two.machine.console).toEqual(one.machine.console);
      expect(two.machine.kernel.allocator.available()).toBe(one.machine.kernel.allocator.available());
      expect(two.bitmap).toEqual(one.bitmap);
      expect(two.log.events).toEqual(one.log.events);
    }
  });

  it('mid-run, frames really are in use (the comparison is not of two empty machines)', () => {
    const fresh = new Machine().kernel.allocator.available();
    expect(sample(60).machine.kernel.allocator.available()).toBeLessThan(fresh);
  });
});

describe('boot arguments (§9.2)', () => {
  it('UserArgs holds only the program name, at most 32 bytes, the rest of its 128 KiB zero', () => {
    const name = 'a-program-with-a-name-longer-than-thirty-two-bytes';
    const machine = new Machine({ builtins: false });
    machine.install({ name, argv: [name, 'ignored-at-boot'], segments: [{ virt: '0x80000000', size: '4K' }], script: [] });
    const result = machine.boot(name);
    if (!result.ok) throw new Error(result.reason);
    const process = machine.processes.get(result.pid)!;
    const args = process.memoryMap.range(Region.UserArgs);
    const bytes = machine.memoryOf(process).read(args.virt, args.size);
    if (typeof bytes === 'number') throw new Error('UserArgs is not mapped');
    expect(String.fromCharCode(...bytes.subarray(0, 32))).toBe(name.slice(0, 32));
    expect(bytes.subarray(32).every((b) => b === 0)).toBe(true);
  });
});
