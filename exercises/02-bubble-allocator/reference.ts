// Reference solution of 02-bubble-allocator: FreeNOS's BubbleAllocator, one counter of the bytes
// handed out. allocate() rounds the size up to a multiple of the allocator's own alignment and bumps
// the counter when the block still fits; every sum is taken modulo 2^32 (>>> 0), as on the 32-bit
// target. The request's alignment is ignored, addresses are never aligned, and release() gives
// nothing back.
import type { BubbleAllocation, BubbleAllocatorExercise } from 'freenos-lab';

const SUCCESS = 0;
const INVALID_ADDRESS = 1;
const OUT_OF_MEMORY = 4;

export default class BubbleAllocator implements BubbleAllocatorExercise {
  /** Bytes handed out so far; the next block starts at base + allocated. */
  private allocated = 0;

  constructor(private readonly base: number, private readonly size: number, private readonly alignment: number) {}

  allocate(size: number, _alignment: number): BubbleAllocation {
    const needed = roundUp(size, this.alignment);
    if (((this.allocated + needed) >>> 0) > this.size) return { result: OUT_OF_MEMORY, address: 0 };
    const address = (this.base + this.allocated) >>> 0;
    this.allocated = (this.allocated + needed) >>> 0;
    return { result: SUCCESS, address };
  }

  release(_address: number): number {
    return INVALID_ADDRESS;
  }

  available(): number {
    return this.size - this.allocated;
  }
}

/** x rounded up to the next multiple of b, modulo 2^32: roundUp(5, 16) = 16, roundUp(0xFFFFFFF8, 16) = 0. */
function roundUp(x: number, b: number): number {
  const r = x % b;
  return r === 0 ? x : (x + b - r) >>> 0;
}
