// The lab API a submission imports as 'freenos-lab': the types of the heap it manages and of the
// allocator it exports, and log(). In the sandbox the compiler maps this module to the sandbox's own
// log (capped, kept apart from the grader's output); in-process (tests, benchmarks) log does nothing.
export type { Heap, MallocAllocator, MallocAllocatorClass } from './workload/Heap';

/** Writes a line to the run's log (the sandbox keeps the first lines; the grader shows them). */
export function log(..._values: unknown[]): void {}

/**
 * 01-bit-allocator: what one `allocate` call answers. `result` is a FreeNOS Allocator::Result code
 * (0 Success, 1 InvalidAddress, 2 InvalidSize, 3 InvalidAlignment, 4 OutOfMemory; a BitAllocator
 * only ever answers 0, 3 or 4); `address` is the block's first byte on Success, 0 otherwise.
 */
export interface BitAllocation {
  result: number;
  address: number;
}

/**
 * 01-bit-allocator: FreeNOS's BitAllocator, one bit per fixed-size chunk. The grader constructs the
 * class as `new YourClass(base, size, chunkSize)`: it manages floor(size / chunkSize) chunks, chunk
 * i at base + i * chunkSize, all free. Every method takes and returns plain numbers (and arrays of
 * them, or BitAllocation objects). The exact rules are in the exercise's README.md.
 */
export interface BitAllocatorExercise {
  /**
   * Next fit: ceil(size / chunkSize) consecutive free chunks (size 0 counts as explained in the
   * README), searched from the first chunk of the previous successful allocation and then once
   * from chunk 0; the first chunk's index is a multiple of alignment / chunkSize (0: any chunk).
   * An alignment that is not a multiple of chunkSize gives InvalidAlignment (3).
   */
  allocate(size: number, alignment: number): BitAllocation;
  /** Frees the one chunk that holds `address` (not the whole block); always answers 0 (Success). */
  release(address: number): number;
  /** Free chunks times chunkSize, in bytes. */
  available(): number;
  /** The bitmap as FreeNOS stores it: ceil(chunks / 8) bytes, chunk n is bit n % 8 (LSB first) of byte n / 8. */
  bitmap(): number[];
}

/** What a 01-bit-allocator submission exports by default. */
export type BitAllocatorExerciseClass = new (base: number, size: number, chunkSize: number) => BitAllocatorExercise;
