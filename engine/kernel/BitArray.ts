// BitArray (FreeNOS libstd): a fixed number of bits, LSB-first (bit n is byte n/8, mask
// 1 << (n % 8)), with a running count of set bits. The buffer is a host Uint8Array or a range
// of emulated memory; the bitmap is cleared at construction either way.
import type { EventLog } from '../EventLog';
import { assertionFailed, type BuildMode } from './AssertionError';
import { storeFor, type BitBuffer, type BitStore } from './BitStore';
import { aligned, u32 } from './Unsigned';

export interface BitArrayOptions {
  /** Name used in events and assertion messages. */
  name?: string;
  log?: EventLog | null;
  mode?: BuildMode;
}

/** Set bits in a byte, for counting. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x; x >>= 1) n += x & 1;
  return n;
});

/** Index of the lowest set bit of a non-zero word. */
const lowestBit = (word: number): number => 31 - Math.clz32(word & -word);

export class BitArray {
  private bits: number;
  private setCount = 0;
  private store: BitStore;
  readonly name: string;
  log: EventLog | null;
  readonly mode: BuildMode;

  /** `bitCount` bits over `buffer` (at least ceil(bitCount / 8) bytes) or a new host buffer. */
  constructor(bitCount: number, buffer?: BitBuffer, options: BitArrayOptions = {}) {
    this.bits = u32(bitCount, 'BitArray', 'constructor', 'bitCount');
    this.name = options.name ?? 'BitArray';
    this.log = options.log ?? null;
    this.mode = options.mode ?? 'debug';
    if (buffer instanceof Uint8Array && buffer.length < this.byteLength) {
      throw new RangeError(`${this.name}: a buffer of ${buffer.length} bytes cannot hold ${bitCount} bits`);
    }
    this.store = storeFor(buffer ?? new Uint8Array(Math.ceil(this.byteLength / 4) * 4));
    this.clear();
  }

  /** Number of bits. */
  size(): number {
    return this.bits;
  }

  /** Number of set bits (on = true) or clear bits (on = false). */
  count(on: boolean = true): number {
    return on ? this.setCount : this.bits - this.setCount;
  }

  /** Sets (or clears) one bit; a bit at or past size() is silently ignored. */
  set(bit: number, value: boolean = true): void {
    this.change(bit, value);
  }

  unset(bit: number): void {
    this.change(bit, false);
  }

  /** Clears one bit and says whether it was set; a bit at or past size() is ignored (false). */
  clearBit(bit: number): boolean {
    return this.change(bit, false);
  }

  /** Value of one bit. Debug builds assert bit < size(); release builds read past the end as clear. */
  isSet(bit: number): boolean {
    if (!(bit < this.bits) || bit < 0) {
      if (this.mode === 'debug') {
        assertionFailed(this.log, this.name, 'isSet', bit, `bit ${bit} is outside the array of ${this.bits} bits`);
      }
      return false;
    }
    return (this.store.read8(bit >>> 3) & (1 << (bit & 7))) !== 0;
  }

  /** Sets bits from..to inclusive; bits at or past size() are ignored. */
  setRange(from: number, to: number): void {
    this.fill(from, Math.min(to, this.bits - 1), true);
  }

  /** Zeroes every byte of the array (all ceil(size / 8) of them) and the count. */
  clear(): void {
    let changed = 0;
    for (let byte = 0; byte < this.byteLength; byte++) {
      const old = this.store.read8(byte);
      if (old === 0) continue;
      this.store.write8(byte, 0);
      changed += POPCOUNT[old]!;
    }
    this.setCount = 0;
    if (changed > 0) this.log?.push({ type: 'bits', bitmap: this.name, from: 0, to: this.bits - 1, value: false, changed });
  }

  /** The buffer the bits live in. */
  array(): BitBuffer {
    return this.store.buffer;
  }

  /** Adopts `buffer` without clearing it; a non-zero bitCount replaces size(). Recounts set bits. */
  setArray(buffer: BitBuffer, bitCount: number = 0): void {
    if (u32(bitCount, this.name, 'setArray', 'bitCount') !== 0) this.bits = bitCount;
    this.store = storeFor(buffer);
    let count = 0;
    for (let byte = 0; byte < this.byteLength; byte++) {
      const valid = Math.min(8, this.bits - byte * 8);
      count += POPCOUNT[this.store.read8(byte) & (0xff >> (8 - valid))]!;
    }
    this.setCount = count;
  }

