// 02-bubble-allocator starter: a first attempt that runs, and is right until the first call where
// FreeNOS's rules matter. It keeps the one counter a BubbleAllocator needs and hands out blocks one
// after the other, but it ignores the allocator's alignment. What to do (README.md has the exact
// rules):
//   1. rounding: FreeNOS rounds every size up to a multiple of the allocator's own alignment (the
//      constructor's third argument; not always a power of two). Only sizes are rounded: the
//      addresses are base + the bytes handed out so far, whatever their alignment, and the
//      request's alignment argument is ignored;
//   2. release: a BubbleAllocator gives nothing back, and says so with a result code;
//   3. 32 bits: read the README's "32-bit arithmetic" rule (sizes near 2^32).
// To look inside: import { log } from 'freenos-lab'; then log('allocate', size, '->', address);
import type { BubbleAllocation, BubbleAllocatorExercise } from 'freenos-lab';

const SUCCESS = 0;
const OUT_OF_MEMORY = 4;

export default class BubbleAllocator implements BubbleAllocatorExercise {
  /** Bytes handed out so far; the next block starts at base + allocated. */
  private allocated = 0;

  /** `alignment` is the allocator's own alignment (kept, but not used yet: see TODO 1 above). */
  constructor(private readonly base: number, private readonly size: number, readonly alignment: number) {}

  /** Takes exactly `size` bytes. TODO: round up to this.alignment; 32-bit arithmetic. */
  allocate(size: number, _alignment: number): BubbleAllocation {
    if (this.allocated + size > this.size) return { result: OUT_OF_MEMORY, address: 0 };
    const address = this.base + this.allocated;
    this.allocated += size;
    return { result: SUCCESS, address };
  }

  /** Nothing to free, so nothing can go wrong? TODO: what does FreeNOS answer? */
  release(_address: number): number {
    return SUCCESS;
  }

  available(): number {
    return this.size - this.allocated;
  }
}
