// 03-pool-allocator starter: a first attempt that runs, and is right until the first call where one
// of FreeNOS's rules matters. It lays out pools, bitmaps, prefixes and postfixes in the heap as
// FreeNOS does, and finds objects by next fit, but it grows a size class the simple way. What to
// check (README.md has the exact rules):
//   1. growth: when every pool of a size class is full, FreeNOS does not make the new pool as small
//      as the first one (read "Finding a pool" in the README);
//   2. 32 bits: the size arithmetic is unsigned 32-bit (keep the >>> 0: sizes near 2^32);
//   3. the grader also reads the heap after every call: each header word must hold what FreeNOS
//      keeps there (README.md, "Pool header").
// To look inside: import { log } from 'freenos-lab'; then log('allocate', size, '->', address);
import type { Heap, PoolAllocation, PoolAllocatorExercise } from 'freenos-lab';

const SUCCESS = 0;
const INVALID_SIZE = 2;
const INVALID_ALIGNMENT = 3;
const OUT_OF_MEMORY = 4;

const SIGNATURE = 0xf7312a56;
const HEADER = 64;
const PREFIX = 8;
const POSTFIX = 4;
const SMALLEST = 2;
const LARGEST = 27;

// Header words used here: byte offsets in the pool block (README.md lists all 16).
const PAYLOAD = 8;
const BITS = 24;
const SET_BITS = 28;
const CHUNK = 40;
const LAST_BIT = 44;
const PREV = 48;
const NEXT = 52;

function roundUp(x: number, to: number): number {
  const r = x % to;
  return (r === 0 ? x : x + to - r) >>> 0;
}

export default class PoolAllocator implements PoolAllocatorExercise {
  /** Block address of the first pool of each index (0: none). */
  private readonly heads: number[] = new Array<number>(LARGEST + 1).fill(0);
  /** Every pool block, for available() and to check a prefix's pool pointer. */
  private readonly blocks: number[] = [];

  constructor(private readonly heap: Heap) {}

  allocate(size: number, alignment: number): PoolAllocation {
    const input = roundUp(size, 4);
    if (alignment !== 0) return { result: INVALID_ALIGNMENT, address: 0 };
    if (input === 0) return { result: INVALID_SIZE, address: 0 };
    const needed = (input + PREFIX + POSTFIX) >>> 0;
    let index = SMALLEST;
    while (index <= LARGEST && 2 ** index < needed) index++;
    const pool = index <= LARGEST ? this.poolFor(index) : 0;
    if (pool === 0) return { result: OUT_OF_MEMORY, address: 0 };
    const slot = this.take(pool);
    const h = this.heap;
    h.write32(slot, SIGNATURE);
    h.write32(slot + 4, pool);
    h.write32((slot + PREFIX + input) >>> 0, SIGNATURE);
    return { result: SUCCESS, address: slot + PREFIX };
  }

  release(address: number): number {
    const slot = (address - PREFIX) >>> 0;
    const pool = this.heap.read32(slot + 4);
    if (!this.blocks.includes(pool)) return SUCCESS; // not ours: FreeNOS would follow a wild pointer
    const h = this.heap;
    const bit = Math.floor((slot - h.read32(pool + PAYLOAD)) / h.read32(pool + CHUNK));
    const at = pool + HEADER + (bit >>> 3);
    const mask = 1 << (bit & 7);
    const old = h.read8(at);
    if (old & mask) {
      h.write8(at, old & ~mask);
      h.write32(pool + SET_BITS, h.read32(pool + SET_BITS) - 1);
    }
    // The pool may now be empty, but the parent (sbrk) never takes a block back: it stays linked.
    return SUCCESS;
  }

  available(): number {
    let total = 0;
    for (const pool of this.blocks) total += this.free(pool) * this.heap.read32(pool + CHUNK);
    return total;
  }

  private free(pool: number): number {
    return this.heap.read32(pool + BITS) - this.heap.read32(pool + SET_BITS);
  }

  /** The first pool of the list with a free object, or a new one with the base count of objects. */
  private poolFor(index: number): number {
    const objectSize = 2 ** index;
    const base = objectSize >= 16384 ? 1 : 16384 / objectSize;
    let pool = this.heads[index]!;
    if (pool === 0) return this.createPool(index, base);
    for (;;) {
      if (this.free(pool) > 0) return pool;
      const next = this.heap.read32(pool + NEXT);
      if (next === 0) return this.createPool(index, base); // TODO: is every new pool this size?
      pool = next;
    }
  }

  /** A block of header + one bitmap byte per object + the objects, from the heap; linked at the head. */
  private createPool(index: number, wanted: number): number {
    const h = this.heap;
    const objectSize = 2 ** index;
    const granted = roundUp(HEADER + wanted + wanted * objectSize, 4);
    const block = h.grow(granted);
    if (block === 0) return 0;
    let objects = Math.floor((granted - HEADER - wanted) / objectSize);
    while (HEADER + roundUp(objects, 4) + objects * objectSize > granted) objects--;
    const bitmapSize = roundUp(objects, 4);
    const payload = block + HEADER + bitmapSize;
    const words = [0, 0, payload, objects * objectSize, 4, 0, objects, 0, block + HEADER, 0, objectSize, 0, 0, 0, index, bitmapSize];
    words.forEach((value, i) => h.write32(block + 4 * i, value));
    for (let i = 0; i < bitmapSize; i += 4) h.write32(block + HEADER + i, 0);
    const head = this.heads[index]!;
    h.write32(block + NEXT, head);
    if (head !== 0) h.write32(head + PREV, block);
    this.heads[index] = block;
    this.blocks.push(block);
    return block;
  }

  /** Next fit: the first free object from lastBit on, else from object 0; marks it used. */
  private take(pool: number): number {
    const h = this.heap;
    const bits = h.read32(pool + BITS);
    const isFree = (bit: number): boolean => (h.read8(pool + HEADER + (bit >>> 3)) & (1 << (bit & 7))) === 0;
    let bit = h.read32(pool + LAST_BIT);
    while (bit < bits && !isFree(bit)) bit++;
    if (bit >= bits) {
      bit = 0;
      while (!isFree(bit)) bit++;
    }
    const at = pool + HEADER + (bit >>> 3);
    h.write8(at, h.read8(at) | (1 << (bit & 7)));
    h.write32(pool + SET_BITS, h.read32(pool + SET_BITS) + 1);
    h.write32(pool + LAST_BIT, bit);
    return h.read32(pool + PAYLOAD) + bit * h.read32(pool + CHUNK);
  }
}
