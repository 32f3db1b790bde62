// A process's page tables for the Page Tables panel: each directory entry with the mapping runs
// that fall in the virtual range it covers (runs that cross an entry's edge are cut in two), the
// section runs (the kernel's direct map) in words, and the live processes a caller may name.
import type { MachineArch, MachineDirectoryEntry, MachineMappingRun, MachineProcess } from '../../../electron/contract';
import { PAGE_SIZE } from './frames';
import { bytes, hex } from './numbers';

/** The virtual range one top-level entry covers: 4 MiB on Intel (1024 entries), 1 MiB on ARM (4096). */
export function sectionSizeOf(arch: MachineArch): number {
  return arch === 'intel' ? 4 * 1024 * 1024 : 1024 * 1024;
}

export interface EntryView extends MachineDirectoryEntry {
  /** The last virtual address the entry covers. */
  end: number;
  /** The process's mapping runs inside [virt, end], cut at the edges. */
  mappings: MachineMappingRun[];
}

/** The runs of `mappings` inside [from, from + size), cut to it (physical addresses move with the cut). */
export function mappingsIn(mappings: readonly MachineMappingRun[], from: number, size: number): MachineMappingRun[] {
  const to = from + size;
  const out: MachineMappingRun[] = [];
  for (const m of mappings) {
    const end = m.virt + m.pages * PAGE_SIZE;
    if (end <= from || m.virt >= to) continue;
    const virt = Math.max(from, m.virt);
    const last = Math.min(to, end);
    out.push({ ...m, virt, phys: m.phys + (virt - m.virt), pages: (last - virt) / PAGE_SIZE });
  }
  return out;
}

/** The directory entries of `process`, each with its mappings; assumes entry.virt = index × section size. */
export function directoryView(process: MachineProcess, arch: MachineArch): EntryView[] {
  const size = sectionSizeOf(arch);
  return process.directory.map((entry) => ({ ...entry, end: entry.virt + size - 1, mappings: mappingsIn(process.mappings, entry.virt, size) }));
}

/** 'entries 0–223 map 896 MiB directly at 0x00000000–0x37FFFFFF' for each section run. */
export function sectionLines(process: MachineProcess): string[] {
  return process.sections.map((s) => {
    const entries = s.count === 1 ? `entry ${s.index} maps` : `entries ${s.index}–${s.index + s.count - 1} map`;
    return `${entries} ${bytes(s.size)} directly at ${hex(s.virt)}–${hex(s.virt + s.size - 1)}`;
  });
}

/** Processes that can make a call (not zombies), lowest pid first. */
export function liveProcesses(processes: readonly MachineProcess[]): MachineProcess[] {
  return processes.filter((p) => p.state !== 'Zombie');
}

/** The end of a run: its last virtual and physical byte. */
export function runEnd(run: MachineMappingRun): { virt: number; phys: number } {
  return { virt: run.virt + run.pages * PAGE_SIZE - 1, phys: run.phys + run.pages * PAGE_SIZE - 1 };
}
