// SandboxHeap: the heap a submission manages, one ArrayBuffer in the sandbox worker, and its two
// faces. The student's face is a hardened Heap object (base, limit, end, grow, reads and writes of
// 8/16/32 bits, copy), every access bounds-checked against the current end and charged one unit
// (copy one unit per word). The checker's face reads and writes the same bytes directly, costs
// nothing, and never runs student code. The break (end) lives here, outside the student's reach.
import { rawCopyWithin } from './builtins';
import { lowerHex } from '../../../engine/format';
import { charge } from './meter';

/** A PageAllocator heap grows in steps of 128 KiB (as LocalTarget's). */
const PAGE_STEP = 128 * 1024;

/**
 * This worker's last retired heap (its target disposed): the next heap of the same size takes its
 * bytes, zeroed, where a trace's dead 32 MiB would be garbage the next sandbox's start collects
 * (~15 ms a trace). Until then the retired heap's bytes stay readable by the checker.
 */
let retired: SandboxHeap | null = null;

export class SandboxHeap {
  readonly base: number;
  readonly limit: number;
  /** The student's Heap object (hardened). */
  readonly face: object;
  private end: number;
  /** Prototype-less views for reads and writes (no method works on them), and a plain one for subarray(). */
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private view: Uint8Array;
  private released = false;

  constructor(base: number, limit: number, parent: 'sbrk' | 'pages') {
    this.base = base;
    this.limit = limit;
    this.end = base;
    const size = limit + 3 - ((limit + 3) % 4);
    const buffer = retired?.view.buffer.byteLength === size ? retired.surrender() : new ArrayBuffer(size);
    retired = null;
    // Element stores into a typed array whose prototype chain is frozen (SES's lockdown) take V8's
    // slow path, 25x slower (endojs/endo#1563): the arrays that read and write bytes have none.
    this.view = new Uint8Array(buffer);
    const u8 = (this.u8 = Object.setPrototypeOf(new Uint8Array(buffer), null) as Uint8Array);
    const u32 = (this.u32 = Object.setPrototypeOf(new Uint32Array(buffer), null) as Uint32Array);
    // The student's face is a plain object of closures (hardened): they reach the break through `self`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const range = () => `[${lowerHex(base)}, ${lowerHex(self.end)})`;
    /** Offset of [a, a + n) in the buffer; a RangeError naming the call otherwise. */
    const index = (op: string, a: unknown, n: number): number => {
      if (typeof a === 'number' && a >= base && a + n <= self.end && a % 1 === 0) return a - base;
      if (typeof a !== 'number') {
        const what = a === undefined ? 'undefined' : a === null ? 'null' : typeof a === 'object' ? 'an object' : `a ${typeof a}`;
        throw new RangeError(`heap.${op}(${what}): an address must be a number in the heap ${range()}`);
      }
      const shown = lowerHex(a);
      throw new RangeError(`heap.${op}(${shown}): address outside the heap ${range()}`);
    };
    const grow = (bytes: unknown): number => {
      charge(1);
      if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0 || self.released) return 0;
      const step = parent === 'pages' ? Math.ceil(bytes / PAGE_STEP) * PAGE_STEP : bytes;
      if (self.end - base + step > limit) return 0;
      const old = self.end;
      self.end += step;
      return old;
    };
    const face = {
      base,
      limit,
      end(): number {
        charge(1);
        return self.end;
      },
      grow,
      read8(a: number): number {
        charge(1);
        return u8[index('read8', a, 1)]!;
      },
      read16(a: number): number {
        charge(1);
        const i = index('read16', a, 2);
        return u8[i]! | (u8[i + 1]! << 8);
      },
      read32(a: number): number {
        charge(1);
        // The aligned in-heap case first: the hot path of every allocator.
        if (typeof a === 'number' && a >= base && a + 4 <= self.end && ((a - base) & 3) === 0) return u32[(a - base) >>> 2]!;
        const i = index('read32', a, 4);
        return (u8[i]! | (u8[i + 1]! << 8) | (u8[i + 2]! << 16) | (u8[i + 3]! << 24)) >>> 0;
      },
      write8(a: number, v: number): void {
        charge(1);
        u8[index('write8', a, 1)] = v & 255;
      },
      write16(a: number, v: number): void {
        charge(1);
        const i = index('write16', a, 2);
        u8[i] = v & 255;
        u8[i + 1] = (v >>> 8) & 255;
      },
      write32(a: number, v: number): void {
        charge(1);
        if (typeof a === 'number' && a >= base && a + 4 <= self.end && ((a - base) & 3) === 0) {
          u32[(a - base) >>> 2] = v >>> 0;
          return;
        }
        const i = index('write32', a, 4);
        u8[i] = v & 255;
        u8[i + 1] = (v >>> 8) & 255;
        u8[i + 2] = (v >>> 16) & 255;
        u8[i + 3] = (v >>> 24) & 255;
      },
      copy(to: number, from: number, bytes: number): void {
        if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) throw new RangeError(`heap.copy(${lowerHex(to)}, ${lowerHex(from)}, ${String(bytes)}): the byte count must be an integer from 0`);
        charge(1 + Math.ceil(bytes / 4));
        if (bytes === 0) return;
        const t = index('copy', to, bytes);
        const f = index('copy', from, bytes);
        Reflect.apply(rawCopyWithin, u8, [t, f, f + bytes]);
      },
    };
    this.face = harden(face);
  }

  /** Offers the bytes to this worker's next heap (its target is disposed); they stay readable until one takes them. */
  retire(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the worker's one spare heap, by design
    if (!this.released) retired = this;
  }

  /**
   * Hands the bytes, zeroed, to a new heap: this heap shrinks to nothing and grows no more, so its
   * faces (the student's and the checker's) reach no byte of the new one.
   */
  private surrender(): ArrayBuffer {
    const used = this.end - this.base;
    this.released = true;
    this.end = this.base;
    this.view.fill(0, 0, used);
    const buffer = this.view.buffer as ArrayBuffer;
    this.view = this.view.subarray(0, 0);
    return buffer;
  }

  /** The current end (the checker's view: no unit charged). */
  current(): number {
    return this.end;
  }

  peek8(a: number): number {
    return a >= this.base && a < this.end && a % 1 === 0 ? this.u8[a - this.base]! : 0;
  }

  poke8(a: number, v: number): void {
    if (a >= this.base && a < this.end && a % 1 === 0) this.u8[a - this.base] = v;
  }

  peek32(a: number): number {
    const i = a - this.base;
    if (a >= this.base && a + 4 <= this.end && (i & 3) === 0) return this.u32[i >>> 2]!;
    return (this.peek8(a) | (this.peek8(a + 1) << 8) | (this.peek8(a + 2) << 16) | (this.peek8(a + 3) << 24)) >>> 0;
  }

  poke32(a: number, v: number): void {
    const i = a - this.base;
    if (a >= this.base && a + 4 <= this.end && (i & 3) === 0) {
      this.u32[i >>> 2] = v >>> 0;
      return;
    }
    this.poke8(a, v & 255);
    this.poke8(a + 1, (v >>> 8) & 255);
    this.poke8(a + 2, (v >>> 16) & 255);
    this.poke8(a + 3, (v >>> 24) & 255);
  }

  /** Bytes [a, a + n) as a view for the checker (no copy), clipped to the granted heap. */
  bytes(a: number, n: number): Uint8Array {
    const from = Math.max(a, this.base);
    const to = Math.min(a + n, this.end);
    return to > from ? this.view.subarray(from - this.base, to - this.base) : this.view.subarray(0, 0);
  }
}
