// TunableAllocator: the engine's configurable malloc for 08-fragmentation, a textbook explicit
// free-list allocator whose policies are data (TuningConfig). It implements MallocAllocator over an
// sbrk heap like a student's 07-malloc, so the same replay driver and checker measure it.
//
// Every block carries a boundary tag at both ends; sizes are whole blocks, multiples of 8, and the
// low bit says allocated. A free block keeps two list links in its payload:
//
//   allocated:  [ header: size|1 ][ payload ...................... ][ footer: size|1 ]
//   free:       [ header: size|0 ][ next ][ prev ][ (unused) ...... ][ footer: size|0 ]
//                ^ bp - 4          ^ bp (the payload address)         ^ bp + size - 8
//
// The heap opens with 4 bytes of padding and an allocated 8-byte prologue and ends with an
// epilogue header (size 0, allocated), so a neighbour check never leaves the heap:
//
//   base: [pad][prologue hdr|ftr][block][block]...[block][epilogue hdr]   <- heap end
//
// The list heads live in this object, not in the heap (a C allocator keeps them in its first bytes).
import type { Heap, MallocAllocator, MallocAllocatorClass } from './Heap';
import { DEFAULT_TUNING, MIN_BLOCK, type TuningConfig } from './TuningConfig';

const WORD = 4;
const ALIGN = 8;

export class TunableAllocator implements MallocAllocator {
  readonly config: TuningConfig;
  /** Payload address of the first block (just after the prologue). */
  private readonly first: number;
  /** Head of each free list (0 = empty): one per size class, plus one for larger blocks. */
  private readonly heads: number[];
  /** Tail of each free list (0 = empty), where order 'fifo' lists a freed block. */
  private readonly tails: number[];
  /** Next fit: per list, the block the next search starts from (0 = the head). */
  private readonly rovers: number[];
  /** Just past the epilogue header: where a block made by growing starts (the heap's end, unless a page parent granted more). */
  private top: number;

  /** Lays out the prologue and epilogue; throws when the heap cannot grow 16 bytes. */
  constructor(private readonly heap: Heap, config: TuningConfig = DEFAULT_TUNING) {
    this.config = { ...config, sizeClasses: [...config.sizeClasses] };
    this.heads = new Array<number>(config.sizeClasses.length + 1).fill(0);
    this.tails = new Array<number>(config.sizeClasses.length + 1).fill(0);
    this.rovers = new Array<number>(config.sizeClasses.length + 1).fill(0);
    const at = heap.grow(4 * WORD);
    if (at === 0) throw new Error('no heap for the prologue');
    heap.write32(at, 0);
    heap.write32(at + WORD, 8 | 1);
    heap.write32(at + 2 * WORD, 8 | 1);
    heap.write32(at + 3 * WORD, 0 | 1);
    this.first = at + 4 * WORD;
    this.top = this.first;
  }

  /** A payload of `size` bytes: a free block found by the fit policy, else a grown heap; 0 for size 0 or no memory. */
  malloc(size: number): number {
    if (!(size > 0) || size > this.heap.limit) return 0;
    const need = Math.max(MIN_BLOCK, Math.ceil((size + 2 * WORD) / ALIGN) * ALIGN);
    let bp = this.find(need);
    if (bp === 0 && this.config.coalesce === 'deferred') {
      this.coalesceAll();
      bp = this.find(need);
    }
    if (bp === 0) bp = this.extend(need);
    if (bp === 0) return 0;
    this.place(bp, need);
    return bp;
  }

  /** Marks the block free and lists it; with coalesce 'immediate' it first merges with free neighbours. */
  free(bp: number): void {
    if (bp === 0) return;
    let size = this.sizeOf(bp);
    this.tag(bp, size, 0);
    if (this.config.coalesce === 'immediate') [bp, size] = this.merge(bp, size);
    this.insert(bp, size);
  }

  // ------------------------------------------------------------------------------------ searching

  /** The list a block of `size` bytes belongs in: the first class whose bound holds it, else the last list. */
  private classOf(size: number): number {
    const bounds = this.config.sizeClasses;
    let k = 0;
    while (k < bounds.length && size > bounds[k]!) k++;
    return k;
  }

  /**
   * A free block of at least `need` bytes, or 0. Searches the request's own class, then each larger
   * one: every block in a larger class is larger, so the first list with a fit holds the best fit too.
   */
  private find(need: number): number {
    for (let k = this.classOf(need); k < this.heads.length; k++) {
      const bp = this.config.fit === 'best' ? this.bestIn(k, need) : this.config.fit === 'next' ? this.nextIn(k, need) : this.firstIn(this.heads[k]!, 0, need);
      if (bp !== 0) return bp;
    }
    return 0;
  }

  /** First fit: the first block from `from` (up to, not including, `to`; 0 = the list's end) with room for `need`. */
  private firstIn(from: number, to: number, need: number): number {
    for (let bp = from; bp !== 0 && bp !== to; bp = this.heap.read32(bp)) {
      if (this.sizeOf(bp) >= need) return bp;
    }
    return 0;
  }

  /** Next fit: first fit from the list's rover to the end, then from the head up to the rover; the rover moves past the block found. */
  private nextIn(k: number, need: number): number {
    const rover = this.rovers[k]!;
    let bp = this.firstIn(rover === 0 ? this.heads[k]! : rover, 0, need);
    if (bp === 0 && rover !== 0) bp = this.firstIn(this.heads[k]!, rover, need);
    if (bp !== 0) this.rovers[k] = this.heap.read32(bp);
    return bp;
  }

