// ARMPaging (FreeNOS libarch/arm): a MemoryContext on ARMv6/v7 short descriptors. The 16 KiB
// first-level table (4 pages, 16 KiB aligned) and the second-level tables (one page each, of which
// the hardware uses the first 1 KiB) are pages from the kernel's SplitAllocator, written as
// little-endian words in physical memory (layout in engine/hw/ARMLayout.ts). Every context maps the
// kernel itself: KernelData as 1 MiB sections onto the core's RAM, and the I/O window as device
// sections. Quirks kept from FreeNOS: a first-level table entry carries no permission bits (the
// small page's own bits decide); unmap() of a section clears the whole 1 MiB; access() refuses
// sections and reports normal write-back pages as Device (they have the Buffer bit too).
//
// Copy-on-write (the lab's fork) needs a software bit, and small-page entries have no free one.
// The hardware reads only the first 1 KiB of each second-level table page, so, as Linux does, the
// kernel keeps a shadow word per page after it: table page + 1 KiB + 4 * index, 1 = copy-on-write.
//
// Defaults: the ARMMMU's version, else ARMv7 (first-level read-only bit 0x8000; ARMv6: 0x200), the Raspberry Pi 2/3
// I/O window 0x3F000000 (Raspberry Pi 1: 0x20000000), 128 MiB, and KernelData onto the
// SplitAllocator's base, which is the core's physical memory as in FreeNOS.
import { ARMMMU } from '../hw/ARMMMU';
import { Fault } from '../hw/MemoryBus';
import {
  ARMFirstLevel, ARMSecondLevel, DirectoryEntries, DirectorySize, PageMask, SectionMask, SectionSize, TableEntries,
  TableMask, TableSize, directoryIndex, firstLevelReadOnly, tableIndex, type ARMVersion,
} from '../hw/ARMLayout';
import { Allocator } from './Allocator';
import { Memory } from './Memory';
import {
  MemoryContext, PAGESIZE, type Mapping, type MappingChange, type MemoryContextOptions, type TopLevelEntry,
} from './MemoryContext';
import { Region, type MemoryMap } from './MemoryMap';
import type { SplitAllocator } from './SplitAllocator';

const { Success, InvalidAddress, InvalidSize, AlreadyExists, OutOfMemory } = MemoryContext.Result;
/** Raspberry Pi 2/3 peripherals (BCM2836/7); the Raspberry Pi 1 (BCM2835) has them at 0x20000000. */
export const ARMDefaultIOBase = 0x3f000000;
export const ARMDefaultIOSize = 128 * 1024 * 1024;
/** Where a small page's shadow word (the kernel's software bits) lives, from its table page. */
export const ARMShadowOffset = TableSize;
/** The shadow word's copy-on-write bit. */
export const ARMShadowCopyOnWrite = 0x1;

export interface ARMPagingOptions extends MemoryContextOptions {
  /** An existing first-level table (the kernel's): initialize() then does nothing. */
  directory?: number;
  /** 7 or 6: which first-level bit is read-only (APX). Default: the ARMMMU's version, else 7. */
  version?: ARMVersion;
  /** Physical base of the core's RAM, where KernelData is mapped. Default: the allocator's base. */
  physicalBase?: number;
  /** The I/O window, mapped identically (virt = phys) as R|W|Device sections. Default 0x3F000000. */
  ioBase?: number;
  /** Its size, a multiple of 1 MiB; 0 maps no I/O window. Default 128 MiB. */
  ioSize?: number;
}

export class ARMPaging extends MemoryContext {
  readonly sectionSize = SectionSize;
  readonly rootSize = DirectorySize;
  readonly version: ARMVersion;
  readonly physicalBase: number;
  readonly ioBase: number;
  readonly ioSize: number;
  private directory: number;
  /** Whether the first-level table exists (given, or allocated by initialize()). */
  private hasDirectory: boolean;
  /** Whether initialize() allocated the table (then destroy() frees its 4 pages). */
  private ownsDirectory = false;
  /** The first-level read-only bit of this version. */
  private readonly sectionReadOnly: number;

