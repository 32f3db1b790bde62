// ProcessManager (§9.1, §9.6, §5.2): a fresh Intel process costs 10 physical frames taken in the
// documented order, its stack and event channel mappings, registers, the PID table (lowest free
// slot, 1024 entries), parent and state, failure during creation, and what remove() frees.
import { describe, expect, it } from 'vitest';
import {
  Allocator, EventLog, IntelMap, KERNEL_PID, Kernel, Memory, MemoryContext, MemoryOperation, ProcessManager,
  ProcessState, Region, SELF, UserRuntime, VMCtl, type EngineEvent, type Process,
} from '../../../engine/index';

const PAGE = 4096;
const MiB = 1024 * 1024;
const ENTRY = 0x80001000;
const USER_RW = Memory.User | Memory.Readable | Memory.Writable;

function machine(options: { ramSize?: number; log?: EventLog } = {}) {
  const kernel = new Kernel(options);
  const processes = new ProcessManager(kernel);
  /** The first page the SplitAllocator hands out on this fresh kernel. */
  const firstFree = kernel.layout.heap.address + kernel.layout.heap.size;
  return { kernel, processes, firstFree };
}

function create(processes: ProcessManager, readyToRun = false): Process {
  const process = processes.create(ENTRY, new IntelMap(), readyToRun);
  expect(process).not.toBeNull();
  return process!;
}

/** Takes every free page, then gives back the last `free` of them (a contiguous run at the top). */
function leaveFree(kernel: Kernel, free: number): void {
  const taken: number[] = [];
  for (;;) {
    const r: Allocator.Range = { address: 0, size: PAGE, alignment: 0 };
    if (kernel.allocator.allocate(r) !== Allocator.Result.Success) break;
    taken.push(r.address);
  }
  for (const page of taken.slice(taken.length - free)) kernel.allocator.release(page);
  expect(kernel.allocator.available()).toBe(free * PAGE);
}

const physicalAllocations = (events: EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'allocate' && e.allocator === 'PhysicalMemory' ? [e] : []));

describe('ProcessManager.create: frames (§9.1)', () => {
  it('a fresh process costs exactly 10 frames', () => {
    const { kernel, processes } = machine();
    const before = kernel.allocator.available();
    create(processes);
    expect(before - kernel.allocator.available()).toBe(10 * PAGE);
  });

  it('takes them in order: directory 1, user stack 4, stack table 1, kernel stack 1, channel 2, UserShare table 1', () => {
    const log = new EventLog();
    const { processes, firstFree } = machine({ log });
    const mark = log.mark();
    create(processes);
    const allocations = physicalAllocations(log.since(mark));
    expect(allocations.map((e) => [e.size, e.result, e.address])).toEqual([
      [PAGE, 0, firstFree], // page directory
      [4 * PAGE, 0, firstFree + PAGE], // user stack, 4 contiguous
      [PAGE, 0, firstFree + 5 * PAGE], // the stack's page table
      [PAGE, 0, firstFree + 6 * PAGE], // kernel stack
      [2 * PAGE, 0, firstFree + 7 * PAGE], // event channel
      [PAGE, 0, firstFree + 9 * PAGE], // UserShare page table
    ]);
  });

  it('the directory is the context root and the kernel stack is recorded on the process', () => {
    const { processes, firstFree } = machine();
    const p = create(processes);
    expect(p.context.root()).toBe(firstFree);
    expect(p.kernelStack).toBe(firstFree + 6 * PAGE);
  });

  it('the directory copies the kernel entries 0..255 and nothing else before the user mappings', () => {
    const { kernel, processes } = machine();
    const p = create(processes);
    const root = p.context.root();
    const boot = kernel.layout.directory;
    const kernelWords = Array.from({ length: 256 }, (_, i) => kernel.memory.read32(root + i * 4));
    expect(kernelWords).toEqual(Array.from({ length: 256 }, (_, i) => kernel.memory.read32(boot + i * 4)));
    expect(p.context.directoryEntries().map((e) => e.index).filter((i) => i >= 256)).toEqual([0xc0000000 >>> 22, 0xd0000000 >>> 22]);
  });
});

