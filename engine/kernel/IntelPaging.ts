// IntelPaging (FreeNOS libarch/intel): a MemoryContext on Intel 32-bit two-level paging. The
// page directory and tables are pages from the kernel's SplitAllocator, written as little-endian
// words in physical memory (layout in engine/hw/IntelLayout.ts). Quirks kept from FreeNOS:
// table entries take phys unmasked; a directory entry's User bit comes from the first mapping
// that created its table; unmap() of an absent page in an existing table is Success; lookup()
// treats a present 4 MiB entry as a table pointer (the kernel's direct map is not looked up).
import { Fault } from '../hw/MemoryBus';
import {
  DirectoryEntries, IntelEntry, PageMask, SectionMask, SectionSize, TableEntries, directoryIndex, tableIndex,
} from '../hw/IntelLayout';
import { Allocator } from './Allocator';
import { Memory } from './Memory';
import {
  MemoryContext, PAGESIZE, type Mapping, type MappingChange, type MemoryContextOptions, type TopLevelEntry,
} from './MemoryContext';
import type { MemoryMap } from './MemoryMap';
import type { SplitAllocator } from './SplitAllocator';

const { Success, InvalidAddress, AlreadyExists, OutOfMemory } = MemoryContext.Result;
/** Directory entries 0..255 cover KernelData (0..223) and KernelPrivate (224..255). */
const KernelEntries = 256;

export interface IntelPagingOptions extends MemoryContextOptions {
  /** An existing page directory (the kernel's): initialize() then does nothing. */
  directory?: number;
}

export class IntelPaging extends MemoryContext {
  readonly sectionSize = SectionSize;
  readonly rootSize = PAGESIZE;
  private directory: number;
  /** Whether initialize() allocated the directory (then destroy() frees it). */
  private ownsDirectory = false;

  constructor(map: MemoryMap, allocator: SplitAllocator, options: IntelPagingOptions) {
    super(map, allocator, { name: 'IntelPaging', ...options });
    this.directory = options.directory ?? 0;
  }

  root(): number {
    return this.directory;
  }

  /**
   * Allocates and zeroes the directory page, then copies the kernel's entries (0..255) from the
   * directory loaded in the MMU: the kernel's tables are shared, not copied. OutOfMemory when no
   * page is free; Success at once when the context was given an existing directory.
   */
  initialize(): MemoryContext.Result {
    if (this.directory !== 0) return Success;
    const phys: Allocator.Range = { address: 0, size: PAGESIZE, alignment: PAGESIZE };
    const virt: Allocator.Range = { address: 0, size: 0, alignment: 0 };
    if (this.allocator.allocate(phys, virt) !== Allocator.Result.Success) return OutOfMemory;
    this.directory = phys.address;
    this.ownsDirectory = true;
    this.memory.fill(this.directory, 0, PAGESIZE);
    const active = this.mmu.root();
    for (let i = 0; i < KernelEntries; i++) {
      const entry = this.memory.read32(active + i * 4);
      if (entry !== 0 && entry !== Fault) this.memory.write32(this.directory + i * 4, entry);
    }
    return Success;
  }

  /** Frees the directory page if initialize() allocated it. Tables are not touched. */
  destroy(): void {
    if (this.ownsDirectory) this.allocator.release(this.directory);
    this.ownsDirectory = false;
  }

  map(virt: number, phys: number, access: number): MemoryContext.Result {
    const pdeAddress = this.directory + directoryIndex(virt) * 4;
    let pde = this.memory.read32(pdeAddress);
    if (!(pde & IntelEntry.Present)) {
      const table: Allocator.Range = { address: 0, size: PAGESIZE, alignment: PAGESIZE };
      if (this.allocator.allocate(table) !== Allocator.Result.Success) return OutOfMemory;
      this.memory.fill(table.address, 0, PAGESIZE);
      pde = (table.address | IntelEntry.Present | IntelEntry.Writable | userBit(access)) >>> 0;
      this.writeEntry('directory', pdeAddress, pde, virt);
    }
    const pteAddress = tableEntryAddress(pde, virt);
    if (this.memory.read32(pteAddress) & IntelEntry.Present) return AlreadyExists;
    const writable = access & Memory.Writable ? IntelEntry.Writable : 0;
    this.writeEntry('table', pteAddress, (phys | IntelEntry.Present | writable | userBit(access)) >>> 0, virt);
    if (this.isActive()) this.mmu.invalidate(virt);
    return Success;
  }

