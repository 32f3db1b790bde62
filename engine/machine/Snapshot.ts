// Snapshot: the machine's state as plain data for the views, cheap to compare between two
// moments: who owns each physical frame (typed arrays, one slot per frame), each process's
// present page-table entries with their flags, and how many pages each region uses.
import type { Kernel } from '../kernel/Kernel';
import { PAGESIZE } from '../kernel/MemoryContext';
import { Region } from '../kernel/MemoryMap';
import { ProcessState, type Process } from '../kernel/Process';
import type { ProcessManager } from '../kernel/ProcessManager';
import { RegionNames, type RegionName } from './Program';

export enum FrameOwner {
  Free = 0,
  /** Reserved for the hardware: Intel's first MiB (BIOS, devices); ARM's page 0 and boot stack. */
  Firmware = 1,
  KernelImage = 2,
  BootImage = 3,
  KernelHeap = 4,
  /** A top-level table: Intel page directory (the kernel's lives in its image), ARM first-level table. */
  Directory = 5,
  PageTable = 6,
  KernelStack = 7,
  /** A page mapped in one process's user region (see `region`). */
  Process = 8,
  /** A kernel channel or VMShare page. */
  Share = 9,
  /** A page mapped by more than one process (copy-on-write). */
  Shared = 10,
  /** Allocated, but nothing above accounts for it (a leak, or a page in transit). */
  Unknown = 11,
}

export interface FrameMap {
  /** One entry per RAM page: FrameOwner, owning pid (-1 for none), Region of a Process page (-1 for none). */
  owner: Uint8Array;
  pid: Int16Array;
  region: Int8Array;
  /** How many page-table entries point at each frame. */
  mappings: Uint16Array;
}

export interface TableEntry {
  virt: number;
  phys: number;
  /** The entry's low 12 bits as the architecture lays them out (Intel: Present 0x1, Writable 0x2...). */
  flags: number;
  /** The same as Memory.Access flags, and the kernel's copy-on-write mark: alike on every architecture. */
  access: number;
  copyOnWrite: boolean;
}

/** Who owns every frame of RAM now. */
export function frameMap(kernel: Kernel, processes: ProcessManager): FrameMap {
  const count = kernel.memory.size / PAGESIZE;
  const map: FrameMap = {
    owner: new Uint8Array(count), pid: new Int16Array(count).fill(-1), region: new Int8Array(count).fill(-1), mappings: new Uint16Array(count),
  };
  for (let frame = 0; frame < count; frame++) {
    if (kernel.allocator.isAllocated(frame * PAGESIZE)) map.owner[frame] = FrameOwner.Unknown;
  }
  const claim = (phys: number, owner: FrameOwner, pid = -1, region = -1) => {
    const frame = Math.floor(phys / PAGESIZE);
    if (frame >= count) return;
    map.owner[frame] = owner;
    map.pid[frame] = pid;
    map.region[frame] = region;
  };
  const { firmware, kernelImage, bootImage, heap, directory, directorySize } = kernel.layout;
  const areas: [{ address: number; size: number }, FrameOwner][] = [
    ...firmware.map((area): [{ address: number; size: number }, FrameOwner] => [area, FrameOwner.Firmware]),
    [kernelImage, FrameOwner.KernelImage], [bootImage, FrameOwner.BootImage], [heap, FrameOwner.KernelHeap],
    [{ address: directory, size: directorySize }, FrameOwner.Directory]];
  for (const [area, owner] of areas) {
    for (let page = area.address - (area.address % PAGESIZE); page < area.address + area.size; page += PAGESIZE) claim(page, owner);
  }
  for (const process of processes.all()) {
    if (process.state === ProcessState.Zombie || process.context.root() === 0) continue;
    const root = process.context.root();
    for (let page = 0; page < process.context.rootSize; page += PAGESIZE) claim(root + page, FrameOwner.Directory, process.id);
    if (process.kernelStack) claim(process.kernelStack, FrameOwner.KernelStack, process.id);
    for (const share of process.shares) {
      for (let page = 0; page < share.size; page += PAGESIZE) claim(share.phys + page, FrameOwner.Share, process.id, Region.UserShare);
    }
    for (const table of ownTables(kernel, process)) claim(table, FrameOwner.PageTable, process.id);
    for (const entry of pageTable(process)) {
      const frame = Math.floor(entry.phys / PAGESIZE);
      if (frame >= count) continue;
      map.mappings[frame]!++;
      if (map.owner[frame] === FrameOwner.Share) continue;
      const region = process.memoryMap.regionOf(entry.virt) ?? -1;
      if (map.owner[frame] === FrameOwner.Process && map.pid[frame] !== process.id) claim(entry.phys, FrameOwner.Shared, -1, region);
      else if (map.owner[frame] !== FrameOwner.Shared) claim(entry.phys, FrameOwner.Process, process.id, region);
    }
  }
  return map;
}

/** The second-level tables a process owns: every table of its top-level table that the kernel's does not share. */
export function ownTables(kernel: Kernel, process: Process): number[] {
  const tables: number[] = [];
  const kernelDirectory = kernel.layout.directory;
  for (const { index, value, table } of process.context.directoryEntries()) {
    if (table === null) continue;
    if (kernel.memory.read32(kernelDirectory + index * 4) === value) continue;
    tables.push(table);
  }
  return tables;
}

/** Every present 4 KiB mapping of the process (the kernel's 4 MiB pages or 1 MiB sections skipped), lowest address first. */
export function pageTable(process: Process): TableEntry[] {
  const out: TableEntry[] = [];
  const { sectionSize } = process.context;
  for (const { index, table } of process.context.directoryEntries()) {
    if (table === null) continue;
    for (const m of process.context.mappings({ virt: index * sectionSize, size: sectionSize })) {
      out.push({ virt: m.virt, phys: m.phys, flags: m.entry & 0xfff, access: m.access, copyOnWrite: m.copyOnWrite });
    }
  }
  return out;
}

/** Pages mapped in each user region of the process. */
export function regionUsage(process: Process): Record<RegionName, { pages: number; bytes: number }> {
  const usage = Object.fromEntries(RegionNames.map((name) => [name, { pages: 0, bytes: 0 }])) as Record<RegionName, { pages: number; bytes: number }>;
  for (const name of RegionNames) {
    const pages = process.context.mappings(process.memoryMap.range(Region[name])).length;
    usage[name] = { pages, bytes: pages * PAGESIZE };
  }
  return usage;
}

/** Frames whose owner, pid or region differ between two frame maps. */
export function changedFrames(before: FrameMap, after: FrameMap): number[] {
  const changed: number[] = [];
  for (let i = 0; i < before.owner.length; i++) {
    if (before.owner[i] !== after.owner[i] || before.pid[i] !== after.pid[i] || before.region[i] !== after.region[i]) changed.push(i);
  }
  return changed;
}

/** How many frames each owner has, by name, for summaries. */
export function ownerCounts(map: FrameMap): Record<string, number> {
  const counts: Record<string, number> = {};
  map.owner.forEach((owner) => {
    const name = FrameOwner[owner]!;
    counts[name] = (counts[name] ?? 0) + 1;
  });
  return counts;
}