describe('ProcessManager.create: mappings and registers (§9.1, §5.2)', () => {
  it('maps the 4 stack pages at 0xC0000000 onto the contiguous stack frames, User|R|W', () => {
    const { processes, firstFree } = machine();
    const { context } = create(processes);
    for (let i = 0; i < 4; i++) {
      expect(context.lookup(0xc0000000 + i * PAGE)).toEqual({ result: MemoryContext.Result.Success, phys: firstFree + (1 + i) * PAGE });
      expect(context.access(0xc0000000 + i * PAGE).access).toBe(USER_RW);
    }
    expect(context.lookup(0xc0004000).result).toBe(MemoryContext.Result.InvalidAddress);
    expect(context.lookup(0xbffff000).result).toBe(MemoryContext.Result.InvalidAddress);
  });

  it('maps the channel at 0xD0000000: first page User|Readable (read-only), second User|Readable|Writable', () => {
    const { processes, firstFree } = machine();
    const { context } = create(processes);
    const channel = firstFree + 7 * PAGE;
    expect(context.lookup(0xd0000000)).toEqual({ result: MemoryContext.Result.Success, phys: channel });
    expect(context.lookup(0xd0001000)).toEqual({ result: MemoryContext.Result.Success, phys: channel + PAGE });
    expect(context.access(0xd0000000).access).toBe(Memory.User | Memory.Readable);
    expect(context.access(0xd0001000).access).toBe(USER_RW);
    expect(context.lookup(0xd0002000).result).toBe(MemoryContext.Result.InvalidAddress);
  });

  it('puts the channel at the first free 2-page run of the map\'s UserShare region', () => {
    const { processes } = machine();
    const map = new IntelMap();
    map.setRange(Region.UserShare, { virt: 0xd0400000, phys: 0, size: 0x10000000, access: 0 });
    const p = processes.create(ENTRY, map)!;
    expect(p.shares[0]!.virt).toBe(0xd0400000);
    expect(p.context.lookup(0xd0400000).result).toBe(MemoryContext.Result.Success);
    expect(p.context.lookup(0xd0000000).result).toBe(MemoryContext.Result.InvalidAddress);
  });

  it('zeroes the 2 channel pages', () => {
    const { kernel, processes, firstFree } = machine();
    const channel = firstFree + 7 * PAGE;
    kernel.memory.fill(channel, 0xaa, 2 * PAGE);
    create(processes);
    const bytes = kernel.memory.read(channel, 2 * PAGE) as Uint8Array;
    expect(bytes.length).toBe(2 * PAGE);
    expect(bytes.every((b) => b === 0)).toBe(true);
  });

  it('records the channel as a share with KERNEL_PID, 8 KiB', () => {
    const { processes, firstFree } = machine();
    const p = create(processes);
    expect(p.shares).toEqual([{ pid: KERNEL_PID, virt: 0xd0000000, phys: firstFree + 7 * PAGE, size: 8192, attached: true }]);
  });

  it('sets the registers: entry point and esp = 0xC0003FFC', () => {
    const { processes } = machine();
    const p = create(processes);
    expect(p.registers).toEqual({ eip: ENTRY, esp: 0xc0003ffc });
  });

  it('gives the process its own copy of the map', () => {
    const { processes } = machine();
    const map = new IntelMap();
    const p = processes.create(ENTRY, map)!;
    map.setRange(Region.UserStack, { virt: 0x12345000, phys: 0, size: PAGE, access: 0 });
    expect(p.memoryMap.range(Region.UserStack).virt).toBe(0xc0000000);
    expect(p.memoryMap).not.toBe(map);
  });
});

