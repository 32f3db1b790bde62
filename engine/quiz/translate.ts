// translate quiz: an Intel two-level page table (IntelPaging on a SplitAllocator, 16 MiB of RAM)
// with a few seeded user mappings; which physical address does a user-mode read or write of a
// virtual address reach, or is it a page fault? The engine's IntelMMU walks the tables.
import { IntelEntry, SectionSize } from '../hw/IntelLayout';
import { Fault } from '../hw/MemoryBus';
import { IntelMMU, PageFault, type WalkStep } from '../hw/MMU';
import { PhysicalMemory } from '../hw/PhysicalMemory';
import { IntelPaging } from '../kernel/IntelPaging';
import { Memory } from '../kernel/Memory';
import { PAGESIZE } from '../kernel/MemoryContext';
import { IntelMap } from '../kernel/MemoryMap';
import { SplitAllocator } from '../kernel/SplitAllocator';
import { Random } from '../workload/Random';
import { hex32 } from '../format';
import type { Question } from './Question';

export const TranslateRAM = 16 * 1024 * 1024;

export interface TranslateMapping {
  virt: number;
  phys: number;
  /** Memory.Access flags given to map(). */
  access: number;
}

export interface TranslateSetup {
  /** Bytes taken from the page allocator before the directory (firmware, kernel). */
  reserved: number;
  mappings: TranslateMapping[];
  /** The address asked about, and how. */
  virt: number;
  kind: 'read' | 'write';
}

/** The engine's paging for `setup`: RAM, MMU (directory loaded) and the IntelPaging context. */
export function buildPaging(setup: TranslateSetup) {
  const memory = new PhysicalMemory(TranslateRAM);
  const mmu = new IntelMMU(memory);
  const range = { address: 0, size: TranslateRAM, alignment: PAGESIZE };
  const allocator = new SplitAllocator(range, range, PAGESIZE, { name: 'PhysicalMemory' });
  allocator.allocate({ address: 0, size: setup.reserved, alignment: PAGESIZE });
  const context = new IntelPaging(new IntelMap(), allocator, { memory, mmu, name: 'quiz' });
  context.initialize();
  for (const m of setup.mappings) {
    if (!allocator.isAllocated(m.phys)) allocator.allocateAt(m.phys);
    context.map(m.virt, m.phys, m.access);
  }
  mmu.load(context.root());
  return { memory, mmu, context };
}

/** The seeded machine state behind translateQuestion(seed). */
export function translateSetup(seed: number): TranslateSetup {
  const random = new Random(seed);
  const reserved = (256 + random.range(0, 63)) * PAGESIZE;
  const directories = distinct(random.range(2, 3), () => random.range(0x200, 0x3bf));
  const frames = new Set<number>();
  const mappings: TranslateMapping[] = [];
  const tables = new Map<number, number[]>();
  for (const directory of directories) {
    const indexes = distinct(random.range(2, 4), () => random.int(1024));
    tables.set(directory, indexes);
    for (const index of indexes) {
      let frame: number;
      do frame = random.range(0x400, 0xfff) * PAGESIZE; while (frames.has(frame));
      frames.add(frame);
      const access = Memory.Readable | (random.chance(0.7) ? Memory.Writable : 0) | (random.chance(0.92) ? Memory.User : 0);
      mappings.push({ virt: address(directory, index, 0), phys: frame, access });
    }
  }
  const offset = random.int(PAGESIZE);
  const r = random.float();
  let virt: number;
  if (r < 0.6) virt = random.pick(mappings).virt + offset;
  else if (r < 0.85) {
    const directory = random.pick(directories);
    const mapped = tables.get(directory)!;
    const elsewhere = directories.flatMap((d) => tables.get(d)!).filter((i) => !mapped.includes(i));
    let index = elsewhere.length > 0 && random.chance(0.5) ? random.pick(elsewhere) : random.int(1024);
    while (mapped.includes(index)) index = random.int(1024);
    virt = address(directory, index, offset);
  } else {
    let directory: number;
    do directory = random.range(0x200, 0x3bf); while (directories.includes(directory));
    virt = address(directory, (random.pick(mappings).virt >>> 12) & 0x3ff, offset);
  }
  return { reserved, mappings, virt, kind: random.chance(0.35) ? 'write' : 'read' };
}

