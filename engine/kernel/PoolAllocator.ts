// PoolAllocator (FreeNOS liballoc): the general-purpose new/delete/malloc/free allocator, made
// of power-of-two object pools (indexes 2..27, 4 B to 128 MiB) whose blocks come from a parent.
// Every object carries, in emulated memory (32-bit sizes):
//
//   slot: [signature 0xF7312A56][owning pool][user data, rounded up to 4][signature][unused]
//          <------ prefix 8 ------>                                       postfix 4
//
// The caller gets the address just after the prefix. Pools of one size form a list, new pools
// at its head; a pool goes back to the parent only when the parent's release succeeds.
import { hex32 } from '../format';
import { u32 } from './Unsigned';
import { Allocator, type AllocatorOptions } from './Allocator';
import { Pool, PoolHeaderSize } from './Pool';
import type { MemoryBus } from '../hw/MemoryBus';

export const ObjectSignature = 0xf7312a56;
export const PrefixSize = 8;
export const PostfixSize = 4;
export const SmallestIndex = 2;
export const LargestIndex = 27;
/** Each pool's minimum capacity targets this many payload bytes. */
export const PoolTargetBytes = 16384;

export interface PoolAllocatorOptions extends AllocatorOptions {
  /** Where pools, bitmaps and object prefixes are written (the parent's addresses). */
  memory: MemoryBus;
}

const { Success, InvalidSize, InvalidAlignment, OutOfMemory } = Allocator.Result;

export class PoolAllocator extends Allocator {
  readonly memory: MemoryBus;
  /** Head of each index's pool list (slots 0 and 1 stay empty). */
  private readonly heads: (Pool | null)[] = new Array<Pool | null>(LargestIndex + 1).fill(null);
  /** Pool by block address: what a prefix's pool pointer means. */
  private readonly byBlock = new Map<number, Pool>();

  /** Base, size and alignment are 0 (FreeNOS uses the default constructor); a parent is mandatory. */
  constructor(parent: Allocator, options: PoolAllocatorOptions) {
    super(undefined, { ...options, name: options.name ?? 'PoolAllocator' });
    this.memory = options.memory;
    if (parent == null) this.fail('constructor', 0, 'a PoolAllocator needs a parent allocator');
    this.setParent(parent);
  }

  /** 2^index bytes (index <= 27, so the shift cannot overflow). */
  objectSize(index: number): number {
    return 1 << index;
  }

  /** Base objects per pool: 1 if objectSize >= 16 KiB, else 16384 / objectSize. */
  objectCount(objectSize: number): number {
    return objectSize >= PoolTargetBytes ? 1 : Math.floor(PoolTargetBytes / objectSize);
  }

  /** Sum over pools of header + bitmap area + payload. */
  override size(): number {
    let total = 0;
    for (const pool of this.byBlock.values()) total += pool.blockSize();
    return total;
  }

  /** Sum over pools of free objects times object size. */
  override available(): number {
    let total = 0;
    for (const pool of this.byBlock.values()) total += pool.available();
    return total;
  }

  /** Every pool, by index then list order, for views and tests. */
  pools(): Pool[] {
    const out: Pool[] = [];
    for (const head of this.heads) for (let p = head; p; p = p.next) out.push(p);
    return out;
  }

  /**
   * This allocator as it is in a copy of its address space (fork): same pools, bitmaps read from
   * `memory` where the copy put them, same list order and next-fit positions.
   */
  forkInto(memory: MemoryBus, parent: Allocator, name = this.name): PoolAllocator {
    const copy = new PoolAllocator(parent, { memory, name, log: this.log, mode: this.mode });
    this.heads.forEach((head, index) => {
      let previous: Pool | null = null;
      for (let p = head; p; p = p.next) {
        const pool: Pool = new Pool(memory, p.block, index, p.objects, p.bitmapSize,
          { name: `${name}.pool[${index}]@${hex32(p.block)}`, log: this.log, mode: this.mode, copyOf: p });
        pool.prev = previous;
        if (previous) previous.next = pool;
        else copy.heads[index] = pool;
        copy.byBlock.set(pool.block, pool);
        previous = pool;
      }
    });
    return copy;
  }

  /**
   * Alignment must be 0 (else InvalidAlignment), size non-zero (else InvalidSize). The object
   * goes to the smallest pool with 2^index >= aligned(size, 4) + 12; none (over 128 MiB) or a
   * failing parent gives OutOfMemory with args.address = 0.
   */
  override allocate(args: Allocator.Range): Allocator.Result {
    this.validate(args, 'allocate');
    const result = this.place(args);
    this.record({ type: 'allocate', allocator: this.name, size: args.size, alignment: args.alignment, result,
      address: result === Success ? args.address : 0 });
    return result;
  }

  /**
   * Frees the object at `address`; always Success. Debug builds assert the prefix signature, the
   * pool pointer, a postfix signature in the slot and that the object was allocated. If its pool
   * is then empty, the pool block is offered to the parent and unlinked only if that succeeds.
   */
  override release(address: number): Allocator.Result {
    u32(address, this.name, 'release', 'address');
    const slot = (address - PrefixSize) >>> 0;
    const pool = this.byBlock.get(this.memory.read32((slot + 4) >>> 0));
    if (this.mode === 'debug') this.checkObject(address, slot, pool);
    if (!pool) {
      this.record({ type: 'undefined', allocator: this.name, operation: 'release', address,
        reason: 'the prefix names no pool of this allocator; the C code would follow a wild pointer' });
      return Success;
    }
    const result = pool.release(slot);
    if (pool.used() === 0 && this.parent()?.release(pool.block) === Success) this.unlink(pool);
    this.record({ type: 'release', allocator: this.name, address, result });
    return result;
  }

