// ARMLayout: ARMv6/v7 short-descriptor paging as the hardware defines it. Kernel policy (what is
// mapped, where tables come from, which bits a Memory access becomes) lives in
// engine/kernel/ARMPaging.ts; this file is only the layout.
//
//   virtual address:  [31 .......... 20][19 .... 12][11 ........ 0]
//                      first level        second      byte in page
//                      (4096 x 1 MiB)     (256 x 4 KiB)
//
//   first level, 16 KiB (4096 words), at TTBR0:
//     table:    [31 ...... 10] second-level table's physical address                  | 0x1 Table
//     section:  [31 .. 20] section's physical base | 0x8000 APX (v7; v6: 0x200) | 0x1000 TEX
//               | 0x800 AP-user | 0x400 AP-system | 0x10 No-execute | 0x8 Cache | 0x4 Buffer | 0x2 Section
//     neither Table nor Section: a fault (nothing mapped in that 1 MiB)
//   second level, 1 KiB (256 words), spans the 1 MiB of its first-level entry:
//     small page: [31 .. 12] page's physical frame | 0x200 APX | 0x40 TEX | 0x20 AP-user
//               | 0x10 AP-system | 0x8 Cache | 0x4 Buffer | 0x2 Present | 0x1 No-execute
//   a section maps [31 ... 20] directly; the second level is skipped.
//
// Access permissions (AP bits): AP-user allows user (PL0) access; APX makes the mapping read-only
// in every mode. Caching: Buffer alone = device memory; TEX alone = normal uncached; TEX|Cache|Buffer
// = normal write-back.

export const PageSize = 4096;
export const PageShift = 12;
export const DirectoryShift = 20;
/** First-level entries: 4096 words, a 16 KiB table that the hardware wants 16 KiB aligned. */
export const DirectoryEntries = 4096;
export const DirectorySize = DirectoryEntries * 4;
/** Second-level entries: 256 words, a 1 KiB table. */
export const TableEntries = 256;
export const TableSize = TableEntries * 4;
export const PageMask = 0xfffff000;
/** Where a first-level table entry keeps its second-level table's address (1 KiB aligned). */
export const TableMask = 0xfffffc00;
/** A "section": what one first-level entry spans (1 MiB). */
export const SectionSize = 1024 * 1024;
export const SectionMask = 0xfff00000;

/** The architecture version: only the first-level read-only (APX) bit differs. */
export type ARMVersion = 6 | 7;

/** Bits of a first-level entry. The read-only bit depends on the version: see firstLevelReadOnly(). */
export enum ARMFirstLevel {
  Table = 0x1,
  Section = 0x2,
  Buffer = 0x4,
  Cache = 0x8,
  NoExecute = 0x10,
  /** APX on ARMv6 (bit 9). */
  ReadOnlyV6 = 0x200,
  AccessSystem = 0x400,
  AccessUser = 0x800,
  TypeExtension = 0x1000,
  /** APX on ARMv7 (bit 15). */
  ReadOnlyV7 = 0x8000,
}

/** Bits of a second-level (small page) entry; the same on ARMv6 and ARMv7. */
export enum ARMSecondLevel {
  NoExecute = 0x1,
  Present = 0x2,
  Buffer = 0x4,
  Cache = 0x8,
  AccessSystem = 0x10,
  AccessUser = 0x20,
  TypeExtension = 0x40,
  ReadOnly = 0x200,
}

/** The first-level read-only (APX) bit: 0x8000 on ARMv7, 0x200 on ARMv6. */
export function firstLevelReadOnly(version: ARMVersion): number {
  return version === 6 ? ARMFirstLevel.ReadOnlyV6 : ARMFirstLevel.ReadOnlyV7;
}

/** First-level index of a virtual address (va >> 20). */
export function directoryIndex(virt: number): number {
  return virt >>> DirectoryShift;
}

/** Second-level index of a virtual address ((va >> 12) & 0xFF). */
export function tableIndex(virt: number): number {
  return (virt >>> PageShift) & 0xff;
}
