// VMCtl, the memory system call (§8, §6.3, §10.9–§10.15): process selection (SELF, explicit pid,
// NotFound), every operation with its success effect and its result code on failure, no
// privilege check, and a 'syscall' event per call.
import { describe, expect, it } from 'vitest';
import {
  ANY, API, EventLog, IntelMap, KERNEL_PID, Kernel, Memory, MemoryContext, MemoryOperation, ProcessManager, SELF, VMCtl,
  type Process,
} from '../../../engine/index';

const PAGE = 4096;
const MiB = 1024 * 1024;
const USER_RW = Memory.User | Memory.Readable | Memory.Writable;
const { Success, AccessViolation, NotFound, InvalidArgument, IOError } = API.Result;
const Op = MemoryOperation;

/** A fresh 128 MiB kernel with one process (pid 0); `next` is the first frame after its 10. */
function machine(log?: EventLog) {
  const kernel = new Kernel({ log });
  const processes = new ProcessManager(kernel);
  const p = processes.create(0x80000000, new IntelMap())!;
  const next = kernel.layout.heap.address + kernel.layout.heap.size + 10 * PAGE;
  const call = (op: MemoryOperation, range: Memory.Range, pid = SELF, caller: Process | null = p) =>
    VMCtl(kernel, processes, caller, pid, op, range);
  return { kernel, processes, p, next, call };
}

const range = (virt: number, size = PAGE, phys = 0, access = USER_RW): Memory.Range => ({ virt, phys, size, access });
const free = (kernel: Kernel) => kernel.allocator.available();

