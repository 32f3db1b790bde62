// 04-split-allocator starter: a first attempt that runs, and is right until the first call where
// FreeNOS's rules matter. The pages are a bitmap (page n is bit n % 8 of byte n / 8, 1 = used) with
// a free-page counter; allocate() is next fit, and allocateAt, release, isAllocated and available
// are done. What is left (README.md has the exact rules):
//   1. allocate ignores the alignment and the size-0 quirk: bring in your 01 BitAllocator's rules
//      (alignment relative to the physical base, InvalidAlignment, size 0);
//   2. allocateSparse takes one page at a time and lists every page: FreeNOS takes runs of 8
//      contiguous pages and lists each run once; check its two refusals, and in which order;
//   3. toVirtual and toPhysical do the arithmetic in JavaScript numbers: addresses are unsigned
//      32-bit, so the answer wraps around modulo 2^32.
// To look inside: import { log } from 'freenos-lab'; then log('toVirtual', physical, '->', answer);
import type { BitAllocation, SparseAllocation, SplitAllocatorExercise } from 'freenos-lab';

const SUCCESS = 0;
const OUT_OF_MEMORY = 4;

export default class SplitAllocator implements SplitAllocatorExercise {
  private readonly pages: number;
  private readonly bits: Uint8Array;
  private free: number;
  /** First page of the previous successful allocation: where the next search starts. */
  private last = 0;

  constructor(private readonly physicalBase: number, physicalSize: number, private readonly virtualBase: number,
    private readonly pageSize: number) {
    this.pages = Math.floor(physicalSize / pageSize);
    this.bits = new Uint8Array(Math.ceil(this.pages / 8));
    this.free = this.pages;
  }

  /** Next fit. TODO: alignment, InvalidAlignment, size 0. */
  allocate(size: number, _alignment: number): BitAllocation {
    const count = Math.max(1, Math.ceil(size / this.pageSize));
    let first = this.search(count, this.last);
    if (first < 0) first = this.search(count, 0);
    if (first < 0) return { result: OUT_OF_MEMORY, address: 0 };
    this.last = first;
    return { result: SUCCESS, address: this.physicalBase + first * this.pageSize };
  }

  allocateAt(address: number): number {
    const n = this.pageOf(address);
    if (n >= 0 && !this.used(n)) {
      this.bits[n >> 3] |= 1 << (n & 7);
      this.free--;
    }
    return SUCCESS;
  }

  /** One page at a time. TODO: runs of 8 pages, the refusals, what a failure half-way keeps. */
  allocateSparse(size: number): SparseAllocation {
    const runs: number[] = [];
    for (let done = 0; done < size; done += this.pageSize) {
      const page = this.allocate(this.pageSize, 0);
      if (page.result !== SUCCESS) return { result: page.result, runs };
      runs.push(page.address);
    }
    return { result: SUCCESS, runs };
  }

  release(address: number): number {
    const n = this.pageOf(address);
    if (n >= 0 && this.used(n)) {
      this.bits[n >> 3] &= ~(1 << (n & 7));
      this.free++;
    }
    return SUCCESS;
  }

  isAllocated(address: number): boolean {
    const n = this.pageOf(address);
    return n >= 0 && this.used(n);
  }

  available(): number {
    return this.free * this.pageSize;
  }

  /** TODO: modulo 2^32. */
  toVirtual(physical: number): number {
    return physical - this.physicalBase + this.virtualBase;
  }

  /** TODO: modulo 2^32. */
  toPhysical(virtual: number): number {
    return virtual - this.virtualBase + this.physicalBase;
  }

  /** The lowest run of `count` free pages at or after page `from`, marked used; its first page, or -1. */
  private search(count: number, from: number): number {
    for (let first = from; first + count <= this.pages; first++) {
      let k = 0;
      while (k < count && !this.used(first + k)) k++;
      if (k < count) continue;
      for (let n = first; n < first + count; n++) this.bits[n >> 3] |= 1 << (n & 7);
      this.free -= count;
      return first;
    }
    return -1;
  }

  /** The page that holds `address`, or -1 outside the pages. */
  private pageOf(address: number): number {
    const n = Math.floor((address - this.physicalBase) / this.pageSize);
    return n >= 0 && n < this.pages ? n : -1;
  }

  private used(n: number): boolean {
    return (this.bits[n >> 3] & (1 << (n & 7))) !== 0;
  }
}