  constructor(map: MemoryMap, allocator: SplitAllocator, options: ARMPagingOptions) {
    super(map, allocator, { name: 'ARMPaging', ...options });
    this.directory = options.directory ?? 0;
    this.hasDirectory = options.directory !== undefined;
    this.version = options.version ?? (options.mmu instanceof ARMMMU ? options.mmu.version : 7);
    this.sectionReadOnly = firstLevelReadOnly(this.version);
    this.physicalBase = options.physicalBase ?? allocator.base();
    this.ioBase = options.ioBase ?? ARMDefaultIOBase;
    this.ioSize = options.ioSize ?? ARMDefaultIOSize;
  }

  root(): number {
    return this.directory;
  }

  /**
   * Allocates the first-level table (16 KiB, 16 KiB aligned: 4 pages) and zeroes it, maps
   * KernelData as R|W|X sections onto the core's RAM, then unmaps the I/O window section by section
   * and maps it again as R|W|Device sections. OutOfMemory when no aligned 16 KiB is free; a failing
   * mapLarge() is returned as is. Success at once when the context was given an existing table.
   */
  initialize(): MemoryContext.Result {
    if (this.hasDirectory) return Success;
    const phys: Allocator.Range = { address: 0, size: DirectorySize, alignment: DirectorySize };
    const virt: Allocator.Range = { address: 0, size: 0, alignment: 0 };
    if (this.allocator.allocate(phys, virt) !== Allocator.Result.Success) return OutOfMemory;
    this.directory = phys.address;
    this.hasDirectory = true;
    this.ownsDirectory = true;
    this.memory.fill(this.directory, 0, DirectorySize);
    const kernel = this.memoryMap.range(Region.KernelData);
    const rwx = Memory.Readable | Memory.Writable | Memory.Executable;
    const mapped = this.mapLarge({ virt: kernel.virt, phys: this.physicalBase, size: kernel.size, access: rwx });
    if (mapped !== Success) return mapped;
    for (let i = 0; i < this.ioSize; i += SectionSize) this.unmap((this.ioBase + i) >>> 0);
    const device = Memory.Readable | Memory.Writable | Memory.Device;
    return this.mapLarge({ virt: this.ioBase, phys: this.ioBase, size: this.ioSize, access: device });
  }

  /** Loads the first-level table (with initMMU FreeNOS also enables the MMU; here both just load it). */
  override activate(initMMU = false): MemoryContext.Result {
    return super.activate(initMMU);
  }

  /** Frees the 4 pages of the first-level table, one by one, if initialize() allocated it. Tables are not touched. */
  destroy(): void {
    if (this.ownsDirectory) {
      for (let page = 0; page < DirectorySize; page += PAGESIZE) this.allocator.release(this.directory + page);
    }
    this.ownsDirectory = false;
  }

  /**
   * One small page. AlreadyExists when the 1 MiB is a section, or the page is present. A missing
   * second-level table is made first: one page (1 KiB asked, page aligned), zeroed, entered as
   * tablePhys | Table; OutOfMemory when no page is free. The entry is (phys & PageMask) | Present | flags.
   */
  map(virt: number, phys: number, access: number): MemoryContext.Result {
    const firstAddress = this.firstLevelAddress(virt);
    let first = this.readEntry(firstAddress);
    if (!(first & ARMFirstLevel.Table)) {
      if (first & ARMFirstLevel.Section) return AlreadyExists;
      const table: Allocator.Range = { address: 0, size: TableSize, alignment: PAGESIZE };
      if (this.allocator.allocate(table) !== Allocator.Result.Success) return OutOfMemory;
      this.memory.fill(table.address, 0, PAGESIZE);
      first = (table.address | ARMFirstLevel.Table) >>> 0;
      this.writeEntry('directory', firstAddress, first, virt);
    }
    const secondAddress = secondLevelAddress(first, virt);
    if (this.readEntry(secondAddress) & ARMSecondLevel.Present) return AlreadyExists;
    this.writePage(secondAddress, ((phys & PageMask) | ARMSecondLevel.Present | pageFlags(access)) >>> 0, virt, false);
    if (this.isActive()) this.mmu.invalidate(virt);
    return Success;
  }

