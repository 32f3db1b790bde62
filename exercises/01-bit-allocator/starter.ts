// 01-bit-allocator starter: a first attempt that runs, and is right until the first call where
// FreeNOS's rules matter. It keeps the bitmap as FreeNOS does (chunk n is bit n % 8 of byte n / 8,
// 1 = used) and counts free chunks, but allocate() is first fit from chunk 0 every time and ignores
// the alignment. What to do (README.md has the exact rules):
//   1. next fit: start the search at the first chunk of the previous successful allocation, and
//      search once more from chunk 0 only when that finds nothing;
//   2. alignment: 0 means any chunk; a multiple of chunkSize means the first chunk's index is a
//      multiple of alignment / chunkSize (relative to base, not to address 0); anything else is
//      InvalidAlignment (3);
//   3. size 0: read the README's "Size 0" rule.
// To look inside: import { log } from 'freenos-lab'; then log('allocate', size, '->', first);
import type { BitAllocation, BitAllocatorExercise } from 'freenos-lab';

const SUCCESS = 0;
const OUT_OF_MEMORY = 4;

export default class BitAllocator implements BitAllocatorExercise {
  private readonly chunks: number;
  private readonly bits: Uint8Array;
  private free: number;

  constructor(private readonly base: number, size: number, private readonly chunkSize: number) {
    this.chunks = Math.floor(size / chunkSize);
    this.bits = new Uint8Array(Math.ceil(this.chunks / 8));
    this.free = this.chunks;
  }

  /** First fit from chunk 0. TODO: next fit, alignment, InvalidAlignment, size 0. */
  allocate(size: number, _alignment: number): BitAllocation {
    const count = Math.max(1, Math.ceil(size / this.chunkSize));
    for (let first = 0; first + count <= this.chunks; first++) {
      let k = 0;
      while (k < count && !this.used(first + k)) k++;
      if (k < count) continue;
      for (let n = first; n < first + count; n++) this.bits[n >> 3] |= 1 << (n & 7);
      this.free -= count;
      return { result: SUCCESS, address: this.base + first * this.chunkSize };
    }
    return { result: OUT_OF_MEMORY, address: 0 };
  }

  /** Frees the one chunk that holds `address`. */
  release(address: number): number {
    const n = Math.floor((address - this.base) / this.chunkSize);
    if (n >= 0 && n < this.chunks && this.used(n)) {
      this.bits[n >> 3] &= ~(1 << (n & 7));
      this.free++;
    }
    return SUCCESS;
  }

  available(): number {
    return this.free * this.chunkSize;
  }

  bitmap(): number[] {
    return Array.from(this.bits);
  }

  private used(n: number): boolean {
    return (this.bits[n >> 3] & (1 << (n & 7))) !== 0;
  }
}
