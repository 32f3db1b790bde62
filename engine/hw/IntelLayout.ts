// IntelLayout: Intel 32-bit two-level paging as the hardware defines it. Kernel policy (what is mapped,
// where tables come from) lives in engine/kernel/IntelPaging.ts; this file is only the layout.
//
//   virtual address:  [31 ...... 22][21 ...... 12][11 ........ 0]
//                      directory      table          byte in page
//                      (1024 x 4 MiB) (1024 x 4 KiB)
//
//   directory entry:  [31 ... 12] table's physical page  | 0x80 4 MiB page | 0x4 User | 0x2 Writable | 0x1 Present
//   table entry:      [31 ... 12] page's physical frame  |                  0x4 User | 0x2 Writable | 0x1 Present
//   a 4 MiB directory entry maps [31 ... 22] directly; the table level is skipped.

export const PageSize = 4096;
export const PageShift = 12;
export const DirectoryShift = 22;
export const DirectoryEntries = 1024;
export const TableEntries = 1024;
export const PageMask = 0xfffff000;
/** A "section": what one directory entry spans (4 MiB). */
export const SectionSize = 4 * 1024 * 1024;
export const SectionMask = 0xffc00000;

/** Bits of a directory or table entry. Readable and Executable have no bit on Intel. */
export enum IntelEntry {
  Present = 0x001,
  Writable = 0x002,
  User = 0x004,
  Large = 0x080,
  /** Bit 9, left to software by the hardware: the lab's copy-on-write marker (FreeNOS has no fork). */
  CopyOnWrite = 0x200,
}

/** Directory index of a virtual address (va >> 22). */
export function directoryIndex(virt: number): number {
  return virt >>> DirectoryShift;
}

/** Table index of a virtual address ((va >> 12) & 0x3FF). */
export function tableIndex(virt: number): number {
  return (virt >>> PageShift) & 0x3ff;
}
