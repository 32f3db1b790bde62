// HeapParent: the student's sbrk heap as an engine Allocator, for the oracles of subjects whose
// class keeps its data in that heap (pool-allocator's parent, page-tables' table frames). Each
// allocate takes the next range.size bytes, as heap.grow grants them, up to `limit` bytes from the
// heap's base; nothing is ever taken back (release: InvalidAddress).
import { Allocator } from '../../kernel/Allocator';

export class HeapParent extends Allocator {
  private end: number;

  /** A heap at `base` holding at most `limit` bytes; the first grant is at `start` (default the base). */
  constructor(name: string, private readonly heapBase: number, private readonly limit: number, start = heapBase) {
    super(undefined, { name, mode: 'release' });
    this.end = start;
  }

  override allocate(range: Allocator.Range): Allocator.Result {
    if (this.end - this.heapBase + range.size > this.limit) return Allocator.Result.OutOfMemory;
    range.address = this.end;
    this.end += range.size;
    return Allocator.Result.Success;
  }

  override release(): Allocator.Result {
    return Allocator.Result.InvalidAddress;
  }
}
