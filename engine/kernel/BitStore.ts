// BitStore: the bytes behind a BitArray, either a host Uint8Array or a range of emulated
// memory (then every read and write goes through the MemoryBus and is counted there).
// BitArray reads 32-bit little-endian words for its scans and writes single bytes, so it
// never touches a byte past the array's end.
import type { MemoryBus } from '../hw/MemoryBus';

/** A bitmap buffer that lives in emulated memory at `address`. */
export interface MemoryBuffer {
  memory: MemoryBus;
  address: number;
}

/** What a BitArray may be given as its buffer. */
export type BitBuffer = Uint8Array | MemoryBuffer;

export interface BitStore {
  readonly buffer: BitBuffer;
  read8(index: number): number;
  write8(index: number, value: number): void;
  /** Bytes 4w..4w+3 as a signed 32-bit word (bit 0 = bit 0 of byte 4w); bytes past `length` read 0. */
  word(w: number, length: number): number;
}

export class HostStore implements BitStore {
  private readonly view: DataView;

  constructor(readonly buffer: Uint8Array) {
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  read8(index: number): number {
    return this.buffer[index]!;
  }

  write8(index: number, value: number): void {
    this.buffer[index] = value;
  }

  word(w: number, length: number): number {
    const i = w << 2;
    if (i + 4 <= length) return this.view.getInt32(i, true);
    let value = 0;
    for (let k = length - 1; k >= i; k--) value = (value << 8) | this.buffer[k]!;
    return value;
  }
}

export class MemoryStore implements BitStore {
  constructor(readonly buffer: MemoryBuffer) {}

  read8(index: number): number {
    return this.buffer.memory.read8(this.buffer.address + index);
  }

  write8(index: number, value: number): void {
    this.buffer.memory.write8(this.buffer.address + index, value);
  }

  word(w: number, length: number): number {
    const i = w << 2;
    const { memory, address } = this.buffer;
    if (i + 4 <= length) return memory.read32(address + i) | 0;
    let value = 0;
    for (let k = length - 1; k >= i; k--) value = (value << 8) | memory.read8(address + k);
    return value;
  }
}

export function storeFor(buffer: BitBuffer): BitStore {
  return buffer instanceof Uint8Array ? new HostStore(buffer) : new MemoryStore(buffer);
}
