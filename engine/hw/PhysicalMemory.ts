// PhysicalMemory: a 32-bit physical address space of `size` bytes, stored sparsely.
// Host memory is spent per 4 KiB frame, and only once a frame is written with something other
// than zero: untouched frames read as zero. Frames are kept in one map by frame number
// (address >>> 12), with the last frame used cached, since most accesses are sequential:
//
//   address:  [31 ..................... 12][11 ......... 0]
//              frame number                 byte in frame
//
// Every access is counted (reads, writes, bytes); an access outside [0, size) does nothing,
// is counted as a fault, and returns Fault.
import type { EventLog } from '../EventLog';
import { Fault, type AccessCounters, type MemoryBus } from './MemoryBus';

export const FrameSize = 4096;

/** One materialized 4 KiB frame, read and written little-endian. */
type Frame = DataView;

export interface PhysicalMemoryOptions {
  log?: EventLog | null;
}

export class PhysicalMemory implements MemoryBus {
  readonly size: number;
  log: EventLog | null;
  readonly counters: AccessCounters = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, faults: 0 };
  /** The most recent fault, for error messages; null until one happens. */
  lastFault: { operation: string; address: number; size: number } | null = null;
  private readonly frames = new Map<number, Frame>();
  /** The frame number and frame of the last lookup (-1: none yet). */
  private cachedNumber = -1;
  private cachedFrame: Frame | undefined = undefined;

  /** `size` must be a positive multiple of 4096, at most 2^32. */
  constructor(size: number = 2 ** 32, options: PhysicalMemoryOptions = {}) {
    if (!Number.isInteger(size) || size <= 0 || size > 2 ** 32 || size % FrameSize !== 0) {
      throw new RangeError(`PhysicalMemory: size must be a multiple of 4096 between 4096 and 2^32, got ${size}`);
    }
    this.size = size;
    this.log = options.log ?? null;
  }

  /** Number of frames that hold host memory. */
  get touchedFrames(): number {
    return this.frames.size;
  }

  /** Host bytes held by frames (frame data only; each frame also costs about 150 bytes of bookkeeping). */
  get hostBytes(): number {
    return this.frames.size * FrameSize;
  }

  /** Frame numbers (address >>> 12) that hold host memory, ascending. */
  touched(): number[] {
    return [...this.frames.keys()].sort((a, b) => a - b);
  }

  read8(address: number): number {
    this.counters.reads++;
    if (!this.inside(address, 1)) return this.fault('read8', address, 1);
    this.counters.bytesRead++;
    const frame = this.frame(address);
    return frame ? frame.getUint8(address & 4095) : 0;
  }

  read16(address: number): number {
    this.counters.reads++;
    if (!this.inside(address, 2)) return this.fault('read16', address, 2);
    this.counters.bytesRead += 2;
    const offset = address & 4095;
    if (offset > 4094) return this.byteAt(address) | (this.byteAt(address + 1) << 8);
    const frame = this.frame(address);
    return frame ? frame.getUint16(offset, true) : 0;
  }

  read32(address: number): number {
    this.counters.reads++;
    if (!this.inside(address, 4)) return this.fault('read32', address, 4);
    this.counters.bytesRead += 4;
    const offset = address & 4095;
    if (offset > 4092) {
      let value = 0;
      for (let i = 3; i >= 0; i--) value = (value << 8) | this.byteAt(address + i);
      return value >>> 0;
    }
    const frame = this.frame(address);
    return frame ? frame.getUint32(offset, true) : 0;
  }

  write8(address: number, value: number): number {
    this.counters.writes++;
    if (!this.inside(address, 1)) return this.fault('write8', address, 1);
    this.counters.bytesWritten++;
    this.setByte(address, value);
    return 0;
  }

  write16(address: number, value: number): number {
    this.counters.writes++;
    if (!this.inside(address, 2)) return this.fault('write16', address, 2);
    this.counters.bytesWritten += 2;
    const offset = address & 4095;
    if (offset > 4094) {
      this.setByte(address, value);
      this.setByte(address + 1, value >>> 8);
      return 0;
    }
    const frame = this.frame(address) ?? ((value & 0xffff) === 0 ? undefined : this.materialize(address));
    frame?.setUint16(offset, value, true);
    return 0;
  }

  write32(address: number, value: number): number {
    this.counters.writes++;
    if (!this.inside(address, 4)) return this.fault('write32', address, 4);
    this.counters.bytesWritten += 4;
    const offset = address & 4095;
    if (offset > 4092) {
      for (let i = 0; i < 4; i++) this.setByte(address + i, value >>> (8 * i));
      return 0;
    }
    const frame = this.frame(address) ?? ((value >>> 0) === 0 ? undefined : this.materialize(address));
    frame?.setUint32(offset, value, true);
    return 0;
  }

  read(address: number, size: number): Uint8Array | Fault {
    this.counters.reads++;
    if (!this.inside(address, size)) return this.fault('read', address, size);
    this.counters.bytesRead += size;
    const out = new Uint8Array(size);
    this.eachSpan(address, size, (frame, offset, length, done) => {
      if (frame) out.set(bytesOf(frame).subarray(offset, offset + length), done);
    });
    return out;
  }

  write(address: number, bytes: Uint8Array): number {
    this.counters.writes++;
    if (!this.inside(address, bytes.length)) return this.fault('write', address, bytes.length);
    this.counters.bytesWritten += bytes.length;
    this.eachSpan(address, bytes.length, (frame, offset, length, done) => {
      const part = bytes.subarray(done, done + length);
      const target = frame ?? (part.some((b) => b !== 0) ? this.materialize(address + done) : undefined);
      if (target) bytesOf(target).set(part, offset);
    });
    return bytes.length;
  }

  fill(address: number, value: number, size: number): number {
    this.counters.writes++;
    if (!this.inside(address, size)) return this.fault('fill', address, size);
    this.counters.bytesWritten += size;
    const byte = value & 0xff;
    this.eachSpan(address, size, (frame, offset, length, done) => {
      const target = frame ?? (byte !== 0 ? this.materialize(address + done) : undefined);
      if (target) bytesOf(target).fill(byte, offset, offset + length);
    });
    return size;
  }

  copy(destination: number, source: number, size: number): number {
    const bytes = this.read(source, size);
    if (bytes === Fault) return Fault;
    return this.write(destination, bytes);
  }

  compare(a: number, b: number, size: number): boolean | Fault {
    const left = this.read(a, size);
    if (left === Fault) return Fault;
    const right = this.read(b, size);
    if (right === Fault) return Fault;
    for (let i = 0; i < size; i++) if (left[i] !== right[i]) return false;
    return true;
  }

  /** True when [address, address + length) is a valid range of this memory. */
  private inside(address: number, length: number): boolean {
    return (address >>> 0) === address && (length >>> 0) === length && address + length <= this.size;
  }

  private fault(operation: string, address: number, size: number): Fault {
    this.counters.faults++;
    this.lastFault = { operation, address, size };
    this.log?.push({ type: 'fault', operation, address, size });
    return Fault;
  }

  private frame(address: number): Frame | undefined {
    const number = address >>> 12;
    if (number !== this.cachedNumber) {
      this.cachedNumber = number;
      this.cachedFrame = this.frames.get(number);
    }
    return this.cachedFrame;
  }

  private materialize(address: number): Frame {
    const frame = new DataView(new ArrayBuffer(FrameSize));
    this.frames.set(address >>> 12, frame);
    this.cachedNumber = address >>> 12;
    this.cachedFrame = frame;
    return frame;
  }

  /** Uncounted byte read, for accesses that straddle two frames. */
  private byteAt(address: number): number {
    const frame = this.frame(address);
    return frame ? frame.getUint8(address & 4095) : 0;
  }

  /** Uncounted byte write; a zero into an untouched frame costs nothing. */
  private setByte(address: number, value: number): void {
    const frame = this.frame(address) ?? ((value & 0xff) === 0 ? undefined : this.materialize(address));
    frame?.setUint8(address & 4095, value);
  }

  /** Calls fn for each frame-sized piece of [address, address + size), in order. */
  private eachSpan(address: number, size: number,
    fn: (frame: Frame | undefined, offset: number, length: number, done: number) => void): void {
    let done = 0;
    while (done < size) {
      const at = address + done;
      const offset = at & 4095;
      const length = Math.min(FrameSize - offset, size - done);
      fn(this.frame(at), offset, length, done);
      done += length;
    }
  }
}

/** The bytes of a frame, for range operations. */
function bytesOf(frame: Frame): Uint8Array {
  return new Uint8Array(frame.buffer);
}
