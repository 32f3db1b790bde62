// Reference solution of 07-malloc: segregated explicit free lists with boundary tags. Every block
// starts with a one-word header; a payload address p is 8-byte aligned and its header is at p - 4:
//
//   allocated: [header: size | 1 | prevAllocated·2][payload ...]                    (no footer)
//   free:      [header: size | 2][next free][previous free][...][footer: size]      (size ≥ 16)
//
// Sizes are multiples of 8 and include the header. The header's 2 bit says whether the block just
// before is allocated, so allocated blocks need no footer; a free block always has an allocated
// block before it (free blocks are coalesced at once). The heap starts with a word of padding and
// ends with an epilogue header (size 0, allocated) in its last word. Free blocks sit in 4 lists per
// power of two of their size (about 100 classes; the heads and a bitmap of non-empty classes live in
// this object), most recently freed first. malloc takes the best fit among a few blocks of the
// request's own class, else the first block of the next non-empty class, else grows the heap by what
// the free block at its end lacks. realloc grows in place when it can (into a free neighbour, or at
// the end of the heap). Every grow may grant more than asked (the PageAllocator heap rounds up to
// 128 KiB): the new end is read from heap.end() and the slack becomes free space. Addresses may pass
// 2^31 (FreeNOS's user heap starts at 0xB0001000), so no bitwise operator is applied to an address.
// The hot paths are written out in place: every call costs a work unit. Payloads move with
// heap.copy (memmove, one unit per word).
import type { Heap, MallocAllocator } from 'freenos-lab';

const MIN_BLOCK = 16;
/** Blocks of the request's own class looked at before moving to a larger class. */
const SCAN = 4;
/** Requests up to this block size are placed at the top of a larger free block, the rest at its bottom. */
const SMALL = 256;

export default class SegregatedFit implements MallocAllocator {
  /** Head (payload address, 0: empty) of each class; class = 4·log2(size) + the next two bits of size. */
  private readonly heads: number[] = new Array<number>(128).fill(0);
  /** Bit c % 32 of bits[c >> 5] is set when class c is not empty. */
  private readonly bits: number[] = [0, 0, 0, 0];
  /** The heap's end as this allocator last saw it (its epilogue header is at end - 4). */
  private end: number;
  /** Largest request that can be tried (smaller than the heap limit and safe for 32-bit arithmetic). */
  private readonly max: number;

  /** Lays out the padding and the epilogue; whatever else the first grant holds becomes a free block. */
  constructor(private readonly heap: Heap) {
    const start = heap.end();
    const first = Math.ceil((start + 4) / 8) * 8; // the first payload: 8-aligned, room for its header before it
    if (heap.grow(first - start) === 0) throw new Error('no heap for the epilogue');
    this.end = heap.end();
    this.max = Math.min(heap.limit, 0x7fff0000) - 16;
    if (this.end - first >= MIN_BLOCK) {
      this.insert(first, this.end - first);
      heap.write32(this.end - 4, 1); // epilogue: size 0, allocated, the block before it free
    } else {
      heap.write32(this.end - 4, 1 | 2); // epilogue: size 0, allocated, previous "allocated"
    }
  }

  /** A payload of at least `size` bytes (8-aligned), or 0 for size 0, a size too large, or a full heap. */
  malloc(size: number): number {
    if (!(size > 0 && size <= this.max)) return 0;
    const heap = this.heap;
    const need = size <= 12 ? MIN_BLOCK : (size + 11) & ~7;
    const heads = this.heads;
    // 1. The best fit among the first SCAN blocks of need's own class.
    const fl = 31 - Math.clz32(need);
    let c = (fl << 2) | ((need >>> (fl - 2)) & 3);
    let block = 0;
    let have = 0;
    let p = heads[c]!;
    for (let looked = 0; p !== 0 && looked < SCAN; looked++) {
      const s = heap.read32(p - 4) & ~7;
      if (s >= need && (block === 0 || s < have)) {
        block = p;
        have = s;
        if (s === need) break;
      }
      p = heap.read32(p);
    }
    // 2. Else the first block of the next non-empty class: any of them fits.
    if (block === 0) {
      const bits = this.bits;
      let w = (c + 1) >>> 5;
      let m = w < 4 ? bits[w]! & (-1 << ((c + 1) & 31)) : 0;
      while (m === 0 && ++w < 4) m = bits[w]!;
      if (m !== 0) {
        c = (w << 5) + 31 - Math.clz32(m & -m);
        block = heads[c]!;
        have = heap.read32(block - 4) & ~7;
      }
    }
    if (block !== 0) {
      // Unlink it from class c.
      const next = heap.read32(block);
      const prev = heap.read32(block + 4);
      if (prev !== 0) heap.write32(prev, next);
      else {
        heads[c] = next;
        if (next === 0) this.bits[c >>> 5]! &= ~(1 << (c & 31));
      }
      if (next !== 0) heap.write32(next + 4, prev);
    } else {
      // 3. Grow the heap: by need, or by what the free block at its end lacks.
      const end = this.end;
      const epilogue = heap.read32(end - 4);
      const last = epilogue & 2 ? 0 : heap.read32(end - 8);
      if (last < need && heap.grow(need - last) === 0) return 0;
      this.end = heap.end();
      if (last !== 0) {
        block = end - last;
        this.unlink(block, last);
      } else {
        block = end;
      }
      have = this.end - block;
      heap.write32(this.end - 4, 1); // the new epilogue: its previous block is the free one below
      heap.write32(block - 4, have | 2);
    }
    // Place: a free block's previous block is always allocated (bit 2).
    if (have - need >= MIN_BLOCK) {
      if (need <= SMALL) {
        // Small blocks go at the top of a free block, out of the way of a neighbour that may grow.
        this.insert(block, have - need);
        block += have - need;
        heap.write32(block - 4, need | 1);
        const after = block + need - 4;
        heap.write32(after, heap.read32(after) | 2);
      } else {
        heap.write32(block - 4, need | 3);
        this.insert(block + need, have - need);
      }
    } else {
      heap.write32(block - 4, have | 3);
      const after = block + have - 4;
      heap.write32(after, heap.read32(after) | 2);
    }
    return block;
  }

