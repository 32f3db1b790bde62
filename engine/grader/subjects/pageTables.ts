// The page-tables subject (exercise 05-page-tables): the student's class is FreeNOS's IntelPaging, a
// MemoryContext on Intel 32-bit two-level paging, with a numeric API (lab.ts PageTablesExercise),
// built as new C(heap). The heap plays physical memory for the tables: the page directory is its
// first page (heap.grow(4096) in the constructor, at 0x10000000), and every table map() creates is
// the next heap.grow(4096) (the break stays page aligned); when the heap refuses, map() answers
// OutOfMemory. Scenarios map pages in a few hot 4 MiB sections (so tables are shared, pages mapped
// twice, unmapped and mapped again), look up and read the access of mapped, unmapped and
// never-tabled addresses (with byte offsets), map contiguous ranges across section ends, pass
// physical addresses that are not page aligned now and then (FreeNOS keeps their low bits in the
// entry), and run out of table pages. After every call the grader compares the directory entry and
// the table entry the call touched; after the last, the whole directory and every table. And for
// every lookup and access of a page FreeNOS has mapped, the engine's IntelMMU walks the student's
// tables in the student's heap: its translation must be the page FreeNOS maps there.
// The oracle is the engine's IntelPaging in release mode over a PhysicalMemory, with the directory
// at 0x10000000 and table frames handed out as the student's heap.grow hands them out.
import { HeapParent } from './heapParent';
import { readOptions } from './options';
import { hex32 } from '../../format';
import { IntelMMU } from '../../hw/MMU';
import { IntelEntry, PageSize, directoryIndex, tableIndex } from '../../hw/IntelLayout';
import { PhysicalMemory } from '../../hw/PhysicalMemory';
import { IntelPaging } from '../../kernel/IntelPaging';
import { Memory } from '../../kernel/Memory';
import { MemoryContext } from '../../kernel/MemoryContext';
import type { MemoryMap } from '../../kernel/MemoryMap';
import type { SplitAllocator } from '../../kernel/SplitAllocator';
import { Random } from '../../workload/Random';
import type { Call, MemoryCheck, Scenario, Subject } from '../Conformance';

type Options = Record<string, number | string>;

/** The sandbox heap's first address (and LocalApiTarget's): the page directory. */
export const DirectoryBase = 0x10000000;
const KiB = 1024;

const defaults = {
  seed: 1,
  /** Calls per scenario. */
  ops: 150,
  /** Table pages the heap holds after the directory; 'random': 2, 3, 4, 6 or 8. */
  tables: 'random',
  /** Hot 4 MiB sections most addresses fall in. */
  sections: 4,
  /** Share of calls that unmap a page. */
  unmaps: 0.15,
  /** Share of calls that look a page up, or read its access. */
  lookups: 0.3,
  /** Share of calls that map a contiguous range (mapRangeContiguous). */
  ranges: 0.08,
  /** Share of physical addresses that are not page aligned. */
  unaligned: 0.05,
};

export const pageTablesSubject: Subject = {
  name: 'page-tables',
  describe: 'an IntelPaging class (new C(heap)) with map(virt, phys, access), unmap(virt), lookup(virt), access(virt) and mapRangeContiguous(virt, phys, size, access), its page directory and tables in the heap as FreeNOS writes them',
  methods: ['map', 'unmap', 'lookup', 'access', 'mapRangeContiguous'],
  defaults: { ...defaults },
  scenario,
  oracle,
  withHeap: true,
  heapLimit: 64 * KiB,
  memory,
};

interface Engine {
  memory: PhysicalMemory;
  paging: IntelPaging;
}

export function engine(s: Scenario): Engine {
  const memory = new PhysicalMemory();
  // heap.grow(4096) as the frame allocator: each table is the next page after the directory.
  const frames = new HeapParent('heap frames', DirectoryBase, s.heapLimit ?? pageTablesSubject.heapLimit!, DirectoryBase + PageSize) as unknown as SplitAllocator;
  // Only findFree reads the memory map; the subject never calls it.
  const paging = new IntelPaging({} as MemoryMap, frames, { memory, mmu: new IntelMMU(memory), mode: 'release', directory: DirectoryBase });
  return { memory, paging };
}

/** The engine's answer to one call (plain data); throws RangeError for a method the subject lacks. */
export function answer(paging: IntelPaging, call: Call): unknown {
  const [a = 0, b = 0, c = 0, d = 0] = call.args;
  switch (call.method) {
    case 'map':
      return paging.map(a, b, c);
    case 'unmap':
      return paging.unmap(a);
    case 'lookup':
      return paging.lookup(a);
    case 'access':
      return paging.access(a);
    case 'mapRangeContiguous':
      return paging.mapRangeContiguous({ virt: a, phys: b, size: c, access: d });
    default:
      throw new RangeError(`page-tables: no method ${call.method}`);
  }
}

