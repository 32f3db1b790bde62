// LocalTarget: runs a MallocAllocator class in this JavaScript engine (no sandbox) over an sbrk
// heap held in a host buffer. For the engine's own allocators, references, tests and the V8 side
// of benchmarks; never for student code, which runs in the sandbox. Work units are the
// heap calls the allocator makes (reads, writes, grows): deterministic for the same code and input.
import { lowerHex } from '../format';
import type { Heap, MallocAllocator, MallocAllocatorClass } from '../workload/Heap';
import { TargetError, type ReplayTarget } from './ReplayTarget';

export interface LocalTargetOptions {
  name?: string;
  /** First heap address: nonzero, 16-byte aligned. Default heapBaseOf(parent): 0x10000000, 0xB0001000 for 'pages'. */
  base?: number;
  /** Most bytes the heap may grow to. Default 32 MiB. */
  limit?: number;
  /** 'sbrk' grants exactly what grow() asks; 'pages' rounds each grow up to 128 KiB (a PageAllocator). Default 'sbrk'. */
  parent?: 'sbrk' | 'pages';
}

export const PageAllocatorStep = 128 * 1024;

/**
 * Where a heap starts by default: an sbrk heap at 0x10000000; a PageAllocator heap where FreeNOS's
 * first user heap chunk is, 0xB0001000 (UserHeap's first page holds the allocator objects).
 */
export function heapBaseOf(parent: 'sbrk' | 'pages'): number {
  return parent === 'pages' ? 0xb0001000 : 0x10000000;
}

/** An sbrk heap in a host buffer; counts every call as one work unit. Out-of-heap access throws a RangeError. */
export class BufferHeap implements Heap {
  readonly base: number;
  readonly limit: number;
  calls = 0;
  private top: number;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(options: LocalTargetOptions = {}, private readonly parent: 'sbrk' | 'pages' = options.parent ?? 'sbrk') {
    this.base = options.base ?? heapBaseOf(parent);
    this.limit = options.limit ?? 32 * 1024 * 1024;
    this.top = this.base;
    this.bytes = new Uint8Array(this.limit);
    this.view = new DataView(this.bytes.buffer);
  }

  end(): number {
    this.calls++;
    return this.top;
  }

  grow(bytes: number): number {
    this.calls++;
    if (!Number.isInteger(bytes) || bytes < 0) return 0;
    const granted = this.parent === 'pages' ? Math.ceil(bytes / PageAllocatorStep) * PageAllocatorStep : bytes;
    if (this.top - this.base + granted > this.limit) return 0;
    const old = this.top;
    this.top += granted;
    return old;
  }

  read8(address: number): number {
    return this.view.getUint8(this.at(address, 1));
  }
  read16(address: number): number {
    return this.view.getUint16(this.at(address, 2), true);
  }
  read32(address: number): number {
    return this.view.getUint32(this.at(address, 4), true);
  }
  write8(address: number, value: number): void {
    this.view.setUint8(this.at(address, 1), value);
  }
  write16(address: number, value: number): void {
    this.view.setUint16(this.at(address, 2), value, true);
  }
  write32(address: number, value: number): void {
    this.view.setUint32(this.at(address, 4), value >>> 0, true);
  }

  copy(to: number, from: number, bytes: number): void {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`heap.copy: the byte count ${bytes} must be an integer from 0`);
    this.calls += Math.ceil(bytes / 4);
    if (bytes === 0) return void this.calls++;
    const t = this.at(to, bytes), f = this.at(from, bytes);
    this.bytes.copyWithin(t, f, f + bytes);
  }

  /** The current end, without counting a call (for the checker). */
  peekEnd(): number {
    return this.top;
  }

  /** Trusted access for the checker: not counted, no throw (outside [base, end): 0 / ignored). */
  peek(address: number, width: 1 | 4): number {
    if (address < this.base || address + width > this.top) return 0;
    return width === 1 ? this.bytes[address - this.base]! : this.view.getUint32(address - this.base, true);
  }
  poke(address: number, width: 1 | 4, value: number): void {
    if (address < this.base || address + width > this.top) return;
    if (width === 1) this.bytes[address - this.base] = value;
    else this.view.setUint32(address - this.base, value >>> 0, true);
  }

  /** The checker's view of [address, address + size), clipped to [base, end): the live bytes. */
  range(address: number, size: number): Uint8Array {
    const from = Math.max(address, this.base);
    const to = Math.min(address + size, this.top);
    return to > from ? this.bytes.subarray(from - this.base, to - this.base) : this.bytes.subarray(0, 0);
  }

  /** Offset of `address` in the buffer; throws a RangeError naming it when [address, address + size) leaves the heap. */
  private at(address: number, size: number): number {
    this.calls++;
    if (!(address >= this.base && address + size <= this.top)) {
      throw new RangeError(`heap access at ${lowerHex(Number(address))} (${size} bytes) is outside the heap `
        + `[${lowerHex(this.base)}, ${lowerHex(this.top)})`);
    }
    return address - this.base;
  }
}

/** A ReplayTarget running `Allocator` in-process over a fresh BufferHeap. The constructor's throw is a TargetError. */
export function localTarget(Allocator: MallocAllocatorClass, options: LocalTargetOptions = {}): ReplayTarget & { heap: BufferHeap } {
  const heap = new BufferHeap(options);
  let allocator: MallocAllocator;
  try {
    allocator = new Allocator(heap);
  } catch (error) {
    throw new TargetError('threw', `the allocator's constructor threw ${describe(error)}`);
  }
  const guard = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      throw new TargetError('threw', `${what} threw ${describe(error)}`);
    }
  };
  const address = (what: string, value: unknown): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new TargetError('invalid', `${what} returned ${typeof value === 'string' ? JSON.stringify(value) : String(value)} (a ${typeof value}), not an address`);
    }
    return value;
  };
  return {
    name: options.name ?? Allocator.name ?? 'local',
    hasRealloc: typeof allocator.realloc === 'function',
    heap,
    malloc: (size) => address(`malloc(${size})`, guard(`malloc(${size})`, () => allocator.malloc(size))),
    free: (at) => void guard(`free(${lowerHex(at)})`, () => allocator.free(at)),
    realloc: (at, size) => address(`realloc(${lowerHex(at)}, ${size})`,
      guard(`realloc(${lowerHex(at)}, ${size})`, () => allocator.realloc!(at, size))),
    heapBase: () => heap.base,
    heapEnd: () => heap.peekEnd(),
    peek8: (at) => heap.peek(at, 1),
    poke8: (at, value) => heap.poke(at, 1, value),
    peek32: (at) => heap.peek(at, 4),
    poke32: (at, value) => heap.poke(at, 4, value),
    bytes: (at, size) => heap.range(at, size),
    work: () => heap.calls,
    logs: () => [],
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `a ${typeof error}`;
}
