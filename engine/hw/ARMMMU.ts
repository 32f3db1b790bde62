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
// in ARMTLBFlag's encoding, the same values as IntelEntry's Writable and User so that views read
// TLB and walk flags alike on both architectures.
import type { PhysicalMemory } from './PhysicalMemory';
import { Fault } from './MemoryBus';
import {
  ARMFirstLevel, ARMSecondLevel, PageMask, SectionMask, TableMask, directoryIndex, firstLevelReadOnly, tableIndex,
  type ARMVersion,
} from './ARMLayout';
import { PageFault, type AccessKind, type MMU, type Walk, type WalkStep } from './MMU';
import { TLB } from './TLB';

/** The TLB's and Walk's flags on ARM: what the entry allows, whatever bits it spelled that with. */
export enum ARMTLBFlag {
  Writable = 0x2,
  User = 0x4,
}

export interface ARMMMUOptions {
  /** TLB slots; 0 turns the TLB off. Default 64. */
  tlbEntries?: number;
  /** 7 (default) or 6: which first-level bit is read-only (APX). */
  version?: ARMVersion;
}

export class ARMMMU implements MMU {
  readonly tlb: TLB;
  readonly version: ARMVersion;
  /** The first-level read-only bit of this version. */
  private readonly sectionReadOnly: number;
  private ttbr0 = 0;

  constructor(readonly memory: PhysicalMemory, options: ARMMMUOptions = {}) {
    this.tlb = new TLB(options.tlbEntries ?? 64);
    this.version = options.version ?? 7;
    this.sectionReadOnly = firstLevelReadOnly(this.version);
  }

  root(): number {
    return this.ttbr0;
  }

  /** Sets TTBR0 and flushes the TLB (FreeNOS flushes it whenever it switches tables). */
  load(root: number): void {
    this.ttbr0 = root >>> 0;
    this.tlb.flush();
  }

  invalidate(virt: number): void {
    this.tlb.invalidate(virt >>> 12);
  }

  translate(virt: number, kind: AccessKind, user: boolean): number {
    const page = virt >>> 12;
    const slot = this.tlb.find(page);
    let frame: number;
    let flags: number;
    if (slot >= 0) {
      frame = this.tlb.frameAt(slot);
      flags = this.tlb.flagsAt(slot);
    } else {
      const found = this.walkTables(virt, null);
      if (found < 0) return found;
      frame = found;
      flags = this.lastFlags;
      this.tlb.fill(page, frame, flags);
    }
    return check(frame, flags, virt, kind, user);
  }

  walk(virt: number, kind: AccessKind, user: boolean): Walk {
    const steps: WalkStep[] = [];
    const page = virt >>> 12;
    const slot = this.tlb.find(page);
    if (slot >= 0) {
      const flags = this.tlb.flagsAt(slot);
      return { virt, steps, result: check(this.tlb.frameAt(slot), flags, virt, kind, user), flags, tlb: 'hit' };
    }
    const found = this.walkTables(virt, steps);
    if (found < 0) return { virt, steps, result: found, flags: 0, tlb: 'miss' };
    this.tlb.fill(page, found, this.lastFlags);
    return { virt, steps, result: check(found, this.lastFlags, virt, kind, user), flags: this.lastFlags, tlb: 'miss' };
  }

  /** Effective flags of the last successful walkTables(). */
  private lastFlags = 0;

  /** The frame base of `virt`'s page from the tables, or a fault; records steps when given. */
  private walkTables(virt: number, steps: WalkStep[] | null): number {
    const firstAddress = (this.ttbr0 + directoryIndex(virt) * 4) >>> 0;
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

/** ARMTLBFlag bits for an entry: User when it has the AP-user bit, Writable when not read-only. */
function allowed(entry: number, userBit: number, readOnlyBit: number): number {
  return (entry & userBit ? ARMTLBFlag.User : 0) | (entry & readOnlyBit ? 0 : ARMTLBFlag.Writable);
}

/** The physical address, or the fault the permission flags call for. */
function check(frame: number, flags: number, virt: number, kind: AccessKind, user: boolean): number {
  if (user && !(flags & ARMTLBFlag.User)) return PageFault.KernelOnly;
  if (kind === 'write' && !(flags & ARMTLBFlag.Writable)) return PageFault.ReadOnly;
  return frame + (virt & 0xfff);
}
