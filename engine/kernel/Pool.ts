// Pool: one PoolAllocator pool, a BitAllocator of equal-size objects living in one parent block
// of emulated memory, laid out as on the 32-bit target:
//
//   block +0   header (64 bytes: this object's fields, below)
//         +64  bitmap area (bitmapSize bytes: one byte per object budgeted, rounded to 4;
//              the bitmap itself uses ceil(n / 8) of them)
//         +64+bitmapSize  payload: n objects of objectSize bytes
//
// Header words (little-endian), in the order a 32-bit C++ Pool holds its fields:
//   +0 vtable (0: the machine runs no C++)   +4 parent (0)   +8 payload base   +12 payload size
//   +16 alignment (4)   +20 BitArray vtable (0)   +24 bit count   +28 set-bit count
//   +32 bitmap address   +36 bitmap-owned flag (0)   +40 chunk size   +44 lastBit
//   +48 prev pool   +52 next pool   +56 index   +60 bitmapSize
// The counts, lastBit and links are rewritten whenever they change.
import type { MemoryBus } from '../hw/MemoryBus';
import type { BuildMode } from './AssertionError';
import { BitAllocator } from './BitAllocator';
import type { EventLog } from '../EventLog';

export const PoolHeaderSize = 64;

export interface PoolOptions {
  name: string;
  log: EventLog | null;
  mode: BuildMode;
  /** The same pool in a forked address space: its header and bitmap are already in memory. */
  copyOf?: Pool;
}

export class Pool extends BitAllocator {
  prev: Pool | null = null;
  next: Pool | null = null;

  /** A pool of `objects` objects of 2^index bytes in the block at `block`; writes its header (unless a copy). */
  constructor(readonly memory: MemoryBus, readonly block: number, readonly index: number,
    readonly objects: number, readonly bitmapSize: number, options: PoolOptions) {
    const bitmap = { memory, address: block + PoolHeaderSize };
    super({ address: block + PoolHeaderSize + bitmapSize, size: objects * 2 ** index, alignment: 4 }, 2 ** index,
      { ...options, bitmap: options.copyOf ? undefined : bitmap });
    if (options.copyOf) {
      this.bitmap().setArray(bitmap, objects);
      this.lastBit = options.copyOf.lastBit;
      return;
    }
    const words = [0, 0, this.base(), this.size(), 4, 0, objects, 0, block + PoolHeaderSize, 0,
      this.chunkSize(), 0, 0, 0, index, bitmapSize];
    words.forEach((value, i) => memory.write32(block + 4 * i, value));
  }

  /** Bytes of the whole block this pool uses: header, bitmap area and payload. */
  blockSize(): number {
    return PoolHeaderSize + this.bitmapSize + this.size();
  }

  /** Objects in use. */
  used(): number {
    return this.bitmap().count(true);
  }

  /** Rewrites prev and next in the header. */
  writeLinks(): void {
    this.memory.write32(this.block + 48, this.prev ? this.prev.block : 0);
    this.memory.write32(this.block + 52, this.next ? this.next.block : 0);
  }

  /** Keeps the header's set-bit count and lastBit equal to the live values. */
  protected override changed(): void {
    this.memory.write32(this.block + 28, this.used());
    this.memory.write32(this.block + 44, this.lastBit);
  }
}
