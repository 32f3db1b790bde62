// Reference solution of 01-bit-allocator: FreeNOS's BitAllocator over a byte bitmap (chunk n is bit
// n % 8 of byte n / 8, 1 = used). A free-chunk counter makes available() O(1); allocate() scans for
// the lowest aligned run of free chunks from the start chunk of the previous allocation, then once
// from chunk 0; release() clears one bit and checks nothing, like a FreeNOS release build.
import type { BitAllocation, BitAllocatorExercise } from 'freenos-lab';

const SUCCESS = 0;
const INVALID_ALIGNMENT = 3;
const OUT_OF_MEMORY = 4;

export default class BitAllocator implements BitAllocatorExercise {
  private readonly chunks: number;
  private readonly bits: Uint8Array;
  private free: number;
  /** First chunk of the previous successful allocation: where the next search starts. */
  private last = 0;

  constructor(private readonly base: number, size: number, private readonly chunkSize: number) {
    this.chunks = Math.floor(size / chunkSize);
    this.bits = new Uint8Array(Math.ceil(this.chunks / 8));
    this.free = this.chunks;
  }

  allocate(size: number, alignment: number): BitAllocation {
    if (alignment % this.chunkSize !== 0) return { result: INVALID_ALIGNMENT, address: 0 };
    const step = alignment === 0 ? 1 : alignment / this.chunkSize;
    const count = Math.ceil(size / this.chunkSize);
    let first = this.search(count, step, this.last);
    if (first < 0) first = this.search(count, step, 0);
    if (first < 0) return { result: OUT_OF_MEMORY, address: 0 };
    this.last = first;
    return { result: SUCCESS, address: this.base + first * this.chunkSize };
  }

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

  /** Takes the `count` free chunks at the lowest multiple of `step` at or after `from`; returns the first, or -1. */
  private search(count: number, step: number, from: number): number {
    if (count === 0) return this.zeroSize(step, from);
    let p = Math.ceil(from / step) * step;
    while (p + count <= this.chunks) {
      let k = 0;
      while (k < count && !this.used(p + k)) k++;
      if (k === count) {
        this.mark(p, p + count - 1);
        return p;
      }
      // Chunk p + k is used: no run starting at or before it fits, so go on past it.
      p = Math.ceil((p + k + 1) / step) * step;
    }
    return -1;
  }

  /** Size 0 (FreeNOS quirk): the first free chunk at or after `from` if aligned, else chunks 0..it and 0. */
  private zeroSize(step: number, from: number): number {
    let n = from;
    while (n < this.chunks && this.used(n)) n++;
    if (n >= this.chunks) return -1;
    if (n % step === 0) {
      this.mark(n, n);
      return n;
    }
    this.mark(0, n);
    return 0;
  }

  private used(n: number): boolean {
    return (this.bits[n >> 3] & (1 << (n & 7))) !== 0;
  }

  /** Marks chunks from..to (inclusive) used. */
  private mark(from: number, to: number): void {
    for (let n = from; n <= to; n++) {
      if (!this.used(n)) {
        this.bits[n >> 3] |= 1 << (n & 7);
        this.free--;
      }
    }
  }
}
