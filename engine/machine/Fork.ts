// Fork: copying a process's user address space into a new process (POSIX fork, the lab's
// addition: FreeNOS has no fork). Eager: every mapped user page gets a fresh frame holding a copy.
// Copy-on-write: both sides map the same frame read-only, marked copy-on-write (Intel: a software
// bit in the entry; ARM: the table's shadow word) and counted in kernel.references; the first write faults and copyOnWriteFault() gives the
// writer its own copy (or, for the last user, just the write permission back).
import { Allocator } from '../kernel/Allocator';
import type { Kernel } from '../kernel/Kernel';
import { Memory } from '../kernel/Memory';
import { MemoryContext, PAGESIZE } from '../kernel/MemoryContext';
import { Region } from '../kernel/MemoryMap';
import type { Process } from '../kernel/Process';

/**
 * What the machine's fork and page-fault handler do with user pages: the engine's own (eager or
 * copy-on-write, below), or the fork exercise's student code. fork() gives `child` the pages of
 * `parent` (false: out of memory); fault() fixes a write fault at `virt` (false: not its case).
 */
export interface ForkPolicy {
  fork(kernel: Kernel, parent: Process, child: Process): boolean;
  fault(kernel: Kernel, process: Process, virt: number): boolean;
}

/** The engine's policy: forkAddressSpace and copyOnWriteFault; `copyOnWrite()` is asked at each fork. */
export function enginePolicy(copyOnWrite: () => boolean): ForkPolicy {
  return {
    fork: (kernel, parent, child) => forkAddressSpace(kernel, parent, child, copyOnWrite()),
    fault: copyOnWriteFault,
  };
}

/** The regions fork copies. UserShare is not: each process has its own kernel channel. */
export const ForkedRegions = [Region.UserData, Region.UserHeap, Region.UserStack, Region.UserPrivate, Region.UserArgs];

/**
 * Gives `child` the user pages of `parent`. Pages the child already has (its fresh stack) get
 * the parent's bytes. False when memory ran out; what was done stays done (the caller removes
 * the child, which gives its pages back).
 */
export function forkAddressSpace(kernel: Kernel, parent: Process, child: Process, copyOnWrite: boolean): boolean {
  const { memory, allocator, references } = kernel;
  for (const region of ForkedRegions) {
    for (const page of parent.context.mappings(parent.memoryMap.range(region))) {
      const own = child.context.lookup(page.virt);
      if (own.result === MemoryContext.Result.Success) {
        memory.copy(own.phys, page.phys, PAGESIZE);
        continue;
      }
      const writable = (page.access & Memory.Writable) !== 0 || page.copyOnWrite;
      const readOnly = page.access & ~Memory.Writable;
      if (copyOnWrite) {
        if (child.context.map(page.virt, page.phys, readOnly) !== MemoryContext.Result.Success) return false;
        references.share(page.phys);
        if (writable) {
          parent.context.remap(page.virt, { access: readOnly, copyOnWrite: true });
          child.context.remap(page.virt, { copyOnWrite: true });
        }
        continue;
      }
      const frame: Allocator.Range = { address: 0, size: PAGESIZE, alignment: PAGESIZE };
      if (allocator.allocate(frame) !== Allocator.Result.Success) return false;
      memory.copy(frame.address, page.phys, PAGESIZE);
      if (child.context.map(page.virt, frame.address, writable ? page.access | Memory.Writable : readOnly) !== MemoryContext.Result.Success) {
        allocator.release(frame.address);
        return false;
      }
    }
  }
  return true;
}

/**
 * The page-fault handler's copy-on-write case: true when `virt` was a copy-on-write page of
 * `process` and is now writable (copied if others still share the frame). False for any other
 * fault, or when no frame is left for the copy.
 */
export function copyOnWriteFault(kernel: Kernel, process: Process, virt: number): boolean {
  const page = (virt - (virt % PAGESIZE)) >>> 0;
  const [mapping] = process.context.mappings({ virt: page, size: PAGESIZE });
  if (!mapping?.copyOnWrite) return false;
  const writable = { access: mapping.access | Memory.Writable, copyOnWrite: false };
  if (kernel.references.count(mapping.phys) > 1) {
    const frame: Allocator.Range = { address: 0, size: PAGESIZE, alignment: PAGESIZE };
    if (kernel.allocator.allocate(frame) !== Allocator.Result.Success) return false;
    kernel.memory.copy(frame.address, mapping.phys, PAGESIZE);
    kernel.references.release(mapping.phys);
    process.context.remap(page, { ...writable, phys: frame.address });
  } else {
    process.context.remap(page, writable);
  }
  kernel.log?.push({ type: 'cow', pid: process.id, virt: page, from: mapping.phys,
    to: (process.context.lookup(page).phys) >>> 0 });
  return true;
}