  /** Best fit: the smallest block with room for `need` in list k (an exact fit stops the walk). */
  private bestIn(k: number, need: number): number {
    let best = 0;
    let bestSize = Infinity;
    for (let bp = this.heads[k]!; bp !== 0; bp = this.heap.read32(bp)) {
      const size = this.sizeOf(bp);
      if (size >= need && size < bestSize) {
        best = bp;
        bestSize = size;
        if (size === need) break;
      }
    }
    return best;
  }

  // ------------------------------------------------------------------------------ placing, growing

  /** Takes free block bp for a `need`-byte block: splits off the rest only when it is at least splitThreshold bytes. */
  private place(bp: number, need: number): void {
    const size = this.sizeOf(bp);
    this.remove(bp, size);
    const rest = size - need;
    if (rest >= this.config.splitThreshold && rest >= MIN_BLOCK) {
      this.tag(bp, need, 1);
      this.tag(bp + need, rest, 0);
      this.insert(bp + need, rest);
    } else this.tag(bp, size, 1);
  }

  /**
   * Grows the heap by at least growBy bytes, and by enough that a free last block (merged unless
   * coalesce is 'never') reaches `need`. Returns the new free block (listed), or 0 when the heap is full.
   */
  private extend(need: number): number {
    const lastFooter = this.heap.read32(this.top - 2 * WORD);
    const merges = this.config.coalesce !== 'never' && (lastFooter & 1) === 0;
    const tail = merges ? lastFooter & ~7 : 0;
    const ask = Math.max(this.config.growBy, Math.ceil((need - tail) / ALIGN) * ALIGN);
    // A page-granting parent rounds every grow up to its step: what it gave beyond the epilogue is used first.
    const slack = this.heap.end() - this.top;
    if (slack < ask && this.heap.grow(ask - slack) === 0) return 0;
    let size = (this.heap.end() - this.top) & ~7;
    let bp = this.top; // the old epilogue header becomes the new block's header
    this.tag(bp, size, 0);
    this.heap.write32(bp + size - WORD, 0 | 1);
    this.top = bp + size;
    if (merges) {
      bp -= tail;
      this.remove(bp, tail);
      size += tail;
      this.tag(bp, size, 0);
    }
    this.insert(bp, size);
    return bp;
  }

  // ------------------------------------------------------------------------------------ coalescing

  /** Merges free block bp (not listed) with its free neighbours, unlisting them; returns the merged block. */
  private merge(bp: number, size: number): [number, number] {
    const heap = this.heap;
    const next = heap.read32(bp + size - WORD);
    if ((next & 1) === 0) {
      this.remove(bp + size, next & ~7);
      size += next & ~7;
    }
    const prev = heap.read32(bp - 2 * WORD);
    if ((prev & 1) === 0) {
      const prevSize = prev & ~7;
      this.remove(bp - prevSize, prevSize);
      bp -= prevSize;
      size += prevSize;
    }
    this.tag(bp, size, 0);
    return [bp, size];
  }

  /** Deferred coalescing: one walk over every block, merging each run of free neighbours into one listed block. */
  private coalesceAll(): void {
    for (let bp = this.first; ;) {
      const size = this.sizeOf(bp);
      if (size === 0) return; // the epilogue
      if (this.isAllocated(bp)) {
        bp += size;
        continue;
      }
      let run = size;
      while (!this.isAllocated(bp + run) && this.sizeOf(bp + run) > 0) run += this.sizeOf(bp + run);
      if (run > size) {
        for (let at = bp; at < bp + run; at += this.sizeOf(at)) this.remove(at, this.sizeOf(at));
        this.tag(bp, run, 0);
        this.insert(bp, run);
      }
      bp += run;
    }
  }

  // ---------------------------------------------------------------------------------------- lists

  /** Lists free block bp: at its list's head (lifo), at its tail (fifo), or before the first block at a higher address. */
  private insert(bp: number, size: number): void {
    const k = this.classOf(size);
    const heap = this.heap;
    let prev = 0;
    let next = this.heads[k]!;
    if (this.config.order === 'fifo') {
      prev = this.tails[k]!;
      next = 0;
    } else if (this.config.order === 'address') {
      while (next !== 0 && next < bp) {
        prev = next;
        next = heap.read32(next);
      }
    }
    heap.write32(bp, next);
    heap.write32(bp + WORD, prev);
    if (next !== 0) heap.write32(next + WORD, bp);
    else this.tails[k] = bp;
    if (prev !== 0) heap.write32(prev, bp);
    else this.heads[k] = bp;
  }

  /** Unlists free block bp (of `size` bytes, which names its list); a rover on it moves to its successor. */
  private remove(bp: number, size: number): void {
    const k = this.classOf(size);
    const heap = this.heap;
    const next = heap.read32(bp);
    const prev = heap.read32(bp + WORD);
    if (prev !== 0) heap.write32(prev, next);
    else this.heads[k] = next;
    if (next !== 0) heap.write32(next + WORD, prev);
    else this.tails[k] = prev;
    if (this.rovers[k] === bp) this.rovers[k] = next;
  }

  // ----------------------------------------------------------------------------------------- tags

  private sizeOf(bp: number): number {
    return this.heap.read32(bp - WORD) & ~7;
  }

  private isAllocated(bp: number): boolean {
    return (this.heap.read32(bp - WORD) & 1) === 1;
  }

  /** Writes block bp's header and footer: its size and the allocated bit. */
  private tag(bp: number, size: number, allocated: 0 | 1): void {
    this.heap.write32(bp - WORD, size | allocated);
    this.heap.write32(bp + size - 2 * WORD, size | allocated);
  }
}

/** A MallocAllocatorClass of TunableAllocator with `config` built in, for a ReplayTarget (localTarget). */
export function tunableAllocatorClass(config: TuningConfig): MallocAllocatorClass {
  return class Tuned extends TunableAllocator {
    constructor(heap: Heap) {
      super(heap, config);
    }
  };
}