function oracle(s: Scenario): unknown[] {
  const { paging } = engine(s);
  return s.calls.map((call) => answer(paging, call));
}


/** The pages a call touches (map, unmap: one; mapRangeContiguous: each page it tries). */
function touched(call: Call): number[] {
  const [virt = 0, , size = 0] = call.args;
  if (call.method === 'map' || call.method === 'unmap') return [virt];
  if (call.method !== 'mapRangeContiguous') return [];
  const out: number[] = [];
  for (let i = 0; i < size; i += PageSize) out.push((virt + i) >>> 0);
  return out;
}

/**
 * After each call: the directory entry and table entry of each page it touched; for a lookup or
 * access of a page the engine has mapped, the emulated MMU's walk of the student's tables; after
 * the last call, the whole directory and every table.
 */
function memory(s: Scenario): MemoryCheck[][] {
  const { memory: mem, paging } = engine(s);
  const bytes = (address: number, length: number): number[] => Array.from({ length }, (_, i) => mem.read8(address + i));
  const directoryEntry = (virt: number): MemoryCheck => {
    const at = DirectoryBase + directoryIndex(virt) * 4;
    return { address: at, bytes: bytes(at, 4), what: `the directory entry for ${hex32(virt & 0xffc00000)} (index ${hex32(directoryIndex(virt))})`, words: ['table | flags'] };
  };
  const tableEntry = (virt: number, pde: number): MemoryCheck => {
    const at = ((pde & 0xfffff000) + tableIndex(virt) * 4) >>> 0;
    return { address: at, bytes: bytes(at, 4), what: `the table entry for ${hex32(virt & 0xfffff000)} (index ${hex32(tableIndex(virt))})`, words: ['frame | flags'] };
  };
  const checks = s.calls.map((call) => {
    const out: MemoryCheck[] = [];
    let pages = touched(call);
    if (call.method === 'mapRangeContiguous') {
      // mapRangeContiguous with phys given is map() page by page, stopping at the first failure: the pages it reached.
      const [virt = 0, phys = 0, size = 0, access = 0] = call.args;
      let reached = 0;
      for (let i = 0; i < size; i += PageSize) {
        reached++;
        if (paging.map((virt + i) >>> 0, (phys + i) >>> 0, access) !== MemoryContext.Result.Success) break;
      }
      pages = pages.slice(0, reached);
    } else {
      answer(paging, call);
    }
    for (const virt of pages) {
      out.push(directoryEntry(virt));
      const pde = mem.read32(DirectoryBase + directoryIndex(virt) * 4);
      if (pde & IntelEntry.Present) out.push(tableEntry(virt, pde));
    }
    if (call.method === 'lookup' || call.method === 'access') {
      const virt = call.args[0]! >>> 0;
      const found = paging.lookup(virt);
      if (found.result === MemoryContext.Result.Success) out.push(walkCheck(virt, found.phys));
    }
    return out;
  });
  if (checks.length > 0) {
    const last = checks[checks.length - 1]!;
    last.push({ address: DirectoryBase, bytes: bytes(DirectoryBase, PageSize), what: `the page directory at ${hex32(DirectoryBase)}`, words: directoryWords });
    for (const entry of paging.directoryEntries()) {
      const table = entry.table!;
      const base = entry.index * 0x400000;
      last.push({ address: table, bytes: bytes(table, PageSize), what: `the table for ${hex32(base)} (directory index ${hex32(entry.index)}) at ${hex32(table)}`,
        words: Array.from({ length: 1024 }, (_, i) => `the entry for ${hex32(base + i * PageSize)} (index ${hex32(i)})`) });
    }
  }
  return checks;
}

const directoryWords = Array.from({ length: 1024 }, (_, i) => `the entry for ${hex32(i * 0x400000)} (index ${hex32(i)})`);

