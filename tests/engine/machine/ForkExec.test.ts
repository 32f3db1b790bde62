// Fork, execve, exit/wait/kill and spawn on the Machine (engine/machine/Machine.ts, Fork.ts,
// Loader.ts): eager fork copies every user page, copy-on-write fork shares frames read-only with
// IntelEntry.CopyOnWrite and kernel.references until the first write; the frames each mode takes;
// fork failure; execve after the RecoveryServer restart (§9.7) with argv in UserArgs (§9.3); wait,
// zombies, orphans and kill (§9.6 plus the lab's POSIX layer); FreeNOS spawn (§9.3) with its
// documented VMCopy page-table leak (§8, §9.6).
import { describe, expect, it } from 'vitest';
import {
  EventLog, Fault, IntelEntry, IntelLayout, KERNEL_PID, Machine, Memory, MemoryOperation, ProcessState, Region, SELF, VMCtl,
  type EngineEvent, type Process, type Step,
} from '../../../engine/index';

const PAGE = 4096;
const MiB = 1024 * 1024;
const USER_RW = Memory.User | Memory.Readable | Memory.Writable;
const IDLE: Step[] = [{ op: 'sleep', steps: 1_000_000 }];
const USER_REGIONS = [Region.UserData, Region.UserHeap, Region.UserStack, Region.UserPrivate, Region.UserShare, Region.UserArgs];

/** A machine without the built-ins. */
function machine(options: ConstructorParameters<typeof Machine>[0] = {}): Machine {
  return new Machine({ builtins: false, ...options });
}

function install(m: Machine, name: string, segments: unknown[], script: unknown[] = IDLE): void {
  m.install({ name, segments, script });
}

/** Boots `path`; its Process. Boot copies only the name (§9.2), so an argv is put in place by execve. */
function boot(m: Machine, path: string, argv?: string[]): Process {
  const result = m.boot(path);
  if (!result.ok) throw new Error(`boot ${path}: ${result.error}`);
  const process = m.processes.get(result.pid)!;
  if (argv) {
    const again = m.execve(process, path, argv);
    if (!again.ok) throw new Error(`execve ${path}: ${again.error}`);
  }
  return process;
}

/** Forks `parent` (child runs `steps`); the child Process. */
function fork(m: Machine, parent: Process, steps: Step[] = IDLE): Process {
  const result = m.fork(parent, steps);
  if (!result.ok) throw new Error(`fork: ${result.error}`);
  return m.processes.get(result.pid)!;
}

const mappingsOf = (p: Process, region: Region) => p.context.mappings(p.memoryMap.range(region));
const pageBytes = (m: Machine, phys: number, size = PAGE) => Array.from(m.kernel.memory.read(phys, size) as Uint8Array);
const freePages = (m: Machine) => m.kernel.allocator.available() / PAGE;
const cowEvents = (events: EngineEvent[]) => events.filter((e) => e.type === 'cow');

/** Every present user mapping of `p`, region by region. */
function userMappings(p: Process) {
  return USER_REGIONS.map((region) => mappingsOf(p, region));
}

/** The C string at physical `phys`. */
function cString(m: Machine, phys: number, max = 128): string {
  const bytes = m.kernel.memory.read(phys, max) as Uint8Array;
  const end = bytes.indexOf(0);
  return String.fromCharCode(...bytes.subarray(0, end < 0 ? max : end));
}

/** The first `count` argv slots of `p`'s UserArgs page 0, read through its page table and kernel.memory. */
function argvOf(m: Machine, p: Process, count: number): string[] {
  const page = p.context.lookup(0xe0000000).phys;
  return Array.from({ length: count }, (_, i) => cString(m, page + i * 128));
}

