// Reference solution of 04-split-allocator: FreeNOS's SplitAllocator. The pages are a bitmap (page n
// is bit n % 8 of byte n / 8, 1 = used) with a free-page counter, searched next fit like the
// BitAllocator of 01; allocateSparse takes 8-page runs one after the other and keeps them when a
// later one fails; the translations add or subtract one offset modulo 2^32. Like a FreeNOS release
// build, nothing checks its addresses: a page outside the range is simply not there.
import type { BitAllocation, SparseAllocation, SplitAllocatorExercise } from 'freenos-lab';

const SUCCESS = 0;
const INVALID_SIZE = 2;
const INVALID_ALIGNMENT = 3;
const OUT_OF_MEMORY = 4;
/** Pages in one allocateSparse run. */
const RUN = 8;

export default class SplitAllocator implements SplitAllocatorExercise {
  private readonly pages: number;
  private readonly bits: Uint8Array;
  private free: number;
  /** First page of the previous successful allocation: where the next search starts. */
  private last = 0;
  /** physicalBase − virtualBase: what toVirtual subtracts and toPhysical adds. */
  private readonly offset: number;

  constructor(private readonly physicalBase: number, physicalSize: number, virtualBase: number, private readonly pageSize: number) {
    this.pages = Math.floor(physicalSize / pageSize);
    this.bits = new Uint8Array(Math.ceil(this.pages / 8));
    this.free = this.pages;
    this.offset = physicalBase - virtualBase;
  }

  allocate(size: number, alignment: number): BitAllocation {
    if (alignment % this.pageSize !== 0) return { result: INVALID_ALIGNMENT, address: 0 };
    const first = this.take(Math.ceil(size / this.pageSize), alignment === 0 ? 1 : alignment / this.pageSize);
    return first < 0 ? { result: OUT_OF_MEMORY, address: 0 } : { result: SUCCESS, address: this.address(first) };
  }

  allocateAt(address: number): number {
    const n = this.pageOf(address);
    if (n >= 0) this.mark(n, n);
    return SUCCESS;
  }

  allocateSparse(size: number): SparseAllocation {
    if (size > this.available()) return { result: OUT_OF_MEMORY, runs: [] };
    const step = RUN * this.pageSize;
    if (size % step !== 0) return { result: INVALID_SIZE, runs: [] };
    const runs: number[] = [];
    for (let done = 0; done < size; done += step) {
      const first = this.take(RUN, 1);
      if (first < 0) return { result: OUT_OF_MEMORY, runs };
      runs.push(this.address(first));
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

  toVirtual(physical: number): number {
    return (physical - this.offset) >>> 0;
  }

  toPhysical(virtual: number): number {
    return (virtual + this.offset) >>> 0;
  }

  /** Next fit for `count` pages at a multiple of `step`: from the previous start, then once from page 0. Marks them; returns the first, or -1. */
  private take(count: number, step: number): number {
    let first = this.search(count, step, this.last);
    if (first < 0) first = this.search(count, step, 0);
    if (first >= 0) this.last = first;
    return first;
  }

  /** Takes the `count` free pages at the lowest multiple of `step` at or after `from`; returns the first, or -1. */
  private search(count: number, step: number, from: number): number {
    if (count === 0) return this.zeroSize(step, from);
    let p = Math.ceil(from / step) * step;
    while (p + count <= this.pages) {
      let k = 0;
      while (k < count && !this.used(p + k)) k++;
      if (k === count) {
        this.mark(p, p + count - 1);
        return p;
      }
      // Page p + k is used: no run starting at or before it fits, so go on past it.
      p = Math.ceil((p + k + 1) / step) * step;
    }
    return -1;
  }

  /** Size 0 (the BitAllocator's quirk): the first free page at or after `from` if aligned, else pages 0..it and 0. */
  private zeroSize(step: number, from: number): number {
    let n = from;
    while (n < this.pages && this.used(n)) n++;
    if (n >= this.pages) return -1;
    if (n % step === 0) {
      this.mark(n, n);
      return n;
    }
    this.mark(0, n);
    return 0;
  }

  /** The page that holds `address`, or -1 outside the pages. */
  private pageOf(address: number): number {
    const n = Math.floor((address - this.physicalBase) / this.pageSize);
    return n >= 0 && n < this.pages ? n : -1;
  }

  private address(page: number): number {
    return this.physicalBase + page * this.pageSize;
  }

  private used(n: number): boolean {
    return (this.bits[n >> 3] & (1 << (n & 7))) !== 0;
  }

  /** Marks pages from..to (inclusive) used. */
  private mark(from: number, to: number): void {
    for (let n = from; n <= to; n++) {
      if (!this.used(n)) {
        this.bits[n >> 3] |= 1 << (n & 7);
        this.free--;
      }
    }
  }
}