/** The engine's IntelMMU, loaded with the student's directory, reading the student's heap: virt must translate to `phys`. */
function walkCheck(virt: number, phys: number): MemoryCheck {
  return {
    address: virt & 0xfffff000, bytes: [], what: `the emulated MMU's walk of ${hex32(virt)}`,
    verify(read8) {
      // The student's heap as the MMU's physical memory: it reads only directory and table entries.
      const read32 = (address: number): number => (read8(address) | (read8(address + 1) << 8) | (read8(address + 2) << 16) | (read8(address + 3) << 24)) >>> 0;
      const mmu = new IntelMMU({ read32 } as unknown as PhysicalMemory);
      mmu.load(DirectoryBase);
      const walk = mmu.walk(virt, 'read', false);
      const want = (phys + (virt & 0xfff)) >>> 0;
      if (walk.result === want) return null;
      const got = walk.result >= 0 ? walk.result : 0;
      const steps = walk.steps.map((st) => `${st.level} entry ${hex32(st.index)} at ${hex32(st.address)} = ${hex32(st.entry)}`).join(', ');
      return {
        text: `the emulated MMU walking your tables translates ${hex32(virt)} to ${walk.result >= 0 ? hex32(walk.result) : 'a page fault'} (${steps}), FreeNOS's tables give ${hex32(want)}`,
        expected: want, got,
      };
    },
  };
}

interface Checked {
  seed: number;
  ops: number;
  tables: number | 'random';
  sections: number;
  unmaps: number;
  lookups: number;
  ranges: number;
  unaligned: number;
}

/** Options merged with the defaults and checked; throws RangeError naming the bad option. */
function checked(options: Options): Checked {
  const { o, int, share, seed } = readOptions('page-tables', defaults, options);
  const tables = o.tables === 'random' ? 'random' : int('tables', 0, 1024);
  const unmaps = share('unmaps'), lookups = share('lookups'), ranges = share('ranges');
  if (unmaps + lookups + ranges > 0.9) throw new RangeError(`page-tables: options 'unmaps', 'lookups' and 'ranges' must leave room for maps (sum at most 0.9), got ${unmaps + lookups + ranges}`);
  return { seed, ops: int('ops', 1, 20000), tables, sections: int('sections', 1, 64), unmaps, lookups, ranges, unaligned: share('unaligned', 1) };
}

/** A seeded scenario: see the file comment. Same options, same calls. */
function scenario(options: Options): Scenario {
  const o = checked(options);
  const rng = new Random(o.seed);
  const tables = typeof o.tables === 'number' ? o.tables : rng.pick([2, 3, 4, 6, 8]);
  const s: Scenario = { args: [], calls: [], heapLimit: (1 + tables) * PageSize };
  const calls = s.calls;
  const hot = Array.from({ length: o.sections }, () => rng.int(1024));
  const mapped: number[] = [];
  const accesses = [
    Memory.Readable, Memory.Readable | Memory.Writable, Memory.Readable | Memory.User, Memory.Readable | Memory.Writable | Memory.User,
    Memory.Readable | Memory.Executable | Memory.User, Memory.Readable | Memory.Writable | Memory.User | Memory.Uncached, Memory.None, Memory.Writable,
  ];
  const run = (method: string, ...args: number[]): void => {
    calls.push({ method, args });
  };
  const page = (): number => {
    if (mapped.length > 0 && rng.chance(0.1)) return rng.pick(mapped);
    const section = rng.chance(0.95) ? rng.pick(hot) : rng.int(1024);
    // Low table indices more often, so a section's pages meet each other.
    const index = rng.chance(0.6) ? rng.int(24) : rng.int(1024);
    return ((section << 22) | (index << 12)) >>> 0;
  };
  const frame = (): number => {
    const base = rng.range(1, 0xfffff) * PageSize;
    return (rng.chance(o.unaligned) ? base + rng.range(1, 0xfff) : base) >>> 0;
  };
  while (calls.length < o.ops) {
    const r = rng.float();
    if (r < o.unmaps) {
      const virt = mapped.length > 0 && rng.chance(0.7) ? mapped.splice(rng.int(mapped.length), 1)[0]! : page();
      run('unmap', virt);
    } else if (r < o.unmaps + o.lookups) {
      const virt = mapped.length > 0 && rng.chance(0.6) ? rng.pick(mapped) : page();
      const offset = rng.chance(0.5) ? rng.int(PageSize) : 0;
      run(rng.chance(0.6) ? 'lookup' : 'access', (virt + offset) >>> 0);
    } else if (r < o.unmaps + o.lookups + o.ranges) {
      // Some ranges end past a section, some sizes are not whole pages, a few are empty.
      const virt = rng.chance(0.4) ? ((rng.pick(hot) << 22) + (1024 - rng.range(1, 6)) * PageSize) >>> 0 : page();
      const size = rng.chance(0.05) ? 0 : rng.range(1, 12) * PageSize - (rng.chance(0.2) ? rng.range(1, 4095) : 0);
      run('mapRangeContiguous', virt, frame(), size, rng.pick(accesses));
      for (let i = 0; i < size; i += PageSize) mapped.push((virt + i) >>> 0);
    } else {
      const virt = page();
      run('map', virt, frame(), rng.pick(accesses));
      mapped.push(virt);
    }
  }
  return s;
}