  /** Frees the block at `address` (0: nothing), merged at once with free neighbours. */
  free(address: number): void {
    if (address === 0) return;
    const heap = this.heap;
    const header = heap.read32(address - 4);
    let block = address;
    let size = header & ~7;
    const after = heap.read32(block + size - 4);
    if (after & 1) heap.write32(block + size - 4, after & ~2);
    else {
      this.unlink(block + size, after & ~7);
      size += after & ~7;
    }
    if (!(header & 2)) {
      const before = heap.read32(block - 8);
      block -= before;
      this.unlink(block, before);
      size += before;
    }
    this.insert(block, size);
  }

  /** Resizes in place when it can (shrink, a free block after, the end of the heap, a free block before); else moves. */
  realloc(address: number, size: number): number {
    if (address === 0) return this.malloc(size);
    if (size === 0) {
      this.free(address);
      return 0;
    }
    if (!(size > 0 && size <= this.max)) return 0;
    const heap = this.heap;
    const need = size <= 12 ? MIN_BLOCK : (size + 11) & ~7;
    const header = heap.read32(address - 4);
    const have = header & ~7;
    let bit = header & 2;
    let total = have;
    if (need > have) {
      const after = heap.read32(address + have - 4);
      const free = after & 1 ? 0 : after & ~7;
      if (have + free >= need || address + have + free === this.end) {
        // Grow in place: into the free block after, and at the end of the heap by growing the heap.
        if (free !== 0) this.unlink(address + have, free);
        total = have + free;
        if (total < need) {
          if (heap.grow(need - total) === 0) {
            if (free !== 0) this.insert(address + have, free);
            return 0;
          }
          this.end = heap.end();
          total = this.end - address;
          heap.write32(this.end - 4, 1 | 2);
        }
      } else {
        // Slide down into a free block before (taking the free block after too), or move.
        const before = bit ? 0 : heap.read32(address - 8);
        if (before + have + free < need) return this.move(address, size, have);
        const to = address - before;
        this.unlink(to, before);
        if (free !== 0) this.unlink(address + have, free);
        heap.copy(to, address, Math.min(have - 4, size));
        address = to;
        total = before + have + free;
        bit = 2;
      }
    }
    // Keep need bytes; give the rest back (joined with a free block after it), or keep it all.
    if (total - need >= MIN_BLOCK) {
      heap.write32(address - 4, need | 1 | bit);
      let rest = total - need;
      const after = heap.read32(address + total - 4);
      if (after & 1) heap.write32(address + total - 4, after & ~2);
      else {
        this.unlink(address + total, after & ~7);
        rest += after & ~7;
      }
      this.insert(address + need, rest);
    } else {
      heap.write32(address - 4, total | 1 | bit);
      const after = heap.read32(address + total - 4);
      if (!(after & 2)) heap.write32(address + total - 4, after | 2);
    }
    return address;
  }

  /** realloc by malloc, copy and free: copies the old payload up to the new size. */
  private move(address: number, size: number, have: number): number {
    const moved = this.malloc(size);
    if (moved === 0) return 0;
    this.heap.copy(moved, address, Math.min(have - 4, size));
    this.free(address);
    return moved;
  }

  /** Makes [block - 4, block - 4 + size) a free block (header, footer) at the head of its class. */
  private insert(block: number, size: number): void {
    const heap = this.heap;
    heap.write32(block - 4, size | 2);
    heap.write32(block + size - 8, size);
    const fl = 31 - Math.clz32(size);
    const c = (fl << 2) | ((size >>> (fl - 2)) & 3);
    const head = this.heads[c]!;
    heap.write32(block, head);
    heap.write32(block + 4, 0);
    if (head !== 0) heap.write32(head + 4, block);
    else this.bits[c >>> 5]! |= 1 << (c & 31);
    this.heads[c] = block;
  }

  /** Takes free block `block` of `size` bytes out of its class's list. */
  private unlink(block: number, size: number): void {
    const heap = this.heap;
    const next = heap.read32(block);
    const prev = heap.read32(block + 4);
    if (prev !== 0) heap.write32(prev, next);
    else {
      const fl = 31 - Math.clz32(size);
      const c = (fl << 2) | ((size >>> (fl - 2)) & 3);
      this.heads[c] = next;
      if (next === 0) this.bits[c >>> 5]! &= ~(1 << (c & 31));
    }
    if (next !== 0) heap.write32(next + 4, prev);
  }
}