describe('fork, eager (the default)', () => {
  function forked() {
    const m = machine();
    install(m, 'data', [{ virt: '0x80000000', size: '8K', access: 'rw', fill: 0x11 }, { virt: '0x80400000', size: '4K', access: 'rx', fill: 0x22 }]);
    const parent = boot(m, 'data', ['data', 'one']);
    const runtime = m.runtimeOf(parent.id)!;
    const pointer = runtime.malloc(100);
    runtime.memory.fill(pointer, 0x33, 100);
    runtime.memory.write32(0xc0003ff0, 0xdeadbeef);
    const child = fork(m, parent);
    return { m, parent, child, pointer };
  }

  it('maps the same user pages in the child on distinct frames', () => {
    const { parent, child } = forked();
    for (const region of [Region.UserData, Region.UserHeap, Region.UserStack, Region.UserArgs]) {
      const ours = mappingsOf(parent, region);
      const theirs = mappingsOf(child, region);
      expect(ours.length).toBeGreaterThan(0);
      expect(theirs.map((x) => x.virt)).toEqual(ours.map((x) => x.virt));
      expect(theirs.map((x) => x.entry & 0xfff)).toEqual(ours.map((x) => x.entry & 0xfff));
      const parentFrames = new Set(ours.map((x) => x.phys));
      expect(theirs.filter((x) => parentFrames.has(x.phys))).toEqual([]);
    }
    expect(mappingsOf(parent, Region.UserData)).toHaveLength(3);
    expect(mappingsOf(parent, Region.UserArgs)).toHaveLength(32);
  });

  it('the child\'s frames hold the same bytes: segments, heap, stack and arguments', () => {
    const { m, parent, child } = forked();
    for (const region of [Region.UserData, Region.UserHeap, Region.UserStack, Region.UserArgs]) {
      const ours = mappingsOf(parent, region);
      mappingsOf(child, region).forEach((page, i) => expect(pageBytes(m, page.phys)).toEqual(pageBytes(m, ours[i]!.phys)));
    }
    expect(m.memoryOf(child).read32(0xc0003ff0)).toBe(0xdeadbeef);
    expect(m.memoryOf(child).read8(0x80400000)).toBe(0x22);
    expect(argvOf(m, child, 3)).toEqual(['data', 'one', '']);
  });

  it('the child has its own kernel channel (UserShare is not forked)', () => {
    const { parent, child } = forked();
    expect(child.shares).toHaveLength(1);
    expect(child.shares[0]!.pid).toBe(KERNEL_PID);
    expect(child.shares[0]!.phys).not.toBe(parent.shares[0]!.phys);
    expect(mappingsOf(child, Region.UserShare).map((x) => x.phys)).toEqual([child.shares[0]!.phys, child.shares[0]!.phys + PAGE]);
  });

  it('a write in the child is not seen by the parent, and the other way round', () => {
    const { m, parent, child } = forked();
    expect(m.memoryOf(child).write8(0x80000000, 0xaa)).not.toBe(Fault);
    expect(m.memoryOf(parent).write8(0x80001000, 0xbb)).not.toBe(Fault);
    expect([m.memoryOf(parent).read8(0x80000000), m.memoryOf(child).read8(0x80000000)]).toEqual([0x11, 0xaa]);
    expect([m.memoryOf(parent).read8(0x80001000), m.memoryOf(child).read8(0x80001000)]).toEqual([0xbb, 0x11]);
  });

  it('the parent\'s heap pointers are valid in the child', () => {
    const { m, child, pointer } = forked();
    expect(pointer).toBe(0xb0001440);
    expect(Array.from(m.memoryOf(child).read(pointer, 100) as Uint8Array)).toEqual(Array<number>(100).fill(0x33));
    expect(() => m.runtimeOf(child.id)!.free(pointer)).not.toThrow();
  });

  it('the child\'s heap continues from the parent\'s: its mallocs give the addresses the parent\'s would', () => {
    const m = machine();
    install(m, 'p', [{ virt: '0x80000000', size: '4K' }]);
    const parent = boot(m, 'p');
    expect(m.runtimeOf(parent.id)!.malloc(1)).toBe(0xb0002e64);
    const child = fork(m, parent);
    const kid = m.runtimeOf(child.id)!;
    // §2.6: malloc(4) next to the first object; malloc(5) in a new 32-byte pool after the 16-byte one.
    expect([kid.malloc(4), kid.malloc(5)]).toEqual([0xb0002e74, 0xb0021fcc]);
    expect(parent.context.lookup(0xb0021000).result).not.toBe(0);
    const mom = m.runtimeOf(parent.id)!;
    expect([mom.malloc(4), mom.malloc(5)]).toEqual([0xb0002e74, 0xb0021fcc]);
    expect(parent.context.lookup(0xb0021000).phys).not.toBe(child.context.lookup(0xb0021000).phys);
  });

  it('the child gets the parent\'s registers and a Ready state; the parent is its parent', () => {
    const { parent, child } = forked();
    expect(child.registers).toEqual(parent.registers);
    expect(child.state).toBe(ProcessState.Ready);
    expect(child.parent).toBe(parent.id);
  });
});