  unmap(virt: number): MemoryContext.Result {
    const pde = this.memory.read32(this.directory + directoryIndex(virt) * 4);
    if (!(pde & IntelEntry.Present)) return InvalidAddress;
    this.writeEntry('table', tableEntryAddress(pde, virt), 0, virt);
    if (this.isActive()) this.mmu.invalidate(virt);
    return Success;
  }

  lookup(virt: number): { result: MemoryContext.Result; phys: number } {
    const entry = this.pageEntry(virt);
    if (entry.section) return { result: Success, phys: entry.value };
    if (!(entry.value & IntelEntry.Present)) return { result: InvalidAddress, phys: 0 };
    return { result: Success, phys: (entry.value & PageMask) >>> 0 };
  }

  /** Readable, plus Writable and User when the entry has them; never Executable or caching flags. */
  access(virt: number): { result: MemoryContext.Result; access: number } {
    const entry = this.pageEntry(virt);
    if (entry.section || !(entry.value & IntelEntry.Present)) return { result: InvalidAddress, access: 0 };
    return { result: Success, access: accessOf(entry.value) };
  }

  releaseRange(range: Memory.Range): MemoryContext.Result {
    for (let i = 0; i < range.size; i += PAGESIZE) {
      const virt = (range.virt + i) >>> 0;
      const pde = this.memory.read32(this.directory + directoryIndex(virt) * 4);
      if (!(pde & IntelEntry.Present)) return InvalidAddress;
      const pteAddress = tableEntryAddress(pde, virt);
      const pte = this.memory.read32(pteAddress);
      if (!(pte & IntelEntry.Present)) return InvalidAddress;
      const phys = (pte & PageMask) >>> 0;
      this.freePage(phys);
      this.writeEntry('table', pteAddress, 0, virt);
      if (this.isActive()) this.mmu.invalidate(virt);
    }
    return Success;
  }

  /**
   * range.virt must be 4 MiB aligned (else InvalidAddress). For each section the range overlaps
   * that has a table: frees its mapped pages (unless tablesOnly), then the table page, and clears
   * the directory entry. 4 MiB entries and sections without a table are skipped.
   */
  releaseSection(range: Memory.Range, tablesOnly = false): MemoryContext.Result {
    if ((range.virt & ~SectionMask) !== 0) return InvalidAddress;
    for (let section = range.virt; section - range.virt < range.size; section += SectionSize) {
      const pdeAddress = this.directory + directoryIndex(section) * 4;
      const pde = this.memory.read32(pdeAddress);
      if (!(pde & IntelEntry.Present) || pde & IntelEntry.Large) continue;
      const table = (pde & PageMask) >>> 0;
      if (!tablesOnly) {
        for (let i = 0; i < TableEntries; i++) {
          const pte = this.memory.read32(table + i * 4);
          const phys = (pte & PageMask) >>> 0;
          if (pte & IntelEntry.Present) this.freePage(phys);
        }
      }
      this.allocator.release(table);
      this.writeEntry('directory', pdeAddress, 0, section >>> 0);
    }
    if (this.isActive()) this.mmu.load(this.directory);
    return Success;
  }

