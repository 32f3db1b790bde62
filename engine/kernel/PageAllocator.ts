// PageAllocator (FreeNOS libruntime): grows a user program's heap inside UserHeap by asking the
// kernel for freshly mapped pages (VMCtl MapSparse). It hands out strictly increasing addresses
// from base + 4096 (the first page holds the allocator objects), in multiples of 128 KiB, reports
// the granted size back in args.size, and never frees (release() is the base class's: InvalidAddress).
import { Allocator, type AllocatorOptions } from './Allocator';
import { API, MemoryOperation, SELF } from './API';
import { Memory } from './Memory';

/** The VMCtl system call as a process sees it: (processId, operation, range) → API.Result. */
export type VMCtlCall = (processId: number, operation: MemoryOperation, range: Memory.Range) => API.Result;

export interface PageAllocatorOptions extends AllocatorOptions {
  /** How this process reaches the kernel's VMCtl. */
  vmctl: VMCtlCall;
}

/** Smallest growth step: 32 pages. */
export const MinimumAllocationSize = 128 * 1024;

const { Success, OutOfMemory } = Allocator.Result;

export class PageAllocator extends Allocator {
  private allocated = 4096;
  private readonly vmctl: VMCtlCall;

  /** `range` is normally UserHeap: { 0xB0000000, 256 MiB, alignment 4096 }. */
  constructor(range: Allocator.Range, options: PageAllocatorOptions) {
    super(range, { ...options, name: options.name ?? 'PageAllocator' });
    this.vmctl = options.vmctl;
  }

  /**
   * Maps max(size, 128 KiB) rounded up to 128 KiB at base + allocated. OutOfMemory when
   * allocated + max(size, 128 KiB) >= size() (un-rounded, ">=" as in FreeNOS) or when VMCtl
   * fails; args.address is already set in that last case. args.alignment is ignored.
   */
  override allocate(args: Allocator.Range): Allocator.Result {
    this.validate(args, 'allocate');
    const requested = args.size;
    let bytes = Math.max(args.size, MinimumAllocationSize);
    let result: Allocator.Result = OutOfMemory;
    if (((this.allocated + bytes) >>> 0) < this.size()) {
      args.address = (this.base() + this.allocated) >>> 0;
      bytes = this.aligned(bytes, MinimumAllocationSize);
      const range: Memory.Range = { virt: args.address, phys: 0, size: bytes,
        access: Memory.User | Memory.Readable | Memory.Writable };
      const mapped = this.vmctl(SELF, MemoryOperation.MapSparse, range);
      this.record({ type: 'syscall', caller: this.name, call: 'VMCtl', operation: MemoryOperation.MapSparse,
        virt: range.virt, size: bytes, result: mapped });
      if (mapped === API.Result.Success) {
        this.allocated = (this.allocated + bytes) >>> 0;
        args.size = bytes;
        result = Success;
      }
    }
    this.record({ type: 'allocate', allocator: this.name, size: requested, alignment: args.alignment, result,
      address: result === Success ? args.address : 0, ...(result === Success ? { granted: bytes } : {}) });
    return result;
  }

  /** This allocator as it is in a forked copy of its address space, calling VMCtl through `vmctl`. */
  forkWith(vmctl: VMCtlCall, name = this.name): PageAllocator {
    const copy = new PageAllocator({ address: this.base(), size: this.size(), alignment: this.alignment() },
      { vmctl, name, log: this.log, mode: this.mode });
    copy.allocated = this.allocated;
    return copy;
  }

  /**
   * size() minus the bytes mapped so far (including the first page), as a 32-bit Size: the
   * rounding happens after the overflow check, so the heap can end past UserHeap and this wraps.
   */
  override available(): number {
    return (this.size() - this.allocated) >>> 0;
  }
}