describe('fork, copy-on-write', () => {
  function forked(log?: EventLog) {
    const m = machine({ copyOnWrite: true, log });
    install(m, 'data', [{ virt: '0x80000000', size: '8K', access: 'rw', fill: 0x11 }]);
    const parent = boot(m, 'data');
    m.runtimeOf(parent.id)!.memory.write32(0xc0003ff0, 0xcafe);
    const child = fork(m, parent);
    return { m, parent, child };
  }

  it('right after fork both sides map the same frames read-only, marked CopyOnWrite', () => {
    const { parent, child } = forked();
    for (const region of [Region.UserData, Region.UserHeap, Region.UserArgs]) {
      const ours = mappingsOf(parent, region);
      const theirs = mappingsOf(child, region);
      expect(ours.length).toBeGreaterThan(0);
      expect(theirs.map((x) => [x.virt, x.phys])).toEqual(ours.map((x) => [x.virt, x.phys]));
      for (const page of [...ours, ...theirs]) {
        expect(page.entry & IntelEntry.CopyOnWrite).toBe(IntelEntry.CopyOnWrite);
        expect(page.entry & IntelEntry.Writable).toBe(0);
        expect(page.entry & IntelEntry.User).toBe(IntelEntry.User);
      }
    }
  });

  it('kernel.references counts 2 users for each shared frame', () => {
    const { m, parent } = forked();
    const shared = [Region.UserData, Region.UserHeap, Region.UserArgs].flatMap((r) => mappingsOf(parent, r).map((x) => x.phys));
    expect(shared).toHaveLength(2 + 1 + 32);
    for (const phys of shared) expect(m.kernel.references.count(phys)).toBe(2);
    expect(m.kernel.references.shared().size).toBe(35);
  });

  it('the stack is not shared: the child has its own stack frames holding the parent\'s bytes', () => {
    const { m, parent, child } = forked();
    const ours = mappingsOf(parent, Region.UserStack);
    const theirs = mappingsOf(child, Region.UserStack);
    expect(theirs.map((x) => x.phys).filter((phys) => ours.some((o) => o.phys === phys))).toEqual([]);
    for (const page of theirs) expect(page.entry & (IntelEntry.Writable | IntelEntry.CopyOnWrite)).toBe(IntelEntry.Writable);
    expect(m.memoryOf(child).read32(0xc0003ff0)).toBe(0xcafe);
  });

  it('the child\'s first write copies that one page: a cow event, one frame, the parent keeps the original', () => {
    const log = new EventLog();
    const { m, parent, child } = forked(log);
    const original = parent.context.lookup(0x80000000).phys;
    const before = freePages(m);
    const mark = log.mark();
    expect(m.memoryOf(child).write8(0x80000005, 0x99)).not.toBe(Fault);
    const copy = child.context.lookup(0x80000000).phys;
    expect(copy).not.toBe(original);
    expect(cowEvents(log.since(mark))).toEqual([{ type: 'cow', pid: child.id, virt: 0x80000000, from: original, to: copy }]);
    expect(before - freePages(m)).toBe(1);
    expect(parent.context.lookup(0x80000000).phys).toBe(original);
    expect(m.kernel.references.count(original)).toBe(1);
    expect(m.kernel.references.count(parent.context.lookup(0x80001000).phys)).toBe(2);
    const [entry] = child.context.mappings({ virt: 0x80000000, size: PAGE });
    expect(entry!.entry & (IntelEntry.Writable | IntelEntry.CopyOnWrite)).toBe(IntelEntry.Writable);
    expect(m.memoryOf(child).read8(0x80000005)).toBe(0x99);
    expect(m.memoryOf(child).read8(0x80000006)).toBe(0x11);
    expect(m.memoryOf(parent).read8(0x80000005)).toBe(0x11);
  });

  it('the parent\'s first write copies the page just the same; the child keeps the original', () => {
    const log = new EventLog();
    const { m, parent, child } = forked(log);
    const original = child.context.lookup(0x80001000).phys;
    const mark = log.mark();
    m.memoryOf(parent).write8(0x80001000, 0x77);
    const copy = parent.context.lookup(0x80001000).phys;
    expect(cowEvents(log.since(mark))).toEqual([{ type: 'cow', pid: parent.id, virt: 0x80001000, from: original, to: copy }]);
    expect(copy).not.toBe(original);
    expect(child.context.lookup(0x80001000).phys).toBe(original);
    expect(m.memoryOf(child).read8(0x80001000)).toBe(0x11);
  });

  it('a write by the last user only makes the page writable again, without copying', () => {
    const log = new EventLog();
    const { m, parent, child } = forked(log);
    const original = parent.context.lookup(0x80000000).phys;
    m.memoryOf(child).write8(0x80000000, 1);
    const before = freePages(m);
    const mark = log.mark();
    m.memoryOf(parent).write8(0x80000000, 2);
    expect(cowEvents(log.since(mark))).toEqual([{ type: 'cow', pid: parent.id, virt: 0x80000000, from: original, to: original }]);
    expect(freePages(m)).toBe(before);
    const [entry] = parent.context.mappings({ virt: 0x80000000, size: PAGE });
    expect(entry!.phys).toBe(original);
    expect(entry!.entry & (IntelEntry.Writable | IntelEntry.CopyOnWrite)).toBe(IntelEntry.Writable);
    const again = log.mark();
    m.memoryOf(parent).write8(0x80000001, 3);
    expect(cowEvents(log.since(again))).toEqual([]);
  });

  it('a page that was read-only in the parent is shared without the mark, and writing it is still a fault', () => {
    const m = machine({ copyOnWrite: true });
    install(m, 'runner', [{ virt: '0x80000000', size: '4K' }]);
    install(m, 'ro', [{ virt: '0x80000000', size: '4K', access: 'rx', fill: 5 }]);
    const parent = boot(m, 'runner');
    expect(m.execve(parent, 'ro').ok).toBe(true);
    const child = fork(m, parent);
    const [ours] = mappingsOf(parent, Region.UserData);
    const [theirs] = mappingsOf(child, Region.UserData);
    expect(theirs!.phys).toBe(ours!.phys);
    expect([ours!.entry & 0xfff, theirs!.entry & 0xfff]).toEqual([IntelEntry.Present | IntelEntry.User, IntelEntry.Present | IntelEntry.User]);
    expect(m.kernel.references.count(ours!.phys)).toBe(2);
    expect(m.memoryOf(child).write8(0x80000000, 1)).toBe(Fault);
    expect(m.memoryOf(child).read8(0x80000000)).toBe(5);
  });

  it('execve in a child leaves the arguments it still shares with its parent alone', () => {
    const m = machine({ copyOnWrite: true });
    install(m, 'p', [{ virt: '0x80000000', size: '4K' }]);
    install(m, 'q', [{ virt: '0x80000000', size: '4K' }]);
    const parent = boot(m, 'p', ['p', 'parent-argument']);
    const child = fork(m, parent);
    expect(m.execve(child, 'q', ['q', 'child-argument']).ok).toBe(true);
    expect(argvOf(m, parent, 2)).toEqual(['p', 'parent-argument']);
    expect(argvOf(m, child, 2)).toEqual(['q', 'child-argument']);
  });
});