  /**
   * Maps range.size bytes as 1 MiB sections (kernel and boot use): InvalidSize unless size is a
   * multiple of 1 MiB, InvalidAddress unless phys and virt are page aligned. Entry i is
   * (phys + i MiB) | Section | flags, phys unmasked. Stops with AlreadyExists at the first entry that
   * is already a table or a section; the sections written before it stay. No TLB maintenance: only
   * empty entries are filled, and the TLB never holds a failed translation.
   */
  mapLarge(range: Memory.Range): MemoryContext.Result {
    if (range.size % SectionSize !== 0) return InvalidSize;
    if (range.phys % PAGESIZE !== 0 || range.virt % PAGESIZE !== 0) return InvalidAddress;
    for (let i = 0; i < range.size; i += SectionSize) {
      const virt = (range.virt + i) >>> 0;
      const address = this.firstLevelAddress(virt);
      if (this.readEntry(address) & (ARMFirstLevel.Table | ARMFirstLevel.Section)) return AlreadyExists;
      const entry = (((range.phys + i) >>> 0) | ARMFirstLevel.Section | this.sectionFlags(range.access)) >>> 0;
      this.writeEntry('directory', address, entry, virt);
    }
    return Success;
  }

  /**
   * Clears the small page's entry (Success even if it was not mapped). Without a second-level
   * table: a section entry is cleared, the whole 1 MiB with it (Success); else InvalidAddress.
   */
  unmap(virt: number): MemoryContext.Result {
    const firstAddress = this.firstLevelAddress(virt);
    const first = this.readEntry(firstAddress);
    if (!(first & ARMFirstLevel.Table)) {
      if (!(first & ARMFirstLevel.Section)) return InvalidAddress;
      this.writeEntry('directory', firstAddress, 0, virt);
      if (this.isActive()) this.mmu.load(this.directory);
      return Success;
    }
    this.writePage(secondLevelAddress(first, virt), 0, virt, false);
    if (this.isActive()) this.mmu.invalidate(virt);
    return Success;
  }

  /** The small page's frame, or for a section its base + virt's page offset in the 1 MiB. */
  lookup(virt: number): { result: MemoryContext.Result; phys: number } {
    const first = this.readEntry(this.firstLevelAddress(virt));
    if (!(first & ARMFirstLevel.Table)) {
      if (!(first & ARMFirstLevel.Section)) return { result: InvalidAddress, phys: 0 };
      return { result: Success, phys: ((first & SectionMask) + (virt & ~SectionMask & PageMask)) >>> 0 };
    }
    const second = this.readEntry(secondLevelAddress(first, virt));
    if (!(second & ARMSecondLevel.Present)) return { result: InvalidAddress, phys: 0 };
    return { result: Success, phys: (second & PageMask) >>> 0 };
  }

  /**
   * A small page's flags: Readable, User if AP-user, Writable unless read-only, and the caching:
   * Buffer -> Device, else TEX -> Uncached, else InnerCached|OuterCached. Write-back pages have
   * Buffer too, so they read as Device (FreeNOS quirk). Sections and unmapped pages: InvalidAddress.
   */
  access(virt: number): { result: MemoryContext.Result; access: number } {
    const first = this.readEntry(this.firstLevelAddress(virt));
    if (!(first & ARMFirstLevel.Table)) return { result: InvalidAddress, access: 0 };
    const second = this.readEntry(secondLevelAddress(first, virt));
    if (!(second & ARMSecondLevel.Present)) return { result: InvalidAddress, access: 0 };
    let access: number = Memory.Readable;
    if (second & ARMSecondLevel.AccessUser) access |= Memory.User;
    if (!(second & ARMSecondLevel.ReadOnly)) access |= Memory.Writable;
    if (second & ARMSecondLevel.Buffer) access |= Memory.Device;
    else if (second & ARMSecondLevel.TypeExtension) access |= Memory.Uncached;
    else access |= Memory.InnerCached | Memory.OuterCached;
    return { result: Success, access };
  }