  /** Every present 4 KiB mapping in [range.virt, range.virt + range.size): page, frame, raw entry and flags. */
  mappings(range: { virt: number; size: number }): Mapping[] {
    const out: Mapping[] = [];
    const end = range.virt + range.size;
    for (let section = range.virt - (range.virt % SectionSize); section < end; section += SectionSize) {
      const pde = this.memory.read32(this.directory + directoryIndex(section) * 4);
      if (!(pde & IntelEntry.Present) || pde & IntelEntry.Large) continue;
      const table = (pde & PageMask) >>> 0;
      const first = Math.max(0, Math.floor((range.virt - section) / PAGESIZE));
      const last = Math.min(TableEntries, Math.ceil((end - section) / PAGESIZE));
      for (let i = first; i < last; i++) {
        const entry = this.memory.read32(table + i * 4);
        if (!(entry & IntelEntry.Present)) continue;
        out.push({ virt: section + i * PAGESIZE, phys: (entry & PageMask) >>> 0, entry, access: accessOf(entry),
          copyOnWrite: (entry & IntelEntry.CopyOnWrite) !== 0 });
      }
    }
    return out;
  }

  /** Rewrites virt's present table entry as frame | Present | Writable, User, CopyOnWrite as `change` says. */
  remap(virt: number, change: MappingChange): MemoryContext.Result {
    const pde = this.memory.read32(this.directory + directoryIndex(virt) * 4);
    if (!(pde & IntelEntry.Present)) return InvalidAddress;
    const address = tableEntryAddress(pde, virt);
    const entry = this.memory.read32(address);
    if (!(entry & IntelEntry.Present)) return InvalidAddress;
    const phys = change.phys ?? entry & PageMask;
    const access = change.access ?? accessOf(entry);
    const copyOnWrite = change.copyOnWrite ?? (entry & IntelEntry.CopyOnWrite) !== 0;
    const value = (phys & PageMask) | IntelEntry.Present | (access & Memory.Writable ? IntelEntry.Writable : 0)
      | userBit(access) | (copyOnWrite ? IntelEntry.CopyOnWrite : 0);
    this.writeEntry('table', address, value >>> 0, virt);
    if (this.isActive()) this.mmu.invalidate(virt);
    return Success;
  }

  /** Present directory entries; a 4 MiB entry has no table. */
  directoryEntries(): TopLevelEntry[] {
    const out: TopLevelEntry[] = [];
    for (let i = 0; i < DirectoryEntries; i++) {
      const value = this.memory.read32(this.directory + i * 4);
      if (value & IntelEntry.Present) out.push({ index: i, value, table: value & IntelEntry.Large ? null : (value & PageMask) >>> 0 });
    }
    return out;
  }

  /** The entry lookup() and access() read: a table entry, or a non-present 4 MiB entry's target. */
  private pageEntry(virt: number): { value: number; section: boolean } {
    const pde = this.memory.read32(this.directory + directoryIndex(virt) * 4);
    if (!(pde & IntelEntry.Present)) {
      if (pde & IntelEntry.Large && pde !== Fault) {
        return { value: ((pde & SectionMask) + (virt & ~SectionMask & PageMask)) >>> 0, section: true };
      }
      return { value: 0, section: false };
    }
    return { value: this.memory.read32(tableEntryAddress(pde, virt)), section: false };
  }

  private writeEntry(level: 'directory' | 'table', address: number, value: number, virt: number): void {
    this.memory.write32(address, value);
    this.log?.push({ type: 'entry', context: this.name, level, address, value, virt });
  }
}

/** Physical address of virt's entry in the table that directory entry `pde` points at. */
function tableEntryAddress(pde: number, virt: number): number {
  return ((pde & PageMask) + tableIndex(virt) * 4) >>> 0;
}

/** Memory.Access flags of a table entry: Readable, plus Writable and User as it says. */
function accessOf(entry: number): number {
  return Memory.Readable | (entry & IntelEntry.Writable ? Memory.Writable : 0) | (entry & IntelEntry.User ? Memory.User : 0);
}

function userBit(access: number): number {
  return access & Memory.User ? IntelEntry.User : 0;
}