describe('fork: the frames each mode takes', () => {
  // A process with 8 MiB of data at 0x80000000 (two 4 MiB sections), on a 256 MiB machine.
  const DATA_PAGES = 8 * MiB / PAGE;
  // Tables the child needs for its forked regions: UserData 2, UserHeap 1, UserArgs 1.
  const TABLES = 2 + 1 + 1;

  function bigProcess(copyOnWrite: boolean) {
    const m = new Machine({ builtins: false, ramSize: 256 * MiB, copyOnWrite });
    install(m, 'big', [{ virt: '0x80000000', size: '8M', access: 'rw' }]);
    const fresh = freePages(m);
    const parent = boot(m, 'big');
    return { m, parent, fresh };
  }

  it('booting it takes 10 + 2048 data pages + 32 argument pages + 1 heap page + 5 tables', () => {
    const { m, fresh } = bigProcess(false);
    // tables: UserData 2, UserArgs 1, UserHeap 1, and the 10 include the stack and UserShare tables.
    expect(fresh - freePages(m)).toBe(10 + DATA_PAGES + 32 + 1 + 2 + 1 + 1);
  });

  it('eager: 10 + a copy of every user page (2048 + 1 heap + 32 args) + the child\'s tables = 2095 frames', () => {
    const { m, parent } = bigProcess(false);
    const before = freePages(m);
    fork(m, parent);
    expect(before - freePages(m)).toBe(10 + DATA_PAGES + 1 + 32 + TABLES);
    expect(before - freePages(m)).toBe(2095);
  });

  it('copy-on-write: 10 + the child\'s page tables only = 14 frames', () => {
    const { m, parent } = bigProcess(true);
    const before = freePages(m);
    fork(m, parent);
    expect(before - freePages(m)).toBe(10 + TABLES);
  });

  it.each([false, true])('after parent and child exit every frame is back (copyOnWrite: %s)', (copyOnWrite) => {
    const m = machine({ copyOnWrite });
    m.install({
      name: 'family',
      segments: [{ virt: '0x80000000', size: '64K', access: 'rw' }],
      script: [
        { op: 'malloc', size: 5000, as: 'p' },
        { op: 'fork', as: 'kid', child: [
          { op: 'write', region: 'UserData', size: '8K', value: 1 },
          { op: 'write', at: 'p', size: 5000, value: 2 },
          { op: 'malloc', size: '64K' },
          { op: 'exit', status: 3 },
        ] },
        { op: 'write', region: 'UserData', offset: '4K', size: '8K', value: 4 },
        { op: 'wait', name: 'kid' },
        { op: 'print', text: 'kid exited with {status}' },
      ],
    });
    const fresh = freePages(m);
    boot(m, 'family');
    m.run();
    expect(m.console.map((l) => l.text)).toEqual(['kid exited with 3']);
    expect(m.processes.all()).toEqual([]);
    expect(freePages(m)).toBe(fresh);
    expect(m.kernel.references.shared().size).toBe(0);
  });

  it.each([false, true])('a parent exiting first leaves the child its pages; every frame is back after the child (copyOnWrite: %s)', (copyOnWrite) => {
    const m = machine({ copyOnWrite });
    m.install({
      name: 'orphan',
      segments: [{ virt: '0x80000000', size: '16K', access: 'rw', fill: 0x44 }],
      script: [
        { op: 'fork', as: 'kid', child: [{ op: 'sleep', steps: 10 }, { op: 'write', region: 'UserData', size: '16K', value: 9 }] },
        { op: 'exit', status: 0 },
      ],
    });
    const fresh = freePages(m);
    boot(m, 'orphan');
    expect(m.runUntil(() => m.processes.get(0) === null)).toBe(true);
    const kid = m.processes.get(1)!;
    expect(kid.parent).toBe(KERNEL_PID);
    const frames = mappingsOf(kid, Region.UserData).map((x) => x.phys);
    expect(frames.every((phys) => m.kernel.allocator.isAllocated(phys))).toBe(true);
    expect(Array.from(m.memoryOf(kid).read(0x80000000, 16384) as Uint8Array).every((b) => b === 0x44)).toBe(true);
    m.run();
    expect(m.exited).toEqual([{ pid: 0, program: 'orphan', status: 0 }, { pid: 1, program: 'orphan', status: 0 }]);
    expect(freePages(m)).toBe(fresh);
    expect(m.kernel.references.shared().size).toBe(0);
  });

  it('fork fails with ENOMEM when memory is short and gives every frame back', () => {
    // 8 MiB of RAM leaves 1379 free pages; the parent's 3 MiB take 814 of them, an eager copy needs 845.
    const m = new Machine({ builtins: false, ramSize: 8 * MiB });
    install(m, 'big', [{ virt: '0x80000000', size: '3M', access: 'rw' }]);
    const parent = boot(m, 'big');
    const before = freePages(m);
    expect(before).toBe(1379 - 814);
    const result = m.fork(parent, []);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBe('ENOMEM');
    expect(freePages(m)).toBe(before);
    expect(m.processes.all()).toEqual([parent]);
    expect(m.kernel.allocator.isAllocated(parent.context.root())).toBe(true);
  });

  it('the same fork succeeds copy-on-write, and the freed PID slot is used again', () => {
    const m = new Machine({ builtins: false, ramSize: 8 * MiB });
    install(m, 'big', [{ virt: '0x80000000', size: '3M', access: 'rw' }]);
    const parent = boot(m, 'big');
    expect(m.fork(parent, []).ok).toBe(false);
    m.copyOnWrite = true;
    const before = freePages(m);
    expect(m.fork(parent, [])).toEqual({ ok: true, pid: 1 });
    expect(before - freePages(m)).toBe(10 + 1 + 1 + 1);
  });

  it('a copy-on-write fork that runs out of page tables is ENOMEM, gives every frame back, and the parent still writes', () => {
    const log = new EventLog();
    const m = new Machine({ builtins: false, ramSize: 8 * MiB, copyOnWrite: true, log });
    install(m, 'p', [{ virt: '0x80000000', size: '8K', access: 'rw', fill: 1 }]);
    const parent = boot(m, 'p');
    // Leave 12 free frames: the child's 10 and 2 of the 3 tables it needs (UserData, UserHeap, UserArgs).
    const taken: number[] = [];
    for (let range = { address: 0, size: PAGE, alignment: 0 }; m.kernel.allocator.allocate(range) === 0; range = { ...range }) {
      taken.push(range.address);
    }
    for (const page of taken.slice(-12)) m.kernel.allocator.release(page);
    expect(m.fork(parent, [])).toMatchObject({ ok: false, error: 'ENOMEM' });
    expect(freePages(m)).toBe(12);
    expect(m.kernel.references.shared().size).toBe(0);
    expect(m.processes.all()).toEqual([parent]);
    const original = parent.context.lookup(0x80000000).phys;
    const mark = log.mark();
    expect(m.memoryOf(parent).write8(0x80000000, 5)).not.toBe(Fault);
    expect(cowEvents(log.since(mark))).toEqual([{ type: 'cow', pid: parent.id, virt: 0x80000000, from: original, to: original }]);
    expect(freePages(m)).toBe(12);
  });

  it('a fork step that fails sets the variable to -1 and says so', () => {
    const m = new Machine({ builtins: false, ramSize: 8 * MiB });
    m.install({
      name: 'big',
      segments: [{ virt: '0x80000000', size: '3M', access: 'rw' }],
      script: [{ op: 'fork', as: 'kid' }, { op: 'print', text: 'kid = {kid}' }],
    });
    boot(m, 'big');
    expect(m.step()).toEqual({ pid: 0, op: 'fork', outcome: 'fork failed: ENOMEM' });
    m.step();
    expect(m.console.map((l) => l.text)).toEqual(['kid = -1']);
  });
});

