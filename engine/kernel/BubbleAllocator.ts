// BubbleAllocator (FreeNOS liballoc): a bump allocator that never frees, used under the
// kernel heap. Sizes are rounded up to the allocator's own alignment; addresses are never
// aligned and the request's alignment is ignored. release() is the base class's: always
// InvalidAddress. Arithmetic wraps at 32 bits as on the target.
import { Allocator, type AllocatorOptions } from './Allocator';

const { Success, OutOfMemory } = Allocator.Result;

export class BubbleAllocator extends Allocator {
  private allocated = 0;

  constructor(range: Allocator.Range, options: AllocatorOptions = {}) {
    super(range, { ...options, name: options.name ?? 'BubbleAllocator' });
  }

  /** Bytes handed out so far (the bump counter). */
  allocatedBytes(): number {
    return this.allocated;
  }

  /**
   * Hands out base + allocated when aligned(size, alignment()) still fits. Size 0 always
   * succeeds without consuming anything, even when the allocator is full.
   */
  override allocate(args: Allocator.Range): Allocator.Result {
    this.validate(args, 'allocate');
    const needed = this.aligned(args.size, this.alignment());
    let result: Allocator.Result = OutOfMemory;
    if (((this.allocated + needed) >>> 0) <= this.size()) {
      args.address = (this.base() + this.allocated) >>> 0;
      this.allocated = (this.allocated + needed) >>> 0;
      result = Success;
    }
    this.record({ type: 'allocate', allocator: this.name, size: args.size, alignment: args.alignment, result,
      address: result === Success ? args.address : 0 });
    return result;
  }

  /** size() minus the bytes handed out. */
  override available(): number {
    return (this.size() - this.allocated) >>> 0;
  }
}
