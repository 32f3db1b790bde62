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

/**
 * 04-split-allocator: what one `allocateSparse` call answers. `result` is a FreeNOS Allocator::Result
 * code (0 Success, 2 InvalidSize, 4 OutOfMemory); `runs` is the physical address of each run of 8
 * contiguous pages taken, in the order taken (FreeNOS calls its callback once per run). A call that
 * fails half-way keeps the runs it took: they are listed, and stay allocated.
 */
export interface SparseAllocation {
  result: number;
  runs: number[];
}

/**
 * 04-split-allocator: FreeNOS's SplitAllocator, the kernel's physical page allocator. The grader
 * constructs the class as `new YourClass(physicalBase, physicalSize, virtualBase, pageSize)`: it
 * manages floor(physicalSize / pageSize) pages, page i at physicalBase + i * pageSize, all free; the
 * same bytes appear in the kernel's virtual space from virtualBase. Addresses are unsigned 32-bit
 * numbers. The exact rules are in the exercise's README.md.
 */
export interface SplitAllocatorExercise {
  /** A BitAllocator's allocate over the pages (next fit, alignment relative to physicalBase); the address is physical. */
  allocate(size: number, alignment: number): BitAllocation;
  /** Marks the page that holds `address` used (outside the range: nothing); always answers 0 (Success). */
  allocateAt(address: number): number;
  /** `size` bytes as runs of 8 contiguous pages: OutOfMemory (4) above available(), InvalidSize (2) off a multiple of 8 pages. */
  allocateSparse(size: number): SparseAllocation;
  /** Frees the one page that holds `address`; always answers 0 (Success). */
  release(address: number): number;
  /** Whether the page that holds `address` is used (outside the range: false). */
  isAllocated(address: number): boolean;
  /** Free pages times pageSize, in bytes. */
  available(): number;
  /** The kernel virtual address of a physical address: physical − (physicalBase − virtualBase), modulo 2^32. */
  toVirtual(physical: number): number;
  /** The physical address of a kernel virtual address: virtual + (physicalBase − virtualBase), modulo 2^32. */
  toPhysical(virtual: number): number;
}

/** What a 04-split-allocator submission exports by default. */
export type SplitAllocatorExerciseClass = new (physicalBase: number, physicalSize: number, virtualBase: number, pageSize: number) => SplitAllocatorExercise;

/**
 * 02-bubble-allocator: what one `allocate` call answers. `result` is a FreeNOS Allocator::Result
 * code (0 Success, 4 OutOfMemory: the only two a BubbleAllocator's allocate answers); `address` is
 * the block's first byte on Success, 0 otherwise.
 */
export interface BubbleAllocation {
  result: number;
  address: number;
}

/**
 * 02-bubble-allocator: FreeNOS's BubbleAllocator, the grow-only allocator under the kernel heap.
 * The grader constructs the class as `new YourClass(base, size, alignment)`: it manages the bytes
 * [base, base + size), all free, and rounds every request up to a multiple of `alignment` (its own
 * alignment, at least 4, not always a power of two). All arithmetic is unsigned 32-bit, wrapping
 * modulo 2^32 as on FreeNOS's 32-bit targets. The exact rules are in the exercise's README.md.
 */
export interface BubbleAllocatorExercise {
  /**
   * Hands out the next `size` bytes, rounded up to the allocator's alignment, at base + (bytes
   * handed out so far), if they still fit; the request's `alignment` is ignored. Size 0 always
   * succeeds and takes nothing. Does not fit: OutOfMemory (4).
   */
  allocate(size: number, alignment: number): BubbleAllocation;
  /** Gives nothing back: always answers 1 (InvalidAddress), whatever the address. */
  release(address: number): number;
  /** size minus the bytes handed out so far. */
  available(): number;
}

/** What a 02-bubble-allocator submission exports by default. */
export type BubbleAllocatorExerciseClass = new (base: number, size: number, alignment: number) => BubbleAllocatorExercise;

/**
 * 03-pool-allocator: what one `allocate` call answers. `result` is a FreeNOS Allocator::Result code
 * (0 Success, 2 InvalidSize, 3 InvalidAlignment, 4 OutOfMemory); `address` is the object's first
 * byte (just after its 8-byte prefix) on Success, 0 otherwise.
 */
export interface PoolAllocation {
  result: number;
  address: number;
}

/**
 * 03-pool-allocator: FreeNOS's PoolAllocator, the allocator behind new and malloc, made of
 * power-of-two pools. The grader constructs the class as `new YourClass(heap)`: every pool is a
 * block from `heap.grow(bytes)` (the parent allocator; it never takes a block back), and the pool
 * headers, bitmaps and object prefixes and postfixes live in the heap, laid out byte for byte as on
 * FreeNOS's 32-bit targets; the grader reads them back. The exact rules are in the exercise's README.md.
 */
export interface PoolAllocatorExercise {
  /** An object of at least `size` bytes from the smallest pool that fits it plus 12 bytes; alignment must be 0. */
  allocate(size: number, alignment: number): PoolAllocation;
  /** Frees the object at `address` (one the class gave out); always answers 0 (Success). */
  release(address: number): number;
  /** Free objects times their object size, over every pool. */
  available(): number;
}