  releaseRange(range: Memory.Range): MemoryContext.Result {
    for (let i = 0; i < range.size; i += PAGESIZE) {
      const virt = (range.virt + i) >>> 0;
      const first = this.readEntry(this.firstLevelAddress(virt));
      if (!(first & ARMFirstLevel.Table)) return InvalidAddress;
      const secondAddress = secondLevelAddress(first, virt);
      const second = this.readEntry(secondAddress);
      if (!(second & ARMSecondLevel.Present)) return InvalidAddress;
      this.freePage((second & PageMask) >>> 0);
      this.writePage(secondAddress, 0, virt, false);
      if (this.isActive()) this.mmu.invalidate(virt);
    }
    return Success;
  }

  /**
   * range.virt must be 1 MiB aligned (else InvalidAddress). For each 1 MiB the range overlaps that
   * has a second-level table: frees its mapped pages (unless tablesOnly), then the table page, and
   * clears the first-level entry. Sections and empty entries are skipped.
   */
  releaseSection(range: Memory.Range, tablesOnly = false): MemoryContext.Result {
    if ((range.virt & ~SectionMask) !== 0) return InvalidAddress;
    for (let section = range.virt; section - range.virt < range.size; section += SectionSize) {
      const firstAddress = this.firstLevelAddress(section);
      const first = this.readEntry(firstAddress);
      if (!(first & ARMFirstLevel.Table)) continue;
      const table = (first & TableMask) >>> 0;
      if (!tablesOnly) {
        for (let i = 0; i < TableEntries; i++) {
          const second = this.readEntry(table + i * 4);
          if (second & ARMSecondLevel.Present) this.freePage((second & PageMask) >>> 0);
        }
      }
      this.allocator.release((table & PageMask) >>> 0);
      this.writeEntry('directory', firstAddress, 0, section >>> 0);
    }
    if (this.isActive()) this.mmu.load(this.directory);
    return Success;
  }

  /** Every present small page in [range.virt, range.virt + range.size): page, frame, raw entry and flags. */
  mappings(range: { virt: number; size: number }): Mapping[] {
    const out: Mapping[] = [];
    const end = range.virt + range.size;
    for (let section = range.virt - (range.virt % SectionSize); section < end; section += SectionSize) {
      const first = this.readEntry(this.firstLevelAddress(section));
      if (!(first & ARMFirstLevel.Table)) continue;
      const table = (first & TableMask) >>> 0;
      const firstIndex = Math.max(0, Math.floor((range.virt - section) / PAGESIZE));
      const lastIndex = Math.min(TableEntries, Math.ceil((end - section) / PAGESIZE));
      for (let i = firstIndex; i < lastIndex; i++) {
        const entry = this.readEntry(table + i * 4);
        if (!(entry & ARMSecondLevel.Present)) continue;
        out.push({ virt: section + i * PAGESIZE, phys: (entry & PageMask) >>> 0, entry, access: pageAccess(entry),
          copyOnWrite: (this.readEntry(table + ARMShadowOffset + i * 4) & ARMShadowCopyOnWrite) !== 0 });
      }
    }
    return out;
  }

  /** Rewrites virt's present small page as frame | Present | the flags of the new access, and its shadow word. */
  remap(virt: number, change: MappingChange): MemoryContext.Result {
    const first = this.readEntry(this.firstLevelAddress(virt));
    if (!(first & ARMFirstLevel.Table)) return InvalidAddress;
    const address = secondLevelAddress(first, virt);
    const entry = this.readEntry(address);
    if (!(entry & ARMSecondLevel.Present)) return InvalidAddress;
    const phys = change.phys ?? entry & PageMask;
    const access = change.access ?? pageAccess(entry);
    const copyOnWrite = change.copyOnWrite ?? (this.readEntry(address + ARMShadowOffset) & ARMShadowCopyOnWrite) !== 0;
    this.writePage(address, ((phys & PageMask) | ARMSecondLevel.Present | pageFlags(access)) >>> 0, virt, copyOnWrite);
    if (this.isActive()) this.mmu.invalidate(virt);
    return Success;
  }

  /** First-level entries that are a table or a section; a section has no table. */
  directoryEntries(): TopLevelEntry[] {
    const out: TopLevelEntry[] = [];
    for (let i = 0; i < DirectoryEntries; i++) {
      const value = this.readEntry(this.directory + i * 4);
      if (value & ARMFirstLevel.Table) out.push({ index: i, value, table: (value & PageMask) >>> 0 });
      else if (value & ARMFirstLevel.Section) out.push({ index: i, value, table: null });
    }
    return out;
  }