describe('VMCtl process selection (§8)', () => {
  it('API result values follow the declaration order', () => {
    expect([Success, AccessViolation, API.Result.RangeError, NotFound, InvalidArgument, API.Result.OutOfMemory, IOError,
      API.Result.AlreadyExists, API.Result.TemporaryUnavailable]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([SELF, ANY, KERNEL_PID]).toEqual([65534, 65535, 65533]);
  });

  it('SELF is the caller', () => {
    const { processes, call } = machine();
    const q = processes.create(0x80000000, new IntelMap())!;
    const r = range(0xc0000000);
    expect(call(Op.LookupVirtual, r, SELF, q)).toBe(Success);
    expect(r.phys).toBe(q.context.lookup(0xc0000000).phys);
  });

  it('an explicit pid selects that process', () => {
    const { processes, p, call } = machine();
    const q = processes.create(0x80000000, new IntelMap())!;
    const r = range(0xc0000000);
    expect(call(Op.LookupVirtual, r, q.id, p)).toBe(Success);
    expect(r.phys).toBe(q.context.lookup(0xc0000000).phys);
    expect(r.phys).not.toBe(p.context.lookup(0xc0000000).phys);
  });

  it('an unknown pid is NotFound (3)', () => {
    const { call } = machine();
    expect(call(Op.LookupVirtual, range(0xc0000000), 1)).toBe(NotFound);
    expect(call(Op.LookupVirtual, range(0xc0000000), 1024)).toBe(NotFound);
    expect(call(Op.CacheClean, range(0xc0000000), KERNEL_PID)).toBe(NotFound);
  });

  it('ANY (65535) is NotFound, and nothing is mapped', () => {
    const { kernel, call } = machine();
    const before = free(kernel);
    expect(call(Op.MapContiguous, range(0), ANY)).toBe(NotFound);
    expect(free(kernel)).toBe(before);
  });
});

describe('VMCtl LookupVirtual (§8, §10.11)', () => {
  it('returns the physical address plus the in-page offset', () => {
    const { p, call } = machine();
    const r = range(0xc0002abc);
    expect(call(Op.LookupVirtual, r)).toBe(Success);
    expect(r.phys).toBe(p.context.lookup(0xc0002000).phys + 0xabc);
    expect(r.phys & 0xfff).toBe(0xabc);
  });

  it('fails with AccessViolation (1) on an unmapped address', () => {
    const { call } = machine();
    expect(call(Op.LookupVirtual, range(0xc0004000))).toBe(AccessViolation);
    expect(call(Op.LookupVirtual, range(0xa0000000))).toBe(AccessViolation);
  });
});

describe('VMCtl MapContiguous (§8, §6.3)', () => {
  it('with virt 0 and phys 0 maps at UserPrivate\'s start (0xA0000000) onto freshly allocated contiguous frames, written back', () => {
    const { kernel, p, next, call } = machine();
    const before = free(kernel);
    const r = range(0, 3 * PAGE);
    expect(call(Op.MapContiguous, r)).toBe(Success);
    expect(r).toEqual({ virt: 0xa0000000, phys: next, size: 3 * PAGE, access: USER_RW });
    for (let i = 0; i < 3; i++) expect(p.context.lookup(0xa0000000 + i * PAGE).phys).toBe(next + i * PAGE);
    expect(p.context.access(0xa0000000).access).toBe(USER_RW);
    expect(before - free(kernel)).toBe(4 * PAGE); // 3 pages and UserPrivate's first page table
  });

  it('with virt 0 takes the first free run of UserPrivate (first fit)', () => {
    const { call } = machine();
    const a = range(0, 2 * PAGE);
    const b = range(0, PAGE);
    expect(call(Op.MapContiguous, a)).toBe(Success);
    expect(call(Op.MapContiguous, b)).toBe(Success);
    expect([a.virt, b.virt]).toEqual([0xa0000000, 0xa0002000]);
    expect(call(Op.UnMap, range(0xa0000000, PAGE))).toBe(Success);
    const c = range(0, PAGE);
    expect(call(Op.MapContiguous, c)).toBe(Success);
    expect(c.virt).toBe(0xa0000000);
  });

  it('with virt 0 keeps the page offset of a given phys, and allocates nothing for it', () => {
    const { kernel, p, call } = machine();
    const before = free(kernel);
    const r = range(0, PAGE, 0x500800);
    expect(call(Op.MapContiguous, r)).toBe(Success);
    expect(r.virt).toBe(0xa0000800);
    expect(r.phys).toBe(0x500800);
    expect(p.context.lookup(0xa0000000).phys).toBe(0x500000);
    expect(kernel.allocator.isAllocated(0x500000)).toBe(false);
    expect(before - free(kernel)).toBe(PAGE); // only the page table
  });

  it('maps at an explicit virt', () => {
    const { p, next, call } = machine();
    const r = range(0x80000000, 2 * PAGE);
    expect(call(Op.MapContiguous, r)).toBe(Success);
    expect(r.virt).toBe(0x80000000);
    expect(p.context.lookup(0x80001000).phys).toBe(next + PAGE);
  });

  it('with size 0 and phys 0 still takes one frame and maps nothing (§6.3, §10.5)', () => {
    const { kernel, p, next, call } = machine();
    const before = free(kernel);
    const r = range(0, 0);
    expect(call(Op.MapContiguous, r)).toBe(Success);
    expect([r.virt, r.phys]).toEqual([0xa0000000, next]);
    expect(before - free(kernel)).toBe(PAGE);
    expect(p.context.lookup(0xa0000000).result).toBe(MemoryContext.Result.InvalidAddress);
  });

  it('fails with IOError (6) when a page is already mapped; the frames it allocated are not given back (§10.14)', () => {
    const { kernel, call } = machine();
    expect(call(Op.MapContiguous, range(0xa0001000))).toBe(Success);
    const before = free(kernel);
    expect(call(Op.MapContiguous, range(0xa0000000, 2 * PAGE))).toBe(IOError);
    expect(before - free(kernel)).toBe(2 * PAGE);
  });

  it('fails with IOError when physical memory runs out', () => {
    const { kernel, call } = machine();
    expect(call(Op.MapContiguous, range(0, kernel.allocator.available() + PAGE))).toBe(IOError);
  });

  it('fails with IOError when UserPrivate has no free run that large', () => {
    const { kernel, call } = machine();
    const before = free(kernel);
    expect(call(Op.MapContiguous, range(0, 0x10000000 + PAGE))).toBe(IOError);
    expect(free(kernel)).toBe(before);
  });
});

describe('VMCtl MapSparse (§8, §6.3, §10.9)', () => {
  it('maps 32 KiB multiples in 8-page runs, the page table landing between the runs', () => {
    const { p, next, call } = machine();
    const r = range(0, 64 * 1024);
    expect(call(Op.MapSparse, r)).toBe(Success);
    expect(r.virt).toBe(0xa0000000);
    expect(r.phys).toBe(0);
    const frames = Array.from({ length: 16 }, (_, i) => p.context.lookup(0xa0000000 + i * PAGE).phys);
    const first = Array.from({ length: 8 }, (_, i) => next + i * PAGE);
    const second = Array.from({ length: 8 }, (_, i) => next + (9 + i) * PAGE); // the table took next + 8 pages
    expect(frames).toEqual([...first, ...second]);
    expect(p.context.access(0xa000f000).access).toBe(USER_RW);
    expect(p.context.lookup(0xa0010000).result).toBe(MemoryContext.Result.InvalidAddress);
  });

  it('fails with IOError for a size that is not a multiple of 32 KiB, taking nothing', () => {
    const { kernel, call } = machine();
    const before = free(kernel);
    expect(call(Op.MapSparse, range(0xa0000000, 16 * 1024))).toBe(IOError);
    expect(call(Op.MapSparse, range(0xa0000000, 32 * 1024 + PAGE))).toBe(IOError);
    expect(free(kernel)).toBe(before);
  });

  it('fails with IOError when there is not enough physical memory', () => {
    const { kernel, call } = machine();
    const tooMuch = Math.ceil((kernel.allocator.available() + 1) / (32 * 1024)) * 32 * 1024;
    expect(call(Op.MapSparse, range(0xa0000000, tooMuch))).toBe(IOError);
  });
});

describe('VMCtl UnMap, Release, ReleaseSections (§8, §6.6, §10.10)', () => {
  it('UnMap removes the mappings and frees nothing', () => {
    const { kernel, p, call } = machine();
    const mapped = range(0, 2 * PAGE);
    call(Op.MapContiguous, mapped);
    const before = free(kernel);
    expect(call(Op.UnMap, range(0xa0000000, 2 * PAGE))).toBe(Success);
    expect(free(kernel)).toBe(before);
    expect(kernel.allocator.isAllocated(mapped.phys)).toBe(true);
    expect(p.context.lookup(0xa0001000).result).toBe(MemoryContext.Result.InvalidAddress);
  });

  it('UnMap fails with IOError where there is no page table', () => {
    const { call } = machine();
    expect(call(Op.UnMap, range(0x90000000))).toBe(IOError);
  });

  it('Release frees the pages and unmaps them but keeps the page table', () => {
    const { kernel, p, call } = machine();
    const before = free(kernel);
    const mapped = range(0, 2 * PAGE);
    call(Op.MapContiguous, mapped);
    expect(call(Op.Release, range(0xa0000000, 2 * PAGE))).toBe(Success);
    expect(before - free(kernel)).toBe(PAGE);
    expect(kernel.allocator.isAllocated(mapped.phys)).toBe(false);
    expect(p.context.lookup(0xa0000000).result).toBe(MemoryContext.Result.InvalidAddress);
    expect(p.context.directoryEntries().some((e) => e.index === 0xa0000000 >>> 22)).toBe(true);
  });

  it('Release fails with IOError at the first unmapped page; the earlier pages stay released', () => {
    const { kernel, call } = machine();
    const mapped = range(0, 2 * PAGE);
    call(Op.MapContiguous, mapped);
    const before = free(kernel);
    expect(call(Op.Release, range(0xa0000000, 3 * PAGE))).toBe(IOError);
    expect(free(kernel) - before).toBe(2 * PAGE);
  });

  it('ReleaseSections frees the pages and the page table and clears the directory entry', () => {
    const { kernel, p, call } = machine();
    const before = free(kernel);
    call(Op.MapContiguous, range(0, 2 * PAGE));
    call(Op.MapContiguous, range(0xa0100000, PAGE));
    expect(call(Op.ReleaseSections, range(0xa0000000, 4 * MiB))).toBe(Success);
    expect(free(kernel)).toBe(before);
    expect(p.context.directoryEntries().some((e) => e.index === 0xa0000000 >>> 22)).toBe(false);
  });

  it('ReleaseSections needs a 4 MiB aligned virt, else IOError and nothing freed', () => {
    const { kernel, call } = machine();
    call(Op.MapContiguous, range(0, 2 * PAGE));
    const before = free(kernel);
    expect(call(Op.ReleaseSections, range(0xa0001000, 4 * MiB))).toBe(IOError);
    expect(call(Op.ReleaseSections, range(0xa0200000, 4 * MiB))).toBe(IOError);
    expect(free(kernel)).toBe(before);
  });
});

describe('VMCtl Access (§8, §6.4)', () => {
  it('writes the page\'s access flags into range.access: User|R|W = 0x0B', () => {
    const { call } = machine();
    const r = range(0xc0000000, PAGE, 0, 0);
    expect(call(Op.Access, r)).toBe(Success);
    expect(r.access).toBe(0x0b);
  });

  it('reports the read-only channel page as User|Readable = 0x09', () => {
    const { call } = machine();
    const r = range(0xd0000000, PAGE, 0, 0);
    expect(call(Op.Access, r)).toBe(Success);
    expect(r.access).toBe(0x09);
  });

  it('fails with AccessViolation (1) on an unmapped address', () => {
    const { call } = machine();
    expect(call(Op.Access, range(0xa0000000))).toBe(AccessViolation);
  });
});

describe('VMCtl ReserveMem (§8)', () => {
  it('marks each page of [phys, phys + size) used', () => {
    const { kernel, call } = machine();
    const before = free(kernel);
    expect(call(Op.ReserveMem, range(0, 3 * PAGE, 0x400000))).toBe(Success);
    expect([0x400000, 0x401000, 0x402000, 0x403000].map((a) => kernel.allocator.isAllocated(a))).toEqual([true, true, true, false]);
    expect(before - free(kernel)).toBe(3 * PAGE);
  });

  it('fails with InvalidArgument (4) at the first page already used; the earlier pages stay reserved', () => {
    const { kernel, call } = machine();
    kernel.allocator.allocateAt(0x502000);
    const before = free(kernel);
    expect(call(Op.ReserveMem, range(0, 4 * PAGE, 0x500000))).toBe(InvalidArgument);
    expect([0x500000, 0x501000, 0x502000, 0x503000].map((a) => kernel.allocator.isAllocated(a))).toEqual([true, true, true, false]);
    expect(before - free(kernel)).toBe(2 * PAGE);
  });

  it('fails with InvalidArgument on memory the kernel already uses', () => {
    const { kernel, call } = machine();
    const before = free(kernel);
    expect(call(Op.ReserveMem, range(0, PAGE, kernel.layout.heap.address))).toBe(InvalidArgument);
    expect(free(kernel)).toBe(before);
  });
});

describe('VMCtl other operations (§8)', () => {
  it('AddMem is not implemented: InvalidArgument', () => {
    const { kernel, call } = machine();
    const before = free(kernel);
    expect(call(Op.AddMem, range(0, PAGE, 0x400000))).toBe(InvalidArgument);
    expect(free(kernel)).toBe(before);
  });

  it('an unknown operation number is InvalidArgument', () => {
    const { call } = machine();
    expect(call(12 as MemoryOperation, range(0xc0000000))).toBe(InvalidArgument);
    expect(call(255 as MemoryOperation, range(0xc0000000))).toBe(InvalidArgument);
  });

  it('CacheClean, CacheInvalidate and CacheCleanInvalidate succeed (no-ops on Intel)', () => {
    const { call } = machine();
    expect([Op.CacheClean, Op.CacheInvalidate, Op.CacheCleanInvalidate].map((op) => call(op, range(0xc0000000)))).toEqual([0, 0, 0]);
  });

  it('operation values follow the declaration order', () => {
    expect([Op.MapContiguous, Op.MapSparse, Op.UnMap, Op.Release, Op.ReleaseSections, Op.LookupVirtual, Op.Access,
      Op.ReserveMem, Op.AddMem, Op.CacheClean, Op.CacheInvalidate, Op.CacheCleanInvalidate]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});

describe('VMCtl has no privilege check (§8)', () => {
  it('one process maps into another\'s space', () => {
    const { processes, p, call } = machine();
    const q = processes.create(0x80000000, new IntelMap())!;
    const r = range(0x80000000);
    expect(call(Op.MapContiguous, r, q.id, p)).toBe(Success);
    expect(q.context.lookup(0x80000000).phys).toBe(r.phys);
    expect(p.context.lookup(0x80000000).result).toBe(MemoryContext.Result.InvalidAddress);
  });

  it('one process releases another\'s stack', () => {
    const { kernel, processes, p, call } = machine();
    const q = processes.create(0x80000000, new IntelMap())!;
    const stack = q.context.lookup(0xc0000000).phys;
    expect(call(Op.Release, range(0xc0000000), q.id, p)).toBe(Success);
    expect(kernel.allocator.isAllocated(stack)).toBe(false);
  });
});

describe('VMCtl events', () => {
  it('records each call as a syscall event with caller, operation and result', () => {
    const log = new EventLog();
    const { p, call } = machine(log);
    const mark = log.mark();
    call(Op.MapContiguous, range(0, 2 * PAGE));
    call(Op.LookupVirtual, range(0xa0004000));
    call(Op.Access, range(0xc0000000), ANY);
    const syscalls = log.since(mark).filter((e) => e.type === 'syscall');
    expect(syscalls).toEqual([
      { type: 'syscall', caller: `pid ${p.id}`, call: 'VMCtl', operation: Op.MapContiguous, virt: 0xa0000000, size: 2 * PAGE, result: Success },
      { type: 'syscall', caller: `pid ${p.id}`, call: 'VMCtl', operation: Op.LookupVirtual, virt: 0xa0004000, size: PAGE, result: AccessViolation },
      { type: 'syscall', caller: `pid ${p.id}`, call: 'VMCtl', operation: Op.Access, virt: 0xc0000000, size: PAGE, result: NotFound },
    ]);
  });
});