describe('execve (the lab\'s, after §9.7)', () => {
  function loaded() {
    const m = machine();
    install(m, 'old', [{ virt: '0x80000000', size: '16K', access: 'rw', fill: 1 }, { virt: '0x80400000', size: '4K', access: 'rw', fill: 2 }]);
    install(m, 'new', [{ virt: '0x80000000', size: '8K', access: 'rx', fill: 3 }, { virt: '0x80002000', size: '4K', access: 'rw', fill: 4 }]);
    const p = boot(m, 'old', ['old', 'x']);
    expect(m.runtimeOf(p.id)!.malloc(100)).toBe(0xb0001440);
    const range: Memory.Range = { virt: 0, phys: 0, size: 3 * PAGE, access: USER_RW };
    expect(VMCtl(m.kernel, m.processes, p, SELF, MemoryOperation.MapContiguous, range)).toBe(0);
    expect(range.virt).toBe(0xa0000000);
    return { m, p };
  }

  it('frees the old UserData, UserHeap and UserPrivate pages and tables, and maps the new image', () => {
    const { m, p } = loaded();
    const old = [Region.UserData, Region.UserHeap, Region.UserPrivate].flatMap((r) => mappingsOf(p, r).map((x) => x.phys));
    expect(old).toHaveLength(5 + 33 + 3);
    const before = freePages(m);
    expect(m.execve(p, 'new', ['new'])).toEqual({ ok: true, pid: p.id });
    // Freed: 5 + 2 tables, 33 heap pages + table, 3 private pages + table = 45. Taken: 3 pages + table, heap page + table = 6.
    expect(freePages(m) - before).toBe(45 - 6);
    const now = new Set(userMappings(p).flat().map((x) => x.phys));
    expect(old.filter((phys) => m.kernel.allocator.isAllocated(phys) && !now.has(phys))).toEqual([]);
    expect(mappingsOf(p, Region.UserData).map((x) => x.virt)).toEqual([0x80000000, 0x80001000, 0x80002000]);
    expect(mappingsOf(p, Region.UserHeap).map((x) => x.virt)).toEqual([0xb0000000]);
    expect(mappingsOf(p, Region.UserPrivate)).toEqual([]);
    const directory = p.context.directoryEntries().map((e) => e.index);
    expect(directory).not.toContain(0x80400000 >>> 22);
    expect(directory).not.toContain(0xa0000000 >>> 22);
    expect(m.memoryOf(p).read8(0x80000000)).toBe(3);
    expect(m.memoryOf(p).read8(0x80002000)).toBe(4);
  });

  it('keeps the stack frames, the UserArgs pages and the channel share', () => {
    const { m, p } = loaded();
    const stack = mappingsOf(p, Region.UserStack);
    const args = mappingsOf(p, Region.UserArgs);
    const share = mappingsOf(p, Region.UserShare);
    const shares = structuredClone(p.shares);
    m.execve(p, 'new');
    expect(mappingsOf(p, Region.UserStack)).toEqual(stack);
    expect(mappingsOf(p, Region.UserArgs)).toEqual(args);
    expect(mappingsOf(p, Region.UserShare)).toEqual(share);
    expect(p.shares).toEqual(shares);
    expect(args).toHaveLength(32);
  });

  it('resets the registers to the new entry and the top of the stack, and starts the new script', () => {
    const { m, p } = loaded();
    m.install({ name: 'entry', entry: '0x80000010', segments: [{ virt: '0x80000000', size: '4K' }], script: [{ op: 'print', text: 'new program' }] });
    m.execve(p, 'entry');
    expect(p.registers).toEqual({ eip: 0x80000010, esp: 0xc0003ffc });
    expect(m.taskOf(p.id)!.program).toBe('entry');
    m.step();
    expect(m.console).toEqual([{ pid: p.id, text: 'new program' }]);
  });

  it('writes argv into UserArgs page 0 in 128-byte slots and "/" at page 1', () => {
    const { m, p } = loaded();
    m.execve(p, 'new', ['new', 'first', 'second']);
    const page0 = p.context.lookup(0xe0000000).phys;
    const page1 = p.context.lookup(0xe0001000).phys;
    const bytes = pageBytes(m, page0);
    const expected = Array<number>(PAGE).fill(0);
    ['new', 'first', 'second'].forEach((arg, i) => [...arg].forEach((c, j) => (expected[i * 128 + j] = c.charCodeAt(0))));
    expect(bytes).toEqual(expected);
    expect(pageBytes(m, page1)).toEqual([0x2f, ...Array<number>(PAGE - 1).fill(0)]);
  });

  it('argv defaults to the image\'s own; long arguments are cut to 127 bytes, and at most 32 are kept', () => {
    const { m, p } = loaded();
    m.execve(p, 'new');
    expect(argvOf(m, p, 2)).toEqual(['new', '']);
    const many = Array.from({ length: 40 }, (_, i) => `a${i}`);
    m.execve(p, 'new', ['x'.repeat(200), ...many]);
    const slots = argvOf(m, p, 32);
    expect(slots[0]).toBe('x'.repeat(127));
    expect(slots.slice(1)).toEqual(many.slice(0, 31));
    expect(cString(m, p.context.lookup(0xe0001000).phys)).toBe('/');
  });

  it('the new image\'s segment access is honoured: "rx" is not writable, "rw" is', () => {
    const { m, p } = loaded();
    m.execve(p, 'new');
    expect(p.context.access(0x80000000).access).toBe(Memory.User | Memory.Readable);
    expect(p.context.access(0x80002000).access).toBe(USER_RW);
    expect(m.memoryOf(p).write8(0x80001000, 9)).toBe(Fault);
    expect(m.memoryOf(p).write8(0x80002000, 9)).not.toBe(Fault);
  });

  it('a missing program is ENOENT and changes nothing', () => {
    const { m, p } = loaded();
    const mappings = userMappings(p);
    const registers = { ...p.registers };
    const runtime = m.runtimeOf(p.id);
    const task = m.taskOf(p.id);
    const before = freePages(m);
    expect(m.execve(p, 'nowhere')).toEqual({ ok: false, error: 'ENOENT', reason: "no program named 'nowhere'" });
    expect(userMappings(p)).toEqual(mappings);
    expect(p.registers).toEqual(registers);
    expect(freePages(m)).toBe(before);
    expect(m.runtimeOf(p.id)).toBe(runtime);
    expect(m.taskOf(p.id)).toBe(task);
    expect(task!.program).toBe('old');
    expect(argvOf(m, p, 2)).toEqual(['old', 'x']);
  });

  it('running out of memory after the old image is gone ends the process with status 127 and frees it', () => {
    const m = new Machine({ builtins: false, ramSize: 8 * MiB });
    install(m, 'small', [{ virt: '0x80000000', size: '4K' }]);
    install(m, 'huge', [{ virt: '0x80000000', size: '6M' }]);
    const fresh = freePages(m);
    const p = boot(m, 'small');
    const result = m.execve(p, 'huge');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBe('ENOMEM');
    expect(m.processes.get(p.id)).toBeNull();
    expect(m.exited).toEqual([{ pid: p.id, program: 'small', status: 127 }]);
    expect(freePages(m)).toBe(fresh);
  });
});

