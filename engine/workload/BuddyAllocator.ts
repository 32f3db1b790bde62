// BuddyAllocator: a binary buddy system as a MallocAllocator over an sbrk heap (the fragmentation
// paper's "binary buddy"). Every block is a power of two, from 16 bytes up, and lies at an offset
// from the arena's origin that is a multiple of its size; its buddy is the block at offset ^ size.
// A request takes the lowest free block of the smallest order that holds it (splitting larger
// ones in halves); a free block whose buddy is free merges with it, again and again.
//
// The arena: one block of 2^k bytes, the largest power of two the heap's limit holds, starting at
// the heap's end when the allocator is made (its origin). Only what blocks handed out reach is
// grown: the heap's break moves up to the end of the highest block ever allocated, so the unused
// upper halves cost nothing (as untouched virtual memory costs nothing). The free lists, one per
// order, sorted by address, live in this object, not in the heap (blocks above the break have no
// memory to hold links); the heap holds each block's 8-byte header, 2 x its order plus 1 while it is
// allocated, so a block's payload starts 8 bytes in and is 8-byte aligned:
//
//   block (2^j bytes, at origin + a multiple of 2^j): [ header: 2j+1 ][ pad ][ payload ... ]
import type { Heap, MallocAllocator } from './Heap';

const HEADER = 8;
/** The smallest block: 2^4 = 16 bytes (8 of header, 8 of payload). */
export const BUDDY_MIN_ORDER = 4;

export class BuddyAllocator implements MallocAllocator {
  /** Address of the arena's first byte: block offsets count from here. */
  readonly origin: number;
  /** The arena's order: it is 2^maxOrder bytes (0 when the heap's limit leaves less than a minimum block). */
  readonly maxOrder: number;
  /** Per order, the offsets of its free blocks, ascending. */
  private readonly lists: number[][];

  /** Takes the heap's end (padded to 8 bytes) as the arena's origin; throws when the heap cannot be padded. */
  constructor(private readonly heap: Heap) {
    const end = heap.end();
    const pad = (8 - (end % 8)) % 8;
    if (pad > 0 && heap.grow(pad) === 0) throw new Error('no heap to align the buddy arena');
    this.origin = end + pad;
    const room = heap.limit - (this.origin - heap.base);
    let order = 0;
    while (2 ** (order + 1) <= room) order++;
    this.maxOrder = order >= BUDDY_MIN_ORDER ? order : 0;
    this.lists = Array.from({ length: this.maxOrder + 1 }, () => []);
    if (this.maxOrder > 0) this.lists[this.maxOrder]!.push(0);
  }

  /** A payload of `size` bytes in the smallest block that holds it plus its header; 0 for size 0 or when no block is free. */
  malloc(size: number): number {
    if (!(size > 0) || this.maxOrder === 0) return 0;
    const need = orderOf(size + HEADER);
    if (need > this.maxOrder) return 0;
    let order = need;
    while (order <= this.maxOrder && this.lists[order]!.length === 0) order++;
    if (order > this.maxOrder) return 0;
    const offset = this.lists[order]!.shift()!;
    for (; order > need; order--) insertSorted(this.lists[order - 1]!, offset + 2 ** (order - 1)); // the upper half stays free
    const block = this.origin + offset;
    const end = block + 2 ** need;
    const top = this.heap.end();
    if (end > top && this.heap.grow(end - top) === 0) {
      this.release(offset, need);
      return 0;
    }
    this.heap.write32(block, 2 * need + 1);
    return block + HEADER;
  }

  /** Frees the block of payload bp and merges it with its buddy while the buddy is free and whole. */
  free(bp: number): void {
    if (bp === 0) return;
    const block = bp - HEADER;
    const order = this.heap.read32(block) >>> 1;
    this.heap.write32(block, 2 * order);
    this.release(block - this.origin, order);
  }

  /** The free blocks, lowest first: each one's address and size (for tests and views). */
  freeBlocks(): { address: number; size: number }[] {
    return this.lists.flatMap((offsets, order) => offsets.map((offset) => ({ address: this.origin + offset, size: 2 ** order })))
      .sort((a, b) => a.address - b.address);
  }

  /** Lists the free block at `offset` of `order`, merged with its buddy as long as the buddy is free. */
  private release(offset: number, order: number): void {
    for (; order < this.maxOrder; order++) {
      const size = 2 ** order;
      const buddy = (offset / size) % 2 === 0 ? offset + size : offset - size;
      const list = this.lists[order]!;
      const at = indexOf(list, buddy);
      if (at < 0) break;
      list.splice(at, 1);
      offset = Math.min(offset, buddy);
    }
    insertSorted(this.lists[order]!, offset);
  }
}

/** The order of the smallest block of at least `bytes` bytes (at least BUDDY_MIN_ORDER). */
export function orderOf(bytes: number): number {
  let order = BUDDY_MIN_ORDER;
  while (2 ** order < bytes) order++;
  return order;
}

/** Index of the first element of sorted `list` that is not below `value`. */
function lowerBound(list: number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function indexOf(list: number[], value: number): number {
  const at = lowerBound(list, value);
  return list[at] === value ? at : -1;
}

function insertSorted(list: number[], value: number): void {
  list.splice(lowerBound(list, value), 0, value);
}
