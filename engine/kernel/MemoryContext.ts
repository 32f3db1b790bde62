// MemoryContext (FreeNOS libarch): one virtual address space. The architecture subclass
// (IntelPaging, ARMPaging) writes the page tables; this base class holds what every architecture
// shares: mapping ranges contiguously or sparsely, unmapping ranges, releasing one page, and
// finding free space in a region. Nothing here rolls back: a range operation that fails half
// way leaves the first half done, as in FreeNOS.
import type { EventLog } from '../EventLog';
import type { MMU } from '../hw/MMU';
import type { PhysicalMemory } from '../hw/PhysicalMemory';
import { Allocator } from './Allocator';
import { assertionFailed, type BuildMode } from './AssertionError';
import type { FrameReferences } from './FrameReferences';
import type { Memory } from './Memory';
import type { MemoryMap, Region } from './MemoryMap';
import type { SplitAllocator } from './SplitAllocator';

export interface MemoryContextOptions {
  /** Physical memory, where the tables live (the kernel reaches it through its direct map). */
  memory: PhysicalMemory;
  /** The MMU this context is loaded into by activate(). */
  mmu: MMU;
  log?: EventLog | null;
  mode?: BuildMode;
  /** Name in events and assertion messages. */
  name?: string;
  /** Shared frames (copy-on-write fork): such a frame is freed only by its last user. */
  references?: FrameReferences | null;
}

export const PAGESIZE = 4096;

/** One present small-page mapping as fork, snapshots and views read it, whatever the architecture. */
export interface Mapping {
  virt: number;
  phys: number;
  /** The raw table entry. */
  entry: number;
  /** Its Memory.Access flags (caching decoded as the hardware means it, without ARM's access() quirk). */
  access: number;
  /** Whether the kernel marked it copy-on-write (Intel: a software bit; ARM: a shadow word). */
  copyOnWrite: boolean;
}

/** A top-level entry in use: its index, raw value, and its second-level table's page (null: a section). */
export interface TopLevelEntry {
  index: number;
  value: number;
  table: number | null;
}

/** What remap() changes in a present mapping; fields left out stay as they are. */
export interface MappingChange {
  phys?: number;
  access?: number;
  copyOnWrite?: boolean;
}

export abstract class MemoryContext {
  private static currentContext: MemoryContext | null = null;
  readonly memory: PhysicalMemory;
  readonly mmu: MMU;
  readonly log: EventLog | null;
  readonly mode: BuildMode;
  readonly name: string;
  readonly references: FrameReferences | null;

  /** `map` says where the regions are; `allocator` gives table pages and allocate-and-map pages. */
  constructor(readonly memoryMap: MemoryMap, readonly allocator: SplitAllocator, options: MemoryContextOptions) {
    this.memory = options.memory;
    this.mmu = options.mmu;
    this.log = options.log ?? null;
    this.mode = options.mode ?? 'debug';
    this.name = options.name ?? 'MemoryContext';
    this.references = options.references ?? null;
  }

  /** The context most recently activated (FreeNOS keeps one static pointer). */
  static getCurrent(): MemoryContext | null {
    return MemoryContext.currentContext;
  }

  /** Creates the top-level table. */
  abstract initialize(): MemoryContext.Result;
  /** Loads this context's tables into the MMU and makes it the current one. */
  activate(_initMMU = false): MemoryContext.Result {
    this.mmu.load(this.root());
    MemoryContext.currentContext = this;
    return MemoryContext.Result.Success;
  }
  /** Physical address of the top-level table. */
  abstract root(): number;
  /** One 4 KiB mapping; creates the second-level table on demand. */
  abstract map(virt: number, phys: number, access: number): MemoryContext.Result;
  /** Removes one mapping; frees nothing. */
  abstract unmap(virt: number): MemoryContext.Result;
  /** The physical address of the page holding `virt` (its offset dropped). */
  abstract lookup(virt: number): { result: MemoryContext.Result; phys: number };
  /** The access flags of the page holding `virt`. */
  abstract access(virt: number): { result: MemoryContext.Result; access: number };
  /** Frees each page of the range (if in the allocator and used) and unmaps it; tables kept. */
  abstract releaseRange(range: Memory.Range): MemoryContext.Result;
  /** Frees the second-level tables of every section the range overlaps (and their pages unless tablesOnly). */
  abstract releaseSection(range: Memory.Range, tablesOnly?: boolean): MemoryContext.Result;
  /** Frees the top-level table if initialize() allocated it; second-level tables are not touched. */
  abstract destroy(): void;