describe('exit, wait and kill', () => {
  it('wait for a running child blocks the parent (Waiting) until the child exits, then yields its status', () => {
    const m = machine();
    install(m, 'parent', [{ virt: '0x80000000', size: '4K' }], [
      { op: 'fork', as: 'kid', child: [{ op: 'sleep', steps: 5 }, { op: 'exit', status: 7 }] },
      { op: 'wait', name: 'kid' },
      { op: 'print', text: 'got {status}' },
    ]);
    const parent = boot(m, 'parent');
    expect(m.step()).toEqual({ pid: 0, op: 'fork', outcome: 'child pid 1' });
    expect(m.step()).toEqual({ pid: 1, op: 'sleep', outcome: 'until step 6' });
    expect(m.step()).toEqual({ pid: 0, op: 'wait', outcome: 'waiting for pid 1' });
    expect(parent.state).toBe(ProcessState.Waiting);
    expect(m.taskOf(0)!.waitingFor).toBe(1);
    expect(m.step()).toEqual({ pid: 1, op: 'exit', outcome: 'status 7' });
    expect(parent.state).toBe(ProcessState.Ready);
    expect(m.step()).toEqual({ pid: 0, op: 'wait', outcome: 'pid 1 exited with 7' });
    expect(m.processes.get(1)).toBeNull();
    m.step();
    expect(m.console.map((l) => l.text)).toEqual(['got 7']);
  });

  it('a child that exits before the parent waits stays a Zombie, memory freed, slot held, until the wait reaps it', () => {
    const m = machine();
    install(m, 'parent', [{ virt: '0x80000000', size: '4K' }], [
      { op: 'fork', as: 'kid', child: [{ op: 'exit', status: 3 }] },
      { op: 'sleep', steps: 10 },
      { op: 'wait', name: 'kid' },
      { op: 'print', text: 'got {status}' },
    ]);
    const parent = boot(m, 'parent');
    const before = freePages(m);
    m.step(); // fork
    m.step(); // the child exits
    const zombie = m.processes.get(1)!;
    expect(zombie.state).toBe(ProcessState.Zombie);
    expect(zombie.exitStatus).toBe(3);
    expect(freePages(m)).toBe(before);
    expect(m.fork(parent, IDLE)).toEqual({ ok: true, pid: 2 });
    m.kill(2);
    m.runUntil(() => m.console.length > 0);
    expect(m.console.map((l) => l.text)).toEqual(['got 3']);
    expect(m.processes.get(1)).toBeNull();
  });

  it('waitpid reports running, exited (reaping the zombie) and ESRCH', () => {
    const m = machine();
    install(m, 'p', [{ virt: '0x80000000', size: '4K' }]);
    const parent = boot(m, 'p');
    const child = fork(m, parent);
    expect(m.waitpid(child.id)).toEqual({ state: 'running' });
    m.exit(child, 12);
    expect(m.waitpid(child.id)).toEqual({ state: 'exited', status: 12 });
    expect(m.waitpid(child.id)).toEqual({ state: 'error', error: 'ESRCH' });
  });

  it('a parent exiting first hands its live children to the kernel and reaps its zombie children', () => {
    const m = machine();
    install(m, 'family', [{ virt: '0x80000000', size: '4K' }], [
      { op: 'fork', as: 'a', child: [{ op: 'sleep', steps: 20 }, { op: 'exit', status: 4 }] },
      { op: 'fork', as: 'b', child: [{ op: 'exit', status: 5 }] },
      { op: 'sleep', steps: 5 },
      { op: 'exit', status: 0 },
    ]);
    const fresh = freePages(m);
    boot(m, 'family');
    expect(m.runUntil(() => m.processes.get(0) === null)).toBe(true);
    const a = m.processes.get(1)!;
    expect(a.state).toBe(ProcessState.Sleeping);
    expect(a.parent).toBe(KERNEL_PID);
    expect(m.processes.get(2)).toBeNull();
    expect(m.exited).toEqual([{ pid: 2, program: 'family', status: 5 }, { pid: 0, program: 'family', status: 0 }]);
    m.run();
    expect(m.exited.at(-1)).toEqual({ pid: 1, program: 'family', status: 4 });
    expect(m.processes.all()).toEqual([]);
    expect(freePages(m)).toBe(fresh);
  });

  it('kill ends a live process with status 1 by default and wakes its waiter', () => {
    const m = machine();
    install(m, 'parent', [{ virt: '0x80000000', size: '4K' }], [
      { op: 'fork', as: 'kid', child: IDLE },
      { op: 'wait', name: 'kid' },
      { op: 'print', text: 'got {status}' },
    ]);
    const parent = boot(m, 'parent');
    m.runUntil(() => parent.state === ProcessState.Waiting);
    const before = freePages(m);
    expect(m.kill(1)).toEqual({ ok: true, pid: 1 });
    expect(parent.state).toBe(ProcessState.Ready);
    expect(m.processes.get(1)!.state).toBe(ProcessState.Zombie);
    expect(freePages(m)).toBeGreaterThan(before);
    m.run();
    expect(m.console.map((l) => l.text)).toEqual(['got 1']);
  });

  it('kill with a status ends the process with that status; a kill step does the same', () => {
    const m = machine();
    install(m, 'parent', [{ virt: '0x80000000', size: '4K' }], [
      { op: 'fork', as: 'kid', child: IDLE },
      { op: 'kill', name: 'kid', status: 9 },
      { op: 'wait', name: 'kid' },
      { op: 'print', text: 'got {status}' },
    ]);
    boot(m, 'parent');
    const reports: unknown[] = [];
    for (let report = m.step(); report; report = m.step()) reports.push(report);
    expect(reports).toContainEqual({ pid: 0, op: 'kill', outcome: 'killed pid 1' });
    expect(m.console.map((l) => l.text)).toEqual(['got 9']);
  });

  it('kill of an unknown pid or of a zombie is ESRCH', () => {
    const m = machine();
    install(m, 'p', [{ virt: '0x80000000', size: '4K' }]);
    const parent = boot(m, 'p');
    const child = fork(m, parent);
    m.exit(child, 0);
    expect(m.kill(child.id)).toMatchObject({ ok: false, error: 'ESRCH' });
    expect(m.kill(77)).toMatchObject({ ok: false, error: 'ESRCH' });
    expect(child.exitStatus).toBe(0);
  });
});

