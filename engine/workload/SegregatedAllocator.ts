// SegregatedAllocator: simple segregated storage as a MallocAllocator over an sbrk heap (the
// fragmentation paper's "simple segregated storage"). Sizes are rounded up to a power of two, from
// 8 bytes; each size class owns whole pages of blocks of exactly its size and never gives them to
// another class. No block is split or merged: a freed block goes back on its class's free list (a
// LIFO stack linked through the blocks' first words) and serves only that size again.
//
// Pages are 4 KiB; a class above 4 KiB takes a run of pages holding one block. Pages are cut from
// the heap's end as a class needs one (a new page is carved lazily, block by block, from a bump
// pointer). Blocks carry no header: a page table in this object (page number from the origin to
// its class) tells free() a block's size, as a big-bag-of-pages allocator keeps it beside the heap.
//
//   page of class 32 (4 KiB at origin + a multiple of 4 KiB): [ 32 ][ 32 ][ 32 ] ... [ 32 ]
import type { Heap, MallocAllocator } from './Heap';

export const SEGREGATED_PAGE = 4096;
/** The smallest class: 8 bytes, so every payload is 8-byte aligned. */
export const SEGREGATED_MIN = 8;

export class SegregatedAllocator implements MallocAllocator {
  /** Address of the first page: page numbers count from here. */
  readonly origin: number;
  /** Where the next page starts (the heap's end, unless a page-granting parent gave more). */
  private top: number;
  /** Per page number, the block size of the class that owns it (0: not a page yet). */
  private readonly pageClass: number[] = [];
  /** Per class (by log2 of its size), the first free block of its stack (0: empty). */
  private readonly heads = new Map<number, number>();
  /** Per class, the next never-used block of its newest page, and that page's end. */
  private readonly fresh = new Map<number, { next: number; end: number }>();

  /** Takes the heap's end (padded to 8 bytes) as the first page's address; throws when the heap cannot be padded. */
  constructor(private readonly heap: Heap) {
    const end = heap.end();
    const pad = (8 - (end % 8)) % 8;
    if (pad > 0 && heap.grow(pad) === 0) throw new Error('no heap to align the first page');
    this.origin = end + pad;
    this.top = this.origin;
  }

  /** The size class (a block size) of a request of `size` bytes: the next power of two, at least 8. */
  static classOf(size: number): number {
    let block = SEGREGATED_MIN;
    while (block < size) block *= 2;
    return block;
  }

  /** A block of the request's class: a freed one, else the next fresh one, else one from a new page; 0 for size 0 or no heap. */
  malloc(size: number): number {
    if (!(size > 0) || size > this.heap.limit) return 0;
    const block = SegregatedAllocator.classOf(size);
    const head = this.heads.get(block) ?? 0;
    if (head !== 0) {
      this.heads.set(block, this.heap.read32(head));
      return head;
    }
    let fresh = this.fresh.get(block);
    if (!fresh || fresh.next >= fresh.end) {
      const page = this.newPage(block);
      if (page === 0) return 0;
      fresh = { next: page, end: page + Math.max(SEGREGATED_PAGE, block) };
      this.fresh.set(block, fresh);
    }
    const address = fresh.next;
    fresh.next += block;
    return address;
  }

  /** Pushes the block on its class's free list (its page says which). */
  free(bp: number): void {
    if (bp === 0) return;
    const block = this.pageClass[Math.floor((bp - this.origin) / SEGREGATED_PAGE)]!;
    this.heap.write32(bp, this.heads.get(block) ?? 0);
    this.heads.set(block, bp);
  }

  /** The class (block size) owning the page that holds `address`, or 0 when it is in no page. */
  classAt(address: number): number {
    return this.pageClass[Math.floor((address - this.origin) / SEGREGATED_PAGE)] ?? 0;
  }

  /** A new page (or run of pages) for class `block` at the top, the heap grown to hold it; 0 when it cannot grow. */
  private newPage(block: number): number {
    const bytes = Math.max(SEGREGATED_PAGE, block);
    const end = this.heap.end();
    if (this.top + bytes > end && this.heap.grow(this.top + bytes - end) === 0) return 0;
    const page = this.top;
    this.top += bytes;
    const first = (page - this.origin) / SEGREGATED_PAGE;
    for (let k = 0; k < bytes / SEGREGATED_PAGE; k++) this.pageClass[first + k] = block;
    return page;
  }
}
