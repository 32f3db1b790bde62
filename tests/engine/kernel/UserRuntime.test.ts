// UserRuntime (§2.5, §2.6, §10.8): a real process's heap. start() maps the first heap page at
// 0xB0000000; malloc grows the heap through VMCtl MapSparse in 128 KiB steps from 0xB0001000;
// the §2.6 worked example gives exact addresses; object metadata lives in the process's pages.
import { describe, expect, it } from 'vitest';
import {
  API, EventLog, IntelMap, Kernel, Memory, MemoryContext, MemoryOperation, ObjectSignature, ProcessManager, SELF,
  UserRuntime, VMCtl, type EngineEvent,
} from '../../../engine/index';

const PAGE = 4096;
const MiB = 1024 * 1024;
const KiB128 = 128 * 1024;
const USER_RW = Memory.User | Memory.Readable | Memory.Writable;

function machine(options: { log?: EventLog; ramSize?: number } = {}) {
  const kernel = new Kernel(options);
  const processes = new ProcessManager(kernel);
  const process = processes.create(0x80000000, new IntelMap())!;
  return { kernel, processes, process };
}

function started(options: { log?: EventLog; ramSize?: number } = {}) {
  const m = machine(options);
  const runtime = UserRuntime.start(m.kernel, m.processes, m.process);
  expect(runtime).not.toBeNull();
  return { ...m, runtime: runtime! };
}

/** The VMCtl calls the process made (the kernel's own record of each call). */
const vmctlCalls = (events: EngineEvent[], pid: number) =>
  events.flatMap((e) => (e.type === 'syscall' && e.call === 'VMCtl' && e.caller === `pid ${pid}` ? [e] : []));

describe('UserRuntime.start (§2.6)', () => {
  it('maps the first heap page at 0xB0000000, User|R|W', () => {
    const { process } = started();
    expect(process.context.lookup(0xb0000000).result).toBe(MemoryContext.Result.Success);
    expect(process.context.access(0xb0000000).access).toBe(USER_RW);
    expect(process.context.lookup(0xb0001000).result).toBe(MemoryContext.Result.InvalidAddress);
  });

  it('does it with one VMCtl(SELF, MapContiguous) of 4096 bytes', () => {
    const log = new EventLog();
    const { kernel, processes, process } = machine({ log });
    const mark = log.mark();
    UserRuntime.start(kernel, processes, process);
    expect(vmctlCalls(log.since(mark), process.id)).toEqual([
      { type: 'syscall', caller: 'pid 0', call: 'VMCtl', operation: MemoryOperation.MapContiguous, virt: 0xb0000000, size: PAGE,
        result: API.Result.Success },
    ]);
  });

  it('costs 2 frames: the first heap page and UserHeap\'s page table', () => {
    const { kernel, processes, process } = machine();
    const before = kernel.allocator.available();
    UserRuntime.start(kernel, processes, process);
    expect(before - kernel.allocator.available()).toBe(2 * PAGE);
  });

  it('returns null when the first heap page cannot be mapped', () => {
    const { kernel, processes, process } = machine();
    expect(VMCtl(kernel, processes, process, SELF, MemoryOperation.MapContiguous,
      { virt: 0xb0000000, phys: 0, size: PAGE, access: USER_RW })).toBe(API.Result.Success);
    expect(UserRuntime.start(kernel, processes, process)).toBeNull();
  });

  it('starts the PageAllocator one page into UserHeap, with 256 MiB − 4096 available (§2.5)', () => {
    const { runtime } = started();
    expect(runtime.pages.base()).toBe(0xb0000000);
    expect(runtime.pages.size()).toBe(0x10000000);
    expect(runtime.pages.available()).toBe(0x10000000 - PAGE);
    expect(runtime.heap.parent()).toBe(runtime.pages);
  });
});

describe('UserRuntime malloc: the §2.6 worked example ([derived])', () => {
  it('gives exactly the listed addresses', () => {
    const { runtime } = started();
    const sizes = [1, 4, 5, 64, 1000, 4096, 16384, 100000];
    expect(sizes.map((size) => runtime.malloc(size))).toEqual([
      0xb0002e64, 0xb0002e74, 0xb0021fcc, 0xb0041440, 0xb00610c8, 0xb0081058, 0xb00a104c, 0xb00c104c,
    ]);
  });

  it('creates the listed pools: index, slots and block address', () => {
    const { runtime } = started();
    for (const size of [1, 5, 64, 1000, 4096, 16384, 100000]) runtime.malloc(size);
    const pools = runtime.heap.pools().map((p) => [p.index, p.objects, p.bitmapSize, p.block]);
    expect(pools).toEqual([
      [4, 7706, 7708, 0xb0001000],
      [5, 3969, 3972, 0xb0021000],
      [7, 1015, 1016, 0xb0041000],
      [10, 127, 128, 0xb0061000],
      [13, 15, 16, 0xb0081000],
      [15, 3, 4, 0xb00a1000],
      [17, 1, 4, 0xb00c1000],
    ]);
  });
});

