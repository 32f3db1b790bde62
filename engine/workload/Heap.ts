// Heap and MallocAllocator: the lab API a malloc-style allocator is written against, the engine's
// and a student's alike. The allocator manages the heap [base, end()) that its parent granted; it
// asks for more with grow() (sbrk). Heap memory is byte-addressed emulated memory, read and written
// little-endian through the heap; addresses are plain numbers (32-bit unsigned).
//
//   student.ts:  import type { Heap, MallocAllocator } from 'freenos-lab';
//                export default class Mine implements MallocAllocator {
//                  constructor(private heap: Heap) {}
//                  malloc(size: number): number { ... }   // payload address, 0 when it cannot
//                  free(address: number): void { ... }    // free(0) does nothing
//                  realloc(address: number, size: number): number { ... }   // optional
//                }

export interface Heap {
  /** First address of the heap. */
  readonly base: number;
  /** Most bytes the heap may ever grow to (the parent's limit). */
  readonly limit: number;
  /** The current end (break): [base, end()) is granted and may be used. */
  end(): number;
  /**
   * sbrk: grows the heap by at least `bytes` (an sbrk parent grants exactly that; a PageAllocator
   * parent rounds up to its 128 KiB steps) and returns the old end, or 0 when the parent refuses
   * (the limit is reached, or bytes is negative or not an integer).
   */
  grow(bytes: number): number;
  read8(address: number): number;
  read16(address: number): number;
  read32(address: number): number;
  write8(address: number, value: number): void;
  write16(address: number, value: number): void;
  write32(address: number, value: number): void;
  /**
   * memmove: copies `bytes` bytes from `from` to `to` inside the heap (the ranges may overlap);
   * costs 1 + ceil(bytes / 4) work units, a word loop of read32/write32 would cost twice that.
   */
  copy(to: number, from: number, bytes: number): void;
}

export interface MallocAllocator {
  /** A payload of at least `size` bytes, aligned as the exercise says; 0 when it cannot (and for size 0). */
  malloc(size: number): number;
  /** Gives back a payload malloc or realloc returned; free(0) does nothing. */
  free(address: number): void;
  /** Optional: resizes keeping the first min(old, new) bytes; realloc(0, n) = malloc(n); realloc(p, 0) frees p and returns 0. */
  realloc?(address: number, size: number): number;
}

/** What a submission exports by default: constructed once per trace with the heap it manages. */
export type MallocAllocatorClass = new (heap: Heap) => MallocAllocator;
