// ARMMMU: the MMU of an ARMv6/v7 core with short descriptors (layout in ARMLayout.ts), behind the
// same MMU interface as IntelMMU. root() is TTBR0: the first-level table, 4096 words in physical
// memory. A first-level entry with Table points at a 256-word second-level table of small pages; one
// with Section maps a whole 1 MiB; one with neither faults (Table is tested first, as the kernel does).
//
// Permissions come from the AP bits of the entry that mapped the page (a section's own bits, or the
// small page's: a first-level table entry has none): a user access needs AP-user, else KernelOnly;
// a write needs APX (read-only) clear, else ReadOnly, in kernel mode too. Simplifications: AP-system
// is not checked (FreeNOS sets it in every entry), No-execute is not enforced (there is no fault
// value for it) and 64 KiB large pages read as NotPresent (FreeNOS writes none).
//
// Version: ARMv7 by default; { version: 6 } takes the first-level read-only bit from 0x200 instead
// of 0x8000. The TLB caches each 4 KiB page (a section fills one slot per page touched) with flags
// as TLBFlag bits (Writable 0x2, User 0x4) like Intel's, so views read TLB and walk flags alike.
import type { PhysicalMemory } from './PhysicalMemory';
import { Fault } from './MemoryBus';
import {
  ARMFirstLevel, ARMSecondLevel, PageMask, SectionMask, TableMask, directoryIndex, firstLevelReadOnly, tableIndex,
  type ARMVersion,
} from './ARMLayout';
import { PageFault, PagedMMU, TLBFlag, type WalkStep } from './MMU';

/** The TLB's and Walk's flags on ARM are the shared TLBFlag bits. */
export const ARMTLBFlag = TLBFlag;

export interface ARMMMUOptions {
  /** TLB slots; 0 turns the TLB off. Default 64. */
  tlbEntries?: number;
  /** 7 (default) or 6: which first-level bit is read-only (APX). */
  version?: ARMVersion;
}

export class ARMMMU extends PagedMMU {
  readonly version: ARMVersion;
  /** The first-level read-only bit of this version. */
  private readonly sectionReadOnly: number;

  constructor(memory: PhysicalMemory, options: ARMMMUOptions = {}) {
    super(memory, options.tlbEntries ?? 64);
    this.version = options.version ?? 7;
    this.sectionReadOnly = firstLevelReadOnly(this.version);
  }

  protected walkTables(virt: number, steps: WalkStep[] | null): number {
    const firstAddress = (this.root() + directoryIndex(virt) * 4) >>> 0;
    const first = this.memory.read32(firstAddress);
    steps?.push({ level: 'directory', index: directoryIndex(virt), address: firstAddress, entry: first });
    if (first === Fault) return Fault;
    if (!(first & ARMFirstLevel.Table)) {
      if (!(first & ARMFirstLevel.Section)) return PageFault.NotPresent;
      this.lastFlags = allowed(first, ARMFirstLevel.AccessUser, this.sectionReadOnly);
      return ((first & SectionMask) + (virt & ~SectionMask & PageMask)) >>> 0;
    }
    const secondAddress = ((first & TableMask) + tableIndex(virt) * 4) >>> 0;
    const second = this.memory.read32(secondAddress);
    steps?.push({ level: 'table', index: tableIndex(virt), address: secondAddress, entry: second });
    if (second === Fault) return Fault;
    if (!(second & ARMSecondLevel.Present)) return PageFault.NotPresent;
    this.lastFlags = allowed(second, ARMSecondLevel.AccessUser, ARMSecondLevel.ReadOnly);
    return (second & PageMask) >>> 0;
  }
}

/** TLBFlag bits for an entry: User when it has the AP-user bit, Writable when not read-only. */
function allowed(entry: number, userBit: number, readOnlyBit: number): number {
  return (entry & userBit ? TLBFlag.User : 0) | (entry & readOnlyBit ? 0 : TLBFlag.Writable);
}