/** What a 03-pool-allocator submission exports by default. */
export type PoolAllocatorExerciseClass = new (heap: import('./workload/Heap').Heap) => PoolAllocatorExercise;

/**
 * 05-page-tables: what `lookup` answers. `result` is a FreeNOS MemoryContext::Result code (0 Success,
 * 1 InvalidAddress); `phys` is the physical page (the entry's frame, low 12 bits dropped) on Success, 0 otherwise.
 */
export interface PageLookup {
  result: number;
  phys: number;
}

/**
 * 05-page-tables: what `access` answers. `result` is 0 (Success) or 1 (InvalidAddress); `access` is the
 * page's Memory::Access flags on Success (Readable 1, plus Writable 2 and User 8 as the entry says), 0 otherwise.
 */
export interface PageAccess {
  result: number;
  access: number;
}

/**
 * 05-page-tables: FreeNOS's IntelPaging, a MemoryContext on Intel 32-bit two-level paging. The grader
 * constructs the class as `new YourClass(heap)`: the heap is physical memory for the tables. The page
 * directory is its first page (`heap.grow(4096)` in the constructor, at 0x10000000) and every page
 * table is the next `heap.grow(4096)`, taken when map() first needs it; entries are little-endian
 * 32-bit words, written byte for byte as FreeNOS does, and the grader reads them back (and walks them
 * with an emulated MMU). Addresses are unsigned 32-bit numbers. The exact rules are in the README.
 */
export interface PageTablesExercise {
  /** Maps the 4 KiB page at `virt` to `phys` with Memory::Access flags `access`: 0, 3 (AlreadyExists) or 4 (OutOfMemory). */
  map(virt: number, phys: number, access: number): number;
  /** Clears the table entry of `virt`: 0, or 1 (InvalidAddress) when its section has no table. */
  unmap(virt: number): number;
  /** The physical page behind `virt`. */
  lookup(virt: number): PageLookup;
  /** The access flags of the page behind `virt`. */
  access(virt: number): PageAccess;
  /** map() of each page of [virt, virt + size) onto phys + offset (phys is never 0 here), stopping at the first failure. */
  mapRangeContiguous(virt: number, phys: number, size: number, access: number): number;
}

/** What a 05-page-tables submission exports by default. */
export type PageTablesExerciseClass = new (heap: import('./workload/Heap').Heap) => PageTablesExercise;

/** A user page as the kernel describes it to 06-fork-cow's class. */
export interface ForkPage {
  virt: number;
  phys: number;
  /** The page may be written now (the entry's write bit). */
  writable: boolean;
  /** The entry carries the copy-on-write mark (a software bit the MMU ignores). */
  copyOnWrite: boolean;
}

/**
 * The kernel calls 06-fork-cow's class may make (its constructor's first argument). Addresses are
 * page aligned (lookup accepts any); a call with a bad argument throws a RangeError that says why.
 */
export interface ForkKernel {
  /** The user pages fork copies in `pid`'s space (data, private, heap, stack, arguments), lowest first. */
  pages(pid: number): ForkPage[];
  /** The page holding `virt` in `pid`'s space, or null when none is mapped there. */
  lookup(pid: number, virt: number): ForkPage | null;
  /** Maps `virt` to the frame `phys` in `pid`'s space (user, readable); false when no memory is left for a page table. */
  map(pid: number, virt: number, phys: number, writable: boolean, copyOnWrite: boolean): boolean;
  /** Changes a mapped page: its frame, its write permission and its copy-on-write mark. */
  remap(pid: number, virt: number, phys: number, writable: boolean, copyOnWrite: boolean): void;
  /** A fresh 4 KiB frame's physical address, or 0 when memory is full. */
  allocateFrame(): number;
  /** Copies the 4096 bytes of frame `from` into frame `to`. */
  copyFrame(to: number, from: number): void;
}

/** The machine a 06-fork-cow scenario runs on (the constructor's second argument). */
export interface ForkMachine {
  ramMiB: number;
  dataPages: number;
}

/** What 06-fork-cow's class does for the kernel. The exact rules are in the README. */
export interface ForkCowExercise {
  /** Gives `child` the user pages of `parent` (see ForkKernel.pages); false when memory ran out. */
  fork(parent: number, child: number): boolean;
  /** A write to `virt` by `pid` faulted: true when it was a copy-on-write page, now writable by `pid` alone. */
  fault(pid: number, virt: number): boolean;
  /** An address space lets go of the frame `phys`; true when it was the last user (the kernel frees it). */
  release(phys: number): boolean;
}

/** What a 06-fork-cow submission exports by default. */
export type ForkCowExerciseClass = new (kernel: ForkKernel, machine: ForkMachine) => ForkCowExercise;

export type { CoalescePolicy, FitPolicy, ListOrder, TuningConfig } from './workload/TuningConfig';

/**
 * 08-fragmentation: what a submission exports by default, as plain data (no functions): the
 * engine's TunableAllocator config (fields left out take their defaults; the README lists them) and
 * a prediction per question, by the question's name (null or absent: not answered).
 */
export interface TuningSubmission {
  config: Partial<import('./workload/TuningConfig').TuningConfig>;
  predictions?: Record<string, string | number | number[] | null>;
}