describe('spawn (FreeNOS, §9.3)', () => {
  function spawned() {
    const m = machine();
    install(m, 'idle', [{ virt: '0x80000000', size: '4K' }]);
    install(m, 'kid', [
      { virt: '0x80000000', size: '8K', access: 'rx', fill: 0x21 },
      { virt: '0x80400000', size: '4K', access: 'r', fill: 0x42 },
    ], [{ op: 'sleep', steps: 3 }, { op: 'exit', status: 6 }]);
    const fresh = freePages(m);
    boot(m, 'idle');
    const caller = boot(m, 'idle');
    const table = new Uint8Array([1, 2, 3, 4]);
    expect(m.memoryOf(caller).write(0xe0002000, table)).toBe(4);
    const before = freePages(m);
    const directory = caller.context.directoryEntries().map((e) => e.index);
    const result = m.spawn(caller, 'kid', ['kid', 'hello']);
    if (!result.ok) throw new Error(result.error);
    return { m, caller, child: m.processes.get(result.pid)!, fresh, before, directory };
  }

  it('creates a Ready child of the caller', () => {
    const { caller, child } = spawned();
    expect(child.id).toBe(2);
    expect(child.parent).toBe(caller.id);
    expect(child.state).toBe(ProcessState.Ready);
    expect(child.registers).toEqual({ eip: 0x80000000, esp: 0xc0003ffc });
  });

  it('maps the segments User|R|W|X whatever the image says, filled with their bytes', () => {
    const { m, child } = spawned();
    const pages = mappingsOf(child, Region.UserData);
    expect(pages.map((x) => x.virt)).toEqual([0x80000000, 0x80001000, 0x80400000]);
    for (const page of pages) expect(child.context.access(page.virt).access).toBe(USER_RW);
    expect(pageBytes(m, pages[1]!.phys)).toEqual(Array<number>(PAGE).fill(0x21));
    expect(pageBytes(m, pages[2]!.phys)).toEqual(Array<number>(PAGE).fill(0x42));
  });

  it('maps 32 UserArgs pages holding argv, "/" and the caller\'s file table', () => {
    const { m, child } = spawned();
    expect(mappingsOf(child, Region.UserArgs)).toHaveLength(32);
    expect(argvOf(m, child, 3)).toEqual(['kid', 'hello', '']);
    expect(cString(m, child.context.lookup(0xe0001000).phys)).toBe('/');
    expect(pageBytes(m, child.context.lookup(0xe0002000).phys, 5)).toEqual([1, 2, 3, 4, 0]);
  });

  it('the caller\'s heap grows by one 128 KiB block for the 8 KiB argument buffer; no window stays mapped', () => {
    const { caller } = spawned();
    expect(mappingsOf(caller, Region.UserHeap).map((x) => x.virt)).toEqual(
      [0xb0000000, ...Array.from({ length: 32 }, (_, i) => 0xb0001000 + i * PAGE)]);
    expect(mappingsOf(caller, Region.UserPrivate)).toEqual([]);
  });

  it('the caller gains page tables in UserPrivate (the windows) and KernelPrivate (VMCopy)', () => {
    const { caller, directory } = spawned();
    const added = caller.context.directoryEntries().map((e) => e.index).filter((i) => !directory.includes(i));
    expect(added).toEqual([0x38000000 >>> 22, 0xa0000000 >>> 22]);
  });

  it('takes 50 frames for the child and 34 for the caller', () => {
    const { m, before } = spawned();
    // child: 10 + 3 segment pages + 2 tables + 32 args + table + its heap page + table;
    // caller: 32 heap pages + the UserPrivate table + the KernelPrivate table.
    expect(before - freePages(m)).toBe((10 + 3 + 2 + 33 + 2) + (32 + 1 + 1));
  });

  it('the child runs its script', () => {
    const { m, child } = spawned();
    expect(m.runUntil(() => child.state === ProcessState.Zombie, 10)).toBe(true);
    expect(m.processes.get(child.id)).toBe(child);
    expect(m.waitpid(child.id)).toEqual({ state: 'exited', status: 6 });
  });

  it('after both exit one frame does not come back: the caller\'s KernelPrivate page table (the VMCopy leak)', () => {
    const { m, caller, child, fresh } = spawned();
    const entry = caller.context.directoryEntries().find((e) => e.index === 0x38000000 >>> 22)!;
    const table = (entry.value & IntelLayout.PageMask) >>> 0;
    m.kill(child.id);
    m.kill(caller.id);
    m.kill(0);
    expect(m.processes.all()).toEqual([]);
    expect(fresh - freePages(m)).toBe(1);
    expect(m.kernel.allocator.isAllocated(table)).toBe(true);
  });

  it('spawn of a missing program is ENOENT and takes nothing', () => {
    const m = machine();
    install(m, 'idle', [{ virt: '0x80000000', size: '4K' }]);
    const caller = boot(m, 'idle');
    const before = freePages(m);
    expect(m.spawn(caller, 'ghost')).toEqual({ ok: false, error: 'ENOENT', reason: "no program named 'ghost'" });
    expect(freePages(m)).toBe(before);
    expect(m.processes.all()).toEqual([caller]);
  });

  it('a spawn step that fails prints why', () => {
    const m = machine();
    install(m, 'p', [{ virt: '0x80000000', size: '4K' }], [{ op: 'spawn', path: 'ghost', as: 'g' }, { op: 'print', text: 'g = {g}' }]);
    boot(m, 'p');
    m.run();
    expect(m.console.map((l) => l.text)).toEqual(["p: spawn 'ghost' failed: no program named 'ghost' (ENOENT)", 'g = -1']);
  });
});