  /** First-level bits for `access`: the flag computation with this version's read-only bit. */
  private sectionFlags(access: number): number {
    return flags(access, {
      system: ARMFirstLevel.AccessSystem, noExecute: ARMFirstLevel.NoExecute, user: ARMFirstLevel.AccessUser,
      readOnly: this.sectionReadOnly, buffer: ARMFirstLevel.Buffer, cache: ARMFirstLevel.Cache,
      typeExtension: ARMFirstLevel.TypeExtension,
    });
  }

  private firstLevelAddress(virt: number): number {
    return (this.directory + directoryIndex(virt) * 4) >>> 0;
  }

  /** The word at `address`; 0 (nothing mapped) when it lies outside physical memory. */
  private readEntry(address: number): number {
    const value = this.memory.read32(address);
    return value === Fault ? 0 : value;
  }

  private writeEntry(level: 'directory' | 'table', address: number, value: number, virt: number): void {
    this.memory.write32(address, value);
    this.log?.push({ type: 'entry', context: this.name, level, address, value, virt });
  }

  /** Writes a small-page entry and its shadow word (which holds only the copy-on-write bit). */
  private writePage(address: number, value: number, virt: number, copyOnWrite: boolean): void {
    this.writeEntry('table', address, value, virt);
    this.memory.write32(address + ARMShadowOffset, copyOnWrite ? ARMShadowCopyOnWrite : 0);
  }
}

/** Physical address of virt's entry in the second-level table that first-level entry `first` points at. */
function secondLevelAddress(first: number, virt: number): number {
  return ((first & TableMask) + tableIndex(virt) * 4) >>> 0;
}

/**
 * Memory.Access flags of a small-page entry, as the hardware means them: Readable; User, Writable,
 * Executable from AP-user, APX, No-execute; Device (Buffer alone), Uncached (TEX alone), else
 * InnerCached|OuterCached (write-back). pageFlags() of the result gives the entry's flags back.
 */
function pageAccess(entry: number): number {
  let access: number = Memory.Readable;
  if (entry & ARMSecondLevel.AccessUser) access |= Memory.User;
  if (!(entry & ARMSecondLevel.ReadOnly)) access |= Memory.Writable;
  if (!(entry & ARMSecondLevel.NoExecute)) access |= Memory.Executable;
  const caching = entry & (ARMSecondLevel.Buffer | ARMSecondLevel.Cache | ARMSecondLevel.TypeExtension);
  if (caching === ARMSecondLevel.Buffer) access |= Memory.Device;
  else if (caching === ARMSecondLevel.TypeExtension) access |= Memory.Uncached;
  else access |= Memory.InnerCached | Memory.OuterCached;
  return access;
}

/** Second-level (small page) bits for `access`. */
function pageFlags(access: number): number {
  return flags(access, {
    system: ARMSecondLevel.AccessSystem, noExecute: ARMSecondLevel.NoExecute, user: ARMSecondLevel.AccessUser,
    readOnly: ARMSecondLevel.ReadOnly, buffer: ARMSecondLevel.Buffer, cache: ARMSecondLevel.Cache,
    typeExtension: ARMSecondLevel.TypeExtension,
  });
}

/**
 * The flag computation of both levels: AP-system always; No-execute unless Executable; AP-user if
 * User; read-only unless Writable; Device -> Buffer only, else Uncached -> TEX only, else
 * write-back TEX|Cache|Buffer. Readable has no bit.
 */
function flags(access: number, bits: {
  system: number; noExecute: number; user: number; readOnly: number; buffer: number; cache: number; typeExtension: number;
}): number {
  let value = bits.system;
  if (!(access & Memory.Executable)) value |= bits.noExecute;
  if (access & Memory.User) value |= bits.user;
  if (!(access & Memory.Writable)) value |= bits.readOnly;
  if (access & Memory.Device) value |= bits.buffer;
  else if (access & Memory.Uncached) value |= bits.typeExtension;
  else value |= bits.typeExtension | bits.cache | bits.buffer;
  return value;
}
