// UserRuntime: what FreeNOS's C runtime sets up in every user program before main(): the heap.
// One page is mapped at UserHeap's start (0xB0000000) for the allocator objects; the
// PageAllocator (from 0xB0001000, 128 KiB at a time through VMCtl MapSparse) is the parent of the
// PoolAllocator that malloc and free use. The pool metadata is written through the process's
// own page tables. malloc(0) returns 0 (NULL), as PoolAllocator refuses size 0.
import { VirtualMemory, type FaultHandler } from '../hw/VirtualMemory';
import { Allocator } from './Allocator';
import { API, MemoryOperation, SELF } from './API';
import type { Kernel } from './Kernel';
import { Memory } from './Memory';
import { PAGESIZE } from './MemoryContext';
import { Region } from './MemoryMap';
import { PageAllocator, type VMCtlCall } from './PageAllocator';
import { PoolAllocator } from './PoolAllocator';
import type { Process } from './Process';
import type { ProcessManager } from './ProcessManager';
import { VMCtl } from './VMCtl';

export class UserRuntime {
  readonly memory: VirtualMemory;
  readonly pages: PageAllocator;
  readonly heap: PoolAllocator;

  private constructor(memory: VirtualMemory, pages: PageAllocator, heap: PoolAllocator) {
    this.memory = memory;
    this.pages = pages;
    this.heap = heap;
  }

  /**
   * Sets up `process`'s heap; null when the first heap page cannot be mapped (FreeNOS then
   * prints a message and the program kills itself).
   */
  static start(kernel: Kernel, processes: ProcessManager, process: Process, onFault?: FaultHandler): UserRuntime | null {
    const vmctl = UserRuntime.vmctlOf(kernel, processes, process);
    const heapRegion = process.memoryMap.range(Region.UserHeap);
    const userRW = Memory.User | Memory.Readable | Memory.Writable;
    if (vmctl(SELF, MemoryOperation.MapContiguous, { virt: heapRegion.virt, phys: 0, size: PAGESIZE, access: userRW })
      !== API.Result.Success) return null;
    const memory = new VirtualMemory(kernel.memory, kernel.mmu, process.context.root(), { log: kernel.log, onFault });
    const common = { log: kernel.log, mode: kernel.mode };
    const pages = new PageAllocator({ address: heapRegion.virt, size: heapRegion.size, alignment: PAGESIZE },
      { ...common, vmctl, name: `pid ${process.id} PageAllocator` });
    const heap = new PoolAllocator(pages, { ...common, memory, name: `pid ${process.id} heap` });
    return new UserRuntime(memory, pages, heap);
  }

  /** This runtime as it is in `child`, a fork of its process whose pages were already copied. */
  forkInto(kernel: Kernel, processes: ProcessManager, child: Process, onFault?: FaultHandler): UserRuntime {
    const memory = new VirtualMemory(kernel.memory, kernel.mmu, child.context.root(), { log: kernel.log, onFault });
    const pages = this.pages.forkWith(UserRuntime.vmctlOf(kernel, processes, child), `pid ${child.id} PageAllocator`);
    return new UserRuntime(memory, pages, this.heap.forkInto(memory, pages, `pid ${child.id} heap`));
  }

  /** VMCtl as `process` calls it. */
  private static vmctlOf(kernel: Kernel, processes: ProcessManager, process: Process): VMCtlCall {
    return (pid: number, op: MemoryOperation, range: Memory.Range) => VMCtl(kernel, processes, process, pid, op, range);
  }

  /** malloc(size): the address, or 0 when the heap cannot grow or size is 0. */
  malloc(size: number): number {
    const range: Allocator.Range = { address: 0, size, alignment: 0 };
    return this.heap.allocate(range) === Allocator.Result.Success ? range.address : 0;
  }

  /** free(address): free(0) does nothing. */
  free(address: number): void {
    if (address !== 0) this.heap.release(address);
  }
}
