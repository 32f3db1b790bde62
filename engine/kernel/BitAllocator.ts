// BitAllocator (FreeNOS liballoc): fixed-size chunks over one contiguous range, one bit per
// chunk (1 = used), chunk i at base + i * chunkSize. Allocation is next-fit: the search starts at
// the first chunk of the previous successful allocation and wraps to chunk 0 once. It keeps no
// record of block sizes: release() frees exactly one chunk.
import { Allocator, type AllocatorOptions } from './Allocator';
import { BitArray } from './BitArray';
import type { BitBuffer } from './BitStore';
import { hex32 } from '../format';
import { u32 } from './Unsigned';

export interface BitAllocatorOptions extends AllocatorOptions {
  /** An existing bitmap buffer (host bytes or emulated memory); it is cleared. Default: a new host buffer. */
  bitmap?: BitBuffer;
}

const { Success, InvalidAlignment, OutOfMemory } = Allocator.Result;

export class BitAllocator extends Allocator {
  private readonly bits: BitArray;
  private readonly chunk: number;
  /** First chunk of the previous successful allocate(): where the next search starts. */
  protected lastBit = 0;

  /** floor(range.size / chunkSize) chunks, all free. */
  constructor(range: Allocator.Range, chunkSize: number, options: BitAllocatorOptions = {}) {
    super(range, { ...options, name: options.name ?? 'BitAllocator' });
    if (u32(chunkSize, this.name, 'constructor', 'chunkSize') === 0) throw new TypeError(`${this.name}: chunkSize must be above 0`);
    this.chunk = chunkSize;
    this.bits = new BitArray(Math.floor(this.size() / chunkSize), options.bitmap,
      { name: this.name, log: this.log, mode: this.mode });
  }

  chunkSize(): number {
    return this.chunk;
  }

  /** Free chunks times chunkSize. */
  override available(): number {
    return this.bits.count(false) * this.chunk;
  }

  /** The chunk where the next search starts (FreeNOS's m_lastBit), for views and tests. */
  nextFit(): number {
    return this.lastBit;
  }

  /** The bitmap itself, for views and tests (FreeNOS keeps it private). */
  bitmap(): BitArray {
    return this.bits;
  }

  /** Next fit: search from lastBit, then once from chunk 0 if that ran out of memory. */
  override allocate(args: Allocator.Range): Allocator.Result {
    this.validate(args, 'allocate');
    let result = this.search(args, this.lastBit);
    if (result === OutOfMemory) result = this.search(args, 0);
    this.recordAllocate(args, result);
    return result;
  }

  /** One search starting at chunk `startBit`; no wrap. */
  allocateFrom(args: Allocator.Range, startBit: number): Allocator.Result {
    this.validate(args, 'allocateFrom');
    const result = this.search(args, u32(startBit, this.name, 'allocateFrom', 'startBit'));
    this.recordAllocate(args, result);
    return result;
  }

  /** Marks the chunk containing `address` used; debug builds assert it was free. Always Success. */
  allocateAt(address: number): Allocator.Result {
    u32(address, this.name, 'allocateAt', 'address');
    if (this.mode === 'debug') {
      this.checkChunk('allocateAt', address);
      if (this.isAllocated(address)) this.fail('allocateAt', address, `chunk ${hex32(address)} is already allocated`);
    }
    this.bits.set(this.chunkIndex(address));
    this.changed();
    this.record({ type: 'allocate', allocator: this.name, size: this.chunk, alignment: 0, result: Success, address });
    return Success;
  }

  /** True when the chunk at `address` is used; debug builds assert it is a chunk start in range. */
  isAllocated(address: number): boolean {
    if (this.mode === 'debug') this.checkChunk('isAllocated', u32(address, this.name, 'isAllocated', 'address'));
    return this.bits.isSet(this.chunkIndex(address));
  }

  /**
   * Frees the one chunk at `address`. Debug builds assert it is allocated (a double free or a
   * foreign address is fatal); release builds clear the bit whatever it was. Always Success.
   */
  override release(address: number): Allocator.Result {
    u32(address, this.name, 'release', 'address');
    const offset = (address - this.base()) >>> 0;
    if (this.mode === 'debug') this.checkChunk('release', address, offset);
    if (!this.bits.clearBit(this.chunkOf(offset)) && this.mode === 'debug') {
      this.fail('release', address, `chunk ${hex32(address)} is not allocated (double free, or never allocated)`);
    }
    this.changed();
    this.record({ type: 'release', allocator: this.name, address, result: Success });
    return Success;
  }

  /** Called after every change of the bitmap or lastBit; Pool mirrors its header here. */
  protected changed(): void {}

  private search(args: Allocator.Range, startBit: number): Allocator.Result {
    const count = Math.floor(args.size / this.chunk) + (args.size % this.chunk ? 1 : 0);
    let boundary = 1;
    if (args.alignment !== 0) {
      if (args.alignment % this.chunk !== 0) return InvalidAlignment;
      boundary = args.alignment / this.chunk;
    }
    const { result, bit } = this.bits.setNext(count, startBit, boundary);
    if (result !== BitArray.Result.Success) return OutOfMemory;
    args.address = (this.base() + bit * this.chunk) >>> 0;
    this.lastBit = bit;
    this.changed();
    return Success;
  }

  private chunkIndex(address: number): number {
    return this.chunkOf((address - this.base()) >>> 0);
  }

  /** Chunk number of a byte offset from base. */
  private chunkOf(offset: number): number {
    return Math.floor(offset / this.chunk);
  }

  /** Debug assertion of isAllocated(): base <= address < base + size, on a chunk boundary. */
  private checkChunk(operation: string, address: number, offset = (address - this.base()) >>> 0): void {
    if (offset >= this.size()) {
      this.fail(operation, address, `address is outside the range ${hex32(this.base())}..${hex32(this.base() + this.size())}`);
    }
    if (offset % this.chunk !== 0) this.fail(operation, address, `address is not on a ${this.chunk}-byte chunk boundary`);
  }

  private recordAllocate(args: Allocator.Range, result: Allocator.Result): void {
    this.record({ type: 'allocate', allocator: this.name, size: args.size, alignment: args.alignment, result,
      address: result === Success ? args.address : 0 });
  }
}