  /**
   * Finds the lowest p >= start with p % boundary == 0 whose `count` bits are all clear, sets
   * them and returns { result: Success, bit: p }; else OutOfMemory (bit -1) and nothing changes.
   * Quirk kept from FreeNOS: count 0 takes the first clear bit i >= start if it is aligned,
   * otherwise sets every bit 0..i and returns bit 0.
   */
  setNext(count: number = 1, start: number = 0, boundary: number = 1): { result: BitArray.Result; bit: number } {
    const fail = { result: BitArray.Result.OutOfMemory, bit: -1 };
    if (count === 0) {
      const i = this.firstClear(start);
      if (i < 0) return fail;
      if (i % boundary === 0) {
        this.fill(i, i, true);
        return { result: BitArray.Result.Success, bit: i };
      }
      this.fill(0, i, true);
      return { result: BitArray.Result.Success, bit: 0 };
    }
    if (!(start < this.bits)) return fail;
    let p = aligned(start, boundary);
    while (p + count <= this.bits) {
      const used = this.firstSet(p, p + count);
      if (used < 0) {
        this.fill(p, p + count - 1, true);
        return { result: BitArray.Result.Success, bit: p };
      }
      const free = this.firstClear(used + 1);
      if (free < 0) break;
      p = aligned(free, boundary);
    }
    return fail;
  }

  /** Gives one bit `value`; true when it flipped. Bits outside [0, size()) are ignored. */
  private change(bit: number, value: boolean): boolean {
    if (!(bit < this.bits) || bit < 0) return false;
    const byte = bit >>> 3;
    const mask = 1 << (bit & 7);
    const old = this.store.read8(byte);
    if (((old & mask) !== 0) === value) return false;
    this.store.write8(byte, value ? old | mask : old & ~mask);
    this.setCount += value ? 1 : -1;
    this.log?.push({ type: 'bits', bitmap: this.name, from: bit, to: bit, value, changed: 1 });
    return true;
  }

  private get byteLength(): number {
    return Math.ceil(this.bits / 8);
  }

  /** First set bit in [from, to), or -1. Assumes 0 <= from < to <= size(). */
  private firstSet(from: number, to: number): number {
    const length = this.byteLength;
    const last = (to - 1) >>> 5;
    let w = from >>> 5;
    let word = this.store.word(w, length) & (-1 << (from & 31));
    for (;;) {
      if (w === last && (to & 31) !== 0) word &= -1 >>> (32 - (to & 31));
      if (word !== 0) return w * 32 + lowestBit(word);
      if (w === last) return -1;
      word = this.store.word(++w, length);
    }
  }

  /** First clear bit at or after `from` (below size()), or -1. */
  private firstClear(from: number): number {
    if (!(from < this.bits)) return -1;
    const length = this.byteLength;
    const last = (this.bits - 1) >>> 5;
    let w = from >>> 5;
    let free = ~this.store.word(w, length) & (-1 << (from & 31));
    for (;;) {
      if (free !== 0) {
        const bit = w * 32 + lowestBit(free);
        return bit < this.bits ? bit : -1;
      }
      if (w === last) return -1;
      free = ~this.store.word(++w, length);
    }
  }

  /** Sets or clears bits from..to inclusive (to < size()), a byte at a time, and records it. */
  private fill(from: number, to: number, value: boolean): void {
    if (from > to) return;
    let changed = 0;
    for (let byte = from >>> 3; byte <= to >>> 3; byte++) {
      const low = byte === from >>> 3 ? from & 7 : 0;
      const high = byte === to >>> 3 ? to & 7 : 7;
      const mask = (0xff >> (7 - high + low)) << low;
      const old = this.store.read8(byte);
      const next = value ? old | mask : old & ~mask & 0xff;
      if (next !== old) {
        this.store.write8(byte, next);
        changed += POPCOUNT[next ^ old]!;
      }
    }
    if (changed === 0) return;
    this.setCount += value ? changed : -changed;
    this.log?.push({ type: 'bits', bitmap: this.name, from, to, value, changed });
  }
}

export namespace BitArray {
  /** FreeNOS BitArray::Result. InvalidArgument is declared but never produced. */
  export enum Result {
    Success = 0,
    InvalidArgument = 1,
    OutOfMemory = 2,
  }
}
