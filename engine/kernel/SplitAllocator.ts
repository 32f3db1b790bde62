// SplitAllocator (FreeNOS liballoc): the kernel's physical page allocator. A BitAllocator with
// one bit per page over the physical range, plus where that range appears in the kernel's
// virtual space, so it can translate both ways:
//
//   physical  [physBase ............ physBase + size)
//   virtual   [virtBase ............ virtBase + size)     toVirtual(p) = p - (physBase - virtBase)
//
// release() frees one page; allocateSparse() takes 8-page runs and keeps them on failure.
import { Allocator, type AllocatorOptions } from './Allocator';
import { BitAllocator } from './BitAllocator';
import type { BitBuffer } from './BitStore';
import { u32 } from './Unsigned';

export interface SplitAllocatorOptions extends AllocatorOptions {
  /** An existing page bitmap buffer (host bytes or emulated memory); default a new host buffer. */
  bitmap?: BitBuffer;
}

const { Success, InvalidSize, OutOfMemory } = Allocator.Result;

export class SplitAllocator extends Allocator {
  private readonly pages: BitAllocator;
  private readonly virtBase: number;
  private readonly page: number;

  constructor(physRange: Allocator.Range, virtRange: Allocator.Range, pageSize: number,
    options: SplitAllocatorOptions = {}) {
    super(physRange, { ...options, name: options.name ?? 'SplitAllocator' });
    this.virtBase = u32(virtRange.address, this.name, 'constructor', 'virtRange.address');
    this.page = pageSize;
    this.pages = new BitAllocator(physRange, pageSize, { ...options, name: this.name, log: this.log, mode: this.mode });
  }

  /** Free pages times the page size. */
  override available(): number {
    return this.pages.available();
  }

  /** The page bitmap allocator, for views and tests. */
  pageAllocator(): BitAllocator {
    return this.pages;
  }

  /**
   * allocate(range): BitAllocator.allocate on physical pages (next fit; alignment a multiple of
   * the page size, 0 = one page). allocate(phys, virt): the same, and on Success virt is set to
   * { toVirtual(phys.address), phys.size, phys.alignment }. allocate(address): allocateAt.
   */
  override allocate(range: Allocator.Range): Allocator.Result;
  override allocate(phys: Allocator.Range, virt: Allocator.Range): Allocator.Result;
  override allocate(address: number): Allocator.Result;
  override allocate(phys: Allocator.Range | number, virt?: Allocator.Range): Allocator.Result {
    if (typeof phys === 'number') return this.allocateAt(phys);
    const result = this.pages.allocate(phys);
    if (result === Success && virt) {
      virt.address = this.toVirtual(phys.address);
      virt.size = phys.size;
      virt.alignment = phys.alignment;
    }
    return result;
  }

  /** Marks the page at `address` used (debug builds assert it was free). Always Success. */
  allocateAt(address: number): Allocator.Result {
    return this.pages.allocateAt(address);
  }

  /**
   * Allocates range.size bytes as runs of 8 contiguous pages, calling callback(phys) once per
   * run. OutOfMemory if size > available(), InvalidSize if size is not a multiple of 8 pages;
   * a run that fails returns its result at once and the runs already taken stay taken.
   */
  allocateSparse(range: Allocator.Range, callback: (phys: number) => void): Allocator.Result {
    this.validate(range, 'allocateSparse');
    const step = this.page * 8;
    if (range.size > this.available()) return OutOfMemory;
    if (range.size % step !== 0) return InvalidSize;
    for (let done = 0; done < range.size; done += step) {
      const run: Allocator.Range = { address: 0, size: step, alignment: 0 };
      const result = this.pages.allocate(run);
      if (result !== Success) return result;
      callback(run.address);
    }
    return Success;
  }

  /** Frees one page. */
  override release(address: number): Allocator.Result {
    return this.pages.release(address);
  }

  isAllocated(address: number): boolean {
    return this.pages.isAllocated(address);
  }

  /** Kernel virtual address of physical `phys` (32-bit wrap). */
  toVirtual(phys: number): number {
    return (phys - (this.base() - this.virtBase)) >>> 0;
  }

  /** Physical address of kernel virtual `virt` (32-bit wrap). */
  toPhysical(virt: number): number {
    return (virt + (this.base() - this.virtBase)) >>> 0;
  }
}