  /** Bytes one top-level entry spans (Intel 4 MiB, ARM 1 MiB). */
  abstract readonly sectionSize: number;
  /** Bytes of the top-level table (Intel 4 KiB, ARM 16 KiB). */
  abstract readonly rootSize: number;
  /** Every present small-page mapping in [range.virt, range.virt + range.size), lowest first. */
  abstract mappings(range: { virt: number; size: number }): Mapping[];
  /** Rewrites the present small page at `virt` with `change` applied (TLB kept right); InvalidAddress if none. */
  abstract remap(virt: number, change: MappingChange): MemoryContext.Result;
  /** The top-level entries that map something, lowest index first. */
  abstract directoryEntries(): TopLevelEntry[];

  /** True when this context's tables are the ones loaded in the MMU. */
  isActive(): boolean {
    return this.mmu.root() === this.root();
  }

  /**
   * Maps range.size bytes at range.virt onto contiguous physical pages, allocating them first
   * (alignment PAGESIZE, next fit) when range.phys is 0 and writing their address back. Stops at
   * the first failing map() and returns it; nothing is undone. Size 0 with phys 0 still takes a page.
   */
  mapRangeContiguous(range: Memory.Range): MemoryContext.Result {
    if (range.phys === 0) {
      const phys: Allocator.Range = { address: 0, size: range.size, alignment: PAGESIZE };
      if (this.allocator.allocate(phys) !== Allocator.Result.Success) return MemoryContext.Result.OutOfMemory;
      range.phys = phys.address;
    }
    for (let i = 0; i < range.size; i += PAGESIZE) {
      const result = this.map(range.virt + i, range.phys + i, range.access);
      if (result !== MemoryContext.Result.Success) return result;
    }
    return MemoryContext.Result.Success;
  }

  /**
   * Maps range.size bytes at range.virt onto 8-page physical runs from allocateSparse, page by
   * page in order. Any allocateSparse failure (too little memory, size not a multiple of 32 KiB)
   * is OutOfMemory; a failing map() is only a debug assertion. range.phys is ignored.
   */
  mapRangeSparse(range: Memory.Range): MemoryContext.Result {
    let offset = 0;
    const result = this.allocator.allocateSparse({ address: 0, size: range.size, alignment: 0 }, (phys) => {
      for (let page = 0; page < 8; page++, offset += PAGESIZE) {
        const mapped = this.map(range.virt + offset, phys + page * PAGESIZE, range.access);
        if (mapped !== MemoryContext.Result.Success && this.mode === 'debug') {
          assertionFailed(this.log, this.name, 'mapRangeSparse', range.virt + offset,
            `map() failed with ${MemoryContext.Result[mapped]}`);
        }
      }
    });
    return result === Allocator.Result.Success ? MemoryContext.Result.Success : MemoryContext.Result.OutOfMemory;
  }

  /** Unmaps each page of the range, stopping at the first failure. Frees nothing. */
  unmapRange(range: Memory.Range): MemoryContext.Result {
    for (let i = 0; i < range.size; i += PAGESIZE) {
      const result = this.unmap(range.virt + i);
      if (result !== MemoryContext.Result.Success) return result;
    }
    return MemoryContext.Result.Success;
  }

  /** Frees the one physical page behind `virt` but leaves it mapped. Returns lookup()'s result. */
  release(virt: number): MemoryContext.Result {
    const { result, phys } = this.lookup(virt);
    if (result === MemoryContext.Result.Success && (this.references?.release(phys) ?? true)) this.allocator.release(phys);
    return result;
  }

  /**
   * First fit: the lowest run of free pages (lookup fails) of at least `size` bytes in the
   * region, scanning page by page from its start. Size 0 returns the region start unchecked.
   */
  findFree(size: number, region: Region): { result: MemoryContext.Result; virt: number } {
    const { virt: start, size: regionSize } = this.memoryMap.range(region);
    if (size === 0) return { result: MemoryContext.Result.Success, virt: start };
    let runStart = start;
    let run = 0;
    for (let page = start; page - start < regionSize; page += PAGESIZE) {
      if (this.lookup(page).result !== MemoryContext.Result.InvalidAddress) {
        run = 0;
        runStart = page + PAGESIZE;
        continue;
      }
      run += PAGESIZE;
      if (run >= size) return { result: MemoryContext.Result.Success, virt: runStart };
    }
    return { result: MemoryContext.Result.OutOfMemory, virt: 0 };
  }

  /**
   * Frees a mapped page as Release and ReleaseSections do: only when the allocator owns `phys` and
   * has it marked used (so a page mapped twice is freed once), and only by a shared frame's last user.
   */
  protected freePage(phys: number): void {
    const offset = phys - this.allocator.base();
    if (offset < 0 || offset >= this.allocator.size() || !this.allocator.isAllocated(phys)) return;
    if (this.references?.release(phys) ?? true) this.allocator.release(phys);
  }
}

export namespace MemoryContext {
  /** FreeNOS MemoryContext::Result. InvalidArgs is declared but never produced. */
  export enum Result {
    Success = 0,
    InvalidAddress = 1,
    InvalidSize = 2,
    AlreadyExists = 3,
    OutOfMemory = 4,
    InvalidArgs = 5,
  }
}