describe('ProcessManager: PIDs, state, parent (§9.1)', () => {
  it('hands out the lowest free PID, reusing a removed one', () => {
    const { processes } = machine();
    expect([create(processes).id, create(processes).id, create(processes).id]).toEqual([0, 1, 2]);
    expect(processes.remove(1, 0)).toBe(true);
    expect(processes.get(1)).toBeNull();
    expect(create(processes).id).toBe(1);
    expect(create(processes).id).toBe(3);
    expect(processes.all().map((p) => p.id)).toEqual([0, 1, 2, 3]);
  });

  it('holds 1024 processes; the 1025th create returns null and takes nothing', () => {
    const { kernel, processes } = machine({ ramSize: 896 * MiB });
    for (let i = 0; i < 1024; i++) expect(processes.create(ENTRY, new IntelMap())?.id).toBe(i);
    const before = kernel.allocator.available();
    expect(processes.create(ENTRY, new IntelMap())).toBeNull();
    expect(kernel.allocator.available()).toBe(before);
    expect(processes.all()).toHaveLength(1024);
  });

  it('leaves a new process Stopped unless readyToRun, which makes it Ready', () => {
    const { processes } = machine();
    expect(create(processes).state).toBe(ProcessState.Stopped);
    expect(create(processes, true).state).toBe(ProcessState.Ready);
  });

  it('makes the current process the parent; with no current process the parent is 0', () => {
    const { processes } = machine();
    create(processes);
    create(processes);
    const two = create(processes);
    expect(two.parent).toBe(0);
    processes.current = two;
    expect(create(processes).parent).toBe(2);
  });

  it('get() finds nothing for SELF, ANY, KERNEL_PID or a free slot', () => {
    const { processes } = machine();
    const p = create(processes);
    expect(processes.get(p.id)).toBe(p);
    expect([processes.get(SELF), processes.get(65535), processes.get(KERNEL_PID), processes.get(1)]).toEqual([null, null, null, null]);
  });
});

describe('ProcessManager.create when memory runs out (§9.1 step 3)', () => {
  // Free pages left → where create() fails: 0 directory, 1..4 user stack, 6 kernel stack, 7..8 channel.
  it.each([0, 1, 2, 3, 4, 6, 7, 8])('with %i free pages returns null, gives every frame back and frees the PID slot', (free) => {
    const log = new EventLog();
    const { kernel, processes } = machine({ ramSize: 8 * MiB, log });
    leaveFree(kernel, free);
    const mark = log.mark();
    expect(processes.create(ENTRY, new IntelMap())).toBeNull();
    expect(kernel.allocator.available()).toBe(free * PAGE);
    expect(processes.get(0)).toBeNull();
    expect(processes.all()).toEqual([]);
    expect(log.since(mark).filter((e) => e.type === 'process')).toEqual([]);
  });

  it('with 5 free pages (no page for the stack\'s table) the 4 unmapped stack frames stay allocated, as destruction frees only mapped pages (§9.1, §9.6)', () => {
    const { kernel, processes } = machine({ ramSize: 8 * MiB });
    leaveFree(kernel, 5);
    expect(processes.create(ENTRY, new IntelMap())).toBeNull();
    expect(kernel.allocator.available()).toBe(1 * PAGE); // the directory came back, the stack did not
    expect(processes.get(0)).toBeNull();
  });

  it('with 9 free pages still succeeds: the channel mapping results are not checked, so the channel is unmapped', () => {
    const { kernel, processes } = machine({ ramSize: 8 * MiB });
    leaveFree(kernel, 9);
    const p = processes.create(ENTRY, new IntelMap());
    expect(p?.id).toBe(0);
    expect(kernel.allocator.available()).toBe(0);
    expect(p!.context.lookup(0xd0000000).result).toBe(MemoryContext.Result.InvalidAddress);
    expect(p!.shares).toHaveLength(1);
  });

  it('the freed PID slot is reused once memory is back', () => {
    const { kernel, processes } = machine({ ramSize: 8 * MiB });
    leaveFree(kernel, 6);
    expect(processes.create(ENTRY, new IntelMap())).toBeNull();
    for (let page = kernel.layout.heap.address + MiB; page < 8 * MiB - 6 * PAGE; page += PAGE) kernel.allocator.release(page);
    expect(processes.create(ENTRY, new IntelMap())?.id).toBe(0);
  });
});

