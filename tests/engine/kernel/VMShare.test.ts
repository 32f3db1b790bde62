// VMShare (§8, §9.6): shared pages mapped in both processes' UserShare, seen by both; Read and
// Delete; the pages freed only by the side that goes last, whether it deletes or exits.
import { describe, expect, it } from 'vitest';
import {
  API, Kernel, Memory, ProcessManager, ShareOperation, VirtualMemory, VMShare, type MemoryShare, type Process,
} from '../../../engine/index';

const PAGE = 4096;

function setup() {
  const kernel = new Kernel();
  const processes = new ProcessManager(kernel);
  const free = kernel.allocator.available();
  const a = processes.create(0x80000000, kernel.memoryMap, true)!;
  const b = processes.create(0x80000000, kernel.memoryMap, true)!;
  const view = (p: Process) => new VirtualMemory(kernel.memory, kernel.mmu, p.context.root());
  return { kernel, processes, free, a, b, view };
}

const request = (pid: number, size: number, tag = 1): MemoryShare => ({ pid, tag, range: { virt: 0, phys: 0, size, access: 0 } });

describe('VMShare', () => {
  it('Create maps the same zeroed pages in both UserShare regions, after the kernel channel, and records both sides', () => {
    const { kernel, processes, a, b } = setup();
    const share = request(b.id, 3 * PAGE, 5);
    expect(VMShare(kernel, processes, a, ShareOperation.Create, share)).toBe(API.Result.Success);
    expect(share.range.virt).toBe(0xd0002000);
    for (let page = 0; page < 3; page++) {
      expect(a.context.lookup(0xd0002000 + page * PAGE).phys).toBe(share.range.phys + page * PAGE);
      expect(b.context.lookup(0xd0002000 + page * PAGE).phys).toBe(share.range.phys + page * PAGE);
    }
    expect(Array.from(kernel.memory.read(share.range.phys, 3 * PAGE) as Uint8Array).every((byte) => byte === 0)).toBe(true);
    expect(a.shares.at(-1)).toEqual({ pid: b.id, tag: 5, virt: 0xd0002000, phys: share.range.phys, size: 3 * PAGE, attached: true });
    expect(b.shares.at(-1)).toEqual({ pid: a.id, tag: 5, virt: 0xd0002000, phys: share.range.phys, size: 3 * PAGE, attached: true });
  });

  it('writes by one side are read by the other', () => {
    const { kernel, processes, a, b, view } = setup();
    const share = request(b.id, 2 * PAGE, 7);
    expect(VMShare(kernel, processes, a, ShareOperation.Create, share)).toBe(API.Result.Success);
    expect(share.range).toEqual({ virt: 0xd0002000, phys: share.range.phys, size: 2 * PAGE,
      access: Memory.User | Memory.Readable | Memory.Writable });
    const theirs = request(a.id, 0, 7);
    expect(VMShare(kernel, processes, b, ShareOperation.Read, theirs)).toBe(API.Result.Success);
    expect(theirs.range.phys).toBe(share.range.phys);
    expect(view(a).read32(share.range.virt + PAGE)).toBe(0);
    view(a).write32(share.range.virt + PAGE + 8, 0xcafe);
    expect(view(b).read32(theirs.range.virt + PAGE + 8)).toBe(0xcafe);
    expect(a.context.access(share.range.virt).access).toBe(Memory.User | Memory.Readable | Memory.Writable);
  });

  it('costs the pages once, rounded up to whole pages', () => {
    const { kernel, processes, a, b } = setup();
    const before = kernel.allocator.available();
    VMShare(kernel, processes, a, ShareOperation.Create, request(b.id, PAGE + 1));
    expect(before - kernel.allocator.available()).toBe(2 * PAGE);
  });

  it('refuses an unknown peer (NotFound), a second share with the same peer and tag (AlreadyExists), size 0', () => {
    const { kernel, processes, a, b } = setup();
    expect(VMShare(kernel, processes, a, ShareOperation.Create, request(999, PAGE))).toBe(API.Result.NotFound);
    expect(VMShare(kernel, processes, a, ShareOperation.Create, request(a.id, PAGE))).toBe(API.Result.NotFound);
    expect(VMShare(kernel, processes, a, ShareOperation.Create, request(b.id, 0))).toBe(API.Result.InvalidArgument);
    expect(VMShare(kernel, processes, a, ShareOperation.Create, request(b.id, PAGE))).toBe(API.Result.Success);
    expect(VMShare(kernel, processes, a, ShareOperation.Create, request(b.id, PAGE))).toBe(API.Result.AlreadyExists);
    expect(VMShare(kernel, processes, a, ShareOperation.Create, request(b.id, PAGE, 2))).toBe(API.Result.Success);
  });

  it('is OutOfMemory when no contiguous run is free', () => {
    const { kernel, processes, a, b } = setup();
    expect(VMShare(kernel, processes, a, ShareOperation.Create, request(b.id, kernel.allocator.available() + PAGE)))
      .toBe(API.Result.OutOfMemory);
  });

  it('Read and Delete of a share that does not exist are NotFound', () => {
    const { kernel, processes, a, b } = setup();
    expect(VMShare(kernel, processes, a, ShareOperation.Read, request(b.id, 0))).toBe(API.Result.NotFound);
    expect(VMShare(kernel, processes, a, ShareOperation.Delete, request(b.id, 0))).toBe(API.Result.NotFound);
  });

  it('Delete by one side unmaps it there and keeps the pages for the other; the second Delete frees them', () => {
    const { kernel, processes, a, b } = setup();
    const before = kernel.allocator.available();
    const share = request(b.id, PAGE);
    VMShare(kernel, processes, a, ShareOperation.Create, share);
    expect(VMShare(kernel, processes, a, ShareOperation.Delete, request(b.id, 0))).toBe(API.Result.Success);
    expect(a.context.lookup(share.range.virt).result).not.toBe(0);
    expect(kernel.allocator.isAllocated(share.range.phys)).toBe(true);
    expect(b.shares.find((s) => s.tag === 1)?.attached).toBe(false);
    expect(VMShare(kernel, processes, b, ShareOperation.Delete, request(a.id, 0))).toBe(API.Result.Success);
    expect(kernel.allocator.isAllocated(share.range.phys)).toBe(false);
    expect(kernel.allocator.available()).toBe(before);
  });

  it('a side that exits first leaves the pages to the other; when that one exits every frame is back (§9.6)', () => {
    const { kernel, processes, free, a, b } = setup();
    const share = request(b.id, 4 * PAGE);
    VMShare(kernel, processes, a, ShareOperation.Create, share);
    processes.remove(a.id, 0);
    expect(kernel.allocator.isAllocated(share.range.phys)).toBe(true);
    expect(b.shares.find((s) => s.tag === 1)?.attached).toBe(false);
    processes.remove(b.id, 0);
    expect(kernel.allocator.isAllocated(share.range.phys)).toBe(false);
    expect(kernel.allocator.available()).toBe(free);
  });
});