  private place(args: Allocator.Range): Allocator.Result {
    const inputSize = this.aligned(args.size, 4);
    if (args.alignment !== 0) return InvalidAlignment;
    if (inputSize === 0) return InvalidSize;
    const needed = (inputSize + PrefixSize + PostfixSize) >>> 0;
    let index = SmallestIndex;
    while (index <= LargestIndex && this.objectSize(index) < needed) index++;
    const pool = index <= LargestIndex ? this.poolFor(index) : null;
    if (!pool) {
      args.address = 0;
      return OutOfMemory;
    }
    const object: Allocator.Range = { address: 0, size: pool.chunkSize(), alignment: 0 };
    pool.allocate(object);
    const slot = object.address;
    const postfix = (slot + PrefixSize + inputSize) >>> 0;
    this.memory.write32(slot, ObjectSignature);
    this.memory.write32(slot + 4, pool.block);
    this.memory.write32(postfix, ObjectSignature);
    this.record({ type: 'metadata', allocator: this.name, address: slot, size: PrefixSize, what: 'prefix' });
    this.record({ type: 'metadata', allocator: this.name, address: postfix, size: PostfixSize, what: 'postfix' });
    args.address = slot + PrefixSize;
    return Success;
  }

  /** First pool of `index` with a free object; a new one (k × base count) when all k are full. */
  private poolFor(index: number): Pool | null {
    const base = this.objectCount(this.objectSize(index));
    let pool = this.heads[index];
    if (!pool) return this.createPool(index, base);
    for (let k = 1; ; k++) {
      if (pool.available() > 0) return pool;
      if (!pool.next) return this.createPool(index, base * k);
      pool = pool.next;
    }
  }

  /** Asks the parent for a block, fits as many objects as it grants, links the pool at the head. */
  private createPool(index: number, wanted: number): Pool | null {
    const parent = this.parent();
    const objectSize = this.objectSize(index);
    const request: Allocator.Range = {
      address: 0, size: this.aligned(PoolHeaderSize + wanted + wanted * objectSize, 4), alignment: 4,
    };
    const asked = request.size;
    if (!parent || parent.allocate(request) !== Success) return null;
    const granted = request.size;
    if (granted < asked) {
      this.fail('allocate', request.address, `the parent granted ${granted} bytes for a request of ${asked}`);
      return null;
    }
    let objects = Math.floor((granted - PoolHeaderSize - wanted) / objectSize);
    while (PoolHeaderSize + this.aligned(objects, 4) + objects * objectSize > granted) objects--;
    const bitmapSize = this.aligned(objects, 4);
    const pool = new Pool(this.memory, request.address, index, objects, bitmapSize,
      { name: `${this.name}.pool[${index}]@${hex32(request.address)}`, log: this.log, mode: this.mode });
    pool.next = this.heads[index]!;
    if (pool.next) {
      pool.next.prev = pool;
      pool.next.writeLinks();
    }
    pool.writeLinks();
    this.heads[index] = pool;
    this.byBlock.set(pool.block, pool);
    this.record({ type: 'pool', allocator: this.name, op: 'create', index, address: pool.block,
      size: pool.blockSize(), objects, bitmapSize });
    this.record({ type: 'metadata', allocator: this.name, address: pool.block, size: PoolHeaderSize, what: 'pool-header' });
    this.record({ type: 'metadata', allocator: this.name, address: pool.block + PoolHeaderSize, size: bitmapSize, what: 'bitmap' });
    return pool;
  }

  private unlink(pool: Pool): void {
    if (pool.prev) pool.prev.next = pool.next;
    else this.heads[pool.index] = pool.next;
    if (pool.next) pool.next.prev = pool.prev;
    pool.prev?.writeLinks();
    pool.next?.writeLinks();
    this.byBlock.delete(pool.block);
    this.record({ type: 'pool', allocator: this.name, op: 'release', index: pool.index, address: pool.block,
      size: pool.blockSize(), objects: pool.objects, bitmapSize: pool.bitmapSize });
  }

  /** FreeNOS's debug checks on release: prefix signature, pool pointer, postfix, not already free. */
  private checkObject(address: number, slot: number, pool: Pool | undefined): void {
    const memory = this.memory;
    if (memory.read32(slot) !== ObjectSignature) {
      this.fail('release', address,
        `no object signature at ${hex32(slot)}: not an address this allocator gave out, or its prefix was overwritten`);
    }
    if (!pool) {
      this.fail('release', address, `the object's prefix names ${hex32(memory.read32(slot + 4))}, which is not a pool of this allocator`);
      return;
    }
    let found = false;
    for (let at = slot + pool.chunkSize() - 4; at >= slot + PrefixSize && !found; at -= 4) {
      found = memory.read32(at) === ObjectSignature;
    }
    if (!found) this.fail('release', address, `no postfix signature in the ${pool.chunkSize()}-byte slot: the object was overrun`);
    if (!pool.isAllocated(slot)) {
      this.fail('release', address, `double free: the object in the ${pool.chunkSize()}-byte pool at ${hex32(pool.block)} is already free`);
    }
  }
}
