// Allocator (FreeNOS liballoc): the contract every allocator implements, and a usable class in
// its own right. allocate() fills the caller's Range in place (the C++ reference parameter) and
// returns a Result; release() takes an address. The base class allocates nothing.
import type { EventLog, EngineEvent } from '../EventLog';
import type { MemoryBus } from '../hw/MemoryBus';
import { assertionFailed, type BuildMode } from './AssertionError';
import { aligned, u32 } from './Unsigned';

export interface AllocatorOptions {
  /** Name in events and assertion messages; defaults to the class name. */
  name?: string;
  /** Where events go; defaults to options.memory's log, else none. */
  log?: EventLog | null;
  /** debug (default): FreeNOS assertions throw AssertionError; release: they vanish. */
  mode?: BuildMode;
  /** Emulated memory the allocator keeps its metadata in (bitmaps, pool headers, prefixes). */
  memory?: MemoryBus;
}

export class Allocator {
  private static defaultAllocator: Allocator | null = null;
  readonly name: string;
  log: EventLog | null;
  readonly mode: BuildMode;
  private parentAllocator: Allocator | null = null;
  private readonly managed: { address: number; size: number; alignment: number };

  /**
   * No range: base, size and alignment are 0 (FreeNOS's default constructor). With a range, debug
   * builds assert alignment >= 4, size >= 4 and size % alignment == 0; nothing is returned.
   */
  constructor(range?: Allocator.Range, options: AllocatorOptions = {}) {
    this.name = options.name ?? 'Allocator';
    this.log = options.log ?? options.memory?.log ?? null;
    this.mode = options.mode ?? 'debug';
    this.managed = { address: 0, size: 0, alignment: 0 };
    if (range === undefined) return;
    this.managed.address = u32(range.address, this.name, 'constructor', 'range.address');
    this.managed.size = u32(range.size, this.name, 'constructor', 'range.size');
    this.managed.alignment = u32(range.alignment, this.name, 'constructor', 'range.alignment');
    const { size, alignment } = this.managed;
    if (alignment < 4) this.fail('constructor', range.address, `range alignment ${alignment} is below 4`);
    else if (size < 4) this.fail('constructor', range.address, `range size ${size} is below 4`);
    else if (size % alignment !== 0) {
      this.fail('constructor', range.address, `range size ${size} is not a multiple of its alignment ${alignment}`);
    }
  }

  /** The process-wide default allocator (FreeNOS routes new/delete to it), or null. */
  static getDefault(): Allocator | null {
    return Allocator.defaultAllocator;
  }

  static setDefault(allocator: Allocator | null): void {
    Allocator.defaultAllocator = allocator;
  }

  parent(): Allocator | null {
    return this.parentAllocator;
  }

  setParent(parent: Allocator | null): void {
    this.parentAllocator = parent;
  }

  /** Start of the managed range. */
  base(): number {
    return this.managed.address;
  }

  /** Bytes in the managed range. */
  size(): number {
    return this.managed.size;
  }

  alignment(): number {
    return this.managed.alignment;
  }

  /** Bytes still available: the parent's available() if there is a parent, else 0. */
  available(): number {
    return this.parentAllocator ? this.parentAllocator.available() : 0;
  }

  /** The base class has nothing to give: always OutOfMemory. */
  allocate(range: Allocator.Range): Allocator.Result {
    this.record({ type: 'allocate', allocator: this.name, size: range.size, alignment: range.alignment,
      result: Allocator.Result.OutOfMemory, address: range.address });
    return Allocator.Result.OutOfMemory;
  }

  /** The base class owns nothing: always InvalidAddress. */
  release(address: number): Allocator.Result {
    this.record({ type: 'release', allocator: this.name, address, result: Allocator.Result.InvalidAddress });
    return Allocator.Result.InvalidAddress;
  }

  /** x rounded up to the next multiple of boundary: aligned(31, 4) = 32, aligned(0, b) = 0. */
  aligned(x: number, boundary: number): number {
    return aligned(x, boundary);
  }

  /** Appends an event to the log, if there is one. */
  protected record(event: EngineEvent): void {
    this.log?.push(event);
  }

  /**
   * A failed FreeNOS assert: throws AssertionError in debug mode, does nothing in release mode.
   * Call it as `if (!condition) this.fail(...)` so the message is only built on failure.
   */
  protected fail(operation: string, address: number, reason: string): void {
    if (this.mode === 'debug') assertionFailed(this.log, this.name, operation, address, reason);
  }

  /** Checks that a request's size and alignment are unsigned 32-bit integers. */
  protected validate(range: Allocator.Range, operation: string): void {
    u32(range.size, this.name, operation, 'range.size');
    u32(range.alignment, this.name, operation, 'range.alignment');
  }
}

export namespace Allocator {
  /** An allocation request and its result: allocate() writes `address` (and some allocators `size`). */
  export interface Range {
    address: number;
    size: number;
    /** In bytes; 0 means the allocator's default. */
    alignment: number;
  }

  /** FreeNOS Allocator::Result; the values are the declaration order. */
  export enum Result {
    Success = 0,
    InvalidAddress = 1,
    InvalidSize = 2,
    InvalidAlignment = 3,
    OutOfMemory = 4,
  }
}
