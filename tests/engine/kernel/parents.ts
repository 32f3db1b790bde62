// Test parents for PoolAllocator: an exact parent that hands out exactly the bytes asked for
// (FreeNOS's test suite uses one) and can optionally free them.
import { Allocator } from '../../../engine/index';

export class ExactParent extends Allocator {
  private next: number;
  readonly live = new Set<number>();
  readonly released: number[] = [];

  /** Blocks from `start` upwards; release succeeds only when `canFree`. */
  constructor(start = 0x100000, private readonly canFree = true, private readonly limit = 0x40000000) {
    super(undefined, { name: 'ExactParent' });
    this.next = start;
  }

  override allocate(range: Allocator.Range): Allocator.Result {
    if (this.next + range.size > this.limit) return Allocator.Result.OutOfMemory;
    range.address = this.next;
    this.next = this.aligned(this.next + range.size, 16);
    this.live.add(range.address);
    return Allocator.Result.Success;
  }

  override release(address: number): Allocator.Result {
    if (!this.canFree || !this.live.delete(address)) return Allocator.Result.InvalidAddress;
    this.released.push(address);
    return Allocator.Result.Success;
  }
}