describe('ProcessManager.remove (§9.6)', () => {
  it('gives back all 10 frames of a fresh process', () => {
    const { kernel, processes, firstFree } = machine();
    const before = kernel.allocator.available();
    const p = create(processes);
    expect(processes.remove(p.id, 0)).toBe(true);
    expect(kernel.allocator.available()).toBe(before);
    const frames = Array.from({ length: 10 }, (_, i) => firstFree + i * PAGE);
    expect(frames.filter((page) => kernel.allocator.isAllocated(page))).toEqual([]);
  });

  it('frees the channel pages through the share bookkeeping', () => {
    const { kernel, processes } = machine();
    const p = create(processes);
    const channel = p.shares[0]!.phys;
    expect([kernel.allocator.isAllocated(channel), kernel.allocator.isAllocated(channel + PAGE)]).toEqual([true, true]);
    processes.remove(p.id, 0);
    expect([kernel.allocator.isAllocated(channel), kernel.allocator.isAllocated(channel + PAGE)]).toEqual([false, false]);
  });

  it('frees the heap pages and tables after UserRuntime malloc calls', () => {
    const { kernel, processes } = machine();
    const before = kernel.allocator.available();
    const p = create(processes);
    const runtime = UserRuntime.start(kernel, processes, p)!;
    for (const size of [1, 5, 64, 100000]) expect(runtime.malloc(size)).not.toBe(0);
    // 10 + first heap page and its table 2 + 32 + 32 + 32 + 64 (100000 bytes: a 256 KiB block)
    expect(before - kernel.allocator.available()).toBe((10 + 2 + 160) * PAGE);
    processes.remove(p.id, 0);
    expect(kernel.allocator.available()).toBe(before);
  });

  it('frees pages mapped with VMCtl in UserPrivate and UserData, and their tables', () => {
    const { kernel, processes } = machine();
    const before = kernel.allocator.available();
    const p = create(processes);
    const call = (op: MemoryOperation, range: Memory.Range) => VMCtl(kernel, processes, p, SELF, op, range);
    expect(call(MemoryOperation.MapContiguous, { virt: 0, phys: 0, size: 3 * PAGE, access: USER_RW })).toBe(0);
    expect(call(MemoryOperation.MapSparse, { virt: 0, phys: 0, size: 32 * 1024, access: USER_RW })).toBe(0);
    expect(call(MemoryOperation.MapContiguous, { virt: 0x80000000, phys: 0, size: 5 * PAGE, access: USER_RW | Memory.Executable })).toBe(0);
    expect(call(MemoryOperation.MapSparse, { virt: 0x80400000, phys: 0, size: 64 * 1024, access: USER_RW })).toBe(0);
    // 10 + (3 + 8 + table) + (5 + table) + (16 + table)
    expect(before - kernel.allocator.available()).toBe((10 + 12 + 6 + 17) * PAGE);
    processes.remove(p.id, 0);
    expect(kernel.allocator.available()).toBe(before);
  });

  it('returns false for an unknown pid, and for a pid removed already', () => {
    const { kernel, processes } = machine();
    const p = create(processes);
    expect(processes.remove(5, 0)).toBe(false);
    expect(processes.remove(SELF, 0)).toBe(false);
    expect(processes.remove(p.id, 0)).toBe(true);
    const after = kernel.allocator.available();
    expect(processes.remove(p.id, 0)).toBe(false);
    expect(kernel.allocator.available()).toBe(after);
  });

  it('keeps other processes\' frames', () => {
    const { kernel, processes } = machine();
    const a = create(processes);
    const b = create(processes);
    const bStack = b.context.lookup(0xc0000000).phys;
    processes.remove(a.id, 0);
    expect(kernel.allocator.isAllocated(bStack)).toBe(true);
    expect(kernel.allocator.isAllocated(b.context.root())).toBe(true);
    expect(kernel.allocator.isAllocated(b.shares[0]!.phys)).toBe(true);
    expect(kernel.allocator.available()).toBe(kernel.allocator.size() - 669 * PAGE - 10 * PAGE);
  });
});

describe('ProcessManager events', () => {
  it('records a process event for create, with the parent', () => {
    const log = new EventLog();
    const { processes } = machine({ log });
    create(processes);
    processes.current = create(processes);
    create(processes);
    expect(log.events.filter((e) => e.type === 'process')).toEqual([
      { type: 'process', op: 'create', pid: 0, parent: 0 },
      { type: 'process', op: 'create', pid: 1, parent: 0 },
      { type: 'process', op: 'create', pid: 2, parent: 1 },
    ]);
  });

  it('records a process event for remove, with the exit status', () => {
    const log = new EventLog();
    const { processes } = machine({ log });
    const p = create(processes);
    const mark = log.mark();
    processes.remove(p.id, 7);
    expect(log.since(mark).filter((e) => e.type === 'process')).toEqual([
      { type: 'process', op: 'remove', pid: 0, parent: 0, status: 7 },
    ]);
  });
});
