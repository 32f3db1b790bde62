// TLB: the MMU's cache of recent translations. Direct-mapped: virtual page v can only live in
// slot v % entries, so a lookup is one compare. Each slot holds the page's frame and the
// permission bits the walk found (directory AND table). Hits, misses and flushes are counted.

export interface TLBEntry {
  /** Virtual page number (va >>> 12). */
  page: number;
  /** Physical frame base (a multiple of 4096). */
  frame: number;
  /** Effective permission bits: IntelEntry.Writable | IntelEntry.User, as both levels allow. */
  flags: number;
}

export interface TLBCounters {
  hits: number;
  misses: number;
  /** Single-page invalidations (invlpg) and whole flushes (CR3 loads). */
  invalidations: number;
  flushes: number;
}

export class TLB {
  /** Page number per slot, -1 when the slot is empty. */
  private readonly pages: Int32Array;
  private readonly frames: Uint32Array;
  private readonly flags: Uint8Array;
  readonly counters: TLBCounters = { hits: 0, misses: 0, invalidations: 0, flushes: 0 };

  /** `entries` slots (at least 1); 0 disables the TLB: every translation walks the tables. */
  constructor(readonly entries: number = 64) {
    if (!Number.isInteger(entries) || entries < 0 || entries > 65536) {
      throw new RangeError(`TLB: entries must be an integer from 0 to 65536, got ${entries}`);
    }
    const slots = Math.max(1, entries);
    this.pages = new Int32Array(slots).fill(-1);
    this.frames = new Uint32Array(slots);
    this.flags = new Uint8Array(slots);
  }

  /** The slot index of `page` when the TLB holds it (counted as a hit), else -1 (a miss). */
  find(page: number): number {
    if (this.entries > 0) {
      const slot = page % this.entries;
      if (this.pages[slot] === page) {
        this.counters.hits++;
        return slot;
      }
    }
    this.counters.misses++;
    return -1;
  }

  frameAt(slot: number): number {
    return this.frames[slot]!;
  }

  flagsAt(slot: number): number {
    return this.flags[slot]!;
  }

  /** Remembers a translation, evicting whatever held its slot. */
  fill(page: number, frame: number, flags: number): void {
    if (this.entries === 0) return;
    const slot = page % this.entries;
    this.pages[slot] = page;
    this.frames[slot] = frame;
    this.flags[slot] = flags;
  }

  /** Forgets one page (x86 invlpg). */
  invalidate(page: number): void {
    this.counters.invalidations++;
    if (this.entries === 0) return;
    const slot = page % this.entries;
    if (this.pages[slot] === page) this.pages[slot] = -1;
  }

  /** Forgets everything (loading CR3 does this). */
  flush(): void {
    this.counters.flushes++;
    this.pages.fill(-1);
  }

  /** The valid entries, for the views. */
  contents(): TLBEntry[] {
    const out: TLBEntry[] = [];
    this.pages.forEach((page, slot) => {
      if (page >= 0) out.push({ page, frame: this.frames[slot]!, flags: this.flags[slot]! });
    });
    return out;
  }
}
