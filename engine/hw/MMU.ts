// MMU: translates virtual addresses through page tables that live in emulated physical memory,
// caching translations in a TLB. translate() returns the physical address, or a PageFault
// (always negative, so it cannot be mistaken for an address). PagedMMU is what every table walker
// shares (TLB in front, permission check behind); IntelMMU walks Intel 32-bit paging (layout in
// IntelLayout.ts), ARMMMU (ARMMMU.ts) short descriptors. Writes need Writable at every level (as
// with CR0.WP set), user accesses need User at every level.
import type { PhysicalMemory } from './PhysicalMemory';
import { Fault } from './MemoryBus';
import { IntelEntry, PageMask, directoryIndex, tableIndex } from './IntelLayout';
import { TLB } from './TLB';

export type AccessKind = 'read' | 'write' | 'execute';

/** Why a translation failed. Fault (-1) itself means a table lies outside physical memory. */
export enum PageFault {
  NotPresent = -2,
  ReadOnly = -3,
  KernelOnly = -4,
}

/** One translation explained step by step, for the Machine Explorer's translator. */
export interface WalkStep {
  level: 'directory' | 'table';
  index: number;
  /** Physical address of the entry, and its value (Fault if unreadable). */
  address: number;
  entry: number;
}

export interface Walk {
  virt: number;
  steps: WalkStep[];
  /** Physical address, or a PageFault / Fault. */
  result: number;
  /** Effective User/Writable bits found, when the walk reached a page. */
  flags: number;
  tlb: 'hit' | 'miss';
}

export interface MMU {
  readonly tlb: TLB;
  /** Physical address of the top-level table in use (CR3 / TTBR0), 0 before the first load. */
  root(): number;
  /** Switches to another top-level table; flushes the TLB as loading CR3 does. */
  load(root: number): void;
  /** Drops one page from the TLB after its entry changed (x86 invlpg). */
  invalidate(virt: number): void;
  /** Physical address of `virt` for an access of `kind` from user (true) or kernel mode. */
  translate(virt: number, kind: AccessKind, user: boolean): number;
  /** The same translation with every entry read shown; fills the TLB like translate(). */
  walk(virt: number, kind: AccessKind, user: boolean): Walk;
}

/** The permission bits a TLB slot and a Walk carry, on every architecture (Intel's own bit values). */
export enum TLBFlag {
  Writable = 0x2,
  User = 0x4,
}

/**
 * What every table-walking MMU shares: the TLB in front, the permission check behind. A subclass
 * supplies walkTables(): the frame of a page read from its tables, setting lastFlags to TLBFlag bits.
 */
export abstract class PagedMMU implements MMU {
  readonly tlb: TLB;
  private top = 0;
  /** TLBFlag bits of the last successful walkTables(). */
  protected lastFlags = 0;

  constructor(readonly memory: PhysicalMemory, tlbEntries = 64) {
    this.tlb = new TLB(tlbEntries);
  }

  root(): number {
    return this.top;
  }

  load(root: number): void {
    this.top = root >>> 0;
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

  /** The frame base of `virt`'s page from the tables, or a fault; records each entry read in `steps`. */
  protected abstract walkTables(virt: number, steps: WalkStep[] | null): number;
}

export class IntelMMU extends PagedMMU {
  constructor(memory: PhysicalMemory, options: { tlbEntries?: number } = {}) {
    super(memory, options.tlbEntries ?? 64);
  }

  protected walkTables(virt: number, steps: WalkStep[] | null): number {
    const pdeAddress = this.root() + directoryIndex(virt) * 4;
    const pde = this.memory.read32(pdeAddress);
    steps?.push({ level: 'directory', index: directoryIndex(virt), address: pdeAddress, entry: pde });
    if (pde === Fault) return Fault;
    if (!(pde & IntelEntry.Present)) return PageFault.NotPresent;
    if (pde & IntelEntry.Large) {
      this.lastFlags = pde & (IntelEntry.Writable | IntelEntry.User);
      return ((pde & 0xffc00000) + (virt & 0x3ff000)) >>> 0;
    }
    const pteAddress = ((pde & PageMask) + tableIndex(virt) * 4) >>> 0;
    const pte = this.memory.read32(pteAddress);
    steps?.push({ level: 'table', index: tableIndex(virt), address: pteAddress, entry: pte });
    if (pte === Fault) return Fault;
    if (!(pte & IntelEntry.Present)) return PageFault.NotPresent;
    this.lastFlags = pde & pte & (IntelEntry.Writable | IntelEntry.User);
    return (pte & PageMask) >>> 0;
  }
}

/** The physical address, or the fault the permission flags call for. */
function check(frame: number, flags: number, virt: number, kind: AccessKind, user: boolean): number {
  if (user && !(flags & TLBFlag.User)) return PageFault.KernelOnly;
  if (kind === 'write' && !(flags & TLBFlag.Writable)) return PageFault.ReadOnly;
  return frame + (virt & 0xfff);
}