describe('UserRuntime heap growth (§2.5, §10.8)', () => {
  it('grows in 128 KiB VMCtl(SELF, MapSparse) steps from 0xB0001000', () => {
    const log = new EventLog();
    const { process, runtime } = started({ log });
    const mark = log.mark();
    runtime.malloc(1);
    runtime.malloc(4);
    runtime.malloc(5);
    runtime.malloc(100000);
    const calls = vmctlCalls(log.since(mark), process.id).map((e) => [e.operation, e.virt, e.size, e.result]);
    expect(calls).toEqual([
      [MemoryOperation.MapSparse, 0xb0001000, KiB128, 0],
      [MemoryOperation.MapSparse, 0xb0021000, KiB128, 0],
      [MemoryOperation.MapSparse, 0xb0041000, 2 * KiB128, 0],
    ]);
  });

  it('maps the 32 pages 0xB0001000..0xB0020000 User|R|W after malloc(1), and nothing after them', () => {
    const { process, runtime } = started();
    runtime.malloc(1);
    for (let virt = 0xb0001000; virt < 0xb0021000; virt += PAGE) {
      expect(process.context.access(virt)).toEqual({ result: MemoryContext.Result.Success, access: USER_RW });
    }
    expect(process.context.lookup(0xb0021000).result).toBe(MemoryContext.Result.InvalidAddress);
  });

  it('after malloc(1) the heap costs 34 frames: the first page, 32 heap pages and 1 page table', () => {
    const { kernel, processes, process } = machine();
    const before = kernel.allocator.available();
    const runtime = UserRuntime.start(kernel, processes, process)!;
    runtime.malloc(1);
    expect(before - kernel.allocator.available()).toBe(34 * PAGE);
    runtime.malloc(4);
    expect(before - kernel.allocator.available()).toBe(34 * PAGE);
  });

  it('each new 16-byte pool is another 32 frames', () => {
    const { kernel, runtime } = started();
    runtime.malloc(1);
    const before = kernel.allocator.available();
    runtime.malloc(5);
    expect(before - kernel.allocator.available()).toBe(32 * PAGE);
  });

  it('malloc returns 0 when the kernel cannot map more heap', () => {
    const { kernel, runtime } = started({ ramSize: 8 * MiB });
    const fill = { address: 0, size: kernel.allocator.available() - 16 * PAGE, alignment: 0 };
    expect(kernel.allocator.allocate(fill)).toBe(0);
    expect(runtime.malloc(1)).toBe(0);
    expect(kernel.allocator.available()).toBe(16 * PAGE);
  });
});

describe('UserRuntime object metadata in the process\'s memory (§2.3, §2.6)', () => {
  it('writes the signature 0xF7312A56 before the object, readable through the process\'s page tables', () => {
    const { runtime } = started();
    const address = runtime.malloc(1);
    expect(runtime.memory.read32(address - 8)).toBe(ObjectSignature);
    expect(ObjectSignature).toBe(0xf7312a56);
    expect(runtime.memory.read32(address - 4)).toBe(0xb0001000); // the owning pool
    expect(runtime.memory.read32(address + 4)).toBe(ObjectSignature); // postfix after 4 bytes
  });

  it('the signature sits in the physical frame the process\'s context maps there', () => {
    const { kernel, process, runtime } = started();
    const address = runtime.malloc(64);
    const prefix = address - 8;
    const { result, phys } = process.context.lookup(prefix);
    expect(result).toBe(MemoryContext.Result.Success);
    expect(kernel.allocator.isAllocated(phys)).toBe(true);
    expect(kernel.memory.read32(phys + (prefix & 0xfff))).toBe(ObjectSignature);
  });

  it('user code can write and read back its object through the process\'s pages', () => {
    const { runtime } = started();
    const address = runtime.malloc(16);
    expect(runtime.memory.write32(address, 0x12345678)).toBe(0);
    expect(runtime.memory.read32(address)).toBe(0x12345678);
  });
});

describe('UserRuntime malloc(0), free (§2.6, §10.3, §10.5)', () => {
  it('malloc(0) returns 0 (NULL) and maps nothing', () => {
    const { kernel, runtime } = started();
    const before = kernel.allocator.available();
    expect(runtime.malloc(0)).toBe(0);
    expect(kernel.allocator.available()).toBe(before);
    expect(runtime.heap.pools()).toEqual([]);
  });

  it('free(0) does nothing', () => {
    const log = new EventLog();
    const { runtime } = started({ log });
    runtime.malloc(1);
    const available = runtime.heap.available();
    const mark = log.mark();
    runtime.free(0);
    expect(log.since(mark)).toEqual([]);
    expect(runtime.heap.available()).toBe(available);
  });

  it('free then malloc reuses the freed slot when it is where the next-fit search starts', () => {
    const { runtime } = started();
    const a = runtime.malloc(1);
    const b = runtime.malloc(1);
    expect(b - a).toBe(16);
    runtime.free(b);
    expect(runtime.malloc(1)).toBe(b);
  });

  it('free then malloc does not go back to an earlier slot: next fit moves on', () => {
    const { runtime } = started();
    const a = runtime.malloc(1);
    const b = runtime.malloc(1);
    runtime.free(a);
    expect(runtime.malloc(1)).toBe(b + 16);
  });

  it('free never gives heap pages back to the kernel', () => {
    const { kernel, runtime } = started();
    const a = runtime.malloc(100000);
    const before = kernel.allocator.available();
    runtime.free(a);
    expect(kernel.allocator.available()).toBe(before);
    expect(runtime.heap.pools().map((p) => p.block)).toEqual([0xb0001000]);
  });
});