export function translateQuestion(seed: number): Question {
  const setup = translateSetup(seed);
  const { mmu, context } = buildPaging(setup);
  const root = context.root();
  const lines = [
    `Intel two-level paging, 4 KiB pages, ${TranslateRAM / 1024 / 1024} MiB of RAM. CR3 = ${hex32(root, 8)} (the page directory).`,
    'virtual address: bits 31-22 directory index, 21-12 table index, 11-0 offset.',
    'entry bits: 0x001 Present, 0x002 Writable, 0x004 User; entry & 0xFFFFF000 = the next level\'s page.',
    '',
    `Page directory at ${hex32(root, 8)} (present entries only):`,
  ];
  const directory = context.directoryEntries();
  for (const entry of directory) lines.push(`  [${hex32(entry.index, 3)}] at ${hex32(root + entry.index * 4, 8)} = ${hex32(entry.value, 8)}`);
  for (const entry of directory) {
    const table = entry.table!;
    lines.push(`Page table at ${hex32(table, 8)} (present entries only):`);
    for (const m of context.mappings({ virt: entry.index * SectionSize, size: SectionSize })) {
      const index = (m.virt >>> 12) & 0x3ff;
      lines.push(`  [${hex32(index, 3)}] at ${hex32(table + index * 4, 8)} = ${hex32(m.entry, 8)}`);
    }
  }
  lines.push('', `A user-mode ${setup.kind} of virtual address ${hex32(setup.virt, 8)}.`,
    'Which physical address does it reach? (or "page fault")');

  const walk = mmu.walk(setup.virt, setup.kind, true);
  const fault = walk.result < 0;
  if (walk.result === Fault) throw new Error(`translate quiz ${seed}: a table lies outside RAM`);
  return {
    topic: 'translate', seed, prompt: lines.join('\n'),
    answer: fault ? 'page fault' : hex32(walk.result, 8),
    explanation: explain(setup, walk.steps, walk.result).join('\n'),
    expected: fault ? { kind: 'outcome', outcome: 'page fault' } : { kind: 'address', value: walk.result, pageSize: PAGESIZE },
    outcomes: ['page fault'],
  };
}

/** The walk in words: the split of the address, each entry read, the permission check, the sum. */
function explain(setup: TranslateSetup, steps: WalkStep[], result: number): string[] {
  const { virt, kind } = setup;
  const offset = virt & 0xfff;
  const out = [`${hex32(virt, 8)} = directory index ${hex32(virt >>> 22, 3)} (va >> 22), table index `
    + `${hex32((virt >>> 12) & 0x3ff, 3)} ((va >> 12) & 0x3FF), offset ${hex32(offset, 3)} (va & 0xFFF).`];
  steps.forEach((step, i) => {
    const base = (step.address - step.index * 4) >>> 0;
    const read = `${i + 1}. ${step.level === 'directory' ? 'Directory' : 'Table'} entry ${hex32(step.index, 3)} at `
      + `${hex32(base, 8)} + ${hex32(step.index, 3)} * 4 = ${hex32(step.address, 8)} holds ${hex32(step.entry, 8)}`;
    if (!(step.entry & IntelEntry.Present)) out.push(`${read}: not present, so the MMU raises a page fault.`);
    else out.push(`${read}: present, ${step.level === 'directory' ? 'its table' : 'the frame'} is at ${hex32(step.entry & 0xfffff000, 8)}.`);
  });
  if (result === PageFault.NotPresent) return out;
  const n = steps.length + 1;
  const lacking = (bit: number) => steps.filter((s) => !(s.entry & bit)).map((s) => `the ${s.level} entry`).join(' and ');
  if (result === PageFault.KernelOnly) {
    out.push(`${n}. A user-mode access needs User (0x4) in both entries; ${lacking(IntelEntry.User)} lacks it: page fault.`);
    return out;
  }
  if (result === PageFault.ReadOnly) {
    out.push(`${n}. A user-mode write needs User (0x4) and Writable (0x2) in both entries; ${lacking(IntelEntry.Writable)} `
      + 'lacks Writable: page fault.');
    return out;
  }
  out.push(kind === 'write' ? `${n}. A user-mode write needs User (0x4) and Writable (0x2) in both entries: both have them.`
    : `${n}. A user-mode read needs User (0x4) in both entries: both have it.`);
  const frame = steps.at(-1)!.entry & 0xfffff000;
  out.push(`${n + 1}. Physical address = frame + offset = ${hex32(frame, 8)} + ${hex32(offset, 3)} = ${hex32(result, 8)}.`);
  return out;
}

/** The virtual address of a directory index, table index and offset. */
function address(directory: number, index: number, offset: number): number {
  return ((directory << 22) | (index << 12) | offset) >>> 0;
}

/** `count` different values from `draw`. */
function distinct(count: number, draw: () => number): number[] {
  const out: number[] = [];
  while (out.length < count) {
    const value = draw();
    if (!out.includes(value)) out.push(value);
  }
  return out;
}
