// Reference solution of 05-page-tables: FreeNOS's IntelPaging (a MemoryContext on Intel 32-bit
// two-level paging) over a heap that is physical memory for the tables. The directory is the heap's
// first page; each table is the next page heap.grow gives, taken the first time a 4 MiB section is
// mapped. Everything the grader checks lives in the heap; the class keeps only the directory's address.
import type { Heap, PageAccess, PageLookup, PageTablesExercise } from 'freenos-lab';

// MemoryContext::Result
const SUCCESS = 0;
const INVALID_ADDRESS = 1;
const ALREADY_EXISTS = 3;
const OUT_OF_MEMORY = 4;

// Memory::Access
const READABLE = 1;
const WRITABLE = 2;
const USER = 8;

// Intel entry bits
const PRESENT = 0x1;
const RW = 0x2;
const US = 0x4;
const LARGE = 0x80;

const PAGE = 4096;
const FRAME = 0xfffff000;

export default class IntelPaging implements PageTablesExercise {
  private readonly directory: number;

  constructor(private readonly heap: Heap) {
    this.directory = heap.grow(PAGE);
    for (let i = 0; i < PAGE; i += 4) heap.write32(this.directory + i, 0);
  }

  map(virt: number, phys: number, access: number): number {
    const h = this.heap;
    const pdeAt = this.pdeAddress(virt);
    let pde = h.read32(pdeAt);
    if (!(pde & PRESENT)) {
      const table = h.grow(PAGE);
      if (table === 0) return OUT_OF_MEMORY;
      for (let i = 0; i < PAGE; i += 4) h.write32(table + i, 0);
      // The directory entry's User bit comes from the mapping that made the table.
      pde = (table | PRESENT | RW | (access & USER ? US : 0)) >>> 0;
      h.write32(pdeAt, pde);
    }
    const pteAt = pteAddress(pde, virt);
    if (h.read32(pteAt) & PRESENT) return ALREADY_EXISTS;
    // FreeNOS does not mask phys: its low bits stay in the entry.
    h.write32(pteAt, (phys | PRESENT | (access & WRITABLE ? RW : 0) | (access & USER ? US : 0)) >>> 0);
    return SUCCESS;
  }

  unmap(virt: number): number {
    const pde = this.heap.read32(this.pdeAddress(virt));
    if (!(pde & PRESENT)) return INVALID_ADDRESS;
    this.heap.write32(pteAddress(pde, virt), 0);
    return SUCCESS;
  }

  lookup(virt: number): PageLookup {
    const entry = this.entry(virt);
    if (entry.section) return { result: SUCCESS, phys: entry.value };
    if (!(entry.value & PRESENT)) return { result: INVALID_ADDRESS, phys: 0 };
    return { result: SUCCESS, phys: (entry.value & FRAME) >>> 0 };
  }

  access(virt: number): PageAccess {
    const entry = this.entry(virt);
    if (entry.section || !(entry.value & PRESENT)) return { result: INVALID_ADDRESS, access: 0 };
    return { result: SUCCESS, access: READABLE | (entry.value & RW ? WRITABLE : 0) | (entry.value & US ? USER : 0) };
  }

  mapRangeContiguous(virt: number, phys: number, size: number, access: number): number {
    for (let i = 0; i < size; i += PAGE) {
      const result = this.map((virt + i) >>> 0, (phys + i) >>> 0, access);
      if (result !== SUCCESS) return result;
    }
    return SUCCESS;
  }

  private pdeAddress(virt: number): number {
    return this.directory + (virt >>> 22) * 4;
  }

  /** The entry lookup and access read: the table entry, or (a FreeNOS quirk) a non-present 4 MiB entry's target. */
  private entry(virt: number): { value: number; section: boolean } {
    const pde = this.heap.read32(this.pdeAddress(virt));
    if (!(pde & PRESENT)) {
      if (pde & LARGE) return { value: ((pde & 0xffc00000) + (virt & 0x3ff000)) >>> 0, section: true };
      return { value: 0, section: false };
    }
    return { value: this.heap.read32(pteAddress(pde, virt)), section: false };
  }
}

/** The address of virt's entry in the table a present directory entry points at. */
function pteAddress(pde: number, virt: number): number {
  return ((pde & FRAME) + ((virt >>> 12) & 0x3ff) * 4) >>> 0;
}
